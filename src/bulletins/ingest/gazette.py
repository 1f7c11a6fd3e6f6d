"""Gazette facts of one document: its issue (期), its meeting series, its effective and expiry dates.

    parse_issue("2025年 第 3 期（总第812期）") -> Issue(2025, 3, 812)
    issue_from_path("sources/2025年第3期/a.txt") -> Issue(2025, 3)
    parse_series("黄茂军主持召开区政府第14次常务会议") -> Series("区政府常务会议", 14)
    find_effective(paragraphs, issued) / find_expiry(paragraphs, effective)

Pure functions; nothing here is guessed: a value the text does not state is ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from bulletins.ingest.dates import ascii_digits, date_of
from bulletins.ingest.relations import AMENDS, INTERPRETS, REPEALS, find_relations, is_interpretation, relations_of

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMBER = r"[0-9０-９]+|[〇零一二两三四五六七八九十百]+"


def cn_number(text: str) -> int | None:
    """``12``, ``１２``, ``十二``, ``一百零五`` -> int; None for anything else."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


# --- issues --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Issue:
    """One gazette issue: year and number within the year, the overall number when given."""

    year: int
    number: int
    total: int | None = None

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"

    @property
    def key(self) -> str:
        """ASCII and sortable: ``2025-03`` (file names, the header's canonical form)."""
        return f"{self.year:04d}-{self.number:02d}"

    def header(self) -> str:
        """``2025年第3期`` or ``2025年第3期（总第812期）``: the ``Issue`` header value."""
        return f"{self.label}（总第{self.total}期）" if self.total else self.label


_ISSUE = re.compile(rf"((?:19|20)\d{{2}})\s*年\s*(?:第\s*)?({_NUMBER})\s*期")
_ISSUE_SHORT = re.compile(r"((?:19|20)\d{2})\s*[-/.]\s*(?:No\.?\s*)?(\d{1,3})", re.IGNORECASE)
_TOTAL = re.compile(rf"总\s*第?\s*({_NUMBER})\s*期")
_ISSUE_FOLDER = re.compile(rf"^\D*((?:19|20)\d{{2}})\s*年\s*第\s*({_NUMBER})\s*期")


def parse_issue(value: str | int | None) -> Issue | None:
    """``2025年第3期``, ``2025年 第 3 期``, ``2025-3``, ``2025年第三期（总第812期）`` -> Issue;
    None when no year and number can be read (a bare ``总第812期`` names no year)."""
    text = ascii_digits(str(value or "").strip())
    match = _ISSUE.search(text) or _ISSUE_SHORT.fullmatch(text.split("（")[0].split("(")[0].strip())
    if not match:
        return None
    number = cn_number(match.group(2))
    total = _TOTAL.search(text)
    if not number or not 1 <= number <= 400:
        return None
    return Issue(int(match.group(1)), number, cn_number(total.group(1)) if total else None)


def issue_from_path(path: str | PurePath) -> Issue | None:
    """The issue a source folder is named for (``2025年第3期/``, ``公报2025年第3期/``), nearest first."""
    for part in reversed(PurePath(path).parent.parts):
        match = _ISSUE_FOLDER.match(part)
        if match:
            return parse_issue(match.group(0))
    return None


# --- meeting series ------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A numbered meeting of one body: ``区政府第14次常务会议`` -> (``区政府常务会议``, 14)."""

    name: str
    number: int


_MEETING = re.compile(rf"第({_NUMBER})次([\u4e00-\u9fff]{{0,8}}?会议)")
_BODY_CUT = re.compile(r".*(?:召开|举行|主持|出席|参加|：|:|，|,|\s|》)")


def parse_series(title: str) -> Series | None:
    """The meeting series a title names, or None. The body is what precedes ``第N次`` after the
    verb (``主持召开``) and must be named: ``第3次会议`` alone is no series."""
    match = _MEETING.search(title or "")
    if not match:
        return None
    before = _BODY_CUT.sub("", title[: match.start()])[-12:]
    number = cn_number(match.group(1))
    if not before or not number or "《" in before:
        return None
    return Series(f"{before}{match.group(2)}", number)


# --- effective and expiry dates ------------------------------------------------------------

