"""The articles already in the content folder, as an ingest needs them: slugs taken and source keys.

Each run needs every article's slug and source key (the slug and Identifier a bulletin ingested
again keeps) before it writes anything, so each run read the header of every article: at
100,000 articles, most of a minute to add one bulletin. The headers' fields a run uses are kept
in ``content/.bulletins-headers.cache`` (beside the run's lock) with each file's size and
modification time; a run reads the header again only of a file whose size or time changed, or
that is new. The cache is a convenience: unreadable, of another version or of another folder, it
counts as empty (every header is read, as before), damaged it counts up to its first damaged
piece; one that cannot be written is left alone. The answers are the same with it or without it
(tested), and nothing in the cache is an article.

An article is one line of text in the cache (its name, size, time and fields, tab-separated),
held as that one string from reading to saving: a source key maps to the line, and the
``Existing`` it stands for is made only when asked. At 1,000,000 articles the cache as JSON
(one list of seven values an article, and ``Existing`` objects) took an ingest of one bulletin
46 s and 3.3 GB. The lines are saved in pieces of ``PIECE`` (``marshal``, each sealed with its
CRC-32 by ``bulletins.sealed``), in the order the walk finds the files, so that a run compares
them with the folder's files in one pass.
"""

from __future__ import annotations

import heapq
import io
import itertools
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletins import sealed
from bulletins.ingest import frontmatter, identity
from bulletins.ingest.files import ARTICLES, write_atomic_parts
from bulletins.models import Article, unquote_path

if TYPE_CHECKING:
    from bulletins.ingest.pipeline import Prepared

logger = logging.getLogger(__name__)

CACHE_NAME = ".bulletins-headers.cache"
VERSION = 2  # of the cache's layout and of the header fields kept (``FIELDS``)
MAGIC = f"bulletins headers {VERSION}\n".encode("ascii")  # the cache's first bytes
FIELDS = ("Slug", "Source", "SourceId", "SourceLine", "Identifier")
SEP = "\t"  # between a line's values; a name or value holding one is not cached (read every run)
WIDTH = 3 + len(FIELDS)  # name, size, time, fields
PIECE = 5_000  # lines a sealed piece


@dataclass(frozen=True)
class Existing:
    where: str  # the article's file (a Path made only when asked: 100,000 of them cost a second)
    slug: str
    identifier: str

    @property
    def path(self) -> Path:
        return Path(self.where)


def read_header(path: Path) -> dict[str, str]:
    """The front matter of the article at PATH, up to its first blank line ({} if unreadable)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            return _front(fh)
    except OSError:
        return {}


def header_of(data: bytes) -> dict[str, str]:
    """``read_header`` of a file holding DATA (the same decoding and line ends)."""
    return _front(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace"))


def _front(lines) -> dict[str, str]:
    head = []
    for line in lines:
        if not line.strip():
            break
        head.append(line)
    return frontmatter.parse_article("".join(head))


def load_lines(path: Path) -> list[str]:
    """The cache's lines at PATH, in their order: none when it is missing or of another
    version, those before its first damaged piece when it is damaged (each piece is checked
    before ``marshal`` reads it). A line of another shape is kept here and used by no run
    (``split_line``)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if not data.startswith(MAGIC):
        return []
    lines: list[str] = []
    view, at = memoryview(data), len(MAGIC)
    while at < len(data):
        try:
            piece, at = sealed.unframe(view, at)
            found = sealed.loads(piece)
        except ValueError:
            break
        if type(found) is not list or not all(type(line) is str for line in found):
            break
        lines.extend(found)
    return lines


def load_cache(path: Path) -> dict[str, list]:
    """Relative path -> ``[size, mtime_ns, *FIELDS values]`` from the cache at PATH (its
    well-formed lines); {} when it is missing, damaged from its start or of another version."""
    entries = {}
    for line in load_lines(path):
        values = split_line(line)
        if values is not None:
            entries[values[0]] = [int(values[1]), int(values[2]), *values[3:]]
    return entries


