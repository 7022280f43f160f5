"""The SQL runner: dependency order, re-initialisation, materialized tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.store import init_connection, init_store, refresh, view_files
from tests.conftest import REPO_ROOT

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
