"""Unchanged articles taken whole from the last build: the article cache.

Pelican's reader cache (the default layer) keeps each article's HTML and metadata, but a
rebuild still makes every article anew from them (its reader's path handling, the signals,
``Content.__init__``: the URL, summary and date fields), a third of an unchanged rebuild's
time. Pelican's own generator layer keeps the article objects themselves, but pickles them at
the end of the build, when plugins have hung the whole site on them (and each one's ``_context``
is the whole context).

Here each article is pickled as it was made (before any plugin changes it), its settings and
context written as references and read back as the running build's, its short strings, texts,
tags and dates named by number in a table the build writes after its records, and read back
shared between articles (``records``), into a file of its own (``bulletins-articles.cache``:
records and tables, then an index of ``name -> Entry``; ``cachefile``). A rebuild reads the
index only, and each table once, when its first record is read; an article whose file has the
same size and modification time, or else the same bytes (a file touched, or a fresh checkout
with the cache folder kept), is read from its record, and Pelican never reads the file.
Records are read one at a time (``pread``), so the file is never held in memory. Only when an
article was read anew or one left is the file written: the new records appended, then their
table and a new index (the file is copied without its dead records once they are more than half
of it); a damaged index, a file a stopped build left without one, or a record or table whose
bytes are not the ones written (CRC-32) counts as absent (the article is read from its file).

Used when Pelican's generator layer is not (``CONTENT_CACHING_LAYER = "reader"``, its
default) and ``WITH_FUTURE_DATES`` is on (else an article's status would depend on the day it
was cached); the articles' reader cache is then neither loaded nor written. As with Pelican's
generator layer, ``content_object_init`` is not sent again for an article taken from the
cache; what its handlers did is in the record. The reader's warning line for an article (a
header it changed) is kept with the record and logged again on every build.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import zlib
from pathlib import Path

from bulletins.plugins.compact.sharing import Shared
from bulletins.plugins.compact.slim import SLIMMER
from bulletins.plugins.incremental import bodies, readcache, records
from bulletins.plugins.incremental.cachefile import (  # noqa: F401 (MAGIC, read_index, tmp_path: this module's API)
    MAGIC,
    NEW,
    Entry,
    OtherVersion,
    TableRef,
    copy_records,
    copy_table,
    file_digest,
    live_bytes,
    read_file,
    read_index,
    tmp_path,
    write_end,
    write_table,
)
from bulletins.site import fingerprint
from bulletins.site.folderstat import FolderStats, StampsAhead
from bulletins.site.opendata_state import file_stamp

logger = logging.getLogger(__name__)

FILE = "bulletins-articles.cache"
WARNING = "_bulletins_article_warning"  # set on the generator by the reader's warning, per read
TABLE_ITEMS = 16_384  # a table is written once it holds so many items (some 1,200 articles), and a new one begun
READ_AHEAD = "_bulletins_read_ahead"  # set on the generator once its articles were read ahead (``preread``)


def remember_warning(generator, line: str) -> None:
    """The reader's warning line for the article being read, kept with its record."""
    generator.__dict__[WARNING] = line


