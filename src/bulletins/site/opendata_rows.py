"""The rows of ``bulletins.jsonl`` read back from the file (``JsonlRows``): every row, one at a
time, for a database built afresh; the few a rebuild changed, for the database changed in place.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path


def _not_among(text: bytes, ids: set[str]) -> bool:
    """Whether the JSON string TEXT, not written as ``jsonl_line`` writes IDS, is none of them
    (only an escape can make another spelling of the same string)."""
    return b"\\" not in text or json.loads(text) not in ids


_LEADING_ID = re.compile(rb'\{"id": ("(?:[^"\\]|\\.)*")')  # the JSON string a line begins with


class JsonlRows:
    """The rows of a JSONL file, read again on every pass and never held: as many passes as a
    consumer needs, at the memory of one row."""

    def __init__(self, path: Path, count: int | None = None, sizes: Mapping[str, list[int]] | None = None):
        """SIZES: each row's ``[JSONL line size, CSV record size]`` by id in the file's order, as
        ``write_row_bytes`` wrote them (ids unique), so that ``having`` need not scan (0.265 s)."""
        self.path, self.count, self.sizes = Path(path), count, sizes

    def __len__(self) -> int:
        if self.count is None:
            with self.path.open("rb") as fh:
                self.count = sum(1 for _ in fh)
        return self.count

    def __iter__(self) -> Iterator[dict[str, str]]:
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)

    def having(self, ids: set[str]) -> Iterator[dict[str, str]]:
        """The rows whose id is one of IDS, in the file's order: read where ``sizes`` put them,
        or else scanned for, a line parsed whole only when the id it begins with (``jsonl_line``
        writes the id first) is one of them (a few rows among 283 MB of lines: parsing every line
        took 1.3-1.5 s at 100,000). A line that does not begin so is parsed whole."""
        if not ids:
            return
        placed = self._placed(ids) if self.sizes is not None else None
        if placed is not None:
            yield from placed
            return
        written = {json.dumps(row_id, ensure_ascii=False).encode("utf-8") for row_id in ids}  # as lines hold them
        with self.path.open("rb") as fh:
            for line in fh:
                leading = _LEADING_ID.match(line)
                if leading is not None and leading[1] not in written and _not_among(leading[1], ids):
                    continue
                row = json.loads(line)
                if row["id"] in ids:
                    yield row

    def _placed(self, ids: set[str]) -> list[dict[str, str]] | None:
        """The rows of IDS read where ``sizes`` puts them, in the file's order; None when an id
        is not among them or the file is not as they say (its size, or a line that is not one
        row of its id): then scanned."""
        offset, spans = 0, []
        for row_id, (size, _) in self.sizes.items():
            if row_id in ids:
                spans.append((row_id, offset, size))
            offset += size
        if len(spans) != len(ids):
            return None
        rows = []
        with self.path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size != offset:
                return None
            for row_id, at, size in spans:
                fh.seek(at)
                line = fh.read(size)
                try:  # a span that is not one whole line is no JSON, or ends elsewhere
                    row = json.loads(line) if line.endswith(b"\n") else None
                except ValueError:
                    return None
                if type(row) is not dict or row.get("id") != row_id:
                    return None
                rows.append(row)
        return rows
