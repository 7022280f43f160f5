"""Every page in Dutch (issue 27 point 5, docs/i18n.md step 7): each role's pages, every
section of the pages that have sections, and the pages without a login, rendered with
``?lang=nl``. A page fails when it shows a string of the English catalogue untranslated or
a number or date in English notation (tests/dashboard/i18n_support.py), or when it raises.

The store is the management pages' hand-made one (tests/dashboard/mgmt_store.py): it has
rows for every page (BRL 9341 lots, PKVW deviations, invoices), so the pages draw their
tables, metrics and notes rather than their empty states only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES_DIR, pages_for
from dashboard.viewer import Viewer, producer, staff
from tests.dashboard.first_page import run_on_page
from tests.dashboard.i18n_support import dutch_page_problems, rendered_text
from tests.dashboard.mgmt_app import APP
from tests.dashboard.mgmt_store import AS_OF, build

VIEWERS: dict[str, Viewer] = {
    "management": staff("management", "beheer", username="beheer"),
    "finance": staff("finance", "financien", username="financien"),
    "college": staff("college", "college", username="college"),
    "producer": producer("Groen Substraat BV", ("BRL-001",), ("H1",), username="producent"),
    "admin": staff("admin", "admin", username="admin"),
}
# Pages whose sections run only when chosen (url_sections): each section is a page of its own.
SECTIONS = {
    "certificates": ("section", ("register", "detail", "audits", "deviations", "pkvw",
                                 "complaints", "stops", "findings", "public")),
    "billing": ("section", ("check", "receivables", "revenue", "no_times")),
    "sampling-plan": ("view", ("Per component", "Regime per site × product",
                               "Lots not tested")),
    "lots": ("view", ("Lots", "Components", "Chart")),
}


@pytest.fixture(scope="module", autouse=True)
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build(tmp_path_factory.mktemp("dutch") / "mgmt.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CERT_DB", str(path))
        yield path


def _cases() -> list[tuple[str, str, dict[str, str]]]:
    cases = []
    for role, viewer in VIEWERS.items():
        for spec in pages_for(viewer):
            param, values = SECTIONS.get(spec.url_path, (None, (None,)))
            for value in values:
                params = {param: value} if param and value else {}
                if spec.url_path == "certificates" and value == "detail":
                    params["certificate"] = "P1"  # the timeline of a suspended one
                cases.append((role, spec.file, params))
    return cases


def open_in_dutch(viewer: Viewer | None, file: str | None,
                  params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if viewer is not None:
        at.session_state["viewer"] = viewer
        at.session_state["as_of"] = AS_OF
    at.query_params["lang"] = "nl"  # CERT_LANG is "en" in these tests (conftest)
    for key, value in params.items():
        at.query_params[key] = value
    at = run_on_page(at, file) if file else at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("role", "file", "params"), _cases(),
                         ids=lambda v: v if isinstance(v, str) else
                         ",".join(f"{k}={x}" for k, x in v.items()))
def test_every_page_of_every_role_in_dutch(role: str, file: str,
                                           params: dict[str, str]) -> None:
    at = open_in_dutch(VIEWERS[role], file, params)
    # no exclusions: the texts the SQL views build come with message keys (issue 27 step 4)
    # and the report's labels through the catalogue (step 3)
    assert dutch_page_problems(at) == []


@pytest.mark.parametrize("file", [None, "verify.py", "register.py"])
def test_pages_without_a_login_in_dutch(file: str | None) -> None:
    at = open_in_dutch(None, file, {})
    assert dutch_page_problems(at) == []
    if file is None:  # the login page
        assert [t.value for t in at.title] == ["Inloggen"]
        assert at.text_input(key="login_username").label == "Gebruikersnaam"
        assert at.selectbox(key="lang_picker").label == "Taal"


def test_verify_answers_in_dutch() -> None:
    at = open_in_dutch(None, "verify.py", {"certificate": "NO-SUCH-1"})
    assert dutch_page_problems(at) == []
    assert any("Geen certificaat met dit nummer" in i.value for i in at.info)


def test_the_dutch_pages_are_dutch() -> None:
    """Hand-checked Dutch on the producer's home page and the Overview: the glossary's terms,
    the dates and the money in Dutch notation (no English text passes as 'no problem')."""
    home = open_in_dutch(VIEWERS["producer"], "my_certificates.py", {})
    text = rendered_text(home)
    assert [t.value for t in home.title] == ["Mijn certificaten"]
    assert "Groen Substraat BV, per 30 juni 2025." in text  # AS_OF, Dutch
    assert "Open afwijkingen" in text and "Keuringsplan en partijen" in text
    overview = open_in_dutch(VIEWERS["management"], "overview.py", {})
    tiles = {m.label: m.value for m in overview.metric}
    # INV1: 121.00 incl. VAT unpaid (mgmt_store): Dutch money, CLDR's no-break space
    assert tiles["Openstaand"] == "€\xa0121,00"
    assert tiles["Partijen gekeurd (12 maanden)"] == "2"
    assert tiles["Partijen conform (12 maanden)"] == "50%"
    assert "Per 30 juni 2025; de verandering op elke tegel is ten opzichte van dezelfde datum " \
           "een jaar eerder." in text_of(overview)
    # the navigation in Dutch, the sections too
    sidebar = rendered_text(overview)
    assert "Overzicht" in sidebar


def text_of(at: AppTest) -> str:
    return rendered_text(at)


def test_the_page_files_exist_for_every_case() -> None:
    # a renamed page must not silently drop out of the Dutch check
    files = {file for _role, file, _params in _cases()}
    assert files == {spec.file for viewer in VIEWERS.values() for spec in pages_for(viewer)}
    assert all((PAGES_DIR / file).exists() for file in files)
    assert len(files) >= 14


def test_every_column_a_page_lists_has_a_header_in_the_glossary() -> None:
    """A column a page shows by name (show_table's ``columns=[...]``) without an entry in
    glossary.COLUMNS is headed by its bare English name ("Started at") on a Dutch page,
    which the catalogue checks above cannot see (it is in no catalogue). A page's own
    column_config label counts as its header."""
    import ast

    from dashboard import glossary

    missing: list[str] = []
    for page in sorted(Path(PAGES_DIR).glob("*.py")):
        for call in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            listed = keywords.get("columns")
            if not isinstance(listed, (ast.List, ast.Tuple)):
                continue
            own = keywords.get("column_config")
            own_labels = {k.value for k in own.keys if isinstance(k, ast.Constant)} \
                if isinstance(own, ast.Dict) else set()
            missing += [f"{page.name}: {e.value}" for e in listed.elts
                        if isinstance(e, ast.Constant) and e.value not in glossary.COLUMNS
                        and e.value not in own_labels]
    assert missing == []
