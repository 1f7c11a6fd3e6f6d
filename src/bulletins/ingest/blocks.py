"""Blocks: what the readers of laid-out documents (.docx, .pdf, .ofd) hand to the 公文 parser.

A text source is a list of paragraphs; an official document also has layout that tells its parts apart
(the title is centred, the 成文日期 sits right-aligned under the signature, attachments are tables). A
reader of such a format yields a ``RawBulletin`` whose ``blocks`` keep that layout; ``text`` holds the same
paragraphs joined by ``"\\n"`` (table rows as cells joined by ``"\\t"``) for every stage that reads text.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIGNS = ("left", "center", "right", "justify")
KINDS = ("paragraph", "heading", "table")


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or table of a laid-out document, in reading order."""

    text: str  # the paragraph's text; for a table, its rows joined by "\n" and cells by "\t"
    kind: str = "paragraph"  # one of KINDS
    align: str = "left"  # one of ALIGNS, as laid out (centred title, right-aligned date)
    indent: float = 0.0  # first-line indent in characters (2.0: the usual body paragraph)
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cell text, row by row
    page: int = 0  # 1-based page the block starts on (0: unknown, e.g. .docx)


def table_block(rows: tuple[tuple[str, ...], ...], page: int = 0) -> Block:
    """A table of ROWS (cell text, row by row) as a Block: its text the rows joined by "\n", cells by "\t"."""
    return Block(text="\n".join("\t".join(row) for row in rows), kind="table", rows=rows, page=page)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """The plain text of BLOCKS: one paragraph per line, table rows as tab-separated cells."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "table":
            lines.extend("\t".join(row) for row in block.rows)
        else:
            lines.append(block.text)
    return "\n".join(lines)
