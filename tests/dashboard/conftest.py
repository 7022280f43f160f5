"""A small store file for the dashboard tests: two holders, two sites, three lots."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.store import connect_write, init_store, readable_snapshot, refresh
from tests.conftest import copy_store

# Hand-made rows (BRL 9341 limits from data/reference/ref_limits.csv: arsenic 0.9, zinc 4.5).
#  BRL-001 (holder H1), site S1, boomgranulaat:
#    L1 2024-03-01 arsenic 0.5 and 0.7 -> mean 0.6 <= 0.9; zinc 3.0 <= 4.5   -> compliant
#    L2 2024-06-01 arsenic 1.2 > 0.9;    zinc <1.0 (at LOQ 1.0) <= 4.5         -> exceeds
#  BRL-002 (holder H2), site S2, daktuinsubstraat:
#    L3 2024-05-01 arsenic 0.3 <= 0.9                                         -> compliant
ANALYSES = [
    # certificate, site, lot, product, sample, sampled_on, component, value, below_loq
    ("BRL-001", "S1", "L1", "boomgranulaat", "M1", "2024-03-01", "arsenic", 0.5, False),
    ("BRL-001", "S1", "L1", "boomgranulaat", "M2", "2024-03-01", "arsenic", 0.7, False),
    ("BRL-001", "S1", "L1", "boomgranulaat", "M1", "2024-03-01", "zinc", 3.0, False),
    ("BRL-001", "S1", "L2", "boomgranulaat", "M3", "2024-06-01", "arsenic", 1.2, False),
    ("BRL-001", "S1", "L2", "boomgranulaat", "M3", "2024-06-01", "zinc", 1.0, True),
    ("BRL-002", "S2", "L3", "daktuinsubstraat", "M4", "2024-05-01", "arsenic", 0.3, False),
]


def fill(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        insert into certificate_holders (holder_id, holder_name) values
            ('H1', 'Groen Substraat BV'), ('H2', 'Dakgroen NV')
    """)
    con.execute("""
        insert into certificates (certificate_number, scheme, holder_id, issued_on) values
            ('BRL-001', 'brl9341', 'H1', date '2020-01-01'),
            ('BRL-002', 'brl9341', 'H2', date '2021-01-01')
    """)
    con.execute("""
        insert into sites (site_id, certificate_number, name) values
            ('S1', 'BRL-001', 'Veghel'), ('S2', 'BRL-002', 'Gent')
    """)
    con.execute("""
        insert into lots (site_id, lot_id, certificate_number, product) values
            ('S1', 'L1', 'BRL-001', 'boomgranulaat'),
            ('S1', 'L2', 'BRL-001', 'boomgranulaat'),
            ('S2', 'L3', 'BRL-002', 'daktuinsubstraat')
    """)
    con.executemany(
        """
        insert into analyses (certificate_number, site_id, lot_id, product, sample_id,
            sampled_on, component, value, below_loq, lab_report_id, purpose)
        values (?, ?, ?, ?, ?, ?::date, ?, ?, ?, 'R1', 'production')
        """,
        ANALYSES,
    )
    con.execute("""
        insert into ingestion_log values
            (nextval('ingestion_log_seq'), 'lab_2024.csv', 'abc', 'lab',
             timestamp '2024-07-01 10:00', 7, 6, 0, 1)
    """)
    con.execute("""
        insert into quarantine
            (source_file, source_sha256, kind, source_line, column_name, bad_value, reason,
             raw_row, ingested_at, certificate_number)
        values
            ('lab_2024.csv', 'abc', 'lab', 8, 'certificate_number', 'BRL-999',
             'unknown certificate', '{}', timestamp '2024-07-01 10:00', 'BRL-999'),
            ('lab_2024.csv', 'abc', 'lab', 9, 'component', 'kryptonite',
             'unknown component', '{}', timestamp '2024-07-01 10:00', 'BRL-001')
    """)


