"""The SQL runner: dependency order, re-initialisation, materialized tables."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.__main__ import main
from pipelines.store import init_connection, init_store, is_behind, refresh, view_files
from tests.conftest import REPO_ROOT, copy_store

REFERENCE = REPO_ROOT / "data" / "reference"


def sql_tree(tmp_path: Path, views: dict[str, str]) -> Path:
    """The project's real schema and as-of view plus the given view files."""
    root = tmp_path / "sql"
    shutil.copytree(REPO_ROOT / "sql" / "schema", root / "schema")
    (root / "schema" / "999_test.sql").write_text("create table if not exists t (x integer);")
    for layer in ("staging", "rules", "marts"):
        (root / layer).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "sql" / "staging" / "stg_as_of.sql", root / "staging")
    for name, text in views.items():
        (root / name).write_text(text)
    return root


def test_views_are_applied_after_the_views_they_read(tmp_path):
    # a_total reads z_base although 'a' sorts before 'z'
    root = sql_tree(tmp_path, {
        "rules/a_total.sql": "create or replace view a_total as select sum(x) s from z_base;",
        "rules/z_base.sql": "-- reads t\ncreate or replace view z_base as select x from t;",
    })
    assert [v.label for v in view_files(root)] == [
        "staging/stg_as_of.sql", "rules/z_base.sql", "rules/a_total.sql"]


def test_a_cycle_is_named(tmp_path):
    root = sql_tree(tmp_path, {
        "rules/a.sql": "create or replace view a as select * from b;",
        "rules/b.sql": "create or replace view b as select * from a;",
    })
    with pytest.raises(RuntimeError, match="cycle: rules/a.sql, rules/b.sql"):
        view_files(root)


def test_materialized_view_is_a_table_refreshed_on_demand(tmp_path):
    root = sql_tree(tmp_path, {
        "rules/heavy.sql": "-- one row per x\n-- materialize: table\n"
                           "create or replace view heavy as select x * 2 as y from t;",
        "marts/light.sql": "create or replace view light as select sum(y) s from heavy;",
    })
    con = duckdb.connect()
    init_connection(con, sql_dir=root, reference_dir=REFERENCE)
    kinds = dict(con.sql("select table_name, table_type from information_schema.tables"
                         " where table_name like 'heavy%'").fetchall())
    assert kinds == {"heavy": "BASE TABLE", "heavy__compute": "VIEW"}
    con.execute("insert into t values (1), (2)")
    assert con.sql("select s from light").fetchall() == [(None,)]  # not refreshed yet
    assert refresh(con, root) == ["heavy"]
    assert con.sql("select s from light").fetchall() == [(6,)]  # (1 + 2) * 2


def test_materialized_view_may_not_follow_the_as_of_date(tmp_path):
    root = sql_tree(tmp_path, {
        "rules/heavy.sql": "-- materialize: table\ncreate or replace view heavy as"
                           " select x from t, as_of_date where x > 0;",
    })
    with pytest.raises(RuntimeError, match="depends on as_of_date"):
        view_files(root)


def test_reinit_replaces_changed_views_and_keeps_data(tmp_path):
    root = sql_tree(tmp_path, {
        "rules/b.sql": "create or replace view b as select x from t;",
        "rules/c.sql": "create or replace view c as select x from b;",
    })
    db = tmp_path / "s.duckdb"
    init_store(db, sql_dir=root, reference_dir=REFERENCE)
    with duckdb.connect(str(db)) as con:
        con.execute("insert into t values (7)")
    # b gains a column that c now reads: c cannot bind against the old b
    (root / "rules" / "b.sql").write_text("create or replace view b as select x, x + 1 y from t;")
    (root / "rules" / "c.sql").write_text("create or replace view c as select y from b;")
    init_store(db, sql_dir=root, reference_dir=REFERENCE)
    with duckdb.connect(str(db)) as con:
        assert con.sql("select y from c").fetchall() == [(8,)]


def test_a_broken_view_leaves_the_previous_views(tmp_path):
    root = sql_tree(tmp_path, {"rules/b.sql": "create or replace view b as select x from t;"})
    db = tmp_path / "s.duckdb"
    init_store(db, sql_dir=root, reference_dir=REFERENCE)
    (root / "rules" / "b.sql").write_text("create or replace view b as select nope from t;")
    with pytest.raises(RuntimeError, match="sql/rules/b.sql"):
        init_store(db, sql_dir=root, reference_dir=REFERENCE)
    with duckdb.connect(str(db)) as con:
        assert con.sql("select count(*) from b").fetchall() == [(0,)]


