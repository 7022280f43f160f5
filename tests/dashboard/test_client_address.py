"""The client address of the login throttle and the audit log (issue 24, goal 2):
X-Forwarded-For is believed only when the TCP peer is a trusted proxy
(CERT_TRUSTED_PROXIES, empty by default), and then read from the right: the right-most
address that is not a trusted proxy is the client; what the client wrote itself (left of
it) is never taken. Unknown: None, and the dashboard uses a key of the browser session."""

from __future__ import annotations

import pytest

from dashboard.auth import resolve_client

PROXY = ["10.0.0.5"]
PROXIES = ["10.0.0.0/24", "2001:db8::/32"]


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    # no trusted proxy: the header is ignored, whatever it says
    ("203.0.113.7", ["198.51.100.1"], [], "203.0.113.7"),
    ("127.0.0.1", ["198.51.100.1"], [], "127.0.0.1"),
    # a peer that is not in the list is the client, even with proxies configured
    ("203.0.113.7", ["198.51.100.1"], PROXY, "203.0.113.7"),
    # the proxy's header: its right-most entry is the address the proxy saw
    ("10.0.0.5", ["198.51.100.1"], PROXY, "198.51.100.1"),
    # a client writing its own header: the proxy appends the real address on the right
    ("10.0.0.5", ["1.2.3.4, 198.51.100.1"], PROXY, "198.51.100.1"),
    ("10.0.0.5", ["1.2.3.4", "198.51.100.1"], PROXY, "198.51.100.1"),  # two header lines
    # a chain of trusted proxies is skipped from the right
    ("10.0.0.5", ["198.51.100.1, 10.0.0.9"], PROXIES, "198.51.100.1"),
    ("2001:db8::1", ["[2001:db8::2]:443, 198.51.100.1:5555, 10.0.0.9"], PROXIES,
     "198.51.100.1"),
    ("::ffff:10.0.0.5", ["2001:db8:1::9, 203.0.113.4"], PROXIES, "203.0.113.4"),
    # nothing usable from a trusted proxy: unknown, never the proxy's own address
    ("10.0.0.5", [], PROXY, None),
    ("10.0.0.5", [""], PROXY, None),
    ("10.0.0.5", ["10.0.0.5"], PROXY, None),
    ("10.0.0.5", ["unknown"], PROXY, None),
    ("10.0.0.5", ["198.51.100.1, garbage"], PROXY, None),
    # no peer at all
    (None, ["198.51.100.1"], PROXY, None),
    ("", [], [], None),
    # a typo in the setting trusts nothing
    ("10.0.0.5", ["198.51.100.1"], ["10.0.0.300"], "10.0.0.5"),
])
def test_resolve_client(peer: str | None, forwarded: list[str], trusted: list[str],
                        client: str | None) -> None:
    assert resolve_client(peer, forwarded, trusted) == client
