"""Who is looking at the dashboard, and which rows they may see.

The row filter is applied in SQL by the query layer (dashboard/queries.py), never by
hiding widgets: a producer viewer gets only the rows of its own certificates whatever
the page asks for. Today the viewer is picked in the sidebar; the access-control issue
replaces the picker with a login that builds the same Viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["body", "producer"]


@dataclass(frozen=True)
class Viewer:
    role: Role
    # None: every certificate (the certification body); a tuple: only these.
    certificate_numbers: tuple[str, ...] | None
    name: str

    def __post_init__(self) -> None:
        if self.role not in ("body", "producer"):
            raise ValueError(f"unknown role {self.role!r}")
        # A producer without an explicit list would otherwise see everything.
        if self.role == "producer" and self.certificate_numbers is None:
            raise ValueError("a producer viewer needs its certificate numbers")

    @property
    def sees_all(self) -> bool:
        return self.certificate_numbers is None

    def row_filter(self, column: str = "certificate_number") -> tuple[str, list[object]]:
        """A SQL predicate on ``column`` and its parameters, to AND into a where clause.

        ``column`` is a column name written by the query layer, never user input.
        """
        if self.certificate_numbers is None:
            return "true", []
        return f"list_contains(?::varchar[], {column})", [list(self.certificate_numbers)]


BODY = Viewer(role="body", certificate_numbers=None, name="Certification body")


def producer(name: str, certificate_numbers: tuple[str, ...] | list[str]) -> Viewer:
    return Viewer(role="producer", certificate_numbers=tuple(sorted(certificate_numbers)),
                  name=name)
