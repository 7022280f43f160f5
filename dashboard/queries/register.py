"""The public pages (Verify a certificate, Public register): exact questions only,
answered from the public register.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.queries.shared import _run

# === end BRL 9341 pages ===


# === issue 10: access control (verify page, audit log) ===

# The Verify page answers exact questions only (issue 24): one certificate by its number, or
# the certificates of a holder whose whole name matches. VERIFY_MAX_ROWS bounds a holder's
# answer (a holder with more certificates is told to ask by number).
VERIFY_MAX_ROWS = 50


_VERIFY_COLUMNS = """certificate_number, holder_name, scheme_name as scheme, status,
            status_since"""


# A name as the register compares it: lower case, runs of white space as one space, trimmed.
_NAME_KEY = r"lower(trim(regexp_replace({}, '\s+', ' ', 'g')))"


def verify_certificate(number: str, as_of: date) -> pl.DataFrame:
    """Public: the register's line of one certificate, by its exact number (case and
    surrounding spaces ignored; no wildcards, no part of a number). Nothing that the public
    register does not publish."""
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where upper(certificate_number) = upper(trim(?))
        limit 2
    """
    return _run(sql, [number], as_of)


def verify_holder(name: str, as_of: date) -> pl.DataFrame:
    """Public: the certificates of the holder(s) whose WHOLE name is ``name``, case and
    surrounding or repeated spaces aside, on both sides in SQL (no part of a name, no
    wildcards). At most VERIFY_MAX_ROWS + 1 rows, so the page can say there were more."""
    if not name.strip():
        return pl.DataFrame()
    sql = f"""
        select {_VERIFY_COLUMNS}
        from public_register
        where {_NAME_KEY.format("holder_name")} = {_NAME_KEY.format("?")}
        order by certificate_number
        limit ?
    """
    return _run(sql, [name, VERIFY_MAX_ROWS + 1], as_of)


def register_list(as_of: date) -> pl.DataFrame:
    """Public: the register's full list (view public_register_list): scheme, holder and
    certificate of every certificate in force, nothing more (Bbl art. 1.40)."""
    return _run("select scheme_name as scheme, holder_name, certificate_number"
                " from public_register_list", [], as_of)
