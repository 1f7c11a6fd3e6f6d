"""Fingerprints of what a page is rendered from, so a rebuild can skip unchanged pages.

``describe`` turns a template's inputs into plain data: an article is named by its source file
(path, size, modification time) and by the neighbours and links its page shows; a taxonomy
item by its name and slug; an entity or archive period by its name, counts and URL; lists
item by item. Anything it does not know describes as a fresh token, so a page fed an unknown
object is always rendered: the cache can only skip work, never serve a stale page.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping

_SCALARS = (str, int, float, bool, type(None))


class _Fresh:
    """Equal to nothing: an input the fingerprint cannot see."""

    _count = 0

    def __init__(self):
        _Fresh._count += 1
        self.n = _Fresh._count

    def __repr__(self):
        return f"<fresh {os.getpid()}-{self.n}-{id(self)}>"


def source_stamp(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (path, _Fresh())
    return (path, st.st_size, st.st_mtime_ns)


def _content(obj) -> tuple:
    cached = getattr(obj, "_bulletins_stamp", None)
    if cached is None:
        cached = source_stamp(obj.source_path)
        obj._bulletins_stamp = cached
    return cached


def _article_page(obj) -> tuple:
    """What an article page shows beyond its own file: neighbours, entity links, raw copy."""
    prev, nxt = getattr(obj, "bulletins_prev", None), getattr(obj, "bulletins_next", None)
    return (
        _content(obj),
        _content(prev) if prev is not None else None,
        _content(nxt) if nxt is not None else None,
        tuple(getattr(obj, "bulletins_presider", ())),
        tuple(getattr(obj, "bulletins_people", ())),
        tuple(getattr(obj, "bulletins_documents", ())),
        getattr(obj, "bulletins_raw_url", None),
    )


def describe(value, *, page: bool = False):
    """Plain, comparable data standing for VALUE as a template sees it."""
    if isinstance(value, _SCALARS):
        return value
    stamp = getattr(value, "_bulletins_stamp", None)
    if stamp is not None and not page:
        return stamp
    if hasattr(value, "source_path") and hasattr(value, "metadata"):
        return _article_page(value) if page else _content(value)
    if hasattr(value, "slug") and hasattr(value, "_name"):  # Pelican URLWrapper (Tag, Category)
        return (type(value).__name__, value.name, value.slug)
    if hasattr(value, "items") and hasattr(value, "counts"):  # bulletins.site.entities.Entity
        return ("entity", value.name, value.slug, getattr(value, "url", ""), sorted(value.counts.items()), value.count)
    if hasattr(value, "months") and hasattr(value, "year"):  # bulletins.site.archive.Period
        months = tuple((m.month, m.count, getattr(m, "url", "")) for m in value.months)
        return ("period", value.year, value.month, value.count, getattr(value, "url", ""), months, str(getattr(value, "timeline", "")))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), describe(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(describe(v) for v in value)
    return _Fresh()


def digest(parts: Iterable) -> str:
    return hashlib.blake2b(repr(tuple(parts)).encode("utf-8"), digest_size=16).hexdigest()


def tree_digest(folder: str) -> str:
    """Every file's path and bytes below FOLDER (the theme's templates)."""
    h = hashlib.blake2b(digest_size=16)
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


# Settings that change how a build runs, not what a page shows.
BUILD_ONLY_SETTINGS = frozenset({
    "CACHE_CONTENT", "LOAD_CONTENT_CACHE", "CACHE_PATH", "CONTENT_CACHING_LAYER", "CHECK_MODIFIED_METHOD",
    "GZIP_CACHE", "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION", "OUTPUT_PATH", "WRITE_SELECTED",
    "LOG_FILTER", "DEBUG", "PORT", "BIND", "BULLETINS_SKIP_UNCHANGED", "BULLETINS_PAGE_CACHE",
})


def settings_digest(settings: Mapping) -> str:
    """UPPERCASE settings that can change a page, by their repr (an unstable repr only costs
    skipped work, never a stale page)."""
    return digest((k, repr(settings[k])) for k in sorted(settings) if k.isupper() and k not in BUILD_ONLY_SETTINGS)
