"""Reference data of the TAR 9201 billing: holidays (§2.2.9 "feestdag"), multipliers, tariffs."""

from __future__ import annotations

from decimal import Decimal

import duckdb


def test_easter_based_public_holidays(store: duckdb.DuckDBPyConnection) -> None:
    # Easter Sunday 2024-03-31, 2025-04-20, 2026-04-05 (Gregorian calendar): Easter Monday +1,
    # Ascension +39, Whit Monday +50.
    got = store.execute(
        "select holiday_date::varchar from ref_holidays where name in ('Paasmaandag',"
        " 'O.L.H. Hemelvaart', 'Pinkstermaandag') and year(holiday_date) between 2024 and 2026"
        " order by 1").fetchall()
    assert [d for (d,) in got] == [
        "2024-04-01", "2024-05-09", "2024-05-20",
        "2025-04-21", "2025-05-29", "2025-06-09",
        "2026-04-06", "2026-05-14", "2026-05-25",
    ]
    # 10 public holidays a year, 2020-2030 (Wet 4 januari 1974)
    assert store.execute("select count(*) from ref_holidays where kind = 'public'"
                         ).fetchone()[0] == 110


def test_offhours_table(store: duckdb.DuckDBPyConnection) -> None:
    # TAR 9201 §2.2.9 table
    got = dict(store.execute(
        "select day_kind || '/' || time_kind, multiplier from ref_offhours_multipliers"
    ).fetchall())
    assert got == {"weekday/day": Decimal("1.00"), "saturday/day": Decimal("1.50"),
                   "sunday_holiday/day": Decimal("2.00"), "weekday/night": Decimal("1.50"),
                   "saturday/night": Decimal("2.00"), "sunday_holiday/night": Decimal("2.00")}


def test_every_tariff_cites_its_article(store: duckdb.DuckDBPyConnection) -> None:
    rows = store.execute("select fee_code, source, base_year from ref_tariffs").fetchall()
    # 27 codes, derived from the tariff's articles: tests/data/test_reference.py
    assert all(src.startswith("TAR 9201 §") and year == 2023 for _, src, year in rows)