def split_line(line: str) -> list[str] | None:
    """A cache LINE's name, size, time and fields; None for a line of another shape."""
    values = line.split(SEP)
    if len(values) != WIDTH or not (values[1].isdigit() and values[2].isdigit() and (values[1] + values[2]).isascii()):
        return None
    return values


def line_of(name: str, st: os.stat_result, fields: Iterable[str]) -> str | None:
    """The cache line of the article NAME; None when a value holds ``SEP`` (not cached)."""
    values = [name, str(st.st_size), str(st.st_mtime_ns), *fields]
    return None if any(SEP in value for value in values) else SEP.join(values)


def name_of(line: str) -> str:
    """A cache line's name (the whole line when it holds no ``SEP``: a damaged one)."""
    at = line.find(SEP)
    return line if at < 0 else line[:at]


def line_order(line: str) -> str:
    """``walk_order`` of a cache line's name."""
    return walk_order(name_of(line))


def walk_order(name: str) -> str:
    """The sort key of ``rglob``'s order (a folder's parts compared one by one): ``/`` as the
    character below every other."""
    return name.replace("/", "\0")


def article_names(root: str) -> Iterator[str]:
    """What ``Path(root).rglob("*.md")`` finds, as paths relative to ROOT ('/'-separated), in
    ``walk_order``: every entry named ``*.md`` below ROOT, in folders that are not links. Each
    folder's entries are sorted, and a folder's names come right after its own name sorts
    (``walk_order`` compares a path's parts one by one): no list of every name is held."""
    stack = [("", iter(_sorted_entries(root)))]
    while stack:
        prefix, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = f"{prefix}/{entry.name}" if prefix else entry.name
        if entry.name.endswith(".md"):
            yield name
        with suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                stack.append((name, iter(_sorted_entries(os.path.join(root, name)))))


