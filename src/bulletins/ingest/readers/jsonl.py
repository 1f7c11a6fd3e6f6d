"""``.jsonl``/``.jsonl.gz``: one bulletin per line, read once and streamed.

A line is an object with ``html`` or ``text`` and optional ``id``, ``title``, ``date``,
``url``, ``publisher``, ``category``, ``region``, ``issue`` (``html`` wins when both are
given). Lines end with LF, CRLF or, in old Mac files, a lone CR (``_ending``). Blank lines
are skipped; a file with no other line is reported (``no records``). A line longer than
``max_record_bytes`` is reported with its line number and skipped without being held in
memory, so a small gzip bomb (one line of a gigabyte) costs no more than the bound.

``read_lines`` reads the raw lines once; ``chunks`` cuts them into the slices of line numbers a
caller hands to its workers (``read(..., records=chunk)`` then parses one slice), so a large
collection is never re-read from its first line.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from bulletins.ingest.blocks import Block
from bulletins.ingest.decode import DecodeError, decode_bytes
from bulletins.ingest.htmltables import body
from bulletins.ingest.htmltext import fragment
from bulletins.ingest.readers.common import (
    DEFAULT_MAX_RECORD_BYTES,
    ReadError,
    given_context,
    megabytes,
    newlines,
    open_regular,
    sha256,
    source_name,
)
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["Line", "chunks", "count_lines", "parse", "read", "read_lines"]

logger = logging.getLogger(__name__)

Line = tuple[int, bytes]  # 1-based line number, the line without its ending
_RECORD_CONTEXT = ("publisher", "category", "region", "issue")
_YEAR = re.compile(r"^\s*(\d{4})(?!\d)")
_BLOCK = 1 << 20
_LEGACY = ("gb18030", "big5hkscs")  # the encodings a line that is not UTF-8 may be read in
_BROKEN = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError
# What a line that is JSON but not an object holds, by JSON's names for its types.
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def read(
    path: Path,
    context: Context,
    *,
    lines: range | None = None,
    records: Iterable[Line | SourceProblem] | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[RawBulletin | SourceProblem]:
    """The collection's bulletins and problems in line order.

    LINES limits the result to those 1-based line numbers; RECORDS are lines already read
    (a slice from ``chunks``), parsed instead of opening the file.
    """
    source = source_name(path)
    items = records if records is not None else read_lines(path, max_record_bytes=max_record_bytes)
    for item in items:
        number = item.line if isinstance(item, SourceProblem) else item[0]
        if lines is not None and number is not None:
            if number >= lines.stop:
                break
            if number not in lines:
                continue
        yield item if isinstance(item, SourceProblem) else parse(item[1], source, item[0], context)


def read_lines(path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Line | SourceProblem]:
    """The non-blank lines of the collection at PATH, streamed, with problems in their place."""
    source = source_name(path)
    number, found = 0, False
    try:
        with _open(path) as fh:
            for line in _split(fh, max_record_bytes):
                number += 1
                if number == 1 and line and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                if line is None or len(line := line.rstrip(b"\r")) > max_record_bytes:
                    found = True
                    reason = f"record longer than {megabytes(max_record_bytes)} (--max-record-bytes), skipped"
                    yield SourceProblem(source, reason, line=number)
                elif line.strip():
                    found = True
                    yield number, line
    except ReadError as error:
        yield SourceProblem(source, str(error))
        return
    except _BROKEN as error:
        where = f"after line {number}" if number else "at the start"
        yield SourceProblem(source, f"cannot read {where}: {error}")
        return
    if not found:
        yield SourceProblem(source, "empty file" if number == 0 else "no records (only blank lines)")


def _split(fh: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of FH without their ending (``_ending``), read a block at a time; None for a
    line over LIMIT + 1 bytes, whose bytes are dropped as they come (memory stays within
    LIMIT + one block)."""
    pending, over, ending = bytearray(), False, None
    while block := fh.read1(_BLOCK):
        ending = ending or _ending(block)
        start = 0
        while (end := block.find(ending, start)) >= 0:
            over = over or len(pending) + end - start > limit + 1
            yield None if over else bytes(pending) + block[start:end]
            pending.clear()
            over, start = False, end + 1
        if not over:
            pending += memoryview(block)[start:]
            if len(pending) > limit + 1:
                pending.clear()
                over = True
    if over or pending:
        yield None if over else bytes(pending)


def _ending(first_block: bytes) -> bytes:
    """The line ending of a collection, from its first block: "\n" (a CR before it is
    stripped from the line), or a lone "\r" (old Mac files) when the block has no "\n" but
    has a "\r". JSON allows neither raw inside a string, so a CR outside "\r\n" can only be
    a line's end or spacing between tokens, which no one-line record needs."""
    return b"\r" if b"\n" not in first_block and b"\r" in first_block else b"\n"


