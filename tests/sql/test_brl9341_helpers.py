"""Hand-made BRL 9341 rows for the sampling-frequency tests (no tests here; imported)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import duckdb

from pipelines.store import refresh

AS_OF = date(2026, 11, 23)


def add_site(con: duckdb.DuckDBPyConnection, site_id: str, n_window: int = 5) -> None:
    con.execute(
        "insert into certificates (certificate_number, scheme, holder_id, issued_on) "
        "values (?, 'brl9341', 'H1', date '2016-03-01') on conflict do nothing",
        [f"C-{site_id}"])
    con.execute(
        "insert into sites (site_id, certificate_number, name, n_window) values (?, ?, ?, ?)",
        [site_id, f"C-{site_id}", site_id, n_window])


def add_lot(con: duckdb.DuckDBPyConnection, site_id: str, lot_id: str, produced_on: date,
            product: str = "boomgranulaat") -> None:
    con.execute(
        "insert into lots (site_id, lot_id, certificate_number, product, produced_on) "
        "values (?, ?, ?, ?, ?)", [site_id, lot_id, f"C-{site_id}", product, produced_on])


def add_analysis(con: duckdb.DuckDBPyConnection, site_id: str, lot_id: str, component: str,
                 value: float, sampled_on: date, *, below_loq: bool = False,
                 purpose: str = "production", sample: str = "M1",
                 product: str = "boomgranulaat") -> None:
    con.execute(
        "insert into analyses (certificate_number, site_id, lot_id, product, sample_id, "
        "sampled_on, component, value, below_loq, lab_report_id, purpose) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'R1', ?)",
        [f"C-{site_id}", site_id, lot_id, product, f"{lot_id}-{sample}", sampled_on,
         component, value, below_loq, purpose])


def add_series(con: duckdb.DuckDBPyConnection, site_id: str, component: str,
               values: Sequence[float], *, start: date = date(2026, 1, 5),
               step_days: int = 7, below_loq: bool = False, purpose: str = "production",
               lot_prefix: str = "L", first_lot: int = 1) -> list[str]:
    """One lot per value (produced the day before it is sampled), one analysis per lot."""
    lot_ids = []
    for i, value in enumerate(values):
        lot_id = f"{lot_prefix}{first_lot + i:03d}"
        sampled_on = start + timedelta(days=step_days * i)
        add_lot(con, site_id, lot_id, sampled_on - timedelta(days=1))
        add_analysis(con, site_id, lot_id, component, value, sampled_on,
                     below_loq=below_loq, purpose=purpose)
        lot_ids.append(lot_id)
    return lot_ids


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: date = AS_OF) -> None:
    con.execute("update settings set as_of = ?", [as_of])


def refreshed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Recompute the stored tables (brl9341_observation_history and the others tagged
    'materialize: table') after inserting rows directly, as ingestion does; returns con."""
    refresh(con)
    return con