def wanted(generator) -> bool:
    """The article cache serves GENERATOR: Pelican's generator layer unused, WITH_FUTURE_DATES
    on, a content cache asked for."""
    settings = generator.settings
    return (
        settings.get("CONTENT_CACHING_LAYER") == "reader"
        and bool(settings.get("WITH_FUTURE_DATES", True))
        and bool(settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"))
        and not getattr(generator, "_cache_data_policy", False)
        and not getattr(generator, "_cache", None)
    )


class ArticleCache:
    """The cache of one generator's articles, by file name relative to ``generator.path``. A
    build's new records are appended to the last build's file, then a new index (the old one
    becomes dead bytes); the file is rewritten with its live records only when they are less
    than half of it. Where there was no usable file, a new one is written and renamed into place."""

    def __init__(self, generator, path: Path, load: bool, save: bool):
        self.generator, self.path, self.save_policy = generator, path, save
        self.old_fd: int | None = None  # the last build's file, if usable
        self.old: dict = {}
        self.tables: list[TableRef] = []  # the tables of the file written: the last build's, then new ones
        self.files_tables: dict[int, list[TableRef]] = {}  # file -> its tables (the last build's, parts)
        self.objects: dict[tuple[int, int], list | None] = {}  # (file, table) -> what its numbers name
        self.copied: dict[tuple[int, int], int] = {}  # (part file, table) -> its number in the file written
        self.kept: dict = {}  # name -> entry, for articles taken from the file
        self.new: dict = {}  # name -> entry, for articles written by this build
        self.out = None  # where this build's records go: the old file (appended) or a new one
        self.checked: dict[str, Entry | None] = {}  # ``fresh``'s answers, for ``get``
        self.restamped = False  # an entry took its file's new stamp
        self.stale: list[Path] = []  # the articles' reader cache, left from builds before this cache
        self.shared = Shared()  # the strings and wrappers of the records read
        self.taken: dict[int, object] = {}  # id -> article, for each article read from a record
        self.table = records.Table(generator.settings, generator.context)  # what this build's records name
        self.pending: list[str] = []  # the names of the records written since the last table
        self.parts: dict[str, tuple[int, Entry]] = {}  # name -> (file, entry): records read ahead (``add_part``)
        self.part_fds: list[int] = []  # their files
        self.first_miss = None  # called once, when an article is first not found (``preread``)
        self.sources = bodies.Sources(str(path))  # the files the articles' bodies are read from
        self.stats = FolderStats(str(generator.path))  # the articles' files, looked up from their folders
        if load:
            self._open_old()
        self.ahead = StampsAhead(self.stats, self.old)  # the last build's articles' stamps, folder by folder

    def _open_old(self) -> None:
        try:
            self.old_fd = os.open(self.path, os.O_RDWR if self.save_policy else os.O_RDONLY)
        except OSError:
            return
        try:
            self.old, self.tables = read_file(self.old_fd)
            self.files_tables[self.old_fd] = list(self.tables)
        except Exception as err:  # a damaged cache is read as none, never fatal
            log = logger.info if isinstance(err, OtherVersion) else logger.warning
            log("article cache: %s cannot be read (%s); its articles are read again", self.path, err)
            os.close(self.old_fd)
            self.old_fd, self.old = None, {}

    def _usable(self, name: str) -> Entry | None:
        """NAME's entry, when its file is the one its record was made from: the same size and
        modification time, or else the same bytes (the entry then takes the file's new stamp)."""
        entry = self.old.get(name)
        if entry is None:
            return None
        found = self.ahead.stamp(name)
        if found is None:
            return None
        if found == entry.stamp():
            return entry
        if found[0] != entry.size or file_digest(os.path.join(self.generator.path, name)) != entry.digest:
            return None
        self.restamped = True
        return entry._replace(size=found[0], mtime_ns=found[1])

    def _part(self, name: str) -> tuple[int, Entry] | None:
        """The file and entry of NAME's record read ahead by another process (``add_part``), if
        its file has not changed since."""
        found = self.parts.get(name)
        if found is None or self.stats.stamp(name) != found[1].stamp():
            return None
        return found

    def fresh(self, name: str) -> bool:
        """NAME's record is there and its file has not changed since. An article already taken
        from the file by this build is not looked at again: the Markdown prefetch asks of every
        article at the first one read anew (a ``stat`` each, 0.2 s at 100,000)."""
        if name in self.kept:
            return True
        usable = self.checked[name] = self._usable(name)
        return usable is not None or self._part(name) is not None

    def get(self, name: str, default=None):
        """``get_cached_data``: NAME's article from its record, or DEFAULT (Pelican reads it)."""
        self.generator.__dict__.pop(WARNING, None)
        entry = self.checked.pop(name) if name in self.checked else self._usable(name)
        if entry is not None:
            return self._load(name, self.old_fd, entry, default)
        if self.first_miss is not None:
            first_miss, self.first_miss = self.first_miss, None
            first_miss()
        found = self._part(name)
        return default if found is None else self._load(name, *found, default)

    def _load(self, name: str, fd: int, entry: Entry, default):
        """NAME's article from the record ENTRY of the file FD; DEFAULT when it is damaged. A
        record from a part (``add_part``) is copied into this build's records."""
        data = os.pread(fd, entry.length, entry.offset)
        if zlib.crc32(data) != entry.crc:
            logger.debug("article cache: record of %s damaged", name)
            return default
        try:
            objects = self._objects(fd, entry.table)
            article = records.read_record(data, len(data) - max(entry.body, 0), entry.texts, objects)
            if entry.body >= 0:
                self.sources.attach(article, fd, data, entry.offset, entry.body)
            fingerprint.keep_token(article, entry.size, entry.mtime_ns)  # its file's stamp, not looked up again
            if (slimmer := self.generator.__dict__.get(SLIMMER)) is not None:  # ``compact``'s, if on
                slimmer.slim(article, read=True)
        except Exception as err:  # a damaged record: the file is read
            logger.debug("article cache: record of %s unreadable (%s)", name, err)
            return default
        if fd == self.old_fd:
            self.kept[name] = entry
        elif self.save_policy:
            out = self.out or self._open_out()
            table = self._copied_table(fd, entry.table, out)
            self.new[name] = entry._replace(offset=out.tell(), table=table)
            out.write(data)
        self.taken[id(article)] = article
        if entry.warning:
            logger.warning("%s", entry.warning)
        return article

    def _objects(self, fd: int, number: int) -> list:
        """What the numbers of table NUMBER of the file FD name, read at its first record;
        ValueError when its bytes are not the ones written (its records are then read as absent)."""
        key = (fd, number)
        if key not in self.objects:
            self.objects[key] = None  # a damaged table stays so
            ref = self.files_tables[fd][number]
            data = os.pread(fd, ref.length, ref.offset)
            if zlib.crc32(data) != ref.crc:
                raise ValueError("table damaged")
            settings, context = self.generator.settings, self.generator.context
            self.objects[key] = records.table_objects(pickle.loads(data), settings, context, self.shared)
        found = self.objects[key]
        if found is None:
            raise ValueError("table damaged")
        return found

    def _copied_table(self, fd: int, number: int, out) -> int:
        """The number, in the file written, of table NUMBER of the part file FD: copied there
        before the first of its records."""
        key = (fd, number)
        if key not in self.copied:
            self.copied[key] = len(self.tables)
            self.tables.append(copy_table(fd, self.files_tables[fd][number], out))
        return self.copied[key]

    def add_part(self, path: Path) -> int:
        """The records another process wrote at PATH (a cache file of its own) served as this
        cache's; the file is removed at once (its records stay readable until ``close``). The
        number of records taken: 0 when the file is missing or damaged (its articles are read)."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return 0
        os.unlink(path)
        try:
            index, self.files_tables[fd] = read_file(fd)
        except Exception as err:
            logger.debug("article cache: records read ahead in %s unusable (%s)", path, err)
            os.close(fd)
            return 0
        self.part_fds.append(fd)
        self.parts.update((name, (fd, entry)) for name, entry in index.items())
        return len(index)

    def put(self, name: str, article) -> None:
        """``cache_data``: ARTICLE, as it was just made, written to this build's records."""
        warning = self.generator.__dict__.pop(WARNING, None)
        if not self.save_policy:
            return
        path = os.path.join(self.generator.path, name)
        found = file_stamp(path)
        if found is None:
            return
        buffer = io.BytesIO()
        pickler = records.pickler(buffer, self.table.persistent_id)
        with bodies.body_apart(article, bodies.static_links(article)) as body:
            try:
                pickler.dump(article)
            except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as err:
                logger.debug("article cache: %s not kept (%s)", name, err)
                return
            finally:
                texts = self.table.record_texts()
        for text in texts:
            buffer.write(text)
        if body is not None:
            buffer.write(body)
        digest = file_digest(path)
        if digest is None:
            return
        out = self.out or self._open_out()
        data = buffer.getvalue()
        size = -1 if body is None else len(body)
        lengths = tuple(map(len, texts))
        self.new[name] = Entry(*found, out.tell(), len(data), warning, digest, zlib.crc32(data), size, NEW, lengths)
        self.pending.append(name)
        out.write(data)
        if len(self.table.items) >= TABLE_ITEMS:
            self._close_table(out)

    def _close_table(self, out) -> None:
        """The table of the records written since the last one, after them; a new table for the
        next ones."""
        if self.pending:
            self.tables.append(write_table(out, self.table.written_items()))
            number = len(self.tables) - 1
            for name in self.pending:
                entry = self.new.get(name)
                if entry is not None and entry.table == NEW:
                    self.new[name] = entry._replace(table=number)
        self.pending = []
        self.table = records.Table(self.generator.settings, self.generator.context)

    def _open_out(self):
        if self.old_fd is not None:
            self.out = os.fdopen(os.dup(self.old_fd), "ab")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.out = open(self._tmp(), "wb")  # noqa: SIM115 (open until save)
            self.out.write(MAGIC)
        return self.out

    def _tmp(self) -> Path:
        return tmp_path(self.path)

    def save(self) -> None:
        """``save_cache``: a new index written when an article was read anew or one left."""
        try:
            if self.save_policy and (self.new or self.restamped or len(self.kept) != len(self.old)):
                self._write()
            if self.save_policy:
                for path in self.stale:
                    path.unlink(missing_ok=True)
        except OSError as err:
            logger.warning("article cache: could not save %s (%s)", self.path, err)
        finally:
            self.close()

    def _write(self) -> None:
        out = self.out or self._open_out()
        self._close_table(out)
        tables = self.tables
        index = {**{name: e for name, e in self.kept.items() if name not in self.new}, **self.new}
        if self.old_fd is not None and 2 * live_bytes(index, tables) < out.tell():
            out.close()  # mostly dead records: the live ones copied into a new file
            self.out, source, self.old_fd = None, self.old_fd, None
            try:
                out = self._open_out()
                index, tables = copy_records(source, out, index, tables)
            finally:
                os.close(source)
        write_end(out, index, tables)
        out.close()
        self.out = None
        if self.old_fd is None:
            os.replace(self._tmp(), self.path)

    def take_shared(self) -> tuple[Shared, dict]:
        """The table of the strings and wrappers read, and the articles read from records (by
        id): for ``compact_articles``, once; the cache then lets go of both."""
        shared, taken = self.shared, self.taken
        self.shared, self.taken, self.objects = Shared(), {}, {}
        return shared, taken

    def close(self) -> None:
        if self.old_fd is not None:
            os.close(self.old_fd)
            self.old_fd = None
        if self.out is not None:
            self.out.close()
            self.out = None
        for fd in self.part_fds:
            os.close(fd)
        self._tmp().unlink(missing_ok=True)
        self.ahead.close()  # the articles' folders closed, the stamps not asked for let go
        self.old, self.kept, self.new, self.checked, self.parts, self.part_fds = {}, {}, {}, {}, {}, []
        self.files_tables, self.objects, self.copied, self.pending = {}, {}, {}, []
        self.sources = bodies.Sources(str(self.path))  # each open while an article reads its body there


def init(generator) -> None:
    """``article_generator_init``: the article cache, else no generator layer at all."""
    if not attach(generator):
        readcache.skip_unused_layer(generator)


def attach(generator) -> bool:
    """``article_generator_init``: the article cache serves GENERATOR (True), or is not
    wanted (False). The articles' reader cache is then left alone: neither loaded nor kept."""
    if not wanted(generator):
        return False
    settings = generator.settings
    load, save = bool(settings.get("LOAD_CONTENT_CACHE")), bool(settings.get("CACHE_CONTENT"))
    cache = ArticleCache(generator, Path(settings["CACHE_PATH"]) / FILE, load, save)
    generator.bulletins_article_cache = cache
    bodies.bound_memos()
    cache.stale = [Path(generator.readers._cache_path), readcache.chunked_path(generator.readers)]
    generator.get_cached_data, generator.cache_data, generator.save_cache = cache.get, cache.put, cache.save
    readcache.never_cache(generator.readers)
    generator.readers.save_cache = lambda: None
    return True


def is_cached(generator, name: str) -> bool:
    """NAME (relative to the generator's path) will be taken from the article cache."""
    cache = generator.__dict__.get("bulletins_article_cache")
    return cache is not None and cache.fresh(name)
