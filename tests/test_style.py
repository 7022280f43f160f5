"""The code stays ruff-clean (configuration in pyproject.toml): checked with the tests so the
README's one test command covers it."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None,
                    reason="ruff is not installed (it comes with the [test] extra)")
def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# Python callbacks inside Polars (map_elements, map_batches, map_groups) run on Polars'
# thread pool and take the GIL from there. With many Streamlit sessions rendering at once
# that deadlocked the whole dashboard server: a script thread waiting for the pool while
# holding the GIL, the pool's workers waiting for the GIL (bench/concurrency.py, 20
# sessions). Format or look up values outside Polars, or with replace_strict.
POLARS_CALLBACKS = re.compile(r"\.(map_elements|map_batches|map_groups|map_rows)\(")


def test_no_python_callbacks_inside_polars_in_served_code() -> None:
    offenders = [f"{path.relative_to(REPO_ROOT)}:{n}: {line.strip()}"
                 for folder in ("dashboard", "pipelines")
                 for path in sorted((REPO_ROOT / folder).rglob("*.py"))
                 for n, line in enumerate(path.read_text().splitlines(), start=1)
                 if POLARS_CALLBACKS.search(line) and not line.lstrip().startswith("#")]
    assert not offenders, "\n".join(offenders)
