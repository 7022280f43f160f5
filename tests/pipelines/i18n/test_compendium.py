"""The Dutch kept ready for the migration of dashboard/glossary.py (nl/compendium.po): it
passes the catalogue checks now, its msgids are English, and ``update`` takes from it."""

from __future__ import annotations

from pathlib import Path

from pipelines.i18n import checks
from pipelines.i18n.catalogues import (
    compendium_path,
    fill_from_compendium,
    read_catalogue,
)
from tests.pipelines.i18n.conftest import write_po


def test_compendium_passes_the_entry_and_term_checks() -> None:
    assert checks.compendium_problems() == []


def test_compendium_msgids_are_english() -> None:
    catalogue = read_catalogue(compendium_path("nl"), "nl")
    assert checks.dutch_in_english(catalogue, "compendium") == []


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
