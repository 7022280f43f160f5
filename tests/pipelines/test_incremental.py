"""Incremental refresh (issue 12): an ingest recomputes only the keys its rows touch, and
the stored tables come out identical to a full recomputation, whatever the sequence."""

from __future__ import annotations

import atexit
import random
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest_files
from pipelines.store import (
    COMPUTE_SUFFIX,
    connect_write,
    init_store,
    is_behind,
    refresh,
    view_files,
)
from tests.conftest import copy_store

LAB_HEADER = ("certificate_number,site_id,product,lot_id,produced_on,lot_size_tonnes,"
              "sample_id,sampled_on,component,value,loq,unit,lab,lab_report_id,purpose\n")
# limits (data/reference/ref_limits.csv): arsenic 0.9, lead 2.3, zinc 4.5 mg/kg ds
COMPONENTS = {"arsenic": 0.9, "lead": 2.3, "zinc": 4.5}
SITES = ("S1", "S2", "S3", "S4")


def certificates_csv() -> str:
    rows = [f"C-{s};brl9341;H-{s};Holder {s};01-02-2016;;nee\n" for s in SITES]
    return ("certificaatnummer;schema;holder_id;certificaathouder;afgegeven_op;"
            "aangevraagd_op;eenmanszaak\n" + "".join(rows))


def sites_csv(n_window: dict[str, int]) -> str:
    return "site_id,certificate_number,name,site_kind,n_window\n" + "".join(
        f"{s},C-{s},Site {s},production,{n}\n" for s, n in n_window.items())


def lab_csv(rng: random.Random, site: str, lots: list[tuple[str, date]],
            level: float) -> str:
    """One row per lot × component; values around level × limit (some above it)."""
    rows = []
    for lot_id, sampled in lots:
        for component, limit in COMPONENTS.items():
            value = round(limit * level * rng.lognormvariate(0, 0.5), 3)
            # four decimals: '1.301' alone is ambiguous (1301 or 1.301?) and is quarantined
            # (docs/readings.md, "Ingestion: values and files"); '1.3010' is not
            rows.append(f"C-{site},{site},boomgranulaat,{lot_id},{sampled - timedelta(1)},"
                        f"500,{lot_id}-M,{sampled},{component},{value:.4f},0.01,mg/kg ds,"
                        f"Lab,R-{lot_id},production\n")
    return LAB_HEADER + "".join(rows)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


_base_template: Path | None = None


def _build_base(folder: Path) -> Path:
    db = init_store(folder / "store.duckdb")
    with connect_write(db) as con:
        results = ingest_files(con, [write(folder, "certificates.csv", certificates_csv()),
                                     write(folder, "sites.csv",
                                           sites_csv(dict.fromkeys(SITES, 5)))])
    assert all(r.error is None and r.rows_quarantined == 0 for r in results)
    return db