def _sorted_entries(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return []


class ByKey:
    """Source key -> ``Existing``, each made when asked from the cache line it is kept as (or
    kept as made, for an article whose line is not cached)."""

    def __init__(self, root: str):
        self.root = root
        self.held: dict[str, str | Existing] = {}

    def add(self, key: str, value: str | Existing) -> None:
        self.held.setdefault(key, value)

    def get(self, key: str, default=None) -> Existing | None:
        value = self.held.get(key)
        return default if value is None else self._existing(value)

    def items(self) -> Iterator[tuple[str, Existing]]:
        return ((key, self._existing(value)) for key, value in self.held.items())

    def _existing(self, value: str | Existing) -> Existing:
        if isinstance(value, Existing):
            return value
        name, _, _, slug, *_, ident = value.split(SEP)
        return Existing(os.path.join(self.root, name), usable_slug(slug, name), ident)


def usable_slug(slug: str, name: str) -> str:
    """The slug an article NAME keeps: its header's, else its file's stem; "" when that names
    no file of its folder (``identity.is_file_name``)."""
    slug = slug or Path(name).stem
    return slug if identity.is_file_name(slug) else ""


class Archive:
    """The articles already in the content folder, indexed by source key (headers only). An
    ingest tells it what it wrote (``wrote``) and, under the folder's lock, saves the cache
    (``save``); a dry run reads the cache and writes nothing."""

    def __init__(self, content: Path):
        self.root = content / ARTICLES
        self.cache_path = content / CACHE_NAME
        self.by_key = ByKey(str(self.root))
        self.slugs: set[str] = set()
        self.headers_read = 0  # headers read from their files (not in the cache, or changed)
        self.lines: list[str] = []  # the cache's lines for the files found, in walk order
        self.written: dict[str, str | None] = {}  # name -> its new line (None: no line) since
        old = load_lines(self.cache_path)
        self.changed = self._walk(old)

    def _walk(self, old: list[str]) -> bool:
        """Every article's line, from OLD (the cache's, in walk order too) where its file's size
        and time are the cached ones; whether any line differs from OLD's."""
        root, at, changed = str(self.root), 0, False
        for name in article_names(root):
            if at < len(old) and name_of(old[at]) != name:  # else the cached line is this file's
                order = walk_order(name)
                while at < len(old) and line_order(old[at]) < order:
                    at, changed = at + 1, True  # a file gone since
            line = old[at] if at < len(old) and name_of(old[at]) == name else None
            at += line is not None
            found = self._line(name, os.path.join(root, name), line)
            changed |= found is not line
        return changed or at < len(old)

    def _line(self, name: str, path: str, cached: str | None) -> str | None:
        """The line of the file NAME (at PATH), CACHED itself when its size and time match;
        the file is indexed (``_add``)."""
        try:
            st = os.stat(path)
        except OSError:
            st = None
        values = split_line(cached) if cached is not None else None
        if st is not None and values is not None and values[1:3] == [str(st.st_size), str(st.st_mtime_ns)]:
            line, fields = cached, values[3:]
        else:
            header = read_header(Path(path))
            self.headers_read += 1
            fields = [header.get(field, "") for field in FIELDS]
            line = line_of(name, st, fields) if st is not None else None
        if line is not None:
            self.lines.append(line)
        self._add(name, fields, line)
        return line

    def _add(self, name: str, fields: list[str], line: str | None) -> None:
        slug, source, source_id, source_line, ident = fields
        taken = slug or Path(name).stem
        self.slugs.add(taken)
        if not identity.is_file_name(taken):
            where = os.path.join(str(self.root), name)
            logger.warning(
                "%s: Slug %r names no file of its folder; ingested again, it gets another", where, taken[:60]
            )
        if source:
            key = identity.source_key(unquote_path(source), source_id, frontmatter.source_line(source_line))
            value = line or Existing(os.path.join(str(self.root), name), usable_slug(slug, name), ident)
            self.by_key.add(key, value)

    def wrote(self, path: Path, data: bytes, gone: Path | None = None) -> None:
        """The ingest wrote DATA to PATH (and removed GONE, the article's file before its
        date moved it): their cache lines follow, so the next run reads neither again."""
        try:
            if gone is not None:
                self.written[gone.relative_to(self.root).as_posix()] = None
            name, st = path.relative_to(self.root).as_posix(), path.stat()
        except (OSError, ValueError):
            return
        header = header_of(data)
        self.written[name] = line_of(name, st, (header.get(field, "") for field in FIELDS))

    def save(self) -> None:
        """Write the cache, when its lines are not the ones read (under the folder's lock)."""
        if self.changed or self.written:
            self.lines = self._merged()
            self.changed, self.written = False, {}
            parts = (sealed.entry(self.lines[i : i + PIECE]) for i in range(0, len(self.lines), PIECE))
            try:
                write_atomic_parts(self.cache_path, itertools.chain((MAGIC,), parts))
            except OSError as error:
                logger.debug("%s not written: %s", self.cache_path, error)

    def _merged(self) -> list[str]:
        """The lines with what the ingest wrote put in: a written file's line replaces its
        old one, in walk order."""
        if not self.written:
            return self.lines
        kept = [line for line in self.lines if name_of(line) not in self.written]
        new = sorted((line for line in self.written.values() if line is not None), key=line_order)
        return list(heapq.merge(kept, new, key=line_order))

    def identify(self, item: Prepared) -> Article:
        """The Article for ITEM: slug and Identifier read back when it exists, else new ones."""
        existing = self.by_key.get(item.key)
        slug = existing.slug if existing else ""
        if not slug:  # a new bulletin, or its article's slug names no file (``identity.is_file_name``)
            slug = identity.unique_slug(item.wanted_slug, item.key, self.slugs)
            self.slugs.add(slug)
        if existing and existing.identifier:
            ident = existing.identifier
        else:
            ident = identity.identifier(item.metadata.date, item.key)
        raw = item.raw
        return Article(
            metadata=item.metadata,
            paragraphs=item.paragraphs,
            identifier=ident,
            slug=slug,
            source=item.source,
            source_hash=raw.source_hash,
            source_id=raw.source_id or "",
            source_line=raw.line,
            source_url=raw.url or "",
            tables=item.tables,
            appendix_at=item.appendix_at,
        )