@contextlib.contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    with open_regular(path) as raw:
        if not Path(path).name.lower().endswith(".gz"):
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as fh:
            yield fh


def chunks(
    path: Path, stops: list[int], *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[tuple[Line | SourceProblem, ...]]:
    """For each line number in STOPS, the items of the lines before it (and after the previous
    stop); the last slice takes everything left. The file is read once, as the slices are taken."""
    items = read_lines(path, max_record_bytes=max_record_bytes)
    pending = next(items, None)
    for index, stop in enumerate(stops):
        last = index == len(stops) - 1
        chunk: list[Line | SourceProblem] = []
        while pending is not None and (last or _number(pending) < stop):
            chunk.append(pending)
            pending = next(items, None)
        yield tuple(chunk)


def _number(item: Line | SourceProblem) -> int:
    if isinstance(item, SourceProblem):
        return item.line or 0  # a problem of the whole file stays with the lines before it
    return item[0]


def count_lines(path: Path) -> int:
    """Lines in the collection (a last line without an ending counts), in bounded memory; 0 if unreadable."""
    count, last, ending = 0, b"\n", None
    try:
        with _open(path) as fh:
            while block := fh.read1(_BLOCK):
                ending = ending or _ending(block)
                count += block.count(ending)
                last = block[-1:]
    except (ReadError, *_BROKEN):
        pass  # reading reports it
    return count + (last != (ending or b"\n"))


def parse(line: bytes, source: str, number: int, context: Context) -> RawBulletin | SourceProblem:
    """One line of a collection as a RawBulletin, or the problem with it."""

    def problem(reason: str) -> SourceProblem:
        return SourceProblem(source, reason, line=number)

    try:
        record = _loads(line)
    except DecodeError as error:
        return problem(str(error))
    except json.JSONDecodeError as error:
        # json's message may end in "at" ("Unterminated string starting at"): one "at" before the column
        return problem(f"not JSON: {error.msg.removesuffix(' at')} at column {error.colno}")
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, [[[[...]]]] nested too deep
        return problem(f"not JSON: {type(error).__name__}: {error}")
    if not isinstance(record, dict):
        return problem(f"a JSON {_JSON_TYPES.get(type(record), type(record).__name__)}, not an object")
    fields: dict[str, str | None] = {}
    for key in ("html", "text", "title", "date", "url", "id", *_RECORD_CONTEXT):
        value = record.get(key)
        if isinstance(value, (dict, list)):
            return problem(f"field {key!r} is not a string")
        fields[key] = None if value is None or isinstance(value, bool) else str(value)
    try:
        text, blocks = _text(fields)
    except Exception as error:  # the parser on hostile markup: one problem, never a crash
        logger.debug("%s:%d: HTML parser failed", source, number, exc_info=True)
        return problem(f"cannot parse the 'html' field: {type(error).__name__}: {error}")
    if not text.strip():
        return problem("record has no text (no non-empty 'html' or 'text')")
    return RawBulletin(
        source=source,
        text=text,
        source_hash=sha256(line),
        context=_context(fields, context),
        line=number,
        title=_blank_to_none(fields["title"]),
        date=_blank_to_none(fields["date"]),
        url=_blank_to_none(fields["url"]),
        source_id=_blank_to_none(fields["id"]),
        format="jsonl",
        blocks=blocks,
    )


def _loads(line: bytes) -> object:
    """LINE parsed: UTF-8, as JSON Lines are; else a GB18030 or Big5 line (what Chinese Windows
    tools export) when the decoder judges that reading Chinese text and it parses; DecodeError
    for a line no encoding reads."""
    try:
        return json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        unreadable = DecodeError(f"not UTF-8 (byte offset {error.start}), nor GB18030 or Big5 read as Chinese text")
    try:
        text, encoding = decode_bytes(line)
        if encoding in _LEGACY:
            return json.loads(text)
    except (DecodeError, ValueError):  # ValueError: a UTF-8 line cut inside a character is not JSON as GB18030
        pass
    raise unreadable


def _text(fields: dict[str, str | None]) -> tuple[str, tuple[Block, ...]]:
    """The record's text, and its blocks when its ``html`` holds a data table (``htmltables``)."""
    if fields["html"] and fields["html"].strip():
        page = fragment(fields["html"])
        return body(page.paragraphs, page.tables)
    return newlines(fields["text"] or ""), ()


def _context(fields: dict[str, str | None], context: Context) -> Context:
    """CONTEXT with the record's own publisher, category, region and the year of its date."""
    year = _YEAR.match(fields["date"] or "")
    number = int(year.group(1)) if year and 1900 <= int(year.group(1)) <= 2100 else None
    return given_context(context, {**{key: fields[key] for key in _RECORD_CONTEXT}, "year": number})


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None
