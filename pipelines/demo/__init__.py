"""The deterministic demo data set: ``python -m pipelines demo --db PATH [--scale N]``.

The demo goes through the same door as real data: it writes input files in the canonical
formats of docs/contract.md ("Canonical input files") into ``files_dir`` and ingests them.
Stage 1 writes and ingests the master data and facts; stage 2 reads the store's
``expected_charges`` and writes the invoices (a few wrong on purpose, listed in
``expected_invoice_errors.csv``) and payments, then ingests those.

Same seed and scale -> byte-identical files. ``scale`` multiplies the number of
certificate holders (and so sites, lots, analyses, audits, attests): scale 1 gives about
14 000 analyses, scale 10 about 90 000, scale 100 about 890 000 (the fixed scenarios and
admission lots do not grow with the scale).

Files written (``files_dir``): indices.csv, certificates.csv, deviations.csv, invoices.csv
and the hand-made lab file are "messy" (semicolons, BOM, decimal commas, DD-MM-YYYY);
persons.csv, sites.csv, lots_<year>.csv, lab_<year>.csv, activity.csv and payments.csv are
plain comma CSV; audits.xlsx is a workbook; a few lab reports are SIKB0101 XML
(lab_sikb_<report>.xml, issue 25).
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from pipelines.config import settings
from pipelines.demo.activity import activity_frame
from pipelines.demo.audits import audit_frames
from pipelines.demo.finance import indices_frame, invoice_frames
from pipelines.demo.lab import lab_frames, reference_limits
from pipelines.demo.masterdata import (
    build_world,
    certificates_frame,
    persons_frame,
    sites_frame,
)
from pipelines.demo.messy import MESSY_LAB_FILE, N_BAD_LAB_ROWS, messy_lab_frame, split_messy
from pipelines.demo.process import accreditations_frame, sampling_frame, staff_frames
from pipelines.demo.sikb import split_sikb, write_sikb0101
from pipelines.demo.writer import files_dir_beside, write_messy, write_plain, write_xlsx
from pipelines.i18n import cli_language

__all__ = ["build_demo", "write_base_files", "write_billing_files", "planted_invoice_errors",
           "N_BAD_LAB_ROWS", "MESSY_LAB_FILE", "INVOICE_ERRORS_FILE"]

INVOICE_ERRORS_FILE = "expected_invoice_errors.csv"
_OWN_PATTERNS = ("indices.csv", "certificates.csv", "sites.csv", "persons.csv", "lots_*.csv",
                 "lab_*.csv", MESSY_LAB_FILE, "audits.xlsx", "deviations.csv", "activity.csv",
                 "invoices.csv", "payments.csv", INVOICE_ERRORS_FILE, "pkvw_staff.csv",
                 "qualifications.csv", "sampling.csv", "accreditations.csv",
                 "lab_sikb_*.xml")


def _clean(files_dir: Path) -> None:
    """Remove the files an earlier demo run wrote here (only ours)."""
    for pattern in _OWN_PATTERNS:
        for path in files_dir.glob(pattern):
            path.unlink()


def write_base_files(files_dir: Path, scale: int = 1, seed: int = 9341
                     ) -> list[tuple[Path, str]]:
    """Stage 1: every input file except invoices and payments, as (path, kind) in the
    order they must be ingested (master data before the facts that name it)."""
    world = build_world(random.Random(f"{seed}/masterdata"), scale)
    limits = reference_limits(settings().reference_dir)
    analyses, lots = lab_frames(world, np.random.default_rng([seed, 1]), limits)
    audits, deviations = audit_frames(world, random.Random(f"{seed}/audits"))
    activity = activity_frame(world, random.Random(f"{seed}/activity"),
                              np.random.default_rng([seed, 2]))
    d = files_dir
    files: list[tuple[Path, str]] = [
        (write_messy(indices_frame(), d / "indices.csv"), "index"),
        (write_messy(certificates_frame(world), d / "certificates.csv"), "certificate"),
        (write_plain(persons_frame(world), d / "persons.csv"), "person"),
        (write_plain(sites_frame(world), d / "sites.csv"), "site"),
    ]
    staff, qualifications = staff_frames(world, random.Random(f"{seed}/staff"))
    files += [(write_plain(staff, d / "pkvw_staff.csv"), "person"),
              (write_plain(qualifications, d / "qualifications.csv"), "qualification"),
              (write_plain(accreditations_frame(), d / "accreditations.csv"), "accreditation")]
    lots = lots.drop("tested").with_columns(year=pl.col("produced_on").dt.year())
    for (year,), part in lots.partition_by("year", as_dict=True, maintain_order=True).items():
        files.append((write_plain(part.drop("year"), d / f"lots_{year}.csv"), "lot"))
    plain, messy = split_messy(analyses)
    sampling = sampling_frame(analyses, random.Random(f"{seed}/sampling"))
    # issue 25: a few reports as SIKB0101 XML, ingested after the sampling records
    sikb_rows, plain = split_sikb(plain, sampling)
    plain = plain.with_columns(year=pl.col("sampled_on").dt.year())
    for (year,), part in plain.partition_by("year", as_dict=True, maintain_order=True).items():
        files.append((write_plain(part.drop("year"), d / f"lab_{year}.csv"), "lab"))
    files.append((write_messy(messy_lab_frame(messy, limits), d / MESSY_LAB_FILE), "lab"))
    files.append((write_plain(sampling, d / "sampling.csv"), "sampling"))
    for (report,), part in sikb_rows.partition_by("lab_report_id", as_dict=True,
                                                  maintain_order=True).items():
        files.append((write_sikb0101(part, d / f"lab_sikb_{report}.xml"), "sikb0101"))
    files.append((write_xlsx(audits, d / "audits.xlsx"), "audit"))
    files.append((write_messy(deviations, d / "deviations.csv"), "deviation"))
    files.append((write_plain(activity, d / "activity.csv", bom=True), "activity"))
    return files


def expected_charges(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The store's expected charges. A broken billing view is an error, not an empty demo:
    the invoices are made from these charges, so there is nothing sensible to fall back on."""
    return con.sql(
        "select certificate_number, fee_date, fee_code, description, quantity,"
        " unit_price, amount_excl_vat from expected_charges").pl()


