"""Keeps Pelican's content cache honest.

``pelicanconf.py`` turns on Pelican's content cache (``CACHE_CONTENT``/``LOAD_CONTENT_CACHE``),
so a rebuild does not parse unchanged articles again. Pelican keys that cache by each file's
modification time only: after a change of settings (a year range, a URL pattern) or of this
package's readers it would serve articles as they were read before. On ``initialized`` this
drops Pelican's content caches (and ours made under the same key: the article cache, the
search index's memos) when the settings that can change a page, or the package's code, differ
from the last build's, and records the new key (``recorded_key``).
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import os
import pickle
from pathlib import Path

from bulletins import sealed
from bulletins.plugins.incremental import collector, records
from bulletins.site import fingerprint

logger = logging.getLogger(__name__)

STAMP = "bulletins-content-cache.json"
PACKAGE = Path(__file__).resolve().parents[2]  # src/bulletins
# Pelican's cache files: "<Generator>-Readers" (reader layer) and "<Generator>" (generator layer).
# Ours made under the same key: the article cache, the search index's memos (``docmemo``).
PELICAN_CACHES = (
    "*Generator-Readers",
    "*Generator",
    "*Generator-Readers.chunks",
    "bulletins-articles.cache",
    "bulletins-search-docs.marshal",
)
CHUNKED = ".chunks"  # the reader cache as kept here (``save_chunked``)
CHUNK_ENTRIES = 2_000
CHUNKS_MAGIC = b"bulletins chunks 1\n"  # the first bytes of a ``save_chunked`` file
CHUNK_LIMIT = 2**30  # bytes: a chunk's length past this is damaged (2,000 pages take a few MB)


def cache_key(settings) -> str:
    return fingerprint.digest((fingerprint.settings_digest(settings), fingerprint.tree_digest(str(PACKAGE))))


def recorded_key(settings) -> str | None:
    """The key this build's content caches are made under (``guard`` recorded it), or None
    where the content cache is off (and ``guard`` checked nothing)."""
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")) or not settings.get("CACHE_PATH"):
        return None
    try:
        key = json.loads((Path(settings["CACHE_PATH"]) / STAMP).read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError, AttributeError):
        return None
    return key if isinstance(key, str) else None


def guard(pelican) -> None:
    """Drop Pelican's content caches in CACHE_PATH unless they were made under the same key."""
    settings = pelican.settings
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    folder = Path(settings["CACHE_PATH"])
    key = cache_key(settings)
    stamp = folder / STAMP
    try:
        if json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
            return
    except (OSError, ValueError, AttributeError):
        pass
    dropped = [path for pattern in PELICAN_CACHES for path in folder.glob(pattern) if path.is_file()]
    for path in dropped:
        path.unlink(missing_ok=True)
    if dropped:
        logger.info("content cache: settings or code changed, %d cache files dropped", len(dropped))
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"key": key}) + "\n", encoding="utf-8")


def chunked_path(readers) -> Path:
    """Where the reader cache is kept here: beside Pelican's own file, under another name, so
    that Pelican (which would read only its first chunk) never loads it."""
    return Path(readers._cache_path + CHUNKED)


SETTINGS_ID, CONTEXT_ID, TEXT_ID = "settings", "context", "t"
LONG_TEXT = 64  # characters: a string this long or longer is written as UTF-8 bytes


def persistent_id(settings, context=None):
    """What a cache writes as a reference: SETTINGS (the build's settings, which every tag
    and category holds) and CONTEXT (which every article holds), so a record does not carry
    a copy of them; and a string that is not ASCII and not short (an article's HTML, its
    summary), as its UTF-8 bytes encoded here: the pickler's own encoding
    (``PyUnicode_AsUTF8AndSize``) keeps a UTF-8 copy inside every string it writes for as long
    as the string lives (44 MB more held at 20,000 articles after one save; a short value is
    left to it, where a reference would cost more time to read back than its copy takes
    room). A function, not a method: a pickler holding its own bound method is a cycle, and
    lives (with its buffers) until a collection."""

    def reference(obj):
        if type(obj) is str:
            return None if len(obj) < LONG_TEXT or obj.isascii() else (TEXT_ID, obj.encode("utf-8", "surrogatepass"))
        if obj is None:
            return None
        if obj is settings:
            return SETTINGS_ID
        return CONTEXT_ID if obj is context else None

    return reference


def persistent_load(settings, context=None):
    """The references read back: the settings and context as the running build's (a tag read
    from a cache then holds the same settings as one read from its file), a text from its
    bytes."""
    known = {SETTINGS_ID: settings, CONTEXT_ID: context}

    def load(pid):
        if type(pid) is tuple and len(pid) == 2 and pid[0] == TEXT_ID and type(pid[1]) is bytes:
            return pid[1].decode("utf-8", "surrogatepass")
        if type(pid) is not str or known.get(pid) is None:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return known[pid]

    return load


