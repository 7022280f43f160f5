"""Files refused whole (issue 27): every ``UnreadableFile`` is raised with a key of
``pipelines.i18n.keys.REFUSALS`` and its values; ``str(exc)`` is the English sentence as
before, the key shows it in Dutch. Expected texts written by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.i18n.catalogues import translations
from pipelines.i18n.keys import REFUSALS
from pipelines.ingest import UnreadableFile, ingest_file
from tests.pipelines.conftest import CliRun

INGEST = Path(__file__).resolve().parents[3] / "pipelines" / "ingest"

# a lab file without its component column (stof, parameter)
NO_COMPONENT = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,value,unit,"
                "lab,lab_report_id\n"
                "BRL-002,S2,daktuinsubstraat,L5,M9,2024-09-01,0.4,mg/kg ds,Lab,R9\n")


def _raises() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(INGEST.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    getattr(node.exc.func, "id", None) == "UnreadableFile":
                found.append((path.name, node.lineno, node.exc))
    return found


def test_every_refusal_in_pipelines_ingest_uses_a_key_of_the_catalogue() -> None:
    raises = _raises()
    assert len(raises) >= 20  # read.py, validate.py, sikb0101.py, __init__.py
    assert {name for name, _, _ in raises} >= {"read.py", "validate.py", "sikb0101.py",
                                               "__init__.py"}
    dutch = translations("nl", "messages")
    for name, line, call in raises:
        where = f"{name}:{line}"
        assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant), where
        key = call.args[0].value
        assert key in REFUSALS, where
        # the values given are the template's placeholders, no more, no fewer
        template = REFUSALS[key]
        named = {k.arg for k in call.keywords}
        assert named == _placeholders(template), where
        assert dutch.gettext(template) != template, where  # the Dutch is written


def _placeholders(template: str) -> set[str]:
    import string

    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_the_english_text_is_unchanged_and_the_dutch_is_the_catalogues() -> None:
    exc = UnreadableFile("missing_columns", line=1, columns="component (stof)", kind="lab")
    assert str(exc) == "line 1: missing column component (stof) for a lab file"
    assert exc.in_language("nl") == \
        "regel 1: kolom component (stof) ontbreekt voor een bestand van de soort lab"
    assert exc.in_language("en") == str(exc)
    both = UnreadableFile("columns_both", line=1, first="'naam'", second="'name'",
                          column="name")
    assert str(both) == "line 1: columns 'naam' and 'name' both give name; keep one"
    assert both.in_language("nl") == \
        "regel 1: kolommen 'naam' en 'name' geven allebei name; houd er één"


def test_a_refused_file_keeps_its_english_error_and_renders_in_dutch(
        store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(NO_COMPONENT)
    result = ingest_file(store, path, "lab")
    assert result.error == "line 1: missing column component (stof) for a lab file"
    assert (result.error_key, result.error_args) == (
        "missing_columns", {"line": 1, "columns": "component (stof)", "kind": "lab"})
    assert result.summary == f"{path}: not ingested: {result.error}"
    assert result.summary_in("nl") == (
        f"{path}: niet ingelezen: regel 1: kolom component (stof) ontbreekt voor een "
        "bestand van de soort lab")


@pytest.mark.parametrize("lang, expected", [
    (None, "line 1: missing column component (stof) for a lab file"),
    ("nl", "regel 1: kolom component (stof) ontbreekt voor een bestand van de soort lab"),
])
def test_the_command_line_says_the_refusal_in_cert_langs_language(
        cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None,
        expected: str) -> None:
    if lang is None:
        monkeypatch.delenv("CERT_LANG", raising=False)
    else:
        monkeypatch.setenv("CERT_LANG", lang)
    path = tmp_path / "lab.csv"
    path.write_text(NO_COMPONENT)
    done = cli("ingest", "--db", str(tmp_path / "s.duckdb"), "--kind", "lab", str(path))
    assert done.returncode == 1
    verb = "niet ingelezen" if lang else "not ingested"
    assert done.stdout.splitlines() == [f"{path}: {verb}: {expected}"]


def test_a_header_that_cannot_be_split_is_refused_in_both_languages(tmp_path: Path) -> None:
    from pipelines.ingest.read import read_file

    path = tmp_path / "sites.csv"
    path.write_text('site_id,"certificate"x_number\nS1,K1\n', encoding="utf-8")
    with pytest.raises(UnreadableFile) as refused:
        read_file(path)
    assert str(refused.value) == ('line 1: text after the closing quote of field 2; a quote '
                                  'inside a quoted field is written twice ("")')
    assert refused.value.in_language("nl") == (
        "regel 1: tekst na het sluitende aanhalingsteken van veld 2; een aanhalingsteken "
        'binnen een veld tussen aanhalingstekens wordt dubbel geschreven ("")')


def test_a_data_lines_problem_stays_the_english_reason(tmp_path: Path) -> None:
    from pipelines.ingest.read import read_file

    path = tmp_path / "sites.csv"
    path.write_text('site_id,certificate_number\nS1,"K1\nS2,K2\n', encoding="utf-8")
    errors = read_file(path).line_errors
    assert errors is not None
    assert errors["reason"].to_list() == [
        "field 2 opens a quote that this line does not close"]
    assert errors["reason"].dtype == pl.String