def planted_invoice_errors(files_dir: Path) -> pl.DataFrame:
    """The invoices the demo made wrong on purpose (one row per invoice: invoice_id,
    certificate_number, period, error, expected/invoiced/difference excl. VAT), as the
    generator wrote them; ``invoice_check`` must find exactly these."""
    return pl.read_csv(Path(files_dir) / INVOICE_ERRORS_FILE, infer_schema=False)


def write_billing_files(files_dir: Path, charges: pl.DataFrame, seed: int = 9341
                        ) -> list[tuple[Path, str]]:
    """Stage 2: invoices and payments from the expected charges (none while there are none)."""
    lines, payments, manifest = invoice_frames(charges, random.Random(f"{seed}/finance"))
    write_plain(manifest, files_dir / INVOICE_ERRORS_FILE)
    if lines.is_empty():
        return []
    return [
        (write_messy(lines, files_dir / "invoices.csv",
                     decimal_columns=("quantity", "unit_price", "amount_excl_vat",
                                      "vat_rate")), "invoice"),
        (write_plain(payments, files_dir / "payments.csv"), "payment"),
    ]


def _ingest(con: duckdb.DuckDBPyConnection, files: list[tuple[Path, str]]) -> None:
    from pipelines.ingest import ingest_files

    for path, kind in files:
        for result in ingest_files(con, [path], kind, refresh=False):
            print(result.summary_in(cli_language()))


def build_demo(db_path: Path, scale: int = 1, files_dir: Path | None = None,
               seed: int = 9341) -> pl.DataFrame:
    """Write the demo's input files and ingest them into the store at ``db_path``.
    Returns the invoices made wrong on purpose (see ``planted_invoice_errors``)."""
    from pipelines.files import private_dir
    from pipelines.store import connect_write, init_store, refresh

    if scale < 1:
        raise ValueError("scale must be >= 1")
    files_dir = Path(files_dir or settings().demo_files_dir or files_dir_beside(db_path))
    private_dir(files_dir)  # a new folder is owner-only: the files hold names (issue 24)
    _clean(files_dir)
    base = write_base_files(files_dir, scale, seed)
    init_store(db_path)
    with connect_write(db_path) as con:
        _ingest(con, base)
        refresh(con)  # the materialized tables, once, before reading expected_charges
        billing = write_billing_files(files_dir, expected_charges(con), seed)
        _ingest(con, billing)
        refresh(con)
        from pipelines.users import add_demo_accounts  # issue 10: README lists them
        add_demo_accounts(db_path, con)
    # issue 24: the build published a snapshot per write; keep only the current one
    # (well under a second: a checkpoint of a closed store and an unlink), audited.
    from pipelines.maintain import run_maintenance
    run_maintenance(db_path)
    return planted_invoice_errors(files_dir)
