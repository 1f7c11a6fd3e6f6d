"""Article headers as editors leave them, made safe to build (pure).

Ingest writes one clean value per field; hand edits bring duplicated lines, empty or huge
values, dates Pelican cannot place, unknown templates, ``Save_as:`` lines... ``clean_header``
turns the Markdown reader's ``{name: [value, ...]}`` into one string per field and says, as
values, what it changed (``notes``) or why the article cannot be built at all (``skip``).
The caller logs that once per article: a broken article never stops the build.

Rules, field by field (``RULES``), after duplicates are merged (``JOINED`` fields: People,
Documents and Tags lines are joined; any other field keeps its first line):
- Title and Date are required; a Date must start with a real ``YYYY-MM-DD`` in 1000–9999.
- Slug must be a safe file name (ASCII letters, digits, ``.``, ``_``, ``-``; ≤ 120) and not a
  name the archive uses for its own pages (``index``, ``index-2``); else the article's file
  name stands in for it when that is one, and the article is skipped when not.
- Save_as and URL are ignored (the URL settings decide where pages go); Status must be one
  Pelican knows; Template must name an existing ``article*`` (``page*``) template; SourceLine
  must be a positive number; Lang a language tag; Modified, DateWritten, DateEffective,
  DateExpires and DatePrinted a date like Date; Issue a gazette issue; Validity a status.
- Any value longer than ``MAX_VALUE`` characters is dropped (a Title that long skips).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field

from bulletins.ingest.gazette import parse_issue
from bulletins.site.lifecycle import parse_validity

MAX_VALUE = 4000
MAX_SLUG = 120
MIN_YEAR, MAX_YEAR = 1000, 9999
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
RESERVED_SLUG = re.compile(r"index(?:-\d+)?", re.IGNORECASE)
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T_][0-9:.+\-Z ]*)?")
LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
STATUSES = frozenset({"published", "hidden", "draft", "skip"})
JOINED = {"people": ", ", "documents": "", "tags": ", "}
REQUIRED_IN_ARTICLES = ("title", "date")
NAMES = {
    "docnumber": "DocNumber",
    "sourceline": "SourceLine",
    "sourcehash": "SourceHash",
    "sourceid": "SourceId",
    "sourceurl": "SourceUrl",
    "dateprecision": "DatePrecision",
    "datesource": "DateSource",
    "titlesource": "TitleSource",
    "save_as": "Save_as",
    "url": "URL",
}


@dataclass(frozen=True)
class Header:
    """One string per field, what was changed on the way, and why the article is skipped."""

    fields: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    skip: str | None = None


def display(name: str) -> str:
    """``sourceline`` -> ``SourceLine``: a field as the article's header spells it."""
    return NAMES.get(name, name.capitalize())


def as_text(value: object, sep: str = ", ") -> str:
    """A header value as one string whatever Pelican made of it: a list is joined, None is ''."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return sep.join(str(v) for v in value)
    return str(value)


def date_problem(value: str) -> str | None:
    """Why VALUE cannot be an article's date, or None: ``YYYY-MM-DD`` (then any time and
    zone) naming a real day of a year from 1000 to 9999."""
    m = DATE.fullmatch(value)
    if not m:
        return f"{value[:40]!r} is not a YYYY-MM-DD date"
    year, month, day = map(int, m.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"{value[:40]!r} is outside the years {MIN_YEAR}–{MAX_YEAR}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"{value[:40]!r} is not a real day"
    return None


def instant_problem(value: dt.datetime, zone: str) -> str | None:
    """Why the parsed date VALUE (naive ones in ZONE) names no instant Python can hold: at
    the ends of year 1 or 9999 a time zone offset can carry it out of range."""
    try:
        aware = value if value.tzinfo else value.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        aware.astimezone(dt.UTC)
    except (OverflowError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        return f"{value.isoformat()} in UTC is out of range"
    return None


def slug_problem(value: str) -> str | None:
    """Why VALUE cannot name an article's page file, or None."""
    if len(value) > MAX_SLUG or not SLUG.fullmatch(value):
        return f"{value[:40]!r} is not a safe file name"
    if RESERVED_SLUG.fullmatch(value):
        return f"{value!r} is the name of an archive page"
    return None


