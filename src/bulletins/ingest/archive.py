"""The articles already in the content folder, as an ingest needs them: slugs taken and source keys.

Each run needs every article's slug and source key (the slug and Identifier a bulletin ingested
again keeps) before it writes anything, so each run read the header of every article: at
100,000 articles, most of a minute to add one bulletin. The headers' fields a run uses are kept
in ``content/.bulletins-headers.cache`` (beside the run's lock) with each file's size and
modification time; a run reads the header again only of a file whose size or time changed, or
that is new. The cache is a convenience: unreadable, of another version or of another folder, it
counts as empty (every header is read, as before); one that cannot be written is left alone.
The answers are the same with it or without it (tested), and nothing in the cache is an article.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletins.ingest import frontmatter, identity
from bulletins.ingest.files import ARTICLES, write_atomic
from bulletins.models import Article, unquote_path

if TYPE_CHECKING:
    from bulletins.ingest.pipeline import Prepared

logger = logging.getLogger(__name__)

CACHE_NAME = ".bulletins-headers.cache"
VERSION = 1  # of the cache's layout and of the header fields kept (``FIELDS``)
FIELDS = ("Slug", "Source", "SourceId", "SourceLine", "Identifier")


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


def load_cache(path: Path) -> dict[str, list]:
    """Relative path -> ``[size, mtime_ns, *FIELDS values]`` from the cache at PATH; {} when it
    is missing, damaged or of another version."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("files"), dict):
        return {}
    return {name: entry for name, entry in data["files"].items() if _well_formed(entry)}


def _well_formed(entry) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 2 + len(FIELDS)
        and all(type(v) is int for v in entry[:2])
        and all(type(v) is str for v in entry[2:])
    )


def article_names(root: str) -> Iterator[str]:
    """What ``Path(root).rglob("*.md")`` finds, as paths relative to ROOT ('/'-separated): every
    entry named ``*.md`` below ROOT, in folders that are not links."""
    stack = [""]
    while stack:
        prefix = stack.pop()
        try:
            with os.scandir(os.path.join(root, prefix) if prefix else root) as entries:
                for entry in entries:
                    name = f"{prefix}/{entry.name}" if prefix else entry.name
                    if entry.name.endswith(".md"):
                        yield name
                    with suppress(OSError):
                        if entry.is_dir() and not entry.is_symlink():
                            stack.append(name)
        except OSError:
            continue


class Archive:
    """The articles already in the content folder, indexed by source key (headers only). An
    ingest tells it what it wrote (``wrote``) and, under the folder's lock, saves the cache
    (``save``); a dry run reads the cache and writes nothing."""

    def __init__(self, content: Path):
        self.root = content / ARTICLES
        self.cache_path = content / CACHE_NAME
        self.by_key: dict[str, Existing] = {}
        self.slugs: set[str] = set()
        self.headers_read = 0  # headers read from their files (not in the cache, or changed)
        self.old = load_cache(self.cache_path)
        self.entries: dict[str, list] = {}
        root = str(self.root)
        for name in sorted(article_names(root), key=lambda name: name.split("/")):
            path = os.path.join(root, name)
            self._add(path, dict(zip(FIELDS, self._fields(name, path), strict=True)))

    def _fields(self, name: str, path: str) -> list[str]:
        """The header FIELDS of the file NAME (at PATH): from the cache when its size and time
        are those cached."""
        try:
            st = os.stat(path)
        except OSError:
            st = None
        entry = self.old.get(name)
        if st is not None and entry is not None and entry[:2] == [st.st_size, st.st_mtime_ns]:
            self.entries[name] = entry
            return entry[2:]
        header = read_header(Path(path))
        self.headers_read += 1
        fields = [header.get(field, "") for field in FIELDS]
        if st is not None:
            self.entries[name] = [st.st_size, st.st_mtime_ns, *fields]
        return fields

    def wrote(self, path: Path, data: bytes, gone: Path | None = None) -> None:
        """The ingest wrote DATA to PATH (and removed GONE, the article's file before its
        date moved it): their cache entries follow, so the next run reads neither again."""
        try:
            if gone is not None:
                self.entries.pop(gone.relative_to(self.root).as_posix(), None)
            name, st = path.relative_to(self.root).as_posix(), path.stat()
        except (OSError, ValueError):
            return
        header = header_of(data)
        self.entries[name] = [st.st_size, st.st_mtime_ns, *(header.get(field, "") for field in FIELDS)]

    def save(self) -> None:
        """Write the cache, when its entries are not the ones read (under the folder's lock)."""
        if self.entries != self.old:
            self._save(self.entries)
            self.old = dict(self.entries)

    def _add(self, path: str, header: dict[str, str]) -> None:
        slug = header.get("Slug") or Path(path).stem
        self.slugs.add(slug)
        if not identity.is_file_name(slug):
            logger.warning("%s: Slug %r names no file of its folder; ingested again, it gets another", path, slug[:60])
            slug = ""
        if header.get("Source"):
            line = header.get("SourceLine", "")
            key = identity.source_key(
                unquote_path(header["Source"]), header.get("SourceId"), int(line) if line.isdigit() else None
            )
            self.by_key.setdefault(key, Existing(path, slug, header.get("Identifier", "")))

    def _save(self, files: dict[str, list]) -> None:
        data = json.dumps({"version": VERSION, "files": files}, ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(self.cache_path, data.encode("utf-8"))
        except OSError as error:
            logger.debug("%s not written: %s", self.cache_path, error)

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
