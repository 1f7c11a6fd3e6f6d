"""Rows of the last build's JSONL and CSV files, taken again for articles that did not change.

A rebuild after one new, edited or removed bulletin still writes both files whole (the rows
are in date order, so a new row lands in the middle), but making a row means reading the
article's header fields and stripping its HTML body for every article of the archive. Each
row's JSONL line and CSV record are a function of the columns, the row id and the article's
inputs (its URL and source file, ``article_digest``) under the same settings and code; so the
state keeps, per row, that digest and the byte sizes of its line and record, and a rebuild
copies the bytes of every row whose id, digest, columns and code are what they were.

A row taken again is an ``OldSpan``: where its line and record lie in the old files. The rows
of a rebuild follow each other there as they did (the same date order), so ``SpanCopy`` joins
the spans that follow each other into one range of each file and has the kernel copy it
(``os.copy_file_range``, or a read and a write of a megabyte at a time where it cannot): a
rebuild at 100,000 bulletins read each row with a ``seek`` and a ``read`` of each file, 4.0 s
of its 5.2 s of CPU. A span is taken only when the files still have the size and mtime the last
build left and when their sizes are the recorded rows' sum, and a JSONL line only when its
digest is the recorded one (``OldRows`` checks every line in one pass first): anything else
makes the row afresh.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletins.site import opendata
from bulletins.site.opendata import csv_header
from bulletins.site.opendata_state import DataState, files_unchanged

BLOCK = 1 << 20  # bytes read at a time: the check of the lines, a copy the kernel cannot make


@dataclass(frozen=True)
class OldSpan:
    """A row of the last build's files, taken again: its line and record by place and size."""

    row_id: str
    jsonl_at: int
    jsonl_size: int
    csv_at: int
    csv_size: int
    digest: str  # of its JSONL line


class OldRows:
    """The last build's rows, by row id (``take``), once every JSONL line was checked."""

    def __init__(self, folder: Path, state: DataState):
        self.index: dict[str, tuple[str, OldSpan]] = {}  # row id -> (its article's digest, span), lines intact
        jsonl_at, csv_at = 0, len(csv_header(state.columns))
        for row_id, (digest, jsonl_size, csv_size) in state.sources.items():
            span = OldSpan(row_id, jsonl_at, jsonl_size, csv_at, csv_size, state.rows.get(row_id, ""))
            self.index[row_id] = (digest, span)
            jsonl_at += jsonl_size
            csv_at += csv_size
        self.jsonl = (folder / opendata.JSONL).open("rb")
        self.csv = (folder / opendata.CSV).open("rb")
        self.taken = 0
        try:
            if (os.fstat(self.jsonl.fileno()).st_size, os.fstat(self.csv.fileno()).st_size) != (jsonl_at, csv_at):
                raise ValueError("the files are not the recorded rows")
            for row_id in self._damaged_lines():
                del self.index[row_id]
        except BaseException:
            self.close()
            raise

    def _damaged_lines(self) -> set[str]:
        """The rows whose JSONL line is not the one recorded, each read where the record puts it
        (one pass over the file, a block at a time)."""
        damaged, buffer, start = set(), b"", 0  # BUFFER holds the file's bytes from START
        for _, span in self.index.values():
            end = span.jsonl_at + span.jsonl_size
            while start + len(buffer) < end and (block := self.jsonl.read(BLOCK)):
                buffer, start = buffer[span.jsonl_at - start :] + block, span.jsonl_at
            line = buffer[span.jsonl_at - start : end - start]
            if not line.endswith(b"\n") or opendata.line_digest(line) != span.digest:
                damaged.add(span.row_id)
        return damaged

    def take(self, row_id: str, digest: str) -> OldSpan | None:
        """Where the old bytes of ROW_ID are, when the row was made from an article with DIGEST
        and its line is the recorded one; else None."""
        found = self.index.get(row_id)
        if found is None or found[0] != digest:
            return None
        self.taken += 1
        return found[1]

    def copier(self, jsonl, table) -> SpanCopy:
        """A ``SpanCopy`` from these files into the open files JSONL and TABLE."""
        return SpanCopy((self.jsonl.fileno(), self.csv.fileno()), (jsonl, table))

    def close(self) -> None:
        self.jsonl.close()
        self.csv.close()


class SpanCopy:
    """Spans of the old files copied into the new ones, those that follow each other at once."""

    def __init__(self, sources: tuple[int, int], targets: tuple):
        self.sources, self.targets = sources, targets
        self.pending: list[int] | None = None  # [jsonl at, jsonl end, csv at, csv end]

    def add(self, span: OldSpan) -> None:
        held = self.pending
        if held is not None and held[1] == span.jsonl_at and held[3] == span.csv_at:
            held[1] += span.jsonl_size
            held[3] += span.csv_size
            return
        self.flush()
        self.pending = [span.jsonl_at, span.jsonl_at + span.jsonl_size, span.csv_at, span.csv_at + span.csv_size]

    def flush(self) -> None:
        """The spans held written out (before a row made afresh, and at the end)."""
        if self.pending is None:
            return
        held, self.pending = self.pending, None
        for source, target, (start, end) in zip(self.sources, self.targets, (held[:2], held[2:]), strict=True):
            target.flush()  # what the file object holds goes first
            copy_range(source, target.fileno(), start, end - start)


def copy_range(source: int, target: int, offset: int, size: int) -> None:
    """SIZE bytes of SOURCE from OFFSET written at TARGET's position (which moves past them)."""
    while size > 0:
        try:
            done = os.copy_file_range(source, target, min(size, 1 << 30), offset)
        except (AttributeError, OSError):  # no such call here, or not between these files
            done = _copy_block(source, target, offset, min(size, BLOCK))
        if done <= 0:
            raise OSError(f"the last build's file ended {size} bytes early")
        offset += done
        size -= done


def _copy_block(source: int, target: int, offset: int, size: int) -> int:
    data = os.pread(source, size, offset)
    view = memoryview(data)
    while view:
        view = view[os.write(target, view) :]
    return len(data)


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
