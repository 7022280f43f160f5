"""Translation and notation in the reader's language (issue 27): Dutch by default.

Below both the dashboard and the pipelines (the report, the digest and the CLI use it too);
nothing here imports dashboard/. docs/i18n.md describes the design and the workflow.

    from pipelines.i18n import _, ngettext, term, fmt
    _("Overview")                      # "Overzicht" in Dutch
    term("partij", 2)                  # "partijen" / "lots"
    fmt.money(49252.40)                # "€ 49.252,40" / "€49,252.40"
"""

from __future__ import annotations

from pipelines.i18n import formatting as fmt
from pipelines.i18n.language import (
    CLI_DEFAULT_LANGUAGE,
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    cli_language,
    current_language,
    normalize,
    set_session_provider,
    use_language,
)
from pipelines.i18n.translation import N_, _, gettext, ngettext, npgettext, pgettext, term

__all__ = [
    "CLI_DEFAULT_LANGUAGE", "DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_NAMES", "N_", "_",
    "cli_language", "current_language", "fmt", "gettext", "ngettext", "normalize",
    "npgettext", "pgettext", "set_session_provider", "term", "use_language",
]