_DATE = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_OWN = r"本(?:办法|规定|细则|意见|通知|决定|方案|规则|条例|措施|制度|实施意见|若干措施|指引|标准|公告|通告|文件|政策)"
_IN_FORCE = r"起\s*(?:施行|实施|执行|生效|试行)"
_ISSUED = r"自(?:印发|发布|公布|签发)之日"
_LATER = rf"{_ISSUED}起\s*(?:满\s*)?({_NUMBER})\s*日后?\s*(?:起\s*)?(?:施行|实施|执行|生效)"  # 30 days on
_SUBJECTLESS = r"(?:^|(?<=[。；，,\n]))[^。；，,\n》]{0,8}"  # unless a cited title is the subject (《条例》自…)
_EFFECTIVE = (  # (pattern, what it dates by: its own date, the issue date, days after the issue date)
    (re.compile(rf"{_OWN}[^。；，]{{0,6}}自\s*{_DATE}\s*{_IN_FORCE}"), "date"),
    (re.compile(rf"{_OWN}[^。；，]{{0,6}}{_LATER}"), "later"),
    (re.compile(rf"{_OWN}[^。；，]{{0,6}}{_ISSUED}{_IN_FORCE}"), "issued"),
    (re.compile(rf"{_SUBJECTLESS}自\s*{_DATE}\s*{_IN_FORCE}"), "date"),
    (re.compile(rf"{_SUBJECTLESS}{_LATER}"), "later"),
    (re.compile(rf"{_SUBJECTLESS}{_ISSUED}{_IN_FORCE}"), "issued"),
)
_EXPIRES_ON = re.compile(rf"有效期(?:至|到|截至)\s*{_DATE}|{_OWN}[^。；]{{0,8}}?{_DATE}\s*(?:起)?\s*(?:自动)?失效")
_VALID_YEARS = re.compile(rf"(?:有效期|试行期)(?:为|限为|暂定)?\s*({_NUMBER})\s*年")
_VALID_BETWEEN = re.compile(rf"有效期(?:为|自)?\s*{_DATE}\s*(?:至|到|—|－|-)\s*{_DATE}")


def find_effective(paragraphs: Sequence[str], issued: dt.date | None = None) -> dt.date | None:
    """施行日期: ``自2024年3月1日起施行`` (a sentence about this document, ``本办法…``, wins over
    one that may be about another), ISSUED for ``自印发之日起施行``, and so many days after it for
    ``自发布之日起30日后施行``."""
    text = ascii_digits("\n".join(paragraphs))
    for pattern, kind in _EFFECTIVE:
        match = pattern.search(text)
        if match is None:
            continue
        if kind == "date":
            return date_of(*match.group(1, 2, 3))
        days = cn_number(match.group(1)) if kind == "later" else 0
        return issued + dt.timedelta(days=days) if issued and days is not None else None
    return None


