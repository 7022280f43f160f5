"""Shared pieces of the access-control tests (no tests here): users of every role on the
dashboard test store (tests/dashboard/conftest.py: holder H1 owns BRL-001 with site S1 and
lots L1, L2; holder H2 owns BRL-002 with site S2 and lot L3), the login through the form,
and everything a page shows as one text."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES, PAGES_DIR, PageSpec
from pipelines import users
from pipelines.authfile import auth_path

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")

# user name -> (role, holder ids); password PASSWORD for all
ACCOUNTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mgmt": ("management", ()),
    "fin": ("finance", ()),
    "col": ("college", ()),
    "prod1": ("producer", ("H1",)),
    "adm": ("admin", ()),
}
PASSWORD = "correct horse battery"

# What holder H2 (BRL-002) has and H1 must never see.
H2_MARKERS = ("BRL-002", "Dakgroen", "daktuinsubstraat")
HOLDER_NAMES = ("Groen Substraat BV", "Dakgroen NV")


# The auth file that add_accounts wrote into a store that had none: made once per process
# and copied to the next stores (each add_user hashes with argon2id, about 0.25 s of CPU:
# five accounts cost more than a test's page renders).
_accounts_auth: Path | None = None


def _copy_auth(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite auth file (WAL mode), owner-only like the original."""
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def add_accounts(store: Path) -> None:
    """The users of ACCOUNTS, with password PASSWORD, in the store's auth file.

    The first store without an auth file gets them through ``users.add_user`` (hash, the
    holder check, the ``user_add`` audit lines); the next ones a copy of that auth file
    (same users, same hashes, same audit lines, a valid chain), after the same holder check.
    """
    global _accounts_auth
    target = auth_path(store)
    if _accounts_auth is not None and not target.exists():
        holders = sorted({h for _, hs in ACCOUNTS.values() for h in hs})
        users.known_holders(store, holders)
        _copy_auth(_accounts_auth, target)
        return
    fresh = not target.exists()
    for name, (role, holders) in ACCOUNTS.items():
        users.add_user(store, name, role, PASSWORD, holder_ids=holders)
    if fresh:
        folder = Path(tempfile.mkdtemp(prefix="accounts-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _copy_auth(target, folder / "accounts.auth.sqlite")
        _accounts_auth = folder / "accounts.auth.sqlite"


def existing_pages() -> list[PageSpec]:
    """Every page of the registry whose file exists: pages landing later are covered."""
    return [p for p in PAGES if (PAGES_DIR / p.file).exists()]


def login(username: str, password: str = PASSWORD, at: AppTest | None = None) -> AppTest:
    """Log in THROUGH THE FORM (keys of docs/contract.md)."""
    if at is None:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    at.run()
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def shown_text(at: AppTest) -> str:
    """Everything a person can read on the page: texts, tables, metrics, widget options."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                 "warning", "error", "success", "code", "latex", "exception"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    out += [d.value.to_csv() for d in at.dataframe]
    out += [t.value.to_csv() for t in at.table]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(at, kind):
            out += [str(widget.label), *map(str, widget.options)]
    out += [str(t.label) for t in at.tabs]
    return "\n".join(out)


def markdown_sources(at: AppTest) -> list[str]:
    """The raw Markdown of every element that renders Markdown (and widget labels)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(m.label) for m in at.metric]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "button", "checkbox",
                 "toggle", "date_input", "number_input"):
        out += [str(w.label) for w in getattr(at, kind)]
    out += [str(t.label) for t in at.tabs]
    return out



def shift_session_times(store: Path, idle_s: float = 0, age_s: float = 0) -> None:
    """Make every live session of the store look idle for ``idle_s`` seconds and
    ``age_s`` seconds older (the times are kept on the server, in the auth file)."""
    with sqlite3.connect(auth_path(store)) as con:
        con.execute("update sessions set last_seen_at = ?, created_at = created_at - ?"
                    " where ended_at is null", [time.time() - idle_s, age_s])
