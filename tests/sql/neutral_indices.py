"""Indices under which every COPRO TAR 9201 rate equals its 2023 base rate (§2.2.11).

S_n = S_r for every year (salary_q3 = 100 from 1999 on), travel_fee and car_km at their 2023
table values (€ 234.35 per trip, € 0.4269 per km). Issue 22: a year without its index has no
rate (`index missing`), so a test whose hand values use the base rates in a year other than
2023 ingests these first; its figures then are the base rates by the formula, not by default.
"""

from __future__ import annotations

import duckdb

FIRST_YEAR, LAST_YEAR = 2000, 2100  # billing_rates covers these fee years


def insert_neutral_indices(con: duckdb.DuckDBPyConnection, *,
                           except_names: tuple[str, ...] = ()) -> None:
    rows = [("salary_q3", str(year), "100") for year in range(FIRST_YEAR - 1, LAST_YEAR)]
    rows += [("travel_fee", str(year), "234.35") for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    rows += [("car_km", str(year), "0.4269") for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    con.executemany("insert into indices (index_name, period, value) values (?, ?, ?)",
                    [r for r in rows if r[0] not in except_names])