def base_store(tmp_path: Path) -> Path:
    """The store with the certificates and sites ingested, in tmp_path: built once per
    process (init and two ingests, about 3 s of CPU) and copied with its snapshot
    (tests/conftest.py copy_store); the two source files are written beside it as well."""
    global _base_template
    if _base_template is None:
        folder = Path(tempfile.mkdtemp(prefix="base-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _base_template = _build_base(folder)
    write(tmp_path, "certificates.csv", certificates_csv())
    write(tmp_path, "sites.csv", sites_csv(dict.fromkeys(SITES, 5)))
    return copy_store(_base_template, tmp_path / "store.duckdb")


def materialized() -> list[str]:
    return [v.name for v in view_files(Path("sql")) if v.materialized]


def differences(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per materialized table: rows differing from a full recomputation (both ways)."""
    found = {}
    for name in materialized():
        n = con.sql(f"select count(*) from ((select * from {name} except all"
                    f" select * from {name}{COMPUTE_SUFFIX}) union all"
                    f" (select * from {name}{COMPUTE_SUFFIX} except all"
                    f" select * from {name}))").fetchall()[0][0]
        if n:
            found[name] = n
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_refresh_equals_a_full_refresh_after_random_ingests(tmp_path, seed):
    rng = random.Random(seed)
    db = base_store(tmp_path)
    lot_no = 0
    for step in range(6):
        site = rng.choice(SITES)
        action = rng.choice(["lots", "lots", "backdated", "n_window", "same_file_again"])
        if action == "n_window":  # a site file: the site's window changes, its series too
            files = [write(tmp_path, f"sites_{step}.csv",
                           sites_csv({site: rng.choice([5, 10])}))]
        elif action == "same_file_again" and lot_no:
            files = [tmp_path / f"lab_{step - 1}.csv"] if step else []
        else:
            start = date(2020, 1, 1) if action == "backdated" else date(2023, 1, 1)
            lots = []
            for _ in range(rng.randint(1, 7)):
                lot_no += 1
                lots.append((f"L{lot_no}", start + timedelta(rng.randint(0, 900))))
            files = [write(tmp_path, f"lab_{step}.csv",
                           lab_csv(rng, site, lots, rng.choice([0.2, 0.6, 1.1])))]
        files = [f for f in files if f.exists()]
        with connect_write(db) as con:
            for result in ingest_files(con, files):
                assert result.error is None and result.rows_quarantined == 0, result.problems
    with duckdb.connect(str(db)) as con:
        assert not is_behind(con)
        assert con.sql("select count(*) from brl9341_observation_history").fetchall()[0][0]
        assert differences(con) == {}


def test_a_lab_file_recomputes_only_its_site(tmp_path):
    rng = random.Random(7)
    db = base_store(tmp_path)
    with connect_write(db) as con:
        ingest_files(con, [write(tmp_path, f"lab_{site}.csv", lab_csv(
            rng, site, [(f"{site}-L{i}", date(2023, 1, 1) + timedelta(30 * i))
                        for i in range(6)], 0.3)) for site in SITES])
        before = con.sql("select site_id, count(*) from brl9341_observation_history"
                         " group by all order by all").fetchall()
        # A stored row of another site that a recomputation would restore: it must stay
        # as it is, proving the refresh left that site alone.
        con.execute("update brl9341_observation_history set k_value = -99"
                    " where site_id = 'S2'")
        ingest_files(con, [write(tmp_path, "lab_new.csv", lab_csv(
            rng, "S1", [("S1-new", date(2024, 6, 1))], 0.3))])
        after = dict(con.sql("select site_id, count(*) from brl9341_observation_history"
                             " group by all").fetchall())
        assert after["S1"] == dict(before)["S1"] + len(COMPONENTS)
        assert con.sql("select count(*) from brl9341_observation_history where site_id = 'S2'"
                       " and k_value = -99").fetchall()[0][0] == dict(before)["S2"]
        refresh(con)  # a full refresh repairs it
        assert differences(con) == {}


def test_a_corrected_lab_report_refreshes_the_old_and_the_new_keys(tmp_path):
    """Issue 22 point 12: a lab's corrected report replaces analyses; the stored tables of
    every site they left or joined are recomputed, and equal a full recomputation.

    The correction of lot S2-L2 names site S3 (the lab had the wrong site): only S3 has
    rows of the correcting file, so S2 must be marked through the replaced rows."""
    rng = random.Random(11)
    db = base_store(tmp_path)
    lots = {site: [(f"{site}-L{i}", date(2023, 1, 1) + timedelta(30 * i)) for i in range(6)]
            for site in ("S2", "S3")}
    with connect_write(db) as con:
        ingest_files(con, [write(tmp_path, f"lab_{s}.csv", lab_csv(rng, s, lots[s], 0.3))
                           for s in lots])
        header = LAB_HEADER.rstrip("\n") + ",replaces_report_id\n"
        moved = "".join(
            f"C-S3,S3,boomgranulaat,S3-moved,2023-02-28,500,S2-L2-M,2023-03-02,{c},0.1000,"
            f"0.01,mg/kg ds,Lab,R-S2-L2-c,production,R-S2-L2\n" for c in COMPONENTS)
        # lead of S2-L3 corrected to 5.0: above its limit 2.3 (bijlage IV tabel 2)
        raised = ("C-S2,S2,boomgranulaat,S2-L3,2023-03-31,500,S2-L3-M,2023-04-01,lead,"
                  "5.0000,0.01,mg/kg ds,Lab,R-S2-L3-c,production,R-S2-L3\n")
        result, = ingest_files(con, [write(tmp_path, "correction.csv", header + moved)])
        assert (result.rows_loaded, result.rows_quarantined) == (3, 0), result.problems
        assert not is_behind(con)
        assert differences(con) == {}
        result, = ingest_files(con, [write(tmp_path, "correction2.csv", header + raised)])
        assert (result.rows_loaded, result.rows_quarantined) == (1, 0), result.problems
        assert differences(con) == {}
        # S2 lost lot L2's analyses, S3 gained lot S3-moved, S2-L3 now exceeds for lead
        assert con.sql("select site_id, count(distinct lot_id) from lot_compliance"
                       " group by 1 order by 1").fetchall() == [("S2", 5), ("S3", 7)]
        assert con.sql("select observation, exceeds from lot_compliance where lot_id ="
                       " 'S2-L3' and component = 'lead'").fetchall() == [(5.0, True)]
