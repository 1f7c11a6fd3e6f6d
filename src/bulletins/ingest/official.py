"""Official documents (公文) in the archive: a bulletin's body and the parts of its frame.

    read(raw) -> Document            cleaned body paragraphs (+ tables), and the parsed frame
    describe(raw, document) -> Metadata

Every bulletin goes through here, laid out (``raw.blocks``) or text: ``gongwen.parse`` takes
nothing from a text that is not a 公文, so an ordinary bulletin keeps every paragraph and the
metadata ``extract_metadata`` reads from it. A 公文 hands over its 正文 (and attachment pages)
as the body, its title as the source's title, its 成文日期 as the date when the source gives
none (``DateSource: date-written``), and its signature as the publisher.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bulletins.ingest import bodymarkup
from bulletins.ingest.blocks import Block
from bulletins.ingest.frame import DATE_WRITTEN
from bulletins.ingest.gongwen import Gongwen, join_lines, parse
from bulletins.ingest.headline import headline
from bulletins.ingest.mentions import region_of
from bulletins.ingest.metadata import classify, extract_metadata, reading_copy
from bulletins.ingest.normalize import clean_paragraphs
from bulletins.ingest.script import SIMPLIFIED, convert_script
from bulletins.models import Metadata, RawBulletin

_SUFFIX_FORMATS = {".htm": "html", ".jsonl.gz": "jsonl", ".ndjson": "jsonl"}
_FRAME_TEXT = ("mark", "doc_number", "signer", "title", "recipients", "publisher", "note", "copy_to", "printed_by")


_LINE = "\ue000"  # starts every line handed to the cleaner, so that none of them is dropped


@dataclass(frozen=True)
class CleanBlocks:
    """A laid-out document cleaned: one line per non-empty paragraph or table."""

    lines: tuple[str, ...]  # a table's line is its cells' text (``table_text``)
    aligns: tuple[str, ...]
    tables: dict[int, bodymarkup.Rows]  # line index -> the table's cleaned rows


def _one_line(text: str) -> str:
    """A paragraph's soft line breaks removed as ``gongwen.join_lines`` joins wrapped lines."""
    return join_lines([part for part in (part.strip() for part in text.splitlines()) if part])


def clean_blocks(blocks: Sequence[Block], script: str) -> CleanBlocks:
    """BLOCKS cleaned like a text source (``normalize.clean_paragraphs``), layout kept: as one text,
    so that the script is decided once, over the whole document."""
    pieces: list[str] = []
    for block in blocks:
        cells = [c for row in block.rows for c in row] if block.kind == "table" else [block.text]
        pieces.extend(_one_line(cell) for cell in cells)
    cleaned = clean_paragraphs("\n".join(_LINE + piece for piece in pieces), script) if pieces else ()
    if len(cleaned) != len(pieces):  # cannot happen: every line starts with a character that stays
        raise ValueError("cleaning changed the number of lines of a laid-out document")
    texts = iter(line.removeprefix(_LINE).strip() for line in cleaned)
    lines: list[str] = []
    aligns: list[str] = []
    tables: dict[int, bodymarkup.Rows] = {}
    for block in blocks:
        if block.kind == "table":
            rows = tuple(tuple(next(texts) for _ in row) for row in block.rows)
            if not bodymarkup.table_text(rows):
                continue
            tables[len(lines)] = rows
            text = bodymarkup.table_text(rows)
        else:
            text = next(texts)
        if text:
            lines.append(text)
            aligns.append(block.align)
    return CleanBlocks(tuple(lines), tuple(aligns), tables)


@dataclass(frozen=True)
class Document:
    """What an article shows of a bulletin: body paragraphs, its tables and the frame read."""

    paragraphs: tuple[str, ...]
    gongwen: Gongwen
    tables: tuple[tuple[int, bodymarkup.Rows], ...] = ()  # (paragraph index, rows)
    appendix_at: int | None = None
    headline: tuple[str, str] | None = None  # (title, ISO date) of a text that opens with them


def source_format(raw: RawBulletin) -> str:
    """``raw.format`` as its reader set it, else the source's suffix: ``txt``, ``html``, ``jsonl``..."""
    if raw.format:
        return raw.format
    name = raw.source.lower()
    for suffix, kind in _SUFFIX_FORMATS.items():
        if name.endswith(suffix):
            return kind
    return name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""


def read(raw: RawBulletin) -> Document:
    """The cleaned body of RAW and the parts of its frame (a bulletin that is no 公文: every paragraph)."""
    script = raw.context.script
    if raw.blocks:
        cleaned = clean_blocks(raw.blocks, script)
        lines, aligns, tables = cleaned.lines, cleaned.aligns, cleaned.tables
    else:
        lines, aligns, tables = clean_paragraphs(raw.text, script), None, {}
    reading, back = reading_copy(lines, script)
    title = raw.title or ""
    if title and reading is not lines:  # a Traditional text is read in Simplified, its title too
        title = convert_script(title, SIMPLIFIED)
    found = _written_back(parse(reading, aligns, title), back)
    head = headline(reading) if not (found.is_official or title or tables) else None
    if head is not None:  # the headline and its date: the title and date, not the body
        found = dataclasses.replace(found, body=found.body[2:], body_lines=found.body_lines[2:])
        head = (back(head[0]), head[1])
    body = tuple(lines[i] for i in found.body_lines)
    at = tuple((j, tables[i]) for j, i in enumerate(found.body_lines) if i in tables)
    return Document(body, found, at, found.appendix_at, head)


def _written_back(found: Gongwen, back: Callable[[str], str]) -> Gongwen:
    """The frame's text in the script of the article (the parser reads a Simplified copy)."""
    changes: dict[str, object] = {name: back(getattr(found, name)) for name in _FRAME_TEXT}
    changes["attachments"] = tuple(back(name) for name in found.attachments)
    return dataclasses.replace(found, **changes)


def describe(raw: RawBulletin, document: Document) -> Metadata:
    """Metadata of RAW: ``extract_metadata`` over the body, with what the frame of a 公文 says."""
    found, head = document.gongwen, document.headline
    written = found.date_written
    if head is not None:
        given = dataclasses.replace(raw, title=head[0], date=raw.date or head[1])
    else:
        date = raw.date or (written.isoformat() if written else None)
        given = dataclasses.replace(raw, title=raw.title or found.title or None, date=date)
    metadata = extract_metadata(given, document.paragraphs)
    dated_by_head = head is not None and not raw.date  # the dateline under the headline
    metadata = dataclasses.replace(
        metadata, format=source_format(raw), date_source="text" if dated_by_head else metadata.date_source
    )
    if not found.is_official:
        return metadata
    publisher = found.publisher or metadata.publisher
    # a 公文 is classed by its title alone: its text's words (常务会议通过) are not what it is
    category = (raw.context.category or "").strip() or classify(convert_script(metadata.title, SIMPLIFIED), "")
    return dataclasses.replace(
        metadata,
        category=category,
        date_source=DATE_WRITTEN if not raw.date and written else metadata.date_source,
        publisher=publisher,
        region=(raw.context.region or "").strip() or region_of(publisher) or metadata.region,
        doc_number=found.doc_number,
        date_written=written,
        signer=found.signer,
        recipients=found.recipients,
        attachments=found.attachments,
        note=found.note,
        copy_to=found.copy_to,
        printed_by=found.printed_by,
        date_printed=found.date_printed,
    )
