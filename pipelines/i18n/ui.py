"""Labels of the language choice itself (the sidebar picker, the CLI's ``--lang`` help).
Marked with ``N_`` and translated where shown: ``_(LANGUAGE_LABEL)``."""

from __future__ import annotations

from pipelines.i18n.translation import N_

LANGUAGE_LABEL = N_("Language")
LANGUAGE_HELP = N_("The language of the pages, the exports and the reports. Kept for your "
                   "account and in the link.")
LANG_OPTION_HELP = N_("Language of the output: nl (Dutch) or en (English); default: "
                      "CERT_LANG, else Dutch.")
