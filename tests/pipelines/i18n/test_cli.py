"""python -m pipelines.i18n: quote prints a glossary line that passes the quote check;
compile writes every .mo; update fills new entries from the compendium."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

from pipelines.i18n import __main__ as cli
from pipelines.i18n import catalogues
from pipelines.i18n.glossary import quote_in_source
from tests.pipelines.i18n.conftest import write_po


def test_quote_prints_ready_glossary_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["quote", "bepalingsgrens"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4  # bepalingsgrens is 4 times in data/sources (grep -c)
    for line in lines:
        match = re.fullmatch(r'([\w.-]+):\d+: bron: \1: "(.+)"', line)
        assert match, line
        assert "bepalingsgrens" in match[2].lower() and quote_in_source(match[1], match[2])


def test_compile_writes_every_mo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(cli.checks, "REPO_ROOT", tmp_path)
    write_po(tmp_path / "nl" / "LC_MESSAGES" / "messages.po",
             'msgid "Overview"\nmsgstr "Overzicht"\n')
    write_po(tmp_path / "en" / "LC_MESSAGES" / "glossary.po",
             'msgid "partij"\nmsgid_plural "partijen"\nmsgstr[0] "lot"\nmsgstr[1] "lots"\n',
             lang="en")
    assert cli.main(["compile"]) == 0
    assert sorted(capsys.readouterr().out.split()) == [
        "en/LC_MESSAGES/glossary.mo", "nl/LC_MESSAGES/messages.mo"]
    with (tmp_path / "en" / "LC_MESSAGES" / "glossary.mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).ngettext("partij", "partijen", 2) == "lots"


def test_usage_error_without_a_term() -> None:
    with pytest.raises(SystemExit):
        cli.main(["quote"])
