"""Who an article is: its source key, ASCII slug and Identifier (索引号).

A bulletin's *source key* is the path of its raw file plus, inside a collection, the record's
``id`` (or its line when it has none). Slug and Identifier are derived from it once; after an
article is written the pipeline reads them back from the file and never changes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Container
from pathlib import PurePath

from bulletins.ingest.frontmatter import clean_text

_SAFE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_SLUG = 60
_INITIALS = 16


def normalize_source(source: str, root: str | os.PathLike = ".") -> str:
    """SOURCE as one string however it was given (``./sources/a.txt``, ``sources/a.txt``, its
    absolute form, from any working folder): POSIX, relative to ROOT (the folder holding the
    content folder) when below it, else absolute."""
    return _normalize(str(source), os.fspath(root), os.getcwd()) if source else ""


@functools.lru_cache(maxsize=4096)  # a collection gives the same path for every record
def _normalize(source: str, root: str, cwd: str) -> str:
    path = os.path.join(cwd, source)
    base = os.path.join(cwd, root)
    path, base = os.path.normpath(path), os.path.normpath(base)
    if os.path.commonpath([path, base]) == base:
        path = os.path.relpath(path, base)
    return PurePath(path).as_posix()


def source_key(source: str, source_id: str | None = None, line: int | None = None) -> str:
    """``path``, ``path#id=<id>`` or ``path#line=<n>``: one bulletin of one source (SOURCE
    already normalized).

    Path and id are taken as the article's header writes them (``frontmatter.clean_text``:
    one line, runs of spaces collapsed), so a key built from a source and one read back from
    an article agree even when a file name or record id holds a line break or a tab.
    """
    source = clean_text(source)
    source_id = clean_text(source_id) if source_id else ""
    if source_id:
        return f"{source}#id={source_id}"
    if line:
        return f"{source}#line={line}"
    return source


def key_hash(key: str, length: int = 8) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def identifier(date: dt.date, key: str) -> str:
    """索引号 ``YYYY-MMDD-XXXXXXXX``: the date it was first written and 8 hex of the source key."""
    return f"{date.year:04d}-{date.month:02d}{date.day:02d}-{key_hash(key).upper()}"


def ascii_name(name: str | None) -> str:
    """NAME as a slug when it already is one, give or take case, ``_`` and spaces; else ""."""
    if not name:
        return ""
    candidate = re.sub(r"[\s_.]+", "-", name.strip().lower()).strip("-")
    if len(candidate) <= _MAX_SLUG and _SAFE.fullmatch(candidate):
        return candidate
    return ""


def title_initials(title: str) -> str:
    """Pinyin initials of the Han characters plus ASCII letters and digits: 区政府常务会议 -> qzfcwhy."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(title, style=Style.FIRST_LETTER, errors="default"))
    return re.sub(r"[^a-z0-9]", "", letters.lower())[:_INITIALS]


def base_slug(key: str, title: str, name: str | None) -> str:
    """The slug a new article asks for: NAME (a record id or file stem) when it is ASCII-safe,
    else the title's pinyin initials and a short hash of the source key."""
    return ascii_name(name) or "-".join(filter(None, (title_initials(title), key_hash(key, 6))))


def is_file_name(slug: str) -> bool:
    """SLUG names one file in its month's folder: not empty, no folder part (``/``, ``\\``,
    ``..``), not hidden, no control character. A slug read back from an article edited by hand
    is kept only when it is one: ``Slug: ../../x`` would have an ingest write outside the
    content folder."""
    return (
        bool(slug)
        and not slug.startswith(".")
        and "/" not in slug
        and "\\" not in slug
        and not any(ord(c) < 32 or ord(c) == 127 for c in slug)
    )


def unique_slug(wanted: str, key: str, taken: Container[str]) -> str:
    """WANTED, or WANTED plus a hash of the source key when another article holds it; the same
    inputs always give the same answer."""
    if wanted not in taken:
        return wanted
    for length in (6, 10, 16, 64):
        candidate = f"{wanted}-{key_hash(key, length)}"
        if candidate not in taken:
            return candidate
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"
