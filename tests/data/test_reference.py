"""The reference data is what the sources say: every limit value of BRL 9341 bijlage III
and IV is checked against the seed text itself, not against a copy of the CSV."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SOURCES_DIR

BRL = (SOURCES_DIR / "brl-9341-steenachtige-substraten.txt").read_text(encoding="utf-8")


def seed_table(title_start: str) -> dict[str, float]:
    """name -> value from the tab-separated table following the given title line."""
    lines = BRL[BRL.index(title_start):].splitlines()[1:]
    values: dict[str, float] = {}
    started = False
    for line in lines:
        if "\t" not in line:
            if started and line.strip():
                break
            continue
        name, value = line.split("\t")[:2]
        if name.lower().startswith("component"):
            started = True
            continue
        name = re.sub(r"\s*<sup>.*?</sup>|\s*\(.*?\)", "", name).strip().lower()
        values[name] = float(value.replace(".", "").replace(",", "."))
    return values


SEED_LIMITS = seed_table("Tabel 1. Maximum samenstellingswaarden") | seed_table(
    "Tabel 2. Maximum emissiewaarden")


def test_seed_tables_were_found():
    # bijlage III has 8 organic components, bijlage IV 19 inorganic ones
    assert len(SEED_LIMITS) == 27


@pytest.mark.parametrize("seed_name", sorted(SEED_LIMITS))
def test_limit_equals_seed_text(store, seed_name):
    current = store.sql(
        """
        select l.limit_value
        from ref_limits l join ref_components c using (component)
        where (lower(c.name_nl) = $n or lower(c.name_nl) like $n || ' %'
               or (c.component = 'chromium' and $n = 'chrom'))
          and l.valid_to is null
        """, params={"n": seed_name}).fetchall()
    assert current == [(SEED_LIMITS[seed_name],)]


def test_sulfate_transition_value_from_footnote(store):
    # bijlage IV voetnoot 1: "... geldt een maximale emissiewaarde van 2.430 mg/kg d.s."
    assert "maximale emissiewaarde van 2.430 mg/kg d.s." in BRL
    rows = store.sql("select limit_value, valid_from, valid_to from ref_limits"
                     " where component = 'sulfate' order by valid_from").fetchall()
    assert [r[0] for r in rows] == [2430.0, 1730.0]
    transitional, permanent = rows
    # the periods touch without a gap or an overlap
    assert (permanent[1] - transitional[2]).days == 1


def test_every_component_has_a_limit_and_its_aliases(store):
    missing = store.sql("select component from ref_components anti join ref_limits"
                        " using (component)").fetchall()
    assert missing == []
    aliases = dict(store.sql("select alias, component from ref_component_aliases").fetchall())
    # Dutch name, English name and chemical symbol all resolve (contract: lab `component`)
    assert aliases["arseen"] == aliases["arsenic"] == aliases["as"] == "arsenic"
    assert aliases["zink"] == aliases["zn"] == "zinc"
    assert aliases["sulfaat"] == "sulfate"


def test_k_class_boundaries_follow_bijlage_ii(store):
    # BRL 9341 bijlage II, toetsing op variabelen: the k boundaries for n = 5 and n = 10
    rows = store.sql("select n_window, k_lower from ref_k_classes where k_lower is not null"
                     " order by n_window, k_lower").fetchall()
    assert rows == [(5, 0.69), (5, 1.46), (5, 2.74), (5, 4.67), (5, 6.12),
                    (10, 0.44), (10, 1.07), (10, 2.07), (10, 3.53), (10, 4.63)]
    for _n, value in rows:
        assert f"{value:.2f}".replace(".", ",") in BRL
