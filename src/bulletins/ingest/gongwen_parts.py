"""What ``gongwen`` reads a 公文 into (``Gongwen``), and the forms of its parts that other
stages share: the 发文字号 (``NUMBER``, ``normalize_doc_number``; a 纪要's has no 发文机关代字:
``〔2024〕3号``), wrapped lines joined (``join_lines``), an office's name (``ORG``), the offices
that sign (``signatures``), a 主送 that names offices (``addressees``) and the lines the
parser reads (``reading_lines``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bulletins.ingest.dates import ascii_digits
from bulletins.ingest.layout import join_text

_BRACKETS = r"[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]"
NUMBER = re.compile(
    rf"^(?P<issuer>[^\s〔\[［【（(，。：:]{{0,20}})\s*{_BRACKETS}\s*第?\s*(?P<n>\d{{1,5}})\s*号"
    r"(?:\s*签发人[：:]\s*(?P<signer>.*))?$"
)

ORG_END = (
    r"(?:人民政府|政府|委员会|委|办公室|办公厅|办事处|管理委员会|管委会|局|厅|院|部|署|会|中心|公司|集团|处|科|站|所|队"
    r"|社|馆|组|室|司|党组|支部|协会|联合会|银行|学校|大学)"
)
ORG = re.compile(rf"^[^\s，。；：:、“”《》]{{2,36}}{ORG_END}(?:\s[^\s，。；：:]{{2,36}}{ORG_END})*$")
_ADDRESSEE = re.compile(rf"^(?:各|有关|全体).|(?:{ORG_END}|部门|单位|机关|企业|乡镇|街道|社区|学校|[市区县镇乡村])$")
_DATELINE = re.compile(r"消息|记者|本报讯|电讯|报道|新闻联播")  # a news lead ending in a colon is no 主送
_SPACED_LINE = re.compile(r"^[\u4e00-\u9fff](?:\s+[\u4e00-\u9fff]){1,3}$")  # a kind spaced out: 公  告
_SPACED = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(r"^[—－\-–]\s*\d{1,3}\s*[—－\-–]$")  # ``— 2 —`` of a page (GB/T 9704), kept in a text


@dataclass(frozen=True)
class Gongwen:
    """An official document's parts; for any other text, ``body`` is every paragraph."""

    body: tuple[str, ...]  # 正文 with its headings, then the attachment pages (from ``appendix_at``)
    body_lines: tuple[int, ...] = ()  # index in the parsed paragraphs of each body paragraph
    appendix_at: int | None = None  # index in ``body`` where the attachment pages begin
    mark: str = ""  # 发文机关标志, e.g. 澄江市人民政府文件
    doc_number: str = ""  # 发文字号, brackets normalised: 澄府发〔2025〕7号
    signer: str = ""  # 签发人
    title: str = ""  # 标题, wrapped lines joined
    recipients: str = ""  # 主送机关, without the colon
    attachments: tuple[str, ...] = ()  # 附件说明: the attachments' names, without numbers
    publisher: str = ""  # 发文机关署名 (joint signatures joined by 、)
    date_written: dt.date | None = None  # 成文日期
    note: str = ""  # 附注, brackets kept: （此件公开发布）
    copy_to: str = ""  # 抄送机关
    printed_by: str = ""  # 印发机关
    date_printed: dt.date | None = None  # 印发日期

    @property
    def is_official(self) -> bool:
        """Whether the text was read as a 公文 (any part of the frame found)."""
        return bool(self.mark or self.doc_number or self.title or self.publisher or self.date_written)


def normalize_doc_number(line: str) -> str:
    """``澄府发[2025]7号`` ``澄府发（2025）7号`` ``澄府发【2025】7号`` -> ``澄府发〔2025〕7号``; ``""`` if none."""
    match = NUMBER.match(ascii_digits(line.strip()))
    return f"{match['issuer']}〔{match[2]}〕{match['n']}号" if match else ""


def join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines as one (``layout.join_text``): a space only between two Latin words, never next to
    Chinese or a dash (``（2025`` + ``—2027年）`` stays ``（2025—2027年）``)."""
    out = ""
    for line in lines:
        out = join_text(out, line.strip())
    return out


def signatures(lines: Sequence[str]) -> str:
    """The offices that sign, joined by 、: one a line, or side by side on one line (joint documents)."""
    names = []
    for line in lines:
        parts = line.split()
        names.extend(parts if len(parts) > 1 and all(ORG.match(part) for part in parts) else [line.strip()])
    return "、".join(name for name in names if name)


def addressees(recipients: str) -> bool:
    """RECIPIENTS read as offices (``各街道办事处，区政府各部门，有关单位``), not a news lead that
    ends in a colon (``近日，区政府发布通知``, ``央视网消息（新闻联播）``)."""
    parts = [part.strip() for part in re.split(r"[，、,]", recipients)]
    return bool(recipients) and not _DATELINE.search(recipients) and all(map(_ADDRESSEE.search, parts))


def reading_lines(paragraphs: Sequence[str]) -> tuple[tuple[str, ...], list[int]]:
    """The paragraphs as the parser reads them (stripped, a kind spaced out, ``公  告``, closed
    up), without the page numbers a text copied from a printed page keeps (``— 2 —``), and the
    place of each in PARAGRAPHS."""
    lines, places = [], []
    for i, paragraph in enumerate(paragraphs):
        line = paragraph.strip()
        if _PAGE_NUMBER.match(line):
            continue
        lines.append(_SPACED.sub("", line) if _SPACED_LINE.match(line) else line)
        places.append(i)
    return tuple(lines), places