def add_years(start: dt.date, years: int) -> dt.date:
    """The last day of a validity of YEARS years from START (``有效期5年`` from 2024-03-01 -> 2029-02-28)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28) + dt.timedelta(days=1)
    return end - dt.timedelta(days=1)


def find_expiry(paragraphs: Sequence[str], effective: dt.date | None = None) -> dt.date | None:
    """失效日期: ``有效期至2027年12月31日``, ``有效期为2024年3月1日至2029年2月28日``, or
    ``有效期5年`` counted from EFFECTIVE (None when that is unknown)."""
    text = ascii_digits("\n".join(paragraphs))
    between = _VALID_BETWEEN.search(text)
    if between:
        return date_of(*between.group(4, 5, 6))
    on = _EXPIRES_ON.search(text)
    if on:
        return date_of(*(on.group(1, 2, 3) if on.group(1) else on.group(4, 5, 6)))
    years = _VALID_YEARS.search(text)
    count = cn_number(years.group(1)) if years else None
    if count and effective and count <= 100:
        return add_years(effective, count)
    return None


# --- one document's gazette facts, as ingest writes them -----------------------------------


@dataclass(frozen=True)
class DocumentLife:
    """What ingest writes in the header: ``Issue``, ``DateEffective``, ``DateExpires``,
    ``Repeals``, ``Amends``, ``Interprets`` (each relation a ``《title》（文号）`` label)."""

    issue: str = ""
    date_effective: dt.date | None = None
    date_expires: dt.date | None = None
    repeals: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    interprets: tuple[str, ...] = ()


def document_life(title: str, paragraphs: Sequence[str], issued: dt.date, issue: object = None) -> DocumentLife:
    """The gazette facts of one document: ISSUE as given (record field, option, defaults file
    or folder name; normalised, dropped when unreadable), dates and relations from the text."""
    found = find_relations(title, paragraphs)
    # a 解读 retells the dates of the document it explains: they are not its own
    effective = None if is_interpretation(title) else find_effective(paragraphs, issued)
    parsed = parse_issue(issue) if issue else None
    return DocumentLife(
        issue=parsed.header() if parsed else "",
        date_effective=effective,
        date_expires=find_expiry(paragraphs, effective) if effective or not is_interpretation(title) else None,
        repeals=tuple(r.label() for r in relations_of(found, REPEALS)),
        amends=tuple(r.label() for r in relations_of(found, AMENDS)),
        interprets=tuple(r.label() for r in relations_of(found, INTERPRETS)),
    )


_OFFICIAL_TITLE = re.compile(
    r"(?:办法|规定|条例|细则|规则|意见|通知|决定|方案|规划|措施|公告|通告|命令|批复|纪要|纲要|标准|指引|制度|函)"
    r"(?:[（(][^）)]*[）)])?$"
)


def is_official(title: str, doc_number: str, written: bool = False) -> bool:
    """A 公文 with a 文号 of its own: by its frame (WRITTEN: it has a 成文日期) or by a title
    naming a document type (``…办法``, ``…的通知``). A news item quoting a 文号 is not one."""
    return bool(doc_number) and (written or bool(_OFFICIAL_TITLE.search(title or "")))


def status_on(life: DocumentLife, official: bool, today: dt.date) -> str:
    """The status one document shows by itself (``inspect``): 已失效 after its expiry,
    现行有效 for an official document, one with a lifecycle date or a repeal/amendment of its
    own, else "". Repeals and amendments by other documents are resolved only at build time."""
    if life.date_expires and life.date_expires < today:
        return "已失效"
    if official or life.date_expires or life.repeals or life.amends:
        return "现行有效"
    return ""


# --- the header and inspect forms (frontmatter.py and cli.py call these) -------------------

FIELDS = ("Issue", "DateEffective", "DateExpires", "Repeals", "Amends", "Interprets")
_LISTS = (("Repeals", "repeals"), ("Amends", "amends"), ("Interprets", "interprets"))


def metadata_values(life: DocumentLife, back=None) -> dict:
    """DocumentLife -> the ``Metadata`` keyword arguments; BACK writes a relation found in the
    Simplified reading copy back in the article's script."""
    back = back or (lambda value: value)
    return {
        "issue": life.issue,
        "date_effective": life.date_effective,
        "date_expires": life.date_expires,
        "repeals": tuple(map(back, life.repeals)),
        "amends": tuple(map(back, life.amends)),
        "interprets": tuple(map(back, life.interprets)),
    }


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def header_values(metadata) -> dict[str, str]:
    """Metadata -> header fields (empty values are left out by the writer)."""
    values = {
        "Issue": metadata.issue,
        "DateEffective": _iso(metadata.date_effective),
        "DateExpires": _iso(metadata.date_expires),
    }
    for key, name in _LISTS:
        values[key] = "; ".join(item.replace(";", "；") for item in getattr(metadata, name))
    return values


def _header_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def header_metadata(header: dict[str, str]) -> dict:
    """Header fields -> the ``Metadata`` keyword arguments (the inverse of header_values)."""
    values = {
        "issue": header.get("Issue", ""),
        "date_effective": _header_date(header.get("DateEffective")),
        "date_expires": _header_date(header.get("DateExpires")),
    }
    for key, name in _LISTS:
        values[name] = tuple(item.strip() for item in re.split(r"\s*;\s*", header.get(key, "")) if item.strip())
    return values


def record_values(metadata, today: dt.date | None = None) -> dict:
    """The ``inspect --json`` keys: issue, date_effective, date_expires, repeals, amends,
    interprets (lists of ``《title》（文号）``) and status (what the document says by itself)."""
    life = DocumentLife(**{name: getattr(metadata, name) for name in metadata_values(DocumentLife())})
    return {
        "issue": metadata.issue,
        "date_effective": _iso(metadata.date_effective),
        "date_expires": _iso(metadata.date_expires),
        "repeals": list(metadata.repeals),
        "amends": list(metadata.amends),
        "interprets": list(metadata.interprets),
        "status": status_on(
            life,
            is_official(metadata.title, metadata.doc_number, bool(getattr(metadata, "date_written", None))),
            today or dt.date.today(),
        ),
    }
