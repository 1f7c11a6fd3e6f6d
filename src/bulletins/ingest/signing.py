"""The 落款 of a bulletin: the issuing body that signs it and the date under it (成文日期).

Read from the cleaned paragraphs of any bulletin (``metadata.read_fields``, ``resolve_date``);
a 公文 read with its frame (``gongwen.parse``) gives its own.
"""

from __future__ import annotations

import datetime as dt
import re

from bulletins.ingest.dates import ascii_digits, find_full_date
from bulletins.models import BulletinError

_DATE_ONLY = re.compile(
    r"^\s*(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$"
)
_SIGNATURE_LINE = re.compile(
    r"^[\u4e00-\u9fff]{2,30}(?:人民政府|(?:省|市|区|县|州|旗|盟|特别行政区)政府|委员会|办公室|办公厅|局|厅)$"
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def signed(paragraphs: tuple[str, ...]) -> tuple[str, dt.date] | None:
    """The 落款 and its 成文日期: the first issuing body's line (past the lead) right above a line
    that is only a date that exists, or None. What follows it (an attachment, its table's cells)
    does not move it."""
    for k in range(1, len(paragraphs) - 1):
        line = _one_line(paragraphs[k])
        if _SIGNATURE_LINE.match(line) and _DATE_ONLY.match(ascii_digits(paragraphs[k + 1])):
            try:
                day = find_full_date(paragraphs[k + 1])
            except BulletinError:  # 2023年2月30日: no day, so no 落款 either
                continue
            if day is not None:
                return line, day
    return None


def signature(paragraphs: tuple[str, ...]) -> str:
    """The issuing body signed at the end (落款): ``临江市青溪区人民政府``, or ``""``: the one above its
    date (``signed``), else an issuing body's line among the last three."""
    found = signed(paragraphs)
    return found[0] if found else last_signature(paragraphs)


def last_signature(paragraphs: tuple[str, ...]) -> str:
    """An issuing body's line among the last three paragraphs (a 落款 without its date), or ``""``."""
    for paragraph in paragraphs[-3:]:
        line = _one_line(paragraph)
        if _SIGNATURE_LINE.match(line):
            return line
    return ""