def _check_status(value: str, _templates) -> str | None:
    return None if value.lower() in STATUSES else f"{value[:40]!r} is not a status"


def _check_template(value: str, templates: Container[str]) -> str | None:
    return None if value in templates else f"{value[:40]!r} is not a template of this theme"


def _check_line(value: str, _templates) -> str | None:
    return None if value.isascii() and value.isdigit() and int(value) > 0 else f"{value[:40]!r} is not a line number"


def _check_lang(value: str, _templates) -> str | None:
    return None if LANG.fullmatch(value) else f"{value[:40]!r} is not a language tag"


def _check_modified(value: str, _templates) -> str | None:
    return date_problem(value)


def _ignored(_value: str, _templates) -> str | None:
    return "the URL settings decide where pages go"


def _check_day(value: str, _templates) -> str | None:
    return date_problem(value)


def _check_issue(value: str, _templates) -> str | None:
    return None if parse_issue(value) else f"{value[:40]!r} is not a gazette issue (e.g. 2025年第3期 or 2025-3)"


def _check_validity(value: str, _templates) -> str | None:
    return None if parse_validity(value) else f"{value[:40]!r} is not a status (现行有效, 已修改, 已废止, 已失效)"


RULES: dict[str, Callable[[str, Container[str]], str | None]] = {
    "status": _check_status,
    "template": _check_template,
    "sourceline": _check_line,
    "lang": _check_lang,
    "modified": _check_modified,
    "save_as": _ignored,
    "url": _ignored,
    # the official document's own dates, issue and status: a value the site cannot read is
    # said once here rather than left out of the page without a word
    "datewritten": _check_day,
    "dateeffective": _check_day,
    "dateexpires": _check_day,
    "dateprinted": _check_day,
    "issue": _check_issue,
    "validity": _check_validity,
}


def merge(meta: Mapping[str, Sequence[str]]) -> tuple[dict[str, str], list[str]]:
    """One stripped string per non-empty field, and a note per field given more than once."""
    fields: dict[str, str] = {}
    notes: list[str] = []
    for name, values in meta.items():
        values = [values] if isinstance(values, str) else [str(v) for v in values]
        values = [v.strip() for v in values if v.strip()]
        if len(values) > 1:
            kept = "joined" if name in JOINED else "kept the first"
            notes.append(f"{display(name)} given {len(values)} times: {kept}")
            values = values if name in JOINED else values[:1]
        if values:
            fields[name] = JOINED.get(name, "").join(values)
    return fields, notes


def clean_header(
    meta: Mapping[str, Sequence[str]], *, stem: str, templates: Container[str], article: bool = True
) -> Header:
    """META (field -> lines, as the Markdown reader gives them) made buildable; STEM is the
    article's file name without suffix, TEMPLATES the template names it may ask for."""
    fields, notes = merge(meta)
    for name in list(fields):
        value = fields[name]
        problem = f"longer than {MAX_VALUE} characters" if len(value) > MAX_VALUE else None
        if problem is None and name in RULES:
            problem = RULES[name](value, templates)
        if problem is not None:
            del fields[name]
            notes.append(f"{display(name)} dropped: {problem}")
    for name in REQUIRED_IN_ARTICLES if article else ("title",):
        if name not in fields:
            return Header(fields, tuple(notes), f"no usable {display(name)}")
    if "date" in fields and (problem := date_problem(fields["date"])):
        if article:
            return Header(fields, tuple(notes), f"Date {problem}")
        del fields["date"]
        notes.append(f"Date dropped: {problem}")
    slug = fields.get("slug", "")
    if slug_problem(slug) if slug else True:
        if slug_problem(stem):
            return Header(fields, tuple(notes), f"no usable Slug and the file name {stem[:40]!r} cannot stand in")
        notes.append(f"Slug {slug_problem(slug)}: the file name {stem!r} stands in" if slug else f"no Slug: {stem!r}")
        fields["slug"] = stem
    return Header(fields, tuple(notes))
