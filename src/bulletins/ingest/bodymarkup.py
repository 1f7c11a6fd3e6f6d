"""The layout a laid-out document keeps in its article: tables, and the break before the
attachment pages of an official document.

In the article body a table is one raw HTML block with escaped cell text, and the break is an
``<hr>``; Markdown passes both through unchanged, and ``read_blocks`` reads them back. A
paragraph can never look like either: its ``<`` is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

Rows = tuple[tuple[str, ...], ...]

APPENDIX_BREAK = '<hr class="doc-appendix">'
_TABLE_OPEN = '<table class="doc-table">'
_TABLE = re.compile(rf"^{re.escape(_TABLE_OPEN)}(.*)</table>$")
_ROW = re.compile(r"<tr>(.*?)</tr>")
_CELL = re.compile(r"<td>(.*?)</td>")
_SPACES = re.compile(r" {2,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def table_text(rows: Rows) -> str:
    """What a table says as one paragraph: its non-empty cells, row by row, space-separated."""
    return " ".join(cell for row in rows for cell in row if cell)


# --- the article body ------------------------------------------------------------------------


def _one_line(cell: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", cell)).strip()


def table_html(rows: Rows) -> str:
    """One line of HTML: a table with every cell's text escaped (it cannot carry markup)."""
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_one_line(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"{_TABLE_OPEN}{body}</table>"


def body_blocks(
    paragraphs: Sequence[str], tables: Iterable[tuple[int, Rows]], appendix_at: int | None, escape: Callable[[str], str]
) -> list[str]:
    """The Markdown blocks of a body: escaped paragraphs, tables at their indexes, the appendix break."""
    at = dict(tables)
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i == appendix_at:
            out.append(APPENDIX_BREAK)
        block = table_html(at[i]) if i in at else escape(paragraph)
        if block:
            out.append(block)
    return out


def read_blocks(
    blocks: Iterable[str], unescape: Callable[[str], str]
) -> tuple[tuple[str, ...], tuple[tuple[int, Rows], ...], int | None]:
    """The inverse of ``body_blocks``: (paragraphs, tables, appendix_at)."""
    paragraphs: list[str] = []
    tables: list[tuple[int, Rows]] = []
    appendix_at = None
    for block in blocks:
        table = _TABLE.match(block)
        if block == APPENDIX_BREAK:
            appendix_at = len(paragraphs)
        elif table:
            rows = tuple(tuple(html.unescape(c) for c in _CELL.findall(row)) for row in _ROW.findall(table.group(1)))
            tables.append((len(paragraphs), rows))
            paragraphs.append(table_text(rows))
        else:
            paragraphs.append(unescape(block))
    return tuple(paragraphs), tuple(tables), appendix_at
