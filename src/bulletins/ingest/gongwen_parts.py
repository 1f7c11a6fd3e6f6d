"""What ``gongwen`` reads a 公文 into (``Gongwen``), and the forms of its parts that other
stages share: the 发文字号 (``NUMBER``, ``normalize_doc_number``; a 纪要's has no 发文机关代字:
``〔2024〕3号``) and wrapped lines joined (``join_lines``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bulletins.ingest.layout import join_text

_BRACKETS = r"[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]"
NUMBER = re.compile(
    rf"^(?P<issuer>[^\s〔\[［【（(，。：:]{{0,20}})\s*{_BRACKETS}\s*第?\s*(?P<n>\d{{1,5}})\s*号"
    r"(?:\s*签发人[：:]\s*(?P<signer>.*))?$"
)


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


def ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines as one (``layout.join_text``): a space only between two Latin words, never next to
    Chinese or a dash (``（2025`` + ``—2027年）`` stays ``（2025—2027年）``)."""
    out = ""
    for line in lines:
        out = join_text(out, line.strip())
    return out