def test_refresh_recomputes_only_tables_reading_what_changed(tmp_path):
    root = sql_tree(tmp_path, {
        "rules/from_t.sql": "-- materialize: table\ncreate or replace view from_t as"
                            " select x from t;",
        "rules/via_view.sql": "create or replace view via_view as select x from t;",
        "rules/from_view.sql": "-- materialize: table\ncreate or replace view from_view as"
                               " select count(*) n from via_view, settings;",
        "rules/from_sites.sql": "-- materialize: table\ncreate or replace view from_sites as"
                                " select site_id from sites;",
    })
    con = duckdb.connect()
    init_connection(con, sql_dir=root, reference_dir=REFERENCE)
    # t is read directly by from_t and through the view via_view by from_view
    assert refresh(con, root, changed={"t"}) == ["from_t", "from_view"]
    assert refresh(con, root, changed={"sites"}) == ["from_sites"]
    assert refresh(con, root, changed={"payments"}) == []
    assert refresh(con, root) == ["from_sites", "from_t", "from_view"]


# --- issue 8, "Stale stored tables after a crash" -----------------------------------

def _killed_ingest(db: Path, lab: Path) -> None:
    """`python -m pipelines ingest` killed (SIGKILL) when its refresh starts: the rows
    are committed, the materialized tables are not recomputed (13 of 22 kill -9 trials)."""
    code = ("import os, signal, sys\n"
            "import pipelines.store.stored_tables as stored\n"  # catch_up calls refresh there
            "stored.refresh = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
            "from pipelines.__main__ import main\n"
            f"main(['ingest', '--db', {str(db)!r}, {str(lab)!r}])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def _frequency_rows(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("select count(*) from sampling_frequency").fetchall()[0][0]


@pytest.fixture(scope="module")
def _crashed_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store whose last ingest (6 lots of site S1) died after commit, before refresh:
    crashed once per module (a real process killed, about 3 s of CPU), copied per test."""
    from tests.pipelines.test_incremental import base_store, lab_csv, write

    folder = tmp_path_factory.mktemp("crashed")
    db = base_store(folder)
    lab = write(folder, "lab.csv", lab_csv(random.Random(3), "S1", [
        (f"L{i}", date(2023, 1, 1) + timedelta(days=40 * i)) for i in range(6)], 0.3))
    _killed_ingest(db, lab)
    return db, lab


@pytest.fixture
def crashed(tmp_path: Path, _crashed_template: tuple[Path, Path]) -> tuple[Path, Path]:
    """A copy of the crashed store of its own (the tests repair it), and the lab file (read
    only: the rerun finds it by its content)."""
    template, lab = _crashed_template
    db = copy_store(template, tmp_path / template.name)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select count(*) from analyses").fetchall()[0][0] == 18  # committed
        assert con.sql("select count(*) from brl9341_observation_history"
                       ).fetchall()[0][0] == 0  # not refreshed
    return db, lab


def test_the_store_knows_its_tables_are_behind_after_a_crash(crashed):
    db, _ = crashed
    with duckdb.connect(str(db), read_only=True) as con:
        assert is_behind(con)


def test_rerunning_the_ingest_repairs_the_stale_tables(crashed):
    db, lab = crashed
    rerun = subprocess.run([sys.executable, "-m", "pipelines", "ingest", "--db", str(db),
                            str(lab)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    # 6 lots × 3 components of S1 (bijlage II: a series from its first observation on);
    # before the fix the rerun loaded 0 rows, refreshed nothing, and this stayed empty.
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select count(*) from brl9341_observation_history"
                       ).fetchall()[0][0] == 18
        assert not is_behind(con)
    assert _frequency_rows(db) == 3  # one row per S1 × boomgranulaat × component


def test_refresh_repairs_the_stale_tables(crashed):
    db, _ = crashed
    assert main(["refresh", "--db", str(db)]) == 0
    assert _frequency_rows(db) == 3


def test_dashboard_start_repairs_the_stale_tables(crashed):
    from dashboard import bootstrap
    from dashboard import db as dash_db

    db, _ = crashed
    bootstrap.ensure_store(db)
    frame = dash_db.read_frame("select count(*) as n from sampling_frequency", path=db)
    assert frame["n"].to_list() == [3]
