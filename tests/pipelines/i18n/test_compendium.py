"""The Dutch kept ready for the migration of dashboard/glossary.py (nl/compendium.po): it
passes the catalogue checks now, its msgids are English, and ``update`` takes from it."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.i18n import checks
from pipelines.i18n.catalogues import (
    compendium_path,
    fill_from_compendium,
    read_catalogue,
    template_path,
)
from pipelines.i18n.glossary import read_template
from tests.pipelines.i18n.conftest import write_po


def test_compendium_passes_the_entry_and_term_checks() -> None:
    assert checks.compendium_problems() == []


def test_compendium_msgids_are_english() -> None:
    # issue 27: English on request is English; the Dutch terms live in the translations
    dutch = [e.msgid for e in read_template(template_path("glossary"))
             if e.msgid not in {"audit", "component", "attest", "sanctie", "certificaat"}]
    pattern = re.compile(rf"\b({'|'.join(map(re.escape, dutch))})", re.IGNORECASE)
    offenders = [m.id for m in read_catalogue(compendium_path("nl"), "nl") if m.id
                 and pattern.search(re.sub(r"bijlage [IVX/]+", "", m.id))]
    assert offenders == []


def test_update_fills_only_empty_entries_with_the_same_msgid(tmp_path: Path) -> None:
    compendium = write_po(tmp_path / "compendium.po",
                          'msgid "Overview"\nmsgstr "Overzicht"\n\n'
                          'msgid "Worklist"\nmsgstr "Werklijst"\n\n'
                          'msgctxt "invoice"\nmsgid "Open"\nmsgstr "Openstaand"\n\n'
                          '#, fuzzy\nmsgid "Billing"\nmsgstr "Facturen?"\n')
    po = write_po(tmp_path / "messages.po",
                  'msgid "Overview"\nmsgstr ""\n\n'
                  'msgid "Worklist"\nmsgstr "Takenlijst"\n\n'  # translated: left alone
                  'msgctxt "link"\nmsgid "Open"\nmsgstr ""\n\n'  # another context
                  'msgid "Billing"\nmsgstr ""\n\n'  # only a fuzzy guess: not taken
                  'msgid "Imports"\nmsgstr ""\n')
    assert fill_from_compendium(po, compendium, "nl") == ["Overview"]
    strings = {(m.context, m.id): m.string for m in read_catalogue(po, "nl") if m.id}
    assert strings == {(None, "Overview"): "Overzicht", (None, "Worklist"): "Takenlijst",
                       ("link", "Open"): "", (None, "Billing"): "", (None, "Imports"): ""}
