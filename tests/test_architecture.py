"""The import rules of docs/architecture.md, read from the source with ``ast`` (issue 28):
every ``import`` and ``from ... import`` of a module, also inside functions and under
``if TYPE_CHECKING``, is checked against the rules of the layer the module belongs to.

A rule is (files it applies to, module prefixes they may not import, why). The second test
plants one bad import per rule in a copy of the tree and expects each to be reported, so
a rule that stopped matching anything fails here rather than passing quietly.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Rule:
    files: tuple[str, ...]  # globs relative to the repository root
    forbidden: tuple[str, ...]  # module names; a prefix also forbids its submodules
    why: str
    exempt: tuple[str, ...] = ()  # files the globs match that the rule does not cover


RULES: tuple[Rule, ...] = (
    Rule(("pipelines/**/*.py",), ("dashboard", "streamlit"),
         "pipelines/ is below the dashboard: the CLI, the report and the digest run "
         "without it"),
    Rule(("dashboard/app_pages/*.py",),
         ("pipelines.store", "pipelines.ingest", "pipelines.report.texts", "dashboard.db",
          "dashboard.upload", "duckdb"),
         "a page lays out: it reads through dashboard.queries and writes through "
         "dashboard.services"),
    Rule(("dashboard/queries.py", "dashboard/queries/**/*.py"),
         ("dashboard.app_pages", "dashboard.services", "dashboard.upload", "pipelines.ingest",
          "pipelines.report.texts"),
         "the query layer reads: it imports no page and no write"),
    Rule(("dashboard/*.py",), ("dashboard.app_pages",),
         "only the frame (dashboard/app.py) and the pages themselves import a page's "
         "module", exempt=("dashboard/app.py",)),
)


def imported(path: Path, root: Path = REPO_ROOT) -> set[str]:
    """Every module a file imports: ``from a.b import c`` counts as ``a.b`` and ``a.b.c``
    (c may be a submodule); a relative import is resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).parts[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parent = package[:len(package) - node.level + 1] if node.level else ()
            base = ".".join([*parent, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(root: Path = REPO_ROOT, rules: tuple[Rule, ...] = RULES) -> list[str]:
    found = []
    for rule in rules:
        files = sorted({p for pattern in rule.files for p in root.glob(pattern)})
        for path in files:
            relative = path.relative_to(root).as_posix()
            if relative in rule.exempt:
                continue
            for module in sorted(imported(path, root)):
                if any(_matches(module, prefix) for prefix in rule.forbidden):
                    found.append(f"{relative} imports {module}: {rule.why}")
    return found


def test_the_source_keeps_the_import_rules() -> None:
    assert violations() == []


# One bad import per rule, each in a file the rule covers, in the forms code uses:
# a plain import, a from-import inside a function, a submodule named in the import list.
PLANTED = {
    "pipelines/report/pdf.py": "from dashboard.charts import charts_for\n",
    "pipelines/digest.py": "def f():\n    from dashboard import glossary\n",
    "pipelines/store/backend.py": "import streamlit as st\n",
    "dashboard/app_pages/college.py": "from pipelines.report import texts\n",
    "dashboard/app_pages/data.py": "from dashboard.upload import ingest_uploads\n",
    "dashboard/app_pages/imports.py": "from dashboard import db\n",
    "dashboard/app_pages/lot.py": "def f():\n    from pipelines.store import connect_write\n",
    "dashboard/app_pages/lots.py": "import pipelines.ingest\n",
    "dashboard/queries/shared.py": "from dashboard.app_pages.common import show_table\n",
    "dashboard/services.py": "from dashboard.app_pages import college\n",
}
EXPECTED = {
    ("pipelines/report/pdf.py", "dashboard.charts"),
    ("pipelines/digest.py", "dashboard.glossary"),
    ("pipelines/store/backend.py", "streamlit"),
    ("dashboard/app_pages/college.py", "pipelines.report.texts"),
    ("dashboard/app_pages/data.py", "dashboard.upload"),
    ("dashboard/app_pages/imports.py", "dashboard.db"),
    ("dashboard/app_pages/lot.py", "pipelines.store"),
    ("dashboard/app_pages/lots.py", "pipelines.ingest"),
    ("dashboard/queries/shared.py", "dashboard.app_pages.common"),
    ("dashboard/services.py", "dashboard.app_pages.college"),
}


def test_a_planted_bad_import_is_reported(tmp_path: Path) -> None:
    for folder in ("pipelines", "dashboard"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "locale"))
    assert violations(tmp_path) == []  # the copy is as clean as the source
    for relative, line in PLANTED.items():
        path = tmp_path / relative
        path.write_text(path.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    reported = {tuple(v.split(":")[0].split(" imports ")) for v in violations(tmp_path)}
    assert reported >= EXPECTED  # each planted import is named
    assert {file for file, _ in reported} == {file for file, _ in EXPECTED}  # nothing else


@pytest.mark.parametrize("source, expected", [
    ("from dashboard import charts\n", {"dashboard", "dashboard.charts"}),
    ("import pipelines.store.backend as b\n", {"pipelines.store.backend"}),
    ("def f():\n    from .schema import view_files\n",
     {"pipelines.store.schema", "pipelines.store.schema.view_files"}),
    ("from . import schema\n", {"pipelines.store", "pipelines.store.schema"}),
    ("if TYPE_CHECKING:\n    from dashboard.upload import Upload\n",
     {"dashboard.upload", "dashboard.upload.Upload"}),
])
def test_imports_are_read_in_every_form(tmp_path: Path, source: str,
                                        expected: set[str]) -> None:
    path = tmp_path / "pipelines" / "store" / "probe.py"
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    assert imported(path, tmp_path) == expected


# --- the query layer by audience (issue 28 point 1) --------------------------------------

# Each page reads through its own module of dashboard/queries/ (common.py, the pages'
# shared pieces, through the shared helpers); a page not listed reads nothing from it.
PAGE_QUERIES = {
    "overview": "management", "certificates": "certificates", "billing": "finance",
    "college": "college", "my_certificates": "producer", "statement": "producer",
    "lots": "brl9341_lots", "lot": "brl9341_lots", "sampling_plan": "sampling",
    "data": "admin",
    "imports": "admin", "verify": "register", "register": "register", "common": "shared",
}
QUERY_MODULE_MAX_LINES = 450  # "none over about 400 lines"


def query_modules(path: Path) -> set[str]:
    """The modules of the query layer a file imports; ``dashboard.queries`` when it takes
    the package as a whole (``from dashboard import queries``, a name re-exported by it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if _matches(a.name, "dashboard.queries")}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module == "dashboard" and any(a.name == "queries" for a in node.names):
                found.add("dashboard.queries")
            elif node.module == "dashboard.queries":
                found |= {f"dashboard.queries.{a.name}" for a in node.names}
            elif _matches(node.module, "dashboard.queries"):
                found.add(node.module)
    return found


def page_query_violations(root: Path = REPO_ROOT) -> list[str]:
    found = []
    for page in sorted((root / "dashboard" / "app_pages").glob("*.py")):
        own = PAGE_QUERIES.get(page.stem)
        allowed = {f"dashboard.queries.{own}"} if own else set()
        found += [f"dashboard/app_pages/{page.name} imports {module}: a page reads through"
                  f" its own module of the query layer ({own or 'none'})"
                  for module in sorted(query_modules(page) - allowed)]
    return found


def test_each_page_reads_through_its_own_query_module() -> None:
    assert page_query_violations() == []


def test_a_page_reading_another_query_module_is_reported(tmp_path: Path) -> None:
    pages = tmp_path / "dashboard" / "app_pages"
    shutil.copytree(REPO_ROOT / "dashboard" / "app_pages", pages,
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert page_query_violations(tmp_path) == []
    planted = {"overview.py": "from dashboard.queries import finance\n",
               "billing.py": "from dashboard import queries as q\n",
               "lot.py": "def f():\n    from dashboard.queries.producer import lots\n",
               "users.py": "import dashboard.queries.admin\n",
               "college.py": "from dashboard.queries import report_years\n"}
    for name, line in planted.items():
        path = pages / name
        path.write_text(path.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    reported = {v.split(":")[0] for v in page_query_violations(tmp_path)}
    assert reported == {
        "dashboard/app_pages/overview.py imports dashboard.queries.finance",
        "dashboard/app_pages/billing.py imports dashboard.queries",
        "dashboard/app_pages/lot.py imports dashboard.queries.producer",
        "dashboard/app_pages/users.py imports dashboard.queries.admin",
        "dashboard/app_pages/college.py imports dashboard.queries.report_years",
    }


def test_the_query_modules_stay_small() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines())
             for path in (REPO_ROOT / "dashboard" / "queries").glob("*.py")}
    assert {"management.py", "finance.py", "college.py", "producer.py", "register.py",
            "admin.py", "shared.py"} <= set(sizes)
    assert {name: n for name, n in sizes.items() if n > QUERY_MODULE_MAX_LINES} == {}


def test_every_query_module_is_reachable_by_its_name() -> None:
    # a page imports "from dashboard.queries import <module> as queries": a function the
    # package re-exports under a module's name (lots() beside a module lots) would take
    # its place there
    import types

    import dashboard.queries as package

    modules = sorted(p.stem for p in (REPO_ROOT / "dashboard" / "queries").glob("*.py")
                     if p.stem != "__init__")
    assert {m: type(getattr(package, m)).__name__ for m in modules
            if not isinstance(getattr(package, m), types.ModuleType)} == {}