@pytest.fixture(autouse=True)
def _english_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard tests written before issue 27 assert the English texts: they run in
    English (CERT_LANG, the install's default language). The Dutch pages are checked by
    tests/dashboard/test_dutch_pages.py and the browser test, which ask for Dutch."""
    monkeypatch.setenv("CERT_LANG", "en")


@pytest.fixture(scope="session")
def _dash_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The filled store, built once per worker (about 2 s each time it was built per test),
    and closed through ``connect_write`` as every writer of the product closes a store: its
    read-only snapshot is published (docs/concurrency.md)."""
    path = init_store(tmp_path_factory.mktemp("dash_template") / "dash.duckdb")
    con = duckdb.connect(str(path))
    try:
        fill(con)
        refresh(con)  # the stored BRL 9341 tables (lot order, series history) read the rows
    finally:
        con.close()
    with connect_write(path):
        pass  # publishes the snapshot when the block ends
    return path


@pytest.fixture
def dash_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _dash_template: Path) -> Path:
    """A filled store file of its own with its published snapshot (``copy_store`` keeps
    both and their times), and CERT_DB pointing at it. The pages read the snapshot, as on a
    store that the command line or the dashboard wrote, over one kept connection; before,
    each read opened the store file itself, and the first page run of every test published
    the snapshot. A test that writes the file directly (duckdb.connect) is read directly
    from then on, as before (pipelines.store.readable_snapshot)."""
    path = copy_store(_dash_template, tmp_path / "dash.duckdb")
    assert readable_snapshot(path) is not None
    monkeypatch.setenv("CERT_DB", str(path))
    return path


@pytest.fixture
def dash_store_direct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      _dash_template: Path) -> Path:
    """The filled store without its snapshot: read directly (the connection layer's tests
    of locks and waits on the store file itself), and CERT_DB pointing at it."""
    path = tmp_path / "dash.duckdb"
    shutil.copyfile(_dash_template, path)
    assert readable_snapshot(path) is None
    monkeypatch.setenv("CERT_DB", str(path))
    return path


@pytest.fixture(scope="session", autouse=True)
def _component_scan_once() -> Iterator[None]:
    """Every new AppTest scans the metadata of every installed distribution for Streamlit
    components (more CPU than running a small page); the installed packages do not change
    during a run, so the scan is made once per worker."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without these components scans nothing
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        yield


def _wait_for_the_run(runner: Any, timeout: float = 3) -> None:
    """AppTest's wait for a script run (streamlit.testing.v1.local_script_runner.
    require_widgets_deltas), without its poll: that one wakes every millisecond to look at
    the run's events, taking the GIL from the script thread each time. The script thread
    ends after its SHUTDOWN event, so joining it with the timeout waits for the same moment;
    a run still going at the timeout is stopped and raises as before."""
    thread = runner._script_thread  # noqa: SLF001 (started by LocalScriptRunner.run)
    if thread is not None:
        thread.join(timeout)
    if runner.script_stopped():
        return
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


@pytest.fixture(scope="session", autouse=True)
def _apptest_runs_cheaper() -> Iterator[None]:
    """Two costs of every AppTest run that a real server does not have (test-only, the
    pages run as before): the wait above, and a new ScriptCache per run, so app.py and the
    page were read, given Streamlit's "magic" and compiled again each time. A server keeps
    one cache for all its sessions; here one per worker (the page files do not change
    during a run)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_script_runner, "require_widgets_deltas", _wait_for_the_run)
        patch.setattr(local_script_runner, "ScriptCache", lambda: shared)
        patch.setattr(app_test, "ScriptCache", lambda: shared)
        yield


@pytest.fixture(autouse=True)
def _report_prefetch_only_where_tested(request: pytest.FixtureRequest,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The College page computes the neighbouring years' reports in a background thread
    (dashboard/queries/college.py prefetch_report_figures, issue 26). On a test's fresh
    store copy every visit of the page starts one, which computes reports no other test
    reads and outlives its test, taking CPU from the next ones. Here the page's call still
    checks the viewer, as the real one does first; the prefetch itself runs in the tests
    that ask for ``report_prefetch`` (tests/dashboard/test_report_pages.py)."""
    if "report_prefetch" in request.fixturenames:
        return
    from dashboard.queries import college as queries  # the module the College page reads

    def checked_only(viewer: Any, years: list[int]) -> None:
        queries._report_viewer(viewer)  # noqa: SLF001 (the real one's first step)

    monkeypatch.setattr(queries, "prefetch_report_figures", checked_only)


@pytest.fixture
def report_prefetch() -> None:
    """The College page's background prefetch as in the product (see above)."""
