"""Rebuilding lines and paragraphs from positioned text (PDF text layers, OFD pages).

A reader hands over ``Glyph`` runs (one character or a run of characters on one baseline) with their box in
page units, top-down (``top`` grows down the page). ``page_lines`` groups them into ``Line``s in reading
order; ``strip_furniture`` drops page numbers (``— 3 —``, ``- 3 -``, ``第3页``) and running headers and
footers; ``paragraph_blocks`` rebuilds paragraphs across lines and pages the way a 公文 is laid out (GB/T
9704): a paragraph starts at a two-character first-line indent, at a heading (``一、`` ``（一）`` ``1.``),
after a line that stops short of the right margin, and at a centred or right-aligned line (title, 署名,
成文日期). Chinese lines join without a space, Latin words keep one. Rows of cells separated by gaps become
a table block, with the rest of cells that wrap or sit centred between lines, over page breaks too.

All functions are pure.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bulletins.ingest.blocks import Block, table_block

__all__ = ["Glyph", "Line", "heading_kind", "join_text", "page_lines", "paragraph_blocks", "strip_furniture"]

CELL_GAP = 0.8  # a horizontal gap wider than this many characters separates table cells
BAND = 0.12  # top and bottom share of the page where page numbers and running headers live
_PAGE_NUMBER = re.compile(
    r"^[-—–－~～\s]*\d{1,4}[-—–－~～\s]*$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_DASHED_NUMBER = re.compile(r"^[-—–－~～]\s*\d{1,4}\s*[-—–－~～]$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d{1,2}[.．、](?!\d))")
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]{0,3}$")
_LATIN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f'’.,;:!?()-]+")


@dataclass(frozen=True)
class Glyph:
    """A character (or a run) placed on a page: box in page units, top-down. A text that starts with a
    space says the text layer has a space before it (a space glyph's own box is not to be trusted)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in the same units


@dataclass(frozen=True)
class Line:
    """One line of text on a page; ``cells`` holds its parts when wide gaps split it (a table row)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    cells: tuple[str, ...] = ()
    cell_x: tuple[float, ...] = ()  # where each cell starts (when ``cells`` is given)


def join_text(left: str, right: str) -> str:
    """Join two pieces of one line or paragraph: Chinese without a space, Latin words with one, digits
    without (a number broken over two lines, ``2025—2`` + ``027年``)."""
    if left and right and _WORD.match(left[-1]) and _LATIN.match(right[0]) and not (left[-1] + right[0]).isdigit():
        return f"{left} {right}"
    return left + right


def page_lines(glyphs: Iterable[Glyph], page: int) -> list[Line]:
    """GLYPHS of one page -> its lines, top to bottom, each left to right (whitespace glyphs dropped)."""
    rows: list[list[Glyph]] = []
    for glyph in sorted((g for g in glyphs if g.text.strip()), key=lambda g: (g.top + g.bottom) / 2):
        middle = (glyph.top + glyph.bottom) / 2
        row = rows[-1] if rows else None
        if row and row[0].top - 0.2 * row[0].size <= middle <= row[0].bottom + 0.2 * row[0].size:
            row.append(glyph)
        else:
            rows.append([glyph])
    return [_line(sorted(row, key=lambda g: g.x0), page) for row in rows]


def _line(row: list[Glyph], page: int) -> Line:
    """One row of glyphs -> a line: a space where the layer has one (a glyph whose text starts with a
    space) or a gap opens, next to a Latin character (never between two ideographs), and a new cell at a
    gap wider than CELL_GAP characters. Whitespace glyphs are dropped by ``page_lines``."""
    size = statistics.median(g.size for g in row)
    cells: list[str] = [row[0].text.strip()]
    starts = [row[0].x0]
    previous = row[0]
    for glyph in row[1:]:
        text, gap = glyph.text.strip(), glyph.x0 - previous.x1
        spaced = glyph.text[0].isspace() or gap > 0.15 * size
        if gap > CELL_GAP * size:
            cells.append(text)
            starts.append(glyph.x0)
        elif spaced and (_LATIN.match(cells[-1][-1]) or _LATIN.match(text[0])):
            cells[-1] += " " + text
        else:
            cells[-1] += text
        previous = glyph
    top, bottom = min(g.top for g in row), max(g.bottom for g in row)
    x0, x1 = row[0].x0, max(g.x1 for g in row)
    split = len(cells) > 1
    return Line(" ".join(cells), x0, x1, top, bottom, size, page, tuple(cells) if split else (), tuple(starts) * split)


def strip_furniture(pages: Sequence[tuple[list[Line], float]]) -> list[Line]:
    """PAGES (each its lines and the page height) -> every line in order, without page furniture.

    Dropped: page numbers (``— 3 —`` anywhere; ``3``, ``第3页``, ``3/5`` in the top or bottom band) and
    running headers and footers (the same text, digits aside, in a band of at least half the pages).
    """
    banded: Counter[str] = Counter()
    for lines, height in pages:
        banded.update({_shape(line.text) for line in lines if _in_band(line, height)})
    running = {text for text, n in banded.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    kept: list[Line] = []
    for lines, height in pages:
        for line in lines:
            text = line.text.strip()
            if _DASHED_NUMBER.match(text):
                continue
            if _in_band(line, height) and (_PAGE_NUMBER.match(text) or _shape(line.text) in running):
                continue
            kept.append(line)
    return kept


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _in_band(line: Line, height: float) -> bool:
    return line.bottom < height * BAND or line.top > height * (1 - BAND)


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float
    size: float


def _frame(lines: Sequence[Line]) -> _Frame:
    size = statistics.median(line.size for line in lines)
    # the left margin: the leftmost edge many lines share (first-line indents can outnumber it: headings
    # and short paragraphs all start indented)
    starts = Counter(round(line.x0 / (size / 4)) for line in lines)
    (mode, most), *_ = starts.most_common(1)
    left = min((x for x, n in starts.items() if n >= max(2, most / 4)), default=mode) * (size / 4)
    # the right margin from plain lines that start at the left margin: a table row, or a line that hangs
    # out to the left (a title wider than the text block), can reach past it
    near = [line.x1 for line in lines if left - size / 2 <= line.x0 <= left + 2.5 * size and not line.cells]
    near = near or [line.x1 for line in lines]
    widest = max(near)
    full = [x for x in near if x >= widest - size]
    right = Counter(round(x / (size / 4)) for x in full).most_common(1)[0][0] * (size / 4)
    return _Frame(left, max(right, widest - size / 2), size)


def _same_margins(lines: Sequence[Line]) -> list[Line]:
    """LINES with every page moved sideways onto the document's left margin (odd and even pages of a
    printed 公文 often mirror their margins). A page moves only when both its edges sit off by the same
    amount; pages with fewer than 8 lines stay where they are."""
    whole = _frame(lines)
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    shifts = {}
    for page, group in by_page.items():
        frame = _frame(group) if len(group) >= 8 else whole
        left, right = whole.left - frame.left, whole.right - frame.right
        if abs(left - right) < whole.size / 2:  # both edges moved alike: a mirrored margin, not a short page
            shifts[page] = left
    return [
        dataclasses.replace(line, x0=line.x0 + shifts[line.page], x1=line.x1 + shifts[line.page])
        if shifts.get(line.page)
        else line
        for line in lines
    ]


def _align(line: Line, frame: _Frame) -> str:
    before, after = line.x0 - frame.left, frame.right - line.x1
    wide = before > 3 * frame.size
    larger = line.size > 1.15 * frame.size  # a title line may fill the width but for its margins
    if (wide or larger) and abs(before - after) <= (2 if wide else 1) * frame.size:
        return "center"
    if before > 3 * frame.size and before > after + 2 * frame.size:
        return "right"
    return "left"


def heading_kind(text: str) -> str:
    """``heading`` for a short line opening with a 公文 heading number (``一、`` ``（二）`` ``3.``)."""
    body = text.rstrip("。：:")
    if _HEADING.match(text) and len(text) <= 40 and "。" not in body:
        return "heading"
    return "paragraph"


def _word_did_not_fit(previous: Line, line: Line, frame: _Frame) -> bool:
    """Whether LINE opens with a Latin word too wide for the room PREVIOUS left: a ragged right edge."""
    word = _WORD.match(line.text)
    if not word or not _WORD.match(previous.text[-1]):
        return False
    return frame.right - previous.x1 < (len(word.group(0)) * 0.6 + 0.5) * line.size


def _starts_new(previous: Line, line: Line, frame: _Frame, aligns: tuple[str, str]) -> bool:
    before, now = aligns
    if before != now or now == "right" or previous.cells:
        return True
    if now == "center":
        gap = line.top - previous.bottom
        return abs(line.size - previous.size) > 0.5 or line.page != previous.page or gap > line.size
    if line.x0 - frame.left >= 1.5 * frame.size or _HEADING.match(line.text):
        return True
    if _ATTACHMENT_LABEL.match(line.text) or _ATTACHMENT_LABEL.match(previous.text):
        return True  # ``附件2`` heads an attachment page, even right under a full line of the page before
    if previous.x1 < frame.right - 1.5 * frame.size and not _word_did_not_fit(previous, line, frame):
        return True
    if abs(line.size - previous.size) > 0.2 * frame.size:
        return True
    return line.page == previous.page and line.top - previous.bottom > 1.5 * previous.size


def paragraph_blocks(lines: Sequence[Line]) -> tuple[Block, ...]:
    """LINES in reading order (page furniture removed) -> paragraph, heading and table blocks."""
    if not lines:
        return ()
    lines = _same_margins(lines)
    frame = _frame(lines)
    in_table = _table_lines(lines)
    blocks: list[Block] = []
    table: list[Line] = []
    current: list[Line] = []
    aligns: list[str] = []

    def flush_paragraph() -> None:
        if current:
            blocks.append(_paragraph(current, aligns[0], frame))
            current.clear()
            aligns.clear()

    for index, line in enumerate(lines):
        row = index in in_table
        if row:
            flush_paragraph()
            table.append(line)
            continue
        if table:
            blocks.append(_table(table))
            table = []
        align = _align(line, frame)
        if current and _starts_new(current[-1], line, frame, (aligns[-1], align)):
            flush_paragraph()
        current.append(line)
        aligns.append(align)
    flush_paragraph()
    if table:
        blocks.append(_table(table))
    return tuple(blocks)


def _paragraph(lines: list[Line], align: str, frame: _Frame) -> Block:
    text = lines[0].text
    for line in lines[1:]:
        text = join_text(text, line.text)
    indent = round((lines[0].x0 - frame.left) / frame.size * 2) / 2 if align == "left" else 0.0
    kind = heading_kind(text) if align == "left" else "paragraph"
    return Block(text=text, kind=kind, align=align, indent=max(indent, 0.0), page=lines[0].page)


def _starts(line: Line) -> tuple[float, ...]:
    return line.cell_x or (line.x0,)


def _beside(line: Line, other: Line, limit: float) -> bool:
    """Whether OTHER, a line next to LINE in reading order and of its size, is less than LIMIT characters
    above or below it on its page, or across a page break (a table that goes on over the page)."""
    if abs(other.size - line.size) > 0.1 * line.size or abs(other.page - line.page) > 1:
        return False
    gap = max(other.top - line.bottom, line.top - other.bottom) if other.page == line.page else 0.0
    return gap < limit * line.size


def _fragment(line: Line, row: Line, columns: Sequence[float]) -> bool:
    """Whether LINE (no wide gaps) is part of a table cell next to ROW: a cell set midway between the
    lines of a row (vertically centred), wholly left or right of it, or the rest of a wrapped cell that
    starts under a column other than the first."""
    if line.cells or not _beside(line, row, 1.6):
        return False
    if line.x1 <= _starts(row)[0] + line.size / 2 or line.x0 >= row.x1 - line.size / 2:
        return _beside(line, row, 0.5)
    return any(abs(line.x0 - x) < 0.75 * line.size for x in columns if x > min(columns) + line.size)


def _table_lines(lines: Sequence[Line]) -> set[int]:
    """Indexes of the lines that make tables: rows of cells beside another row (a lone gap is 印发机关 …
    印发日期) or beside a fragment of a cell, then every row or fragment next to a table line."""
    rows = {i for i, line in enumerate(lines) if len(line.cells) >= 2}

    def joins(j: int, i: int, columns: Sequence[float]) -> bool:
        if j in rows and lines[j].page != lines[i].page:  # a table going on over the page: same columns
            shared = sum(any(abs(x - y) < lines[j].size / 2 for y in _starts(lines[i])) for x in _starts(lines[j]))
            return shared >= 2 and _beside(lines[j], lines[i], 2)
        if j in rows:
            return _beside(lines[j], lines[i], 2)
        return _fragment(lines[j], lines[i], columns)

    marked: set[int] = set()
    for i in rows:  # a row of cells beside another row or beside a fragment: both are in a table
        found = {j for j in (i - 1, i + 1) if 0 <= j < len(lines) and joins(j, i, ())}
        marked |= {i, *found} if found else set()
    columns: dict[int, list[float]] = {}
    for i in marked:
        columns.setdefault(lines[i].page, []).extend(_starts(lines[i]))
    todo = sorted(marked)
    while todo:
        i = todo.pop()
        near = sorted({*columns.get(lines[i].page, ()), *columns.get(lines[i].page - 1, ())})
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and j not in marked and joins(j, i, near):
                marked.add(j)
                columns.setdefault(lines[j].page, []).extend(_starts(lines[j]))
                todo.append(j)
    return marked


def _columns(lines: Sequence[Line]) -> list[float]:
    """The left edges of a table's columns: cell starts closer than a character are one column."""
    columns: list[float] = []
    for x in sorted(x for line in lines for x in _starts(line)):
        if not columns or x - columns[-1] > lines[0].size:
            columns.append(x)
    return columns


