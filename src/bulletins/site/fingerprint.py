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
import uuid
from collections.abc import Iterable, Mapping

from pelican.urlwrappers import Author, Category, Tag

from bulletins.site.paging import Heading, ListPage, PageLink

_SCALARS = (str, int, float, bool, type(None))
_WRAPPERS = (Category, Tag, Author)  # Pelican's, described as the URLWrapper branch below does


def fresh() -> str:
    """A token equal to no other: stands for an input the fingerprint cannot see."""
    return f"<fresh {uuid.uuid4().hex}>"


TOKEN = "_bulletins_token"  # an article's ``source_stamp``, kept on it for the build


def stamp_token(path: str, size: int, mtime_ns: int) -> str:
    """Path, size and modification time of a source file, hashed to 16 hex digits."""
    return hashlib.blake2b(f"{path}\0{size}\0{mtime_ns}".encode(), digest_size=8).hexdigest()


def source_stamp(path: str) -> str:
    """``stamp_token`` of the file at PATH as it is now."""
    try:
        st = os.stat(path)
    except OSError:
        return fresh()
    return stamp_token(path, st.st_size, st.st_mtime_ns)


def keep_token(obj, size: int, mtime_ns: int) -> None:
    """OBJ's token from the SIZE and MTIME_NS its source file was found with (no ``stat``)."""
    path = getattr(obj, "source_path", None)
    if type(path) is str:
        obj.__dict__[TOKEN] = stamp_token(path, size, mtime_ns)


def article_token(obj) -> str:
    """OBJ's ``source_stamp``, taken once per build (kept on the object; an article taken from
    the article cache has it from the stamp its record was checked against)."""
    token = obj.__dict__.get(TOKEN)
    if token is None:
        token = obj._bulletins_token = source_stamp(obj.source_path)
    return token


def _article_page(obj) -> str:
    """What an article page shows beyond its own file: neighbours, entity links, raw copy, original."""
    prev, nxt = getattr(obj, "bulletins_prev", None), getattr(obj, "bulletins_next", None)
    return repr(
        (
            article_token(obj),
            article_token(prev) if prev is not None else None,
            article_token(nxt) if nxt is not None else None,
            getattr(obj, "bulletins_presider", None),
            getattr(obj, "bulletins_people", None),
            getattr(obj, "bulletins_documents", None),
            getattr(obj, "bulletins_raw_url", None),
            getattr(obj, "bulletins_original", None),
            getattr(obj, "bulletins_lifecycle", None),
            getattr(obj, "bulletins_issue", None),
            getattr(obj, "bulletins_series", None),
        )
    )


def describe(value, *, page: bool = False) -> str:
    """A string standing for VALUE as a template sees it (equal strings: same page)."""
    kind = type(value)
    if kind is dict:  # every page's arguments: first, ahead of the attribute probes below
        return _mapping(value)
    if kind in _WRAPPERS:
        return repr((kind.__name__, value.name, value.slug))
    if isinstance(value, _SCALARS):
        return repr(value)
    if isinstance(value, (list, tuple)):
        try:  # the common case, a list of articles already seen
            return "[" + ",".join([v.__dict__[TOKEN] for v in value]) + "]"
        except (AttributeError, KeyError, TypeError):
            return "[" + ",".join([describe(v) for v in value]) + "]"
    if isinstance(value, (PageLink, Heading)):
        return repr(value)
    if isinstance(value, ListPage):
        return repr((value.label, value.url, value.first)) + describe(value.object_list)
    if hasattr(value, "source_path") and hasattr(value, "metadata"):  # a Pelican article or page
        return _article_page(value) if page else article_token(value)
    if hasattr(value, "slug") and hasattr(value, "_name"):  # Pelican URLWrapper (Tag, Category)
        return repr((type(value).__name__, value.name, value.slug))
    if hasattr(value, "items") and hasattr(value, "counts"):  # bulletins.site.entities.Entity
        return repr(
            ("entity", value.name, value.slug, getattr(value, "url", ""), sorted(value.counts.items()), value.count)
        )
    if hasattr(value, "months") and hasattr(value, "year"):  # bulletins.site.archive.Period
        months = tuple((m.month, m.count, getattr(m, "url", "")) for m in value.months)
        return repr(
            (
                "period",
                value.year,
                value.month,
                value.count,
                getattr(value, "url", ""),
                months,
                str(getattr(value, "timeline", "")),
            )
        )
    if isinstance(value, Mapping):
        return _mapping(value)
    return fresh()


