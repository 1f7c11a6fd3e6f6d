"""Article URLs from the URL settings, without Pelican's per-access work (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Iterable

FAST_FIELDS = frozenset({"slug", "date"})


@functools.lru_cache(maxsize=8)
def pattern_fields(pattern: str) -> frozenset:
    """The field names a ``str.format`` pattern uses: ``{date:%Y}/{slug}.html`` -> date, slug."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None)


def is_fast(pattern: str) -> bool:
    """The pattern names only ``{slug}`` and ``{date:...}``, so it can be formatted directly."""
    return pattern_fields(pattern) <= FAST_FIELDS


def format_url(pattern: str, slug: str, d) -> str:
    """PATTERN for SLUG and the date D, formatted as a plain datetime (C strftime, no tzinfo)."""
    return pattern.format(slug=slug, date=dt.datetime(d.year, d.month, d.day, d.hour, d.minute, d.second))


def first_claims(claims: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``(owner, path)`` pairs -> ``(owner, path, first owner)`` for every owner whose path an
    earlier owner (in sorted owner order) already claimed: those would overwrite a page."""
    taken: dict[str, str] = {}
    clashes = []
    for owner, path in sorted(claims):
        first = taken.setdefault(path, owner)
        if first != owner:
            clashes.append((owner, path, first))
    return clashes
