"""Stable ASCII slugs for names written in Chinese (categories, tags, persons, documents).

Pelican's default slugify romanizes Chinese with wrong readings and maps names that differ
only in punctuation (``·`` / ``•``) to one slug, silently merging two pages. Here a slug is a
readable pinyin prefix plus a hash of the exact name, so it never changes for a name and two
different names never share one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

PREFIX_MAX = 32
HASH_LEN = 8
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CLASS}]")
_RUNS = re.compile(f"[{_HAN_CLASS}]|[^{_HAN_CLASS}]+")  # one Han character, or a run of anything else


@functools.cache
def _syllable(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL, errors="default", v_to_u=False)[0]


@functools.cache
def romanize(name: str) -> str:
    """A readable ASCII prefix: pinyin without tones, ASCII words kept, separators collapsed.

    Readings are taken character by character (each character's most common reading), not
    from pypinyin's phrase dictionary: a slug must not change when that dictionary does,
    and the per-character table is cached, which keeps 18k names to a fraction of a second.
    """
    parts = (_syllable(run) if _HAN.match(run) else run for run in _RUNS.findall(name))
    text = "-".join(part.lower() for part in parts)
    text = _NOT_SLUG.sub("-", text.replace("ü", "v")).strip("-")
    if len(text) > PREFIX_MAX:
        cut = text.rfind("-", 0, PREFIX_MAX + 1)
        text = text[: cut if cut > 0 else PREFIX_MAX]
    return text.strip("-")


def name_hash(name: str, length: int = HASH_LEN) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:length]


@functools.cache
def slug_for(name: str, length: int = HASH_LEN) -> str:
    """``常务会议`` -> ``chang-wu-hui-yi-1f0c…``; the exact name decides the hash."""
    prefix = romanize(name)
    digest = name_hash(name, length)
    return f"{prefix}-{digest}" if prefix else digest


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map every distinct name to a slug no other name has.

    On a (rare) hash collision the colliding names get longer hashes; all other slugs keep the
    short, stable form.
    """
    slugs = {name: slug_for(name) for name in set(names)}
    if len(set(slugs.values())) == len(slugs):
        return slugs
    length = HASH_LEN
    while True:
        owners: dict[str, list[str]] = {}
        for name, slug in slugs.items():
            owners.setdefault(slug, []).append(name)
        clashes = [group for group in owners.values() if len(group) > 1]
        if not clashes:
            return slugs
        length += 4
        for group in clashes:
            for name in group:
                slugs[name] = slug_for(name, length)
