"""CI (.ci/run) runs exactly the README's test command, with the browser test required."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Run the whole test suite:\s*```\n(.*?)\n```", readme, re.S)
    assert block is not None
    command = block.group(1).strip()
    lines = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert lines[-1] == command


def test_ci_requires_the_browser_test() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # the command the README runs comes after the export, so pytest sees it
    assert script.index("export CERT_REQUIRE_BROWSER=1") < script.index("-m pytest")
    # no fallback that would turn a failed install into a warning
    assert "||" not in script
