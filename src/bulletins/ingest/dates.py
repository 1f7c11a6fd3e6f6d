"""Bulletin dates: the source's date, or one found in the text, never an invented year.

Order of precedence (``resolve_date``):

1. the date the source gives (JSONL ``date``, HTML meta), kept exactly -> ``"record"``;
2. a full date (year, month, day) in the lead paragraph -> ``"text"``;
3. a month-day date (``2月28日``) in the lead, when the context gives the year
   -> ``"text+context-year"``;
4. the 成文日期 under a document's 落款 (an issuing body's line, then a line that is only a
   date: ``signing.signed``) -> ``"text"``;
5. a full date anywhere else in the text -> ``"text"``;
6. a month-day date anywhere else, with the context year -> ``"text+context-year"``.

Steps 3 and 4 come before step 5 so that a deadline in the body (``2022年6月30日前完成``,
``检查时间为2023年5月10日至6月30日``) displaces neither the meeting date of the lead, when the
publisher told us the year, nor the date a notice was signed. A month-day
date without a year raises ``MissingYear``; a date that does not exist (``2月30日``) raises
``BulletinError``. Error messages give the reason only: the pipeline adds the place.

``check_year`` rejects a date outside the archive's range of years (default 1949 to next
year): one mistyped year (``0999-01-01``) must not reach Pelican, which cannot build it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bulletins.models import BulletinError, MissingYear

_SOURCE_FORMATS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s].*)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:\s.*)?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})(?:\s.*)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s.*)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{4,6})?"),
)

_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
    r"|(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])"
)
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULL_WIDTH_DIGIT = re.compile("[０-９]")
_CJK_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0}
# 1-31 in Chinese numerals: 一 … 九, 十, 十一 … 十九, 二十 … 三十一 (never 十十)
_CJK_SMALL = "(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CJK_FULL_DATE = re.compile(rf"([〇零一二三四五六七八九]{{4}})年({_CJK_SMALL})月({_CJK_SMALL})日")
_MONTH_DAY = re.compile(r"(?<![\d年/.\-])(?<!年\s)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def _cjk_number(text: str) -> int:
    """``二〇二二`` -> 2022, ``十二`` -> 12, ``二十八`` -> 28."""
    if "十" not in text:
        return int("".join(str(_CJK_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CJK_DIGITS[tens] if tens else 1) * 10 + (_CJK_DIGITS[units] if units else 0)


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BulletinError(f"date {shown} does not exist") from None


def parse_source_date(value: str) -> dt.date | None:
    """A date given by the source: ``2022-02-28``, ``2022年2月28日``, ``2022/2/28``, ``20220228``.

    Returns None for a blank value; raises ``BulletinError`` for one that cannot be read.
    """
    value = value.strip()
    if not value:
        return None
    for pattern in _SOURCE_FORMATS:
        match = pattern.fullmatch(value)
        if match:
            year, month, day = (int(group) for group in match.groups())
            return _make_date(year, month, day, repr(value))
    raise BulletinError(f"cannot read the source date {value!r}")


def ascii_digits(text: str) -> str:
    """TEXT with full-width digits (``２０２４``, as Word documents are often typed) as ASCII ones;
    TEXT itself when it has none (a search, 7 µs for 2 KB, where translating takes 126 µs: every
    bulletin's text passes here several times at ingest)."""
    return text.translate(_ASCII_DIGITS) if _FULL_WIDTH_DIGIT.search(text) else text


def find_full_date(text: str) -> dt.date | None:
    """The first date with a year in TEXT (Arabic numerals, full-width too, or Chinese ones), or None.

    Raises ``BulletinError`` when that date does not exist (``2022年2月30日``).
    """
    text = ascii_digits(text)
    match = _FULL_DATE.search(text)
    cjk = _CJK_FULL_DATE.search(text)
    if cjk and (match is None or cjk.start() < match.start()):
        y, m, d = (_cjk_number(group) for group in cjk.groups())
        return _make_date(y, m, d, cjk.group(0))
    if match is None:
        return None
    parts = [group for group in match.groups() if group is not None]
    year, month, day = (int(part) for part in parts)
    return _make_date(year, month, day, match.group(0))


def find_month_day(text: str) -> tuple[int, int, str] | None:
    """The first month-day date without a year in TEXT: ``(month, day, "2月28日")``."""
    match = _MONTH_DAY.search(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), match.group(0)


def resolve_date(
    source_date: str | None, paragraphs: Sequence[str], year: int | None, signed: dt.date | None = None
) -> tuple[dt.date, str]:
    """The bulletin's date and where it came from (see the module docstring). SIGNED: the date
    under the 落款, which comes after a date the lead names and before one of the body.

    Raises ``MissingYear`` or ``BulletinError`` (no date, a date that does not exist, a source
    date that cannot be read).
    """
    given = parse_source_date(source_date) if source_date else None
    if given is not None:
        return given, "record"
    lead = paragraphs[0] if paragraphs else ""
    rest = "\n".join(paragraphs[1:])
    full = find_full_date(lead)
    if full is not None:
        return full, "text"
    lead_md = find_month_day(lead)
    if lead_md is not None and year is not None:
        return _make_date(year, lead_md[0], lead_md[1], lead_md[2]), "text+context-year"
    if signed is not None:
        return signed, "text"
    full = find_full_date(rest)
    if full is not None:
        return full, "text"
    month_day = lead_md or find_month_day(rest)
    if month_day is None:
        raise BulletinError("no date: the source gives none and the text names none")
    if year is None:
        raise MissingYear(f"date {month_day[2]} has no year; give --year or a defaults file")
    return _make_date(year, month_day[0], month_day[1], month_day[2]), "text+context-year"


# --- the archive's range of years ------------------------------------------------------------

MIN_YEAR = 1949


@dataclass(frozen=True)
class YearRange:
    """The years a bulletin's date may have; ``last`` None: next year, counted from today."""

    first: int = MIN_YEAR
    last: int | None = None

    def bounds(self, today: dt.date | None = None) -> tuple[int, int]:
        last = self.last if self.last is not None else (today or dt.date.today()).year + 1
        return self.first, last


def check_year(date: dt.date, years: tuple[int, int]) -> None:
    """Raise ``BulletinError`` when DATE's year is outside YEARS (first, last), both included."""
    first, last = years
    if not first <= date.year <= last:
        raise BulletinError(
            f"date {date.year:04d}-{date.month:02d}-{date.day:02d} is outside {first}-{last}"
            " (a typo? else widen --min-year/--max-year)"
        )


_ZERO = str.maketrans("○ＯO", "〇〇〇")


def parse_date(text: str) -> dt.date | None:
    """``2025年3月12日`` or ``二〇二五年三月十二日`` (also with ``○``) -> a date; None if none or
    invalid (a 公文's 成文日期, ``gongwen``)."""
    try:
        return find_full_date(_cjk_zeros(text))
    except BulletinError:
        return None


def _cjk_zeros(text: str) -> str:
    """``二○二五`` -> ``二〇二五``: the circle and letter O stand for 〇 in written years."""
    return re.sub(r"[〇○零ＯO一二三四五六七八九]{4}年", lambda m: m.group().translate(_ZERO), text)


def date_of(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    """The date of those numbers (digits as text too), or None when it does not exist."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
