"""Data tables of a saved web page, kept as tables (an attachment's 联系表, a 任务分工表).

A page's ``<table>`` is either data, read as rows of cells, or layout (old sites place the whole
page in table cells; menus are tables of links), read as paragraphs like any other block. A
table is data when it holds no other table, has two rows or more with text in two cells or more
(old sites set a 落款 right, an empty cell beside it), no cell longer than ``MAX_CELL``
characters (a layout cell holds paragraphs) and no more links than half its cells (a menu).
``Tables.take`` puts a marker paragraph in place of each data table, so the page's paragraphs
keep their order, and hands the rows over.
"""

from __future__ import annotations

import re
import secrets

from bs4 import BeautifulSoup, Tag

from bulletins.ingest.blocks import Block, blocks_text, table_block
from bulletins.ingest.bodymarkup import Rows

MAX_CELL = 100  # characters: longer, and the cell is a layout cell (a page, a column)
_SPACES = re.compile(r"\s+")


def data_rows(table: Tag) -> Rows | None:
    """The rows of TABLE (holding no other table) as cell text when it is a data table, else None."""
    rows: list[tuple[str, ...]] = []
    for row in table.find_all("tr"):
        cells = tuple(
            _SPACES.sub(" ", cell.get_text(" ")).strip() for cell in row.find_all(["td", "th"], recursive=False)
        )
        if any(cells):
            rows.append(cells)
    if sum(1 for row in rows if sum(map(bool, row)) >= 2) < 2:  # a column of text set in cells (a 落款 set right)
        return None
    if any(len(cell) > MAX_CELL for row in rows for cell in row):
        return None
    if 2 * len(table.find_all("a")) > sum(len(row) for row in rows):
        return None
    return tuple(rows)


class Tables:
    """The data tables taken out of a page, each replaced by a marker paragraph."""

    def __init__(self):
        self.prefix = f"\ue010{secrets.token_hex(8)}:"  # no page text can hold it
        self.rows: list[Rows] = []

    def take(self, root: Tag, soup: BeautifulSoup) -> None:
        """Replace every data table under ROOT (of SOUP) with a paragraph naming it."""
        tables = root.find_all("table")
        holders = {id(holder) for table in tables if (holder := table.find_parent("table")) is not None}
        for table in tables:
            if id(table) in holders:  # a table holding a table is layout
                continue
            rows = data_rows(table)
            if rows is not None:
                marker = soup.new_tag("p")
                marker.string = f"{self.prefix}{len(self.rows)}"
                table.replace_with(marker)
                self.rows.append(rows)

    def rows_of(self, paragraph: str) -> Rows | None:
        """The rows a marker paragraph stands for, else None."""
        if not paragraph.startswith(self.prefix):
            return None
        return self.rows[int(paragraph[len(self.prefix) :])]


def body(paragraphs: tuple[str, ...], tables: tuple[tuple[int, Rows], ...]) -> tuple[str, tuple[Block, ...]]:
    """The text of PARAGRAPHS and, when TABLES ((paragraph index, rows)) holds any, the paragraphs as
    laid-out blocks so that the tables stay tables (``official.read``); ``()`` when there is no
    table: the text is read as text."""
    if not tables:
        return "\n".join(paragraphs), ()
    at = dict(tables)
    blocks = tuple(table_block(at[i]) if i in at else Block(paragraph) for i, paragraph in enumerate(paragraphs))
    return blocks_text(blocks), blocks