class ArgumentsMemo:
    """``describe`` of page arguments (a dict), made once for the same arguments where every
    value is a plain scalar or one of Pelican's taxonomy items (by identity, name and slug, and
    held so that no other object takes its id): an article page's category, ``blog`` and
    ``paginated``, the same for thousands of pages (0.6 µs a page against 2.2 µs)."""

    MOST = 10_000  # entries held: forgotten all at once beyond that

    def __init__(self):
        self.memo: dict[tuple, tuple[str, tuple]] = {}

    def describe(self, value: dict) -> str:
        key = []
        for k, v in value.items():
            kind = type(v)
            if kind in _WRAPPERS:
                key.append((k, kind, id(v), v._name, v._slug))  # renamed: described anew
            elif kind in _SCALARS:
                key.append((k, kind, v))
            else:
                return describe(value)
        key = tuple(key)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= self.MOST:
                self.memo.clear()
            found = self.memo[key] = (describe(value), tuple(value.values()))
        return found[0]


def _mapping(value: Mapping) -> str:
    return "{" + ",".join(f"{k!r}:{describe(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"


def digest(parts: Iterable) -> str:
    """32 hex digits standing for PARTS: equal parts give equal digests, and parts that differ
    (a string by its characters, anything else by its ``repr``) give different ones. The count
    of parts goes first, then the parts joined by NUL: a string as it is, as no such string
    holds a NUL; one that does, or that begins with ``\x01``, as ``\x01`` and its ``repr``, as
    anything else (a ``repr`` holds no NUL). ``repr`` of the whole tuple, as before, escaped
    every string again: at 100,000 bulletins the lists' described items are some 150 MB of text
    a rebuild, and the ``repr`` took most of their digests' 0.36 s."""
    return _hashed(parts).hexdigest()


def page_key(parts: Iterable) -> bytes:
    """``digest`` of PARTS as its 16 bytes: a page's key in the page record, which a build holds
    for every page it makes to its end (at a million bulletins some 1.3 million keys: 49 bytes
    each as bytes, 81 as 32 hex digits)."""
    return _hashed(parts).digest()


def _hashed(parts: Iterable):
    items = [p if type(p) is str and "\0" not in p and p[:1] != "\x01" else "\x01" + repr(p) for p in parts]
    joined = f"{len(items)}\0" + "\0".join(items)  # the count: () and ("",) join alike
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16)


def tree_digest(folder: str) -> str:
    """Every file's path and bytes below FOLDER (the theme's templates, this package's code),
    compiled bytecode (``__pycache__``) left out: Python writes it whenever a module is first
    imported (an ingest run after a build), and it changes nothing a build makes."""
    h = hashlib.blake2b(digest_size=16)
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


# Settings that change how a build runs, not what a page shows.
BUILD_ONLY_SETTINGS = frozenset(
    {
        "CACHE_CONTENT",
        "LOAD_CONTENT_CACHE",
        "CACHE_PATH",
        "CONTENT_CACHING_LAYER",
        "CHECK_MODIFIED_METHOD",
        "GZIP_CACHE",
        "DELETE_OUTPUT_DIRECTORY",
        "OUTPUT_RETENTION",
        "OUTPUT_PATH",
        "WRITE_SELECTED",
        "LOG_FILTER",
        "DEBUG",
        "PORT",
        "BIND",
        "BULLETINS_SKIP_UNCHANGED",
        "BULLETINS_PAGE_CACHE",
        "BULLETINS_WRITE_JOBS",
        "BULLETINS_WARM_CACHES",
        "BULLETINS_WATCH_OUTPUT",
        "SEARCH_INDEX_JOBS",  # the search index's are tested to write the same index whatever their value
        "SEARCH_INDEX_MEMORY",
        "SEARCH_INDEX_BESIDE_PAGES",
        "BULLETINS_DATA_BESIDE_PAGES",  # the same files either way (tested)
        "BULLETINS_CITATIONS_BESIDE_PAGES",
        "BULLETINS_MMAP_THRESHOLD",  # where the C allocator takes large blocks from
        # Pages only link the theme's static files; the minify plugin points this at its mirror
        # in the cache folder, whose path is the project's, not the pages'.
        "THEME_STATIC_PATHS",
        "BULLETINS_MINIFY_THEME",
    }
)


# Settings that name folders: digested as the real folders they name, relative ones against the
# base folder (as ``rawcopy.real_roots`` resolves them), so ``["sources"]`` and its absolute path
# are one value and a build run from a script does not render every page again after ``./run html``.
FOLDER_SETTINGS = frozenset({"BULLETINS_SOURCE_ROOTS"})


def settings_digest(settings: Mapping) -> str:
    """UPPERCASE settings that can change a page, by their repr (an unstable repr only costs
    skipped work, never a stale page)."""
    return digest((k, _value(settings, k)) for k in sorted(settings) if k.isupper() and k not in BUILD_ONLY_SETTINGS)


def _value(settings: Mapping, key: str) -> str:
    value = settings[key]
    if key in FOLDER_SETTINGS and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        base = settings.get("BULLETINS_BASE_DIR") or os.getcwd()
        return repr([os.path.realpath(os.path.join(base, folder)) for folder in value])
    return repr(value)
