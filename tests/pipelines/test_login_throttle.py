"""The login throttle (issue 24, goal 1; docs/security.md "Authentication"): attempts are
counted before the password is checked, in one SQLite write transaction, so parallel
attempts (threads, processes) cannot all reach the check; per user name a delay that
doubles from 1 s and stops at 30 s, never a lockout; per client address a limit; the
administrator sees and clears the counters.

Defaults (pipelines/config.py): 5 free attempts per user name, 20 per client, delay
1 s * 2**(attempts - free), capped at 30 s (user) and 300 s (client), window 900 s.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from pipelines import audit, users
from tests.conftest import REPO_ROOT

PASSWORD = "a long password"


class CountingHasher:
    """The real argon2 hasher, counting how many passwords it checked."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.verified += 1
        return self.hasher.verify(stored, password)

    def __getattr__(self, name: str) -> object:
        return getattr(self.hasher, name)


@pytest.fixture
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    """A cheap argon2id (the tests that simulate hours check hundreds of attempts)."""
    counting = CountingHasher(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(users, "_hasher", counting)
    monkeypatch.setattr(users, "_DUMMY_HASH", counting.hasher.hash("no such password"))
    return counting


@pytest.fixture
def anna(store_path: Path) -> Path:
    users.add_user(store_path, "anna", "management", PASSWORD)
    return store_path


def test_waits_per_user_double_from_1_s_and_stop_at_30_s(anna: Path,
                                                         fast_hasher: CountingHasher) -> None:
    """By hand: attempts 1-5 free; the 6th waits 1 s after the 5th, then 2, 4, 8, 16, then
    30 (32 capped), 30. Each attempt from its own address, so only the user limit acts."""
    t = 1_000.0
    for n in range(5):
        assert users.authenticate(anna, "anna", "wrong", f"10.0.0.{n}", now=t).checked
    expected_waits = [1, 2, 4, 8, 16, 30, 30]
    for step, wait in enumerate(expected_waits):
        assert users.login_wait(anna, "anna", "10.9.9.9", now=t) == pytest.approx(wait)
        early = users.authenticate(anna, "anna", PASSWORD, f"10.1.0.{step}",
                                   now=t + wait - 0.5)
        assert early.user is None and not early.checked
        assert "Try again in 1 second." in early.message
        t += wait
        assert users.authenticate(anna, "anna", "wrong", f"10.2.0.{step}", now=t).checked
    # Checks at t0 (5), +1, +3, +7, +15, +31, +61: 10 in the first minute, the 11th at 61 s.
    assert fast_hasher.verified == 5 + len(expected_waits)
    # A refused attempt does not push the wait further: the owner gets in 30 s after the
    # last checked attempt, however many were refused in between.
    for k in range(100):
        users.authenticate(anna, "anna", "wrong", f"10.3.0.{k}", now=t + 0.1 * k)
    assert users.authenticate(anna, "anna", PASSWORD, "192.0.2.1", now=t + 30).user


def test_parallel_wrong_attempts_check_at_most_10_passwords(anna: Path) -> None:
    """50 threads at once, the real argon2id hasher: the count is taken before the check,
    so only the 5 free attempts (and at most one per doubling delay that passes meanwhile)
    reach argon2. Before issue 24 the count came after the check and all 50 were checked."""
    counting = CountingHasher(users._hasher)
    original = users._hasher
    users._hasher = counting  # type: ignore[assignment]
    try:
        start = threading.Barrier(50)
        results: list[users.LoginResult] = []

        def attempt(n: int) -> None:
            start.wait()
            results.append(users.authenticate(anna, "anna", f"guess {n}", f"10.0.{n}.1"))

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - began
    finally:
        users._hasher = original  # type: ignore[assignment]
    checked = sum(r.checked for r in results)
    assert len(results) == 50 and all(r.user is None for r in results)
    assert checked == counting.verified
    assert 5 <= checked <= 10, (checked, took)
    lines = audit.entries(anna, action="login_failed")["detail"].to_list()
    assert lines.count("wrong name or password") == len(lines) == checked
    throttled = audit.entries(anna, action="login_throttled")["detail"].to_list()
    assert len(throttled) == 50 - checked
    assert all(d.startswith("throttled per user") for d in throttled)


CHILD = """
import sys, threading, time
from pathlib import Path
from pipelines import users
store, start, proc = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
time.sleep(max(0.0, start - time.time()))
out = []
def go(n):
    out.append(users.authenticate(store, "anna", "guess", f"10.{proc}.{n}.1").checked)
ts = [threading.Thread(target=go, args=(n,)) for n in range(10)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sum(out))
"""


def test_parallel_attempts_from_several_processes_share_the_count(anna: Path) -> None:
    """Four processes (as several Streamlit servers on one store) of 10 threads each, all
    released at the same moment: the SQLite write lock holds across processes."""
    start = time.time() + 8  # after every child has imported the project
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(anna), str(start), str(p)],
                                 cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
                for p in range(4)]
    checked = [int(child.communicate(timeout=300)[0].strip()) for child in children]
    assert all(child.returncode == 0 for child in children)
    assert 5 <= sum(checked) <= 10, checked


