"""Issue 8, lot status: "no limit known", the package tested, the provisional sulfate limit.

Expected values worked out by hand from data/sources/brl-9341-steenachtige-substraten.txt:
bijlage III tabel 1 (8 organic components) and bijlage IV tabel 2 (19 inorganic components)
make a package of 27 components; arsenic 0,9 and lead 2,3 mg/kg d.s. (bijlage IV); sulfate
1730, footnote 1: 2.430 for a transition period the seed does not date.
"""

from __future__ import annotations

from datetime import date

import duckdb

from tests.sql.test_brl9341_helpers import add_analysis, add_site, refreshed, set_as_of

STATUS = ("select lot_id, compliant, limit_known, status, n_components_tested,"
          " n_components_in_package, status_text from lot_status order by lot_id")


def test_lot_before_any_limit_is_no_limit_known(store: duckdb.DuckDBPyConnection) -> None:
    # Issue 8, measured case: a 2015 lot with arsenic 5.0 mg/kg showed compliant because
    # the reference data started in 2016. The limits are those of the Besluit bodemkwaliteit
    # (BRL 9341 §4.2, §10.1.1: Stb. 2007, 469), applying since 2008: 5.0 > 0.9 exceeds.
    # A lot of 2005 has no limit in the reference data: "no limit known", never compliant.
    add_site(store, "S1")
    add_analysis(store, "S1", "L2015", "arsenic", 5.0, date(2015, 6, 1))
    add_analysis(store, "S1", "L2005", "arsenic", 0.1, date(2005, 6, 1))
    refreshed(store)  # the stored lot tables, as ingestion does
    set_as_of(store, date(2026, 1, 1))
    comp = store.execute("select lot_id, limit_value, exceeds, limit_known from lot_compliance"
                         " order by lot_id").fetchall()
    assert comp == [("L2005", None, None, False), ("L2015", 0.9, True, True)]
    rows = store.execute(STATUS).fetchall()
    assert [r[:4] for r in rows] == [("L2005", False, False, "no_limit_known"),
                                     ("L2015", False, True, "exceeds")]
    assert rows[0][6] == "no limit known for 1 of 1 components on 2005-06-01"


def test_limits_valid_from_2008(store: duckdb.DuckDBPyConnection) -> None:
    # Every limit of bijlage III/IV applies from the Besluit bodemkwaliteit (2008-01-01):
    # 27 components have a limit on 2008-01-01 and none on 2007-12-31.
    on = "select count(distinct component) from ref_limits where valid_from <= ? and" \
         " (valid_to is null or valid_to >= ?)"
    assert store.execute(on, [date(2008, 1, 1)] * 2).fetchone()[0] == 27
    assert store.execute(on, [date(2007, 12, 31)] * 2).fetchone()[0] == 0


def test_partial_package_is_not_a_full_pass(store: duckdb.DuckDBPyConnection) -> None:
    # Lot P: arsenic 0.5 <= 0.9 and lead 1.0 <= 2.3: no exceedance, but only 2 of the 27
    # components of bijlage III (8) + IV (19) were tested -> "compliant on 2 of 27".
    # Lot F: all 27 components at 0.01 (below every limit, the lowest being mercury 0.02):
    # the full package -> status compliant (its sulfate limit 1730 has provisional dates).
    add_site(store, "S1")
    add_analysis(store, "S1", "P", "arsenic", 0.5, date(2025, 3, 1))
    add_analysis(store, "S1", "P", "lead", 1.0, date(2025, 3, 1))
    for (component,) in store.execute("select component from ref_components").fetchall():
        add_analysis(store, "S1", "F", component, 0.01, date(2025, 3, 1))
    refreshed(store)  # the stored lot tables, as ingestion does
    set_as_of(store, date(2026, 1, 1))
    rows = store.execute(STATUS).fetchall()
    assert rows == [
        ("F", True, True, "compliant", 27, 27,
         "compliant on 27 of 27 components (provisional limit)"),
        ("P", True, True, "compliant_partial", 2, 27, "compliant on 2 of 27 components"),
    ]


def test_sulfate_transition_is_provisional(store: duckdb.DuckDBPyConnection) -> None:
    # Bijlage IV footnote 1: 2.430 mg/kg d.s. "voor een periode als opgenomen in artikel
    # 5.1.8, tweede lid, van de Regeling bodemkwaliteit" - the period is not in the seed, so
    # the dates are input data marked provisional and lot_compliance says so.
    # Sulfate 2000 on 2021-05-01 (transition value 2430): 2000 <= 2430, not exceeding.
    # Sulfate 2000 on 2023-05-01 (1730): 2000 > 1730, exceeding. Arsenic: not provisional.
    add_site(store, "S1")
    add_analysis(store, "S1", "A", "sulfate", 2000, date(2021, 5, 1))
    add_analysis(store, "S1", "A", "arsenic", 0.5, date(2021, 5, 1))
    add_analysis(store, "S1", "B", "sulfate", 2000, date(2023, 5, 1))
    refreshed(store)  # the stored lot tables, as ingestion does
    set_as_of(store, date(2026, 1, 1))
    rows = store.execute(
        "select lot_id, component, limit_value, exceeds, limit_provisional, limit_note is null"
        " from lot_compliance order by lot_id, component").fetchall()
    assert rows == [("A", "arsenic", 0.9, False, False, True),
                    ("A", "sulfate", 2430.0, False, True, False),
                    ("B", "sulfate", 1730.0, True, True, False)]
    status = store.execute("select lot_id, limit_provisional, status_text from lot_status"
                           " order by lot_id").fetchall()
    assert status == [("A", True, "compliant on 2 of 27 components (provisional limit)"),
                      ("B", True, "exceeds on 1 of 1 components tested (provisional limit)")]