def _row_groups(lines: Sequence[Line]) -> list[list[Line]]:
    """LINES grouped into the table's rows: a row ends at a gap nearly as wide as the widest in the table
    (cell padding and borders), so the lines of cells that wrap stay in their row; lines that touch or
    overlap (a cell centred beside two lines of another) are never two rows."""
    gaps = [b.top - a.bottom if a.page == b.page else math.inf for a, b in itertools.pairwise(lines)]
    widest = max((gap for gap in gaps if gap < math.inf), default=0.0)
    groups = [[lines[0]]]
    for gap, line in zip(gaps, lines[1:], strict=True):
        if gap > 0.3 * line.size and (gap > 0.8 * widest or widest - gap < 0.1 * line.size):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _cells(line: Line, columns: Sequence[float]) -> list[tuple[int, str]]:
    """(column, text) of each cell of LINE; by position when its cells' starts are known."""
    texts = line.cells or (line.text,)
    if len(_starts(line)) != len(texts):
        return list(enumerate(texts))
    out = []
    for text, x in zip(texts, _starts(line), strict=True):
        out.append((max((i for i, left in enumerate(columns) if left <= x + line.size / 2), default=0), text))
    return out


def _table(lines: list[Line]) -> Block:
    """Table lines -> a table block: each cell in the column it starts under, wrapped cells joined, a row
    cut by a page break (nothing in its first column on the new page) made whole."""
    columns = _columns(lines)
    width = max(len(columns), *(len(line.cells) for line in lines))
    rows: list[list[str]] = []
    page = lines[0].page
    for group in _row_groups(lines):
        row = [""] * width
        for line in group:
            for k, text in _cells(line, columns):
                row[k] = join_text(row[k], text)
        if rows and group[0].page != page and not row[0]:  # the rest of a row the page break cut
            row = [join_text(before, after) for before, after in zip(rows.pop(), row, strict=True)]
        rows.append(row)
        page = group[-1].page
    table = tuple(map(tuple, rows))
    return table_block(table, page=lines[0].page)