def test_a_stranger_hammering_does_not_keep_the_owner_out(anna: Path,
                                                          fast_hasher: CountingHasher) -> None:
    """A stranger tries anna's account every second for 5 minutes from one address. By
    hand: the address passes its own check at t = 0..19 (20 free), 20, 22, 26, 34, 50, 82,
    146, 274 (waits 1, 2, 4, ... s); the user name lets checks through at 0-4, 5, 7, 11, 19,
    50, 82, 146, 274 (waits 1, 2, 4, 8, 16, then 30 s). At t = 300 the owner, from home,
    tries every 5 s: the user name is free again at 274 + 30 = 304, so the owner is in at
    305, and the stranger's attempts at 300-305 were refused by its address's limit."""
    t0 = 1_000.0
    for second in range(300):
        users.authenticate(anna, "anna", f"guess {second}", "203.0.113.5", now=t0 + second)
    assert fast_hasher.verified == 5 + 4 + 4  # t = 0-4; 5, 7, 11, 19; 50, 82, 146, 274
    tried = None
    for offset in range(0, 61, 5):
        users.authenticate(anna, "anna", "guess again", "203.0.113.5", now=t0 + 300 + offset)
        if users.authenticate(anna, "anna", PASSWORD, "198.51.100.7",
                              now=t0 + 300 + offset).user is not None:
            tried = offset
            break
    assert tried == 5


def test_per_client_limit_across_user_names(anna: Path, fast_hasher: CountingHasher) -> None:
    """One address guessing 20 different names (1 attempt each, the user limit never acts)
    uses its 20 free attempts; the 21st waits (1 s), even with anna's right password;
    another address gets in at once. A login does not reset the address's count."""
    t = 5_000.0
    for n in range(20):
        assert users.authenticate(anna, f"user{n}", "guess", "203.0.113.9", now=t).checked
    refused = users.authenticate(anna, "anna", PASSWORD, "203.0.113.9", now=t + 0.5)
    assert refused.user is None and not refused.checked
    assert "throttled per client" in audit.entries(anna, action="login_throttled")["detail"][0]
    assert users.authenticate(anna, "anna", PASSWORD, "198.51.100.1", now=t + 0.5).user
    assert users.authenticate(anna, "anna", PASSWORD, "203.0.113.9", now=t + 1).user
    # 21 attempts counted for the address now: the next waits 2 s, login or not
    assert users.login_wait(anna, "nobody", "203.0.113.9", now=t + 1) == pytest.approx(2)


