"""Rows of the last build's JSONL and CSV files, taken again for articles that did not change.

A rebuild after one new, edited or removed bulletin still writes both files whole (the rows
are in date order, so a new row lands in the middle), but making a row means reading the
article's header fields and stripping its HTML body for every article of the archive. Each
row's JSONL line and CSV record are a function of the columns, the row id and the article's
inputs (its URL and source file, ``article_digest``) under the same settings and code; so the
state keeps, per row, that digest and the byte sizes of its line and record, and a rebuild
copies the bytes of every row whose id, digest, columns and code are what they were.

``OldRows`` reads slices of the old files. A slice
is taken only when the files still have the size and mtime the last build left, and a JSONL
line only when its digest is the recorded one: anything else makes the row afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bulletins.site import opendata
from bulletins.site.opendata import RowBytes, csv_header
from bulletins.site.opendata_state import DataState, files_unchanged


class OldRows:
    """The last build's rows, by row id, read from its files on demand (``take``)."""

    def __init__(self, folder: Path, state: DataState):
        self.index: dict[str, tuple[str, int, int, int, int, str]] = {}
        jsonl_at, csv_at = 0, len(csv_header(state.columns))
        for row_id, (digest, jsonl_size, csv_size) in state.sources.items():
            self.index[row_id] = (digest, jsonl_at, jsonl_size, csv_at, csv_size, state.rows.get(row_id, ""))
            jsonl_at += jsonl_size
            csv_at += csv_size
        self.jsonl = (folder / opendata.JSONL).open("rb")
        self.csv = (folder / opendata.CSV).open("rb")
        self.taken = 0

    def take(self, row_id: str, digest: str) -> RowBytes | None:
        """The old bytes of ROW_ID when the row was made from an article with DIGEST, else None."""
        found = self.index.get(row_id)
        if found is None or found[0] != digest:
            return None
        _, jsonl_at, jsonl_size, csv_at, csv_size, line_digest = found
        self.jsonl.seek(jsonl_at)
        line = self.jsonl.read(jsonl_size)
        if opendata.line_digest(line) != line_digest or not line.endswith(b"\n"):
            return None
        self.csv.seek(csv_at)
        record = self.csv.read(csv_size)
        if len(record) != csv_size:
            return None
        self.taken += 1
        return RowBytes(row_id, line, record, line_digest)

    def close(self) -> None:
        self.jsonl.close()
        self.csv.close()


def old_rows(folder: Path, old: DataState, cols: Sequence[str], code: str) -> OldRows | None:
    """The last build's rows when they can be taken again: same code and settings, same columns,
    both files as that build left them. None otherwise (every row is made afresh)."""
    if not old.sources or old.code != code or list(old.columns) != list(cols):
        return None
    if not files_unchanged(folder, old.files, (opendata.JSONL, opendata.CSV)):
        return None
    try:
        return OldRows(folder, old)
    except (OSError, ValueError, TypeError):
        return None
