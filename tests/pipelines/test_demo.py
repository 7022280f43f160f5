"""The demo data set (pipelines.demo): built once per run at scale 1 through the
command line (`python -m pipelines demo`, so the subcommand is tested too) into a store under
a temporary directory; deterministic; covers the schemes, years and scenarios it promises;
nothing quarantined except its three deliberately bad rows; the product's own invoice check
finds exactly the invoices the generator made wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from pipelines.config import settings
from pipelines.demo import (
    MESSY_LAB_FILE,
    N_BAD_LAB_ROWS,
    expected_charges,
    planted_invoice_errors,
    write_base_files,
    write_billing_files,
)
from pipelines.demo.common import TODAY
from pipelines.demo.lab import lab_frames, reference_limits
from pipelines.demo.masterdata import build_world
from pipelines.ingest import KINDS
from tests.conftest import DemoBuild

SEED = 9341  # the command line's default seed


@pytest.fixture(scope="module")
def demo(demo_build: DemoBuild) -> tuple[Path, Path]:
    """The run's demo store (tests/conftest.py, `python -m pipelines demo --scale 1
    --files-dir ...`), read only here."""
    assert demo_build.returncode == 0, demo_build.stderr
    assert demo_build.stdout.splitlines()[-1] == f"demo store ready: {demo_build.db}"
    return demo_build.db, demo_build.files


@pytest.fixture(scope="module")
def con(demo: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo[0]), read_only=True)
    # The demo's data ends at its own "today": read it as of that day, whatever the clock says.
    connection.execute(f"set variable as_of = date '{TODAY.isoformat()}'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def generated() -> pl.DataFrame:
    """The generator's own lab values (mg/kg ds) for the demo's seed, computed once."""
    world = build_world(random.Random(f"{SEED}/masterdata"), 1)
    limits = reference_limits(settings().reference_dir)
    frame, _ = lab_frames(world, np.random.default_rng([SEED, 1]), limits)
    return frame.select(
        "sample_id", "component",
        pl.col("value").str.strip_prefix("<").cast(pl.Float64).alias("expected"))


def _sha256s(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir())}


def test_same_seed_gives_identical_files(tmp_path: Path, demo: tuple[Path, Path],
                                         con: duckdb.DuckDBPyConnection) -> None:
    """Written again with the same seed, every file is byte-identical to what the demo
    command wrote and ingested."""
    write_base_files(tmp_path, 1, SEED)
    write_billing_files(tmp_path, expected_charges(con), SEED)
    assert _sha256s(tmp_path) == _sha256s(demo[1])


def test_another_seed_gives_other_lab_values(generated: pl.DataFrame) -> None:
    other = SEED + 1
    world = build_world(random.Random(f"{other}/masterdata"), 1)
    frame, _ = lab_frames(world, np.random.default_rng([other, 1]),
                          reference_limits(settings().reference_dir))
    values = frame["value"].str.strip_prefix("<").cast(pl.Float64)
    assert values.len() != generated.height or not values.equals(generated["expected"])


def test_volumes(con: duckdb.DuckDBPyConnection) -> None:
    holders = con.execute(
        "select count(distinct holder_id) from certificates"
        " where scheme in ('brl9341', 'pkvw', 'asbestos_process')").fetchall()[0][0]
    assert holders >= 30
    schemes = {r[0] for r in con.execute("select distinct scheme from certificates").fetchall()}
    assert {"brl9341", "pkvw", "asbestos_process", "asbestos_person"} <= schemes
    years = {r[0] for r in con.execute(
        "select distinct year(produced_on) from lots").fetchall()}
    assert years == {2022, 2023, 2024, 2025, 2026}
    sampled_years = {r[0] for r in con.execute(
        "select distinct year(sampled_on) from analyses").fetchall()}
    assert sampled_years == {2022, 2023, 2024, 2025, 2026}
    n_analyses = con.execute("select count(*) from analyses").fetchall()[0][0]
    assert 10_000 <= n_analyses <= 20_000
    # All 27 components of bijlage III/IV, all three purposes.
    assert con.execute("select count(distinct component) from analyses").fetchall()[0][0] == 27
    purposes = {r[0] for r in con.execute("select distinct purpose from analyses").fetchall()}
    assert purposes == {"admission", "production", "complaint"}
    # Not every lot is tested (1 in N). Every lot's size is declared in the register (BRL
    # 9341 §5.5.2, so the 1/10 check can be assessed), the lab reports leave it out at times.
    lots, tested, sized = con.execute(
        "select count(*), count(*) filter (where exists (select 1 from analyses a"
        " where a.site_id = l.site_id and a.lot_id = l.lot_id)), count(lot_size_tonnes)"
        " from lots l").fetchall()[0]
    assert tested < lots and sized == lots


def test_process_findings_find_the_planted_breaches(con: duckdb.DuckDBPyConnection) -> None:
    # pipelines/demo/process.py plants, per PKVW company in order: adviser 1 a VOG older
    # than 5 years, adviser 2 a VOG running out within 60 days, adviser 3 an overdue
    # refresher, fitter 4 no diploma; SGS Intron without accreditation in June–July 2023.
    con.execute("set variable as_of = date '2026-11-23'")
    staff = con.sql("select subject, severity, detail from process_findings"
                    " where \"check\" = 'staff_qualification' order by subject").fetchall()
    assert [(s, sev) for s, sev, _ in staff] == [
        ("person PKVW-0001-A (Adviser 001)", "major"),
        ("person PKVW-0002-A (Adviser 002)", "minor"),
        ("person PKVW-0003-A (Adviser 003)", "major"),
        ("person PKVW-0004-F (Fitter 004)", "major"),
    ]
    assert "older than 5 years" in staff[0][2] and "runs out" in staff[1][2]
    assert "refresher overdue" in staff[2][2] and "no diploma" in staff[3][2]
    lab = con.sql("select subject, found_on from process_findings"
                  " where \"check\" = 'lab_accreditation'").fetchall()
    assert lab and all("(SGS Intron)" in s and dt.date(2023, 6, 1) <= f <= dt.date(2023, 7, 31)
                       for s, f in lab)
    details = " | ".join(d for (d,) in con.sql(
        "select detail from process_findings where \"check\" = 'sampling'").fetchall())
    assert "more than 28 calendar days" in details
    assert "more than 7 days" in details and "needs at least 32" in details
    assert "no sampling record" in details


def test_only_the_deliberate_rows_are_quarantined(con: duckdb.DuckDBPyConnection) -> None:
    per_file = dict(con.execute(
        "select file_name, sum(rows_quarantined) from ingestion_log group by all").fetchall())
    assert {k: v for k, v in per_file.items() if v} == {MESSY_LAB_FILE: N_BAD_LAB_ROWS}
    reasons = sorted(r[0] for r in con.execute(
        "select distinct column_name from quarantine").fetchall())
    assert reasons == ["certificate_number", "component", "value"]


def test_every_kind_was_ingested(con: duckdb.DuckDBPyConnection) -> None:
    kinds = {r[0] for r in con.execute("select distinct kind from ingestion_log").fetchall()}
    # every input kind the ingestion knows (docs/contract.md and this project's own)
    assert kinds == set(KINDS)


def test_messy_file_formats(demo: tuple[Path, Path]) -> None:
    files = demo[1]
    raw = (files / MESSY_LAB_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\n", 1)[0].decode()
    assert header.startswith("Certificaatnummer;Productielocatie;")
    text = raw.decode("utf-8")
    for piece in (";As;", ";Zn;", ";arseen;", "µg/kg ds", "<0,05"):
        assert piece in text, piece
    assert (files / "certificates.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (files / "audits.xlsx").read_bytes().startswith(b"PK")
    assert (files / "lab_2024.csv").read_text().startswith("certificate_number,site_id,")


def test_messy_lab_values_arrive_in_mg_per_kg(con: duckdb.DuckDBPyConnection,
                                              generated: pl.DataFrame) -> None:
    """The hand-made file writes metals in µg/kg ds with symbols and decimal commas; after
    ingestion each value must equal the generator's own mg/kg value for that analysis."""
    stored = con.sql(
        "select sample_id, component, value, unit_as_reported from analyses"
        f" where source_file = '{MESSY_LAB_FILE}'").pl()
    joined = stored.join(generated, on=["sample_id", "component"], how="left")
    assert joined.height > 100
    assert joined["expected"].null_count() == 0
    assert (joined["unit_as_reported"] == "µg/kg ds").any()
    # 3 significant digits survive the µg round trip: relative error well under 1 %.
    rel = ((joined["value"] - joined["expected"]).abs() / joined["expected"]).max()
    assert rel < 0.005


def test_plain_lab_values_arrive_unchanged(con: duckdb.DuckDBPyConnection,
                                           generated: pl.DataFrame) -> None:
    """The plain lab files write mg/kg ds with a decimal point (contract); every stored
    value must equal the generator's value for that analysis."""
    stored = con.sql(
        "select sample_id, component, value from analyses"
        f" where source_file <> '{MESSY_LAB_FILE}'").pl()
    joined = stored.join(generated, on=["sample_id", "component"], how="left")
    assert joined.height > 10_000
    assert joined["expected"].null_count() == 0
    off = joined.filter((pl.col("value") - pl.col("expected")).abs()
                        > 1e-9 * pl.col("expected").abs())
    assert off.is_empty(), off.head(5)


def test_scenarios_are_in_the_data(con: duckdb.DuckDBPyConnection) -> None:
    q = con.execute
    # PKVW: exactly one company still in admission, with an application date.
    assert q("select count(*) from certificates where scheme = 'pkvw' and issued_on is null"
             " and applied_on is not null").fetchall()[0][0] == 1
    # Asbestos: a one-person firm (1 ADI), a firm abroad, one without the COPRO template,
    # persons linked to their process certificate.
    assert q("select count(*) from certificates where scheme = 'asbestos_process'"
             " and one_person_firm and adi_count = 1").fetchall()[0][0] >= 1
    assert q("select count(*) from certificates where scheme = 'asbestos_process'"
             " and country = 'NL'").fetchall()[0][0] == 1
    assert q("select count(*) from certificates where scheme = 'asbestos_process'"
             " and not uses_copro_template").fetchall()[0][0] >= 1
    assert q("select count(*) from certificates p join certificates f"
             " on p.parent_certificate_number = f.certificate_number"
             " where p.scheme = 'asbestos_person' and f.scheme = 'asbestos_process'"
             ).fetchall()[0][0] == q("select count(*) from persons join certificates"
                                     " using (certificate_number)"
                                     " where scheme = 'asbestos_person'").fetchall()[0][0]
    # Attests in 2025: someone above 250 (second tier, TAR 9201 §2.2.6), someone below 50.
    attests = [r[0] for r in q(
        "select sum(quantity) from activity where activity = 'attest'"
        " and year(activity_date) = 2025 group by person_id").fetchall()]
    assert max(attests) > 250 and min(attests) < 50
    # BRL 9341: one series under lot inspection (2 samples per lot), one all below LOQ.
    two_samples = q(
        "select count(*) from (select site_id, lot_id from analyses where purpose ="
        " 'production' group by all having count(distinct sample_id) = 2)").fetchall()[0][0]
    assert two_samples >= 5
    assert q("select count(*) from (select site_id, product from analyses group by all"
             " having bool_and(below_loq))").fetchall()[0][0] >= 1
    # Complaint tests: 3 samples per delivered lot (BRL 9341 §9.3).
    assert sorted(r[0] for r in q(
        "select count(distinct sample_id) from analyses where purpose = 'complaint'"
        " group by site_id, lot_id").fetchall()) == [3, 3]
    # Production stops (suspended and lapsed), depots and both n-windows.
    assert q("select count(*) from activity where activity = 'production_stop'"
             ).fetchall()[0][0] == 2
    assert q("select count(*) from sites where site_kind = 'depot'").fetchall()[0][0] >= 1
    assert {r[0] for r in q("select distinct n_window from sites where site_kind ="
                            " 'production'").fetchall()} == {5, 10}
    # PKVW sample audits and deviations: A and B, closed and open, one extended.
    assert q("select count(*) from audits where audit_type = 'sample'"
             " and dwellings_with_deviation_a >= 2").fetchall()[0][0] >= 1
    cats = {r[0] for r in q("select distinct category from deviations").fetchall()}
    assert cats == {"A", "B"}
    assert q("select count(*) from deviations where closed_on is null").fetchall()[0][0] >= 2
    assert q("select count(*) from deviations where extended_until is not null"
             ).fetchall()[0][0] >= 1
    # Indices: salary Q3 per year 2019..2026 (Q3 2018 left out on purpose, issue 22: the fees
    # of 2019 show `index missing`), legal interest per half-year 2022-H1..2026-H2.
    assert q("select count(*) from indices where index_name = 'salary_q3'").fetchall()[0][0] == 8
    assert q("select count(*) from billing_charges where fee_year = 2019 and not index_missing"
             ).fetchall()[0][0] == 0
    assert q("select count(*) from billing_charges where fee_year > 2019 and index_missing"
             ).fetchall()[0][0] == 0
    assert q("select count(*) from indices where index_name = 'legal_interest'"
             ).fetchall()[0][0] == 10


def test_every_k_class_appears(con: duckdb.DuckDBPyConnection) -> None:
    """BRL 9341 bijlage II: the demo's series land in each test class somewhere."""
    found = {r[0] for r in con.execute("select distinct test_class from sampling_frequency"
                                       ).fetchall()}
    classes = {r[0] for r in con.execute("select distinct test_class from ref_k_classes"
                                         ).fetchall()}
    assert len(classes) == 6  # bijlage II, toetsing op variabelen: six rows
    assert classes <= found


@pytest.fixture(scope="module")
def planted(demo: tuple[Path, Path]) -> pl.DataFrame:
    """What the generator made wrong, as it wrote it (not recomputed from the store)."""
    return planted_invoice_errors(demo[1])


def _as_of_demo_today(con: duckdb.DuckDBPyConnection) -> None:
    # The demo invoices fees dated up to its own "today"; a later as-of date would expect
    # fees that no invoice can carry yet.
    con.execute(f"set variable as_of = date '{TODAY.isoformat()}'")


def test_the_demo_plants_five_wrong_invoices(planted: pl.DataFrame,
                                            con: duckdb.DuckDBPyConnection) -> None:
    assert planted.height == 5
    assert sorted(planted["error"]) == ["extra_line", "missing_line", "missing_line",
                                        "wrong_unit_price", "wrong_unit_price"]
    assert planted["invoice_id"].n_unique() == 5
    stored = {r[0] for r in con.execute("select invoice_id from invoices").fetchall()}
    assert set(planted["invoice_id"]) <= stored


def test_invoice_check_finds_exactly_the_planted_invoices(
        planted: pl.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    """invoice_check (one row per certificate × month) flags exactly the months of the
    planted invoices, with the difference the generator made (invoiced − expected)."""
    _as_of_demo_today(con)
    flagged = con.execute(
        """
        select i.invoice_id, c.difference
        from invoice_check c
        join invoices i on i.certificate_number = c.certificate_number
                       and strftime(i.invoice_date, '%Y-%m') = c.period
        where c.difference <> 0 or c.n_line_differences > 0
        """).fetchall()
    want = {r["invoice_id"]: float(r["difference"]) for r in planted.iter_rows(named=True)}
    assert {i: float(d) for i, d in flagged} == want
    # no month is flagged without an invoice behind it
    months = con.execute("select count(*) from invoice_check"
                         " where difference <> 0 or n_line_differences > 0").fetchall()[0][0]
    assert months == len(want)


def test_invoice_check_lines_name_the_planted_invoices(
        planted: pl.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    """billing_invoice_check_lines: the lines that are not 'ok' belong to the planted
    invoices only, and each kind of error shows as the status it must: a dropped line is
    'missing' (or a smaller amount when its fee code has more lines), a raised unit price and
    a doubled line are 'amount_differs'."""
    _as_of_demo_today(con)
    rows = con.execute(
        """
        select coalesce(regexp_extract(l.invoice_lines, '^([^: ]+)', 1), i.invoice_id)
                   as invoice_id, l.status
        from billing_invoice_check_lines l
        left join invoices i on i.certificate_number = l.certificate_number
                            and strftime(i.invoice_date, '%Y-%m') = l.period
        where l.status not in ('ok', 'index_missing')
        """).fetchall()
    # Issue 22: the fees of 2019 have no index on purpose (salary_q3 2018 left out): the
    # check cannot check them, they are not invoiced, and they are the only such lines.
    assert con.execute(
        "select distinct left(period, 4), invoiced_lines from billing_invoice_check_lines"
        " where status = 'index_missing'").fetchall() == [("2019", 0)]
    statuses: dict[str, set[str]] = {}
    for invoice_id, status in rows:
        statuses.setdefault(invoice_id, set()).add(status)
    errors = dict(planted.select("invoice_id", "error").iter_rows())
    assert set(statuses) == set(errors)
    for invoice_id, error in errors.items():
        allowed = {"missing", "amount_differs"} if error == "missing_line" else {
            "amount_differs"}
        assert statuses[invoice_id] <= allowed, (invoice_id, error, statuses[invoice_id])


def test_payments_are_the_amount_due_to_the_cent(con: duckdb.DuckDBPyConnection) -> None:
    """A demo payment pays what billing_invoice_totals says is due (VAT rounded per line):
    no invoice left a cent open or a cent overpaid by VAT rounded on the total instead
    (those showed as '0–30 … > 90' receivables of € 0.01 and a 'paid late' open of −€ 0.18)."""
    off = con.execute("""
        select count(*) from billing_invoice_totals
        where paid_amount > 0 and paid_amount <> amount_due
    """).fetchone()[0]
    assert off == 0
    paid = con.execute("select count(*) from billing_invoice_totals where paid_amount > 0"
                       ).fetchone()[0]
    assert paid > 1000


def test_some_lab_reports_arrive_as_sikb0101_xml(con: duckdb.DuckDBPyConnection,
                                                 demo: tuple[Path, Path],
                                                 generated: pl.DataFrame) -> None:
    """issue 25: a few reports are written as SIKB0101 XML (pipelines/demo/sikb.py) and
    loaded whole through that reader, with the generator's values (the plain-file test
    above checks every non-messy row, these included)."""
    cur = con.cursor()  # the module's connection may hold an earlier test's result
    files = sorted(p.name for p in demo[1].glob("lab_sikb_*.xml"))
    assert len(files) == 4
    logged = cur.sql("select file, kind, rows_quarantined, outcome from imports"
                     " where kind = 'sikb0101' order by file").fetchall()
    assert [(f, q, o) for f, _, q, o in logged] == [(f, 0, "loaded") for f in files]
    stored = cur.sql("select count(*), count(distinct source_file) from analyses"
                     " where source_file like 'lab_sikb_%'").fetchall()[0]
    # 27 components per sample (every component BRL 9341 limits), at least one sample each
    assert stored[1] == 4 and stored[0] % 27 == 0 and stored[0] >= 4 * 27
