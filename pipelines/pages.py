"""Which role may open which dashboard page, by the page's URL path: the access policy of
the page registry (dashboard/navigation.py builds its pages with these role sets) and of
the daily digest's links (pipelines/digest.py), which lives below the dashboard and so
may not import it (docs/architecture.md)."""

from __future__ import annotations

MANAGEMENT = frozenset({"management"})
BODY_STAFF = frozenset({"management", "finance"})
EVERYONE_LOGGED_IN = frozenset({"management", "finance", "college", "producer", "admin"})

PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": MANAGEMENT,
    "my-certificates": frozenset({"producer"}),
    "billing": BODY_STAFF,
    "college": frozenset({"management", "college"}),
    "users": frozenset({"admin"}),
    "certificates": BODY_STAFF,
    "sampling-plan": frozenset({"management", "producer"}),
    "lots": frozenset({"management", "producer"}),
    "lot": frozenset({"management", "producer"}),
    "statement": frozenset({"management", "producer"}),
    "data": frozenset({"management", "producer", "admin"}),
    "audit-log": frozenset({"admin"}),
    "imports": frozenset({"management", "admin"}),
    # public (issue 10, issue 24): also served without a login (dashboard/app.py)
    "verify": EVERYONE_LOGGED_IN,
    "register": EVERYONE_LOGGED_IN,
}


def may_open(role: str, url_path: str) -> bool:
    return role in PAGE_ROLES[url_path]
