"""A new version of a file takes over the quarantine of the rows it holds.

Files are sent again: corrected, completed, re-saved. The quarantine rows of an earlier
version (same file name, same kind, another SHA-256) for a row the new version holds
again are no longer the state of that row: it is now loaded, unchanged, or quarantined
again under the new version. Those earlier quarantine rows are removed; the ones for rows
the new version does not hold stay, so a problem never disappears unseen.

A row is "the same row" when its key (as written, read from the quarantine's ``raw_row``
under any accepted column name) is that of a line of the new version; rows without a full
key (an activity without ``reference``) when the whole row as read is the same; and any
row when the new version has a line at the same line number (issue 22 point 11): a line
corrected in place is the same row even when the correction changed its key (a component
'koperr' written 'koper', a sample number put right). Lines beyond the new version's end
keep their quarantine: a shorter file, such as one holding only some corrected rows,
does not clear the problems of rows it does not reach.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.ingest.kinds import Kind
from pipelines.ingest.read import LINE, RawFile
from pipelines.ingest.validate import header_map


def _json_field(names: tuple[str, ...]) -> str:
    paths = ", ".join(f"json_extract_string(q.raw_row, '$.\"{n}\"')" for n in names)
    return f"coalesce({paths})" if len(names) > 1 else paths


def supersede_quarantine(con: duckdb.DuckDBPyConnection, raw: RawFile, kind: Kind,
                         provenance: dict) -> int:
    """Remove the earlier versions' quarantine rows for rows this version holds; returns
    how many. Costs one count when there are none (nearly always)."""
    params = {"source_file": provenance["source_file"],
              "source_sha256": provenance["source_sha256"], "kind": kind.name}
    earlier = ("q.source_file = $source_file and q.kind = $kind"
               " and q.source_sha256 <> $source_sha256")
    if con.execute(f"select count(*) from quarantine q where {earlier}",
                   params).fetchall()[0][0] == 0:
        return 0
    data_cols = [c for c in raw.frame.columns if c != LINE]
    mapping = header_map(kind, data_cols)
    key = [k for k in kind.key if k in mapping]
    current = raw.frame.select(
        pl.col(LINE).cast(pl.Int64).alias("line"),
        *[pl.col(mapping[k]).alias(f"k_{k}") for k in key],
        pl.struct(data_cols).struct.json_encode().alias("raw_row"))
    if raw.line_errors is not None and not raw.line_errors.is_empty():
        # lines refused while reading are lines of the new version too
        current = pl.concat([current, raw.line_errors.select(
            pl.col(LINE).cast(pl.Int64).alias("line"))], how="diagonal")
    con.register("_current_rows", current)
    try:
        same_row = "(c.line = q.source_line or c.raw_row = q.raw_row)"
        if len(key) == len(kind.key):
            names = {k: (k, *kind.column(k).aliases) for k in key}
            same_key = " and ".join(
                f"c.k_{k} is not null and c.k_{k} = {_json_field(names[k])}" for k in key)
            same_row = f"{same_row[:-1]} or ({same_key}))"
        return con.execute(
            f"delete from quarantine q where {earlier} and exists"
            f" (select 1 from _current_rows c where {same_row})", params).fetchall()[0][0]
    finally:
        con.unregister("_current_rows")
