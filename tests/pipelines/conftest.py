"""The command line run inside the test process.

A `python -m pipelines` subprocess spends about a second of CPU importing Polars, DuckDB and
the rest before it does anything; most command-line tests are about what a command prints
and returns, not about the process boundary. ``cli`` runs ``main()`` here instead and hands
back what ``subprocess.run`` would. A few tests keep a real subprocess
(tests/pipelines/test_cli.py ``run_process``): the module entry point, its exit status and
the environment it is started with.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable

import pytest

CliRun = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """``cli("ingest", "--db", ...)``: `python -m pipelines ...` as ``main()`` in this
    process; stdout, stderr (captured at the file descriptors, so output from libraries
    counts too) and the exit code as a CompletedProcess. An exception that ``main()`` lets
    through fails the test, as its traceback in a subprocess would fail the assertions."""
    from pipelines.__main__ import main

    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps --help as it does in a pipe
    # The writing commands lower their process's priority (CERT_WRITER_NICE); here that
    # would be the test worker's for the rest of the run.
    monkeypatch.setenv("CERT_WRITER_NICE", "0")

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        capfd.readouterr()  # what came before is not this command's output
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse: --help (0), usage errors (2)
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        out, err = capfd.readouterr()
        return subprocess.CompletedProcess([sys.executable, "-m", "pipelines", *args], code,
                                           out, err)

    return run