def test_admin_sees_and_clears_the_counters(anna: Path, fast_hasher: CountingHasher) -> None:
    now = time.time()
    for n in range(7):
        users.authenticate(anna, "anna", "guess", "203.0.113.9", now=now + n * 0.01)
    table = {t.key: t for t in users.throttles(anna, now=now + 0.1)}
    # 7 attempts passed the address's check; 5 free + none of the 2 within 1 s for anna
    assert table["client:203.0.113.9"].attempts == 7
    assert (table["user:anna"].attempts, table["user:anna"].refused) == (5, 2)
    assert table["user:anna"].wait_s == pytest.approx(0.96, abs=0.02)
    assert users.clear_throttle(anna, "user:anna", actor="adm")
    assert users.login_wait(anna, "anna", "198.51.100.1", now=now + 0.1) == 0
    assert [t.key for t in users.throttles(anna, now=now + 0.1)] == ["client:203.0.113.9"]
    line = audit.entries(anna, action="throttle_clear")
    assert (line["actor"][0], line["detail"][0]) == ("adm", "user:anna")


def test_settings_change_the_limits(anna: Path, fast_hasher: CountingHasher,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERT_LOGIN_FREE_USER", "2")
    monkeypatch.setenv("CERT_LOGIN_DELAY_BASE_S", "10")
    monkeypatch.setenv("CERT_LOGIN_DELAY_MAX_S", "15")
    t = 9_000.0
    for n in range(2):
        users.authenticate(anna, "anna", "guess", f"10.0.0.{n}", now=t)
    assert users.login_wait(anna, "anna", "x", now=t) == pytest.approx(10)
    users.authenticate(anna, "anna", "guess", "10.0.1.1", now=t + 10)
    assert users.login_wait(anna, "anna", "x", now=t + 10) == pytest.approx(15)  # 20 capped


def test_strangers_on_many_addresses_do_not_take_the_owners_turns_at_home(
        anna: Path, fast_hasher: CountingHasher) -> None:
    """Anna logged in from 198.51.100.7 before. Then strangers try her account every
    second for 5 minutes, each time from another address (no address reaches its own
    limit). By hand they get 18 passwords checked: 5 at t = 1-5, then at 6, 8, 12, 20, 36
    (waits 1, 2, 4, 8, 16 s) and 66, 96, ..., 276 (every 30 s). At t = 300 Anna, at home,
    gets in at once: an address she logged in from has a counter of its own. From an
    address she never used she shares the strangers' counter and waits (at most 30 s,
    though strangers trying every second take most turns: docs/security.md)."""
    t0 = 50_000.0
    assert users.authenticate(anna, "anna", PASSWORD, "198.51.100.7", now=t0).user
    for second in range(1, 301):
        users.authenticate(anna, "anna", "guess", f"203.0.113.{second % 250}",
                           now=t0 + second)
    assert fast_hasher.verified == 1 + 18
    hotel = users.authenticate(anna, "anna", PASSWORD, "192.0.2.50", now=t0 + 300.5)
    assert hotel.user is None and not hotel.checked
    assert users.authenticate(anna, "anna", PASSWORD, "198.51.100.7", now=t0 + 300.5).user
    # Her login at home did not reset the strangers' counter.
    assert users.login_wait(anna, "anna", "192.0.2.50", now=t0 + 300.5) == pytest.approx(5.5)


def test_typed_text_cannot_name_another_counter(anna: Path,
                                                fast_hasher: CountingHasher) -> None:
    """'anna from 198.51.100.7' typed as a user name would be the key of Anna's counter at
    home; names no user can have (a space here) share one counter of their own."""
    t = 70_000.0
    assert users.authenticate(anna, "anna", PASSWORD, "198.51.100.7", now=t).user
    for n in range(10):
        users.authenticate(anna, "anna from 198.51.100.7", "guess", f"203.0.113.{n}",
                           now=t + 1)
    keys = {th.key: th.attempts for th in users.throttles(anna, now=t + 1)}
    assert keys["user:(not a user name)"] == 5  # 5 free, the other 5 refused
    assert "user:anna from 198.51.100.7" not in keys
    assert users.authenticate(anna, "anna", PASSWORD, "198.51.100.7", now=t + 1).user
