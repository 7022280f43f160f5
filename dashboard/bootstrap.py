"""Make sure the dashboard has a store to read: build the demo, add missing views, and
bring stored tables that are behind their data up to date.

Runs once per store version in a process (cheap on every rerun after that). Every write
goes through ``pipelines.store.connect_write``, which publishes the read-only snapshot
the pages read (docs/concurrency.md).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import streamlit as st

from dashboard import db
from pipelines.config import settings
from pipelines.i18n import _
from pipelines.store import (
    COMPUTE_SUFFIX,
    StoreBusy,
    connect_write,
    is_behind,
    readable_snapshot,
    sql_files,
    view_files,
)

_checked: set[tuple[str, tuple[int, ...]]] = set()
_guard = threading.Lock()


_SCHEMA_TABLE = re.compile(r"create table if not exists (\w+)", re.IGNORECASE)


def expected_views(sql_dir: Path | None = None) -> set[str]:
    """The relations the sql/ files define: views, and for a materialized view its table
    and its ``__compute`` view; and the tables of sql/schema (a store of an older version
    lacks e.g. analyses_replaced, which the Lot page reads: issue 22)."""
    sql_dir = sql_dir or settings().sql_dir
    names: set[str] = set()
    for view in view_files(sql_dir):
        names.add(view.name)
        if view.materialized:
            names.add(view.name + COMPUTE_SUFFIX)
    for path in sql_files(sql_dir, "schema"):
        names |= {n.lower() for n in _SCHEMA_TABLE.findall(path.read_text(encoding="utf-8"))}
    return names


def missing_views(path: Path) -> set[str]:
    """Relations of sql/ absent from the store (a store built by an older version)."""
    present = db.read_frame(
        "select view_name as name from duckdb_views() where not internal"
        " union all select table_name from duckdb_tables()", path=path)
    return expected_views() - {v.lower() for v in present["name"].to_list()}


def ensure_store(path: Path | str | None = None) -> Path:
    """Create the demo store when the file is missing; refresh views when some are missing;
    catch up stored tables left behind by an interrupted ingest; warn when they still are."""
    path = Path(path or db.store_path())
    with _guard:
        key = (str(path), db.store_version(path))
        if key in _checked:
            return path
        if not path.exists():
            _build_demo(path)
        elif missing_views(path):
            from pipelines.store import init_store

            with st.spinner(_("Updating the store's views…")):
                init_store(path)
        elif readable_snapshot(path) is None or stored_tables_behind(path):
            _catch_up(path)
        if stored_tables_behind(path):
            # Never show an empty or old status as if it were current (issue 8).
            st.warning(_("The stored rule tables are behind the data (an ingest was "
                         "interrupted before its refresh, and another writer holds the store). "
                         "Figures of BRL 9341 and the lifecycle may be incomplete until it "
                         "finishes; reload in a moment, or run `python -m pipelines refresh`."))
            return path
        _checked.add((str(path), db.store_version(path)))
    return path


def stored_tables_behind(path: Path) -> bool:
    """Are the stored tables of what the pages read behind their data?"""
    with db.reader(path=path) as cur:
        return is_behind(cur)


def _catch_up(path: Path) -> None:
    """Publish a snapshot, refreshing first what an interrupted ingest left behind. A
    writer at work will do both itself when it finishes: then do not wait for it."""
    try:
        with st.spinner(_("Bringing the stored tables up to date…")), \
                connect_write(path, timeout_s=2.0):
            pass  # connect_write catches up and publishes when the block ends
    except StoreBusy:
        pass


def _build_demo(path: Path) -> None:
    # Imported here: the demo builder is heavy and only needed on the very first start.
    try:
        from pipelines.demo import build_demo
    except ModuleNotFoundError as exc:
        if exc.name != "pipelines.demo":
            raise
        # No demo builder in this install: start from an empty store.
        from pipelines.store import init_store

        with st.spinner(_("Creating an empty store at {path}…").format(path=path)):
            init_store(path)
        return
    with st.spinner(_("Building the demo store at {path} (first start only)…").format(
            path=path)):
        build_demo(path, scale=1)
