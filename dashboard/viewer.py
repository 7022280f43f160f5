"""Who is looking at the dashboard, and which rows they may see.

The row filter is applied in SQL by the query layer (dashboard/queries.py), never by
hiding widgets: a producer viewer gets only the rows of its own certificates whatever
the page asks for. The login (dashboard/auth.py) builds a Viewer from the user entry (a
producer's certificates looked up in the store by its holder_ids) and keeps it in
``st.session_state["viewer"]``; tests may put one there directly (only server code can:
a browser sets widget values, never a Viewer).

Roles (docs/contract.md): management sees everything; finance billing and
certificates; college aggregates and the yearly report; producer only the rows of its
own holders' certificates; admin users, uploads and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["management", "finance", "college", "producer", "admin"]
ROLES: tuple[Role, ...] = ("management", "finance", "college", "producer", "admin")
# Roles that read every holder's rows (subject to the pages their role may open).
ALL_ROWS_ROLES: frozenset[str] = frozenset({"management", "finance", "college", "admin"})
# Roles that may pick the as-of date (issue 26 point 14; docs/contract.md): management and
# the College look back (a report as of 31 December) or ahead. The others answer as of the
# store's date (settings.as_of, else today): a producer sees its current state, finance
# picks its billing month on the page, admin's pages (users, audit log, imports) are logs.
AS_OF_ROLES: frozenset[str] = frozenset({"management", "college"})


@dataclass(frozen=True)
class Viewer:
    role: Role
    # None: every certificate; a tuple: only these (a producer's own certificates).
    certificate_numbers: tuple[str, ...] | None
    name: str
    holder_ids: tuple[str, ...] = field(default=())
    username: str | None = None
    # Whether holder names may be shown to this viewer: the College of Experts sees
    # aggregates, names only when the body allows it (pipelines.config, env
    # CERT_COLLEGE_HOLDER_NAMES). Queries that return holder names check it in SQL.
    sees_holder_names: bool = True

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        # A producer without an explicit list would otherwise see everything.
        if self.role == "producer" and self.certificate_numbers is None:
            raise ValueError("a producer viewer needs its certificate numbers")
        if self.role != "producer" and self.certificate_numbers is not None:
            raise ValueError(f"role {self.role!r} sees all rows; only a producer is limited")

    @property
    def sees_all(self) -> bool:
        return self.certificate_numbers is None

    @property
    def picks_as_of(self) -> bool:
        return self.role in AS_OF_ROLES

    @property
    def is_producer(self) -> bool:
        return self.role == "producer"

    def holder_name_sql(self, column: str = "holder_name") -> tuple[str, list[object]]:
        """A SQL expression for ``column`` that is NULL when this viewer may not see holder
        names (the College unless the body allows it), and its parameters."""
        return f"case when ?::boolean then {column} end", [self.sees_holder_names]

    def row_filter(self, column: str = "certificate_number") -> tuple[str, list[object]]:
        """A SQL predicate on ``column`` and its parameters, to AND into a where clause.

        ``column`` is a column name written by the query layer, never user input.
        """
        if self.certificate_numbers is None:
            return "true", []
        return f"list_contains(?::varchar[], {column})", [list(self.certificate_numbers)]


# The certification body's management: every page, every row.
BODY = Viewer(role="management", certificate_numbers=None, name="Certification body")


def staff(role: Role, name: str, username: str | None = None) -> Viewer:
    """A viewer of the certification body (any role but producer)."""
    from pipelines.config import settings

    names = role != "college" or settings().college_sees_holder_names
    return Viewer(role=role, certificate_numbers=None, name=name, username=username,
                  sees_holder_names=names)


def producer(name: str, certificate_numbers: tuple[str, ...] | list[str],
             holder_ids: tuple[str, ...] | list[str] = (),
             username: str | None = None) -> Viewer:
    return Viewer(role="producer", certificate_numbers=tuple(sorted(certificate_numbers)),
                  name=name, holder_ids=tuple(sorted(holder_ids)), username=username)