def save_chunked(cache: dict, path: Path, opener=open, settings=None) -> None:
    """CACHE pickled CHUNK_ENTRIES entries at a time, each chunk behind its length and CRC-32
    (``sealed.frame``), one after another in one file after ``CHUNKS_MAGIC``. One pickle of the
    whole dict keeps a memo of every object it wrote (and the temporaries their reduction made)
    to its end: 78 MB more resident at 20,000 articles, some 500 MB at 100,000, at the build's
    peak; a chunk's memo goes when the chunk is written."""
    tmp = path.with_name(f".{path.name}.tmp")
    entries, reference = iter(cache.items()), persistent_id(settings)
    with opener(tmp, "wb") as fh:
        fh.write(CHUNKS_MAGIC)
        while chunk := dict(itertools.islice(entries, CHUNK_ENTRIES)):
            buffer = io.BytesIO()
            records.pickler(buffer, reference).dump(chunk)
            fh.write(sealed.frame(buffer.getbuffer()))
    os.replace(tmp, path)


def load_chunked(path: Path, opener=open, settings=None) -> dict | None:
    """The entries ``save_chunked`` wrote at PATH (from the first chunk cut short or damaged on,
    none: their pages are read again); None when there is no such file, it cannot be read or
    is not such a file (an earlier version's was not sealed: one changed byte inside a pickle
    could give a page another title or none, and the page was left out). The cycle collector is off
    meanwhile: the objects made are all kept, and its passes over them took three quarters of
    the time (1.06 s against 0.28 s at 20,000 articles)."""
    cache: dict = {}
    load = persistent_load(settings)
    try:
        with collector.uncollected(), opener(path, "rb") as fh:
            if fh.read(len(CHUNKS_MAGIC)) != CHUNKS_MAGIC:
                raise ValueError("not a cache of chunks this version writes")
            while head := fh.read(sealed.LENGTH + sealed.CRC):
                length = int.from_bytes(head[: sealed.LENGTH], "little")
                if length > CHUNK_LIMIT:  # a damaged length: not read (a read allocates it first)
                    raise ValueError("a chunk's length is damaged")
                piece, _ = sealed.unframe(memoryview(head + fh.read(length)))
                cache.update(records.unpickler(io.BytesIO(piece), load).load())
            return cache
    except FileNotFoundError:
        return None
    except Exception as err:  # a damaged cache is dropped from there on, never fatal
        logger.warning("content cache: %s cannot be read (%s); its articles are read again", path, err)
        return cache or None


def save_when_read(readers) -> None:
    """``readers_init``: keep the reader cache in chunks (``save_chunked``), and write it only
    when an article was read anew (Pelican writes the whole cache, every article's HTML and
    metadata: 330 MB at 100,000 articles, 1.6 s, at the end of every build), so a rebuild that
    read nothing writes nothing. An entry of a removed article stays in the file either way
    (Pelican never drops one). The signal comes before Pelican sets its cache up, so the chunks
    are loaded when the first article is looked up. Pelican's own file, from a version that let
    Pelican keep it, is read by Pelican once more and then replaced."""
    cache_data, get_cached_data = readers.cache_data, readers.get_cached_data
    read_anew: list[str] = []
    loaded: list[bool] = []

    def load_once():
        if not loaded:
            loaded.append(True)
            if _load_policy(readers):
                found = load_chunked(chunked_path(readers), readers._cache_open, readers.settings)
                readers._cache = found if found is not None else readers._cache

    def get_cached(filename, default=None):
        load_once()
        return get_cached_data(filename, default)

    def cache_read(filename, data):
        load_once()
        read_anew.append(filename)
        cache_data(filename, data)

    def save_if_read():
        if read_anew and readers._cache_data_policy:
            _save(readers)
        read_anew.clear()

    readers.get_cached_data, readers.cache_data, readers.save_cache = get_cached, cache_read, save_if_read


def _load_policy(readers) -> bool:
    """Pelican's ``load_policy`` for READERS, which it does not keep: a named cache in the
    reader layer, with LOAD_CONTENT_CACHE on."""
    settings = readers.settings
    named = bool(os.path.basename(readers._cache_path))
    return named and settings.get("CONTENT_CACHING_LAYER") == "reader" and bool(settings.get("LOAD_CONTENT_CACHE"))


def _save(readers) -> None:
    path = chunked_path(readers)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_chunked(readers._cache, path, readers._cache_open, readers.settings)
        Path(readers._cache_path).unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError) as err:
        logger.warning("content cache: could not save %s (%s)", path, err)


def skip_unused_layer(generator) -> None:
    """``article_generator_init``, ``page_generator_init``: with the cache in the reader layer (Pelican's default), the
    generator's own cache holds nothing, yet asking it and filling it stat each file twice
    (200,000 ``stat`` calls at 100,000 articles): neither is asked when it holds nothing and
    keeps nothing."""
    if not hasattr(generator, "_cache_data_policy") or generator._cache_data_policy or generator._cache:
        return
    never_cache(generator)


def never_cache(cacher) -> None:
    """CACHER (a generator or its readers) neither asked for anything nor given anything to keep."""
    cacher.get_cached_data = lambda filename, default=None: default
    cacher.cache_data = lambda filename, data: None
