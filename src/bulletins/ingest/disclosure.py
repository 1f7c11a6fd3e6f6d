"""A government page's 信息公开 table: the labelled facts a site sets above a document's text.

    take_facts(root) -> Facts        the table removed from ROOT, its facts kept

Sites that publish 公文 under 政府信息公开 head the text with a table of labels and values:
``索引号``, ``发文机关``, ``成文日期``, ``发文字号``, ``发布日期``, ``主题分类``... It is the
page's own account of the document, not part of its text: the 文号 goes to the top of the text,
where a printed 公文 has it (``gongwen`` reads it there), the 发布日期 (else the 成文日期) is the
page's date, and the 发文机关 and 主题分类 are the source's publisher and category. A table is
taken only when at least three such labels have a value beside them, so a data table in the text
stays, even one whose header row names 名称, 文号 and 发布日期.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import Tag

_LABELS = {
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发文机关": "publisher",
    "发布机构": "publisher",
    "发文单位": "publisher",
    "成文日期": "date_written",
    "发布日期": "date_published",
    "公开日期": "date_published",
    "主题分类": "category",
    "索引号": "index",
    "标题": "title",
    "名称": "title",
    "有效性": "validity",
}
_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,6})\s*(?:[：:]\s*(?P<value>.*?))?\s*$")
MIN_LABELS = 3


@dataclass(frozen=True)
class Facts:
    """What a 信息公开 table says (``""`` for what it does not)."""

    doc_number: str = ""
    publisher: str = ""
    date_written: str = ""
    date_published: str = ""
    category: str = ""


NO_FACTS = Facts()  # a page without such a table


def _label(cell: str) -> tuple[str, str] | None:
    """(field, value) of a label cell: ``发文字号`` or ``发文字号：`` (value ``""``: the next cell
    holds it), or ``发文字号：松府发〔2024〕6号``; None for any other cell."""
    match = _LABEL.match(cell)
    key = _LABELS.get(match["label"]) if match else None
    return (key, match["value"] or "") if key else None


def _cells(table: Tag) -> list[str]:
    return [" ".join(cell.get_text(" ").split()) for cell in table.find_all(["td", "th"])]


def _pairs(cells: list[str]) -> dict[str, str]:
    """The known labels of CELLS and their values (in the label's cell, or the next one)."""
    found: dict[str, str] = {}
    for i, cell in enumerate(cells):
        label = _label(cell)
        if label is None or label[0] in found:
            continue
        value = label[1] or (cells[i + 1] if i + 1 < len(cells) and _label(cells[i + 1]) is None else "")
        found[label[0]] = value.strip()
    return found


def take_facts(root: Tag) -> Facts:
    """The facts of the first 信息公开 table below ROOT, which is removed; empty Facts when none."""
    for table in root.find_all("table"):
        found = _pairs(_cells(table))
        if sum(bool(value) for value in found.values()) < MIN_LABELS:
            continue  # a data table, even one whose header row names 名称, 文号, 发布日期
        table.decompose()
        return Facts(**{key: found.get(key, "") for key in Facts.__dataclass_fields__})
    return NO_FACTS
