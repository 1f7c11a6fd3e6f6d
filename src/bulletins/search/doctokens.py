"""One bulletin's index entries, independent of its doc id, and a cache of them.

``doc_tokens(doc, table)`` tokenizes a bulletin once into ``DocTokens``: for every key the
part of its posting-list entry that does not depend on the doc id (``shards.Postings``
writes ``(gap << 1) | many`` before it). Positional keys (bigrams, edges, words, the
title-end marker) carry positions; unigram keys carry counts. The category key is not in
it (category numbers depend on the whole archive); the builder adds it.

``TokenCache`` keeps the ``DocTokens`` of every bulletin of the last build in one file of
the cache folder, keyed by a digest of exactly what tokenizing reads (title, rest, the
Traditional -> Simplified map and ``VERSION``), so a rebuild tokenizes only the bulletins
whose text changed. A cache entry holds what tokenizing that text gives, so an index built
with the cache is the index built without it (tested).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import zlib
from collections import Counter
from itertools import compress, repeat
from operator import eq, gt, sub
from pathlib import Path
from typing import NamedTuple

from bulletins import sealed
from bulletins.search import tokens
from bulletins.search.documents import SearchDoc, rest_offset
from bulletins.search.shards import SEP, TAIL_SEP, encoder

logger = logging.getLogger(__name__)

VERSION = "1"  # bump when tokenizing or the entry encoding changes
TITLE_END = "#"
CACHE_FILE = "search-tokens.marshal"  # the index of the entries (``TokenCache``)
# 4: the index and each entry sealed (``sealed``); 3: an entry's place is one int (2: a tuple);
# 2: the entries in a data file beside the index
CACHE_FORMAT = 4
SIZE_BITS = 32  # an entry's place (``place``): offset << SIZE_BITS | size
DATA_PREFIX = "search-tokens-"
SCRATCH_FILE = "search-tokens.scratch"
COPY_BLOCK = 2**20  # bytes copied at a time from a worker's entries to the scratch file


class DocTokens(NamedTuple):
    """Keys and entry tails, joined: ``one``/``many`` hold positional keys with one / several
    positions (tails: the position, or the count and position deltas); ``counts_one`` holds
    unigrams seen once (no tail), ``counts_many`` the others (tail: the count)."""

    one_keys: str
    one_tails: bytes
    many_keys: str
    many_tails: bytes
    counts_one: str
    counts_many_keys: str
    counts_many_tails: bytes


_TYPES = (str, bytes, str, bytes, str, str, bytes)  # of the DocTokens fields


def place(offset: int, size: int) -> int:
    """Where an entry is, in one int (an int is 32 bytes where a tuple of two is 120: 9 MB at
    100,000 bulletins, in the index read and again in what a build uses)."""
    if not 0 <= size < 2**SIZE_BITS:
        raise ValueError(f"search index: a token cache entry of {size} bytes")
    return offset << SIZE_BITS | size


def place_parts(where: int) -> tuple[int, int]:
    """``(offset, size)`` of a ``place``."""
    return where >> SIZE_BITS, where & (2**SIZE_BITS - 1)


def _in_scratch(offset: int, size: int) -> int:
    """``TokenCache.used``'s value for an entry of this build's scratch file."""
    return place(offset, size) << 1 | 1


def digest(doc: SearchDoc, fold_digest: str) -> str:
    """What decides a bulletin's ``DocTokens``."""
    h = hashlib.sha256()
    for part in (VERSION, fold_digest, doc.title, doc.rest):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:32]


def doc_tokens(doc: SearchDoc, table: tokens.FoldTable) -> DocTokens:
    return text_tokens(doc.title, doc.rest, table)


def text_tokens(title: str, rest: str, table: tokens.FoldTable) -> DocTokens:
    """``doc_tokens`` of a bulletin's two indexed fields (what a worker process is sent)."""
    title = tokens.fold(title, table)
    rest = tokens.fold(rest, table)
    keys: list[str] = []
    positions: list[int] = []
    han: list[str] = []
    tokens.collect(title, 0, keys, positions, han)
    tokens.collect(rest, rest_offset(title), keys, positions, han)
    marker = title_end(title)
    if marker:
        keys.append(marker[0])
        positions.append(marker[1])
    return encode_entries(keys, positions, Counter("".join(han)))


def encode_doc(grouped: dict[str, list[int]], counts: dict[str, int]) -> DocTokens:
    """``DocTokens`` of a bulletin's positions by key and unigram counts."""
    keys = [key for key, found in grouped.items() for _ in found]
    positions = [p for found in grouped.values() for p in found]
    return encode_entries(keys, positions, counts)


def encode_entries(keys: list[str], positions: list[int], counts: dict[str, int]) -> DocTokens:
    """``DocTokens`` of a bulletin's positional tokens (``keys[i]`` at ``positions[i]``, each
    key's positions ascending) and unigram counts.

    Most steps are one ``map``/``join`` over a whole list (a C loop) rather than a Python
    statement per token: a bulletin has hundreds of tokens, an archive millions."""
    seen = Counter(keys)
    enc = encoder(max(max(positions, default=0), max(seen.values(), default=0), max(counts.values(), default=0)))
    one = list(compress(seen, map(eq, seen.values(), repeat(1))))
    last = dict(zip(keys, positions))
    many_keys, many_tails = _many(keys, positions, seen, enc)
    counts_many = list(compress(counts, map(gt, counts.values(), repeat(1))))
    return DocTokens(
        SEP.join(one),
        TAIL_SEP.join(map(enc, map(last.__getitem__, one))),
        many_keys,
        many_tails,
        SEP.join(compress(counts, map(eq, counts.values(), repeat(1)))),
        SEP.join(counts_many),
        TAIL_SEP.join(map(enc, map(counts.__getitem__, counts_many))),
    )


def _many(keys: list[str], positions: list[int], seen: Counter, enc) -> tuple[str, bytes]:
    """The keys with several positions (in first-occurrence order) and their tails: the count,
    then the position deltas (the first from 0)."""
    picked = list(map(gt, map(seen.__getitem__, keys), repeat(1)))
    grouped: dict[str, list[int]] = {}
    for key, position in zip(compress(keys, picked), compress(positions, picked)):
        found = grouped.get(key)
        if found is None:
            grouped[key] = [position]
        else:
            found.append(position)
    tails = [enc(len(p)) + b"".join(map(enc, map(sub, p, [0, *p[:-1]]))) for p in grouped.values()]
    return SEP.join(grouped), TAIL_SEP.join(tails)


def title_end(title: str) -> tuple[str, int] | None:
    """The title-end marker: the title's last positional key (a bigram, ``^c`` or a word; not
    a ``c$`` edge) plus ``#``, at the position of the title's last Han or word character.

    A query equal to the title has the same last key and the same last character offset, so
    it finds the marker where a longer title (``国内联播快讯（二）``) has it elsewhere. The
    marker sorts right after that key, in a shard the query loads anyway.
    """
    last_key = None
    for key, _ in tokens.positional_tokens(title):
        if not key.endswith(tokens.END):
            last_key = key
    last_char = tokens.last_token_char(title)
    return (last_key + TITLE_END, last_char) if last_key and last_char is not None else None


def entry_bytes(entry: DocTokens) -> bytes:
    """How the token cache stores one ``DocTokens``: its ``marshal`` bytes after their length
    and CRC-32 (``sealed.entry``), so that a damaged entry is read as none (tokenized again)
    rather than as another bulletin's tokens."""
    return sealed.entry(tuple(entry))


def write_entries(path: Path, entries: list[DocTokens | None]) -> list[int]:
    """ENTRIES (None: an entry not made here) written to PATH one after another, for
    ``TokenCache.adopt``; the size of each (0 for None)."""
    sizes = []
    with open(path, "wb") as fh:
        for entry in entries:
            data = b"" if entry is None else entry_bytes(entry)
            fh.write(data)
            sizes.append(len(data))
    return sizes


class TokenCache:
    """``DocTokens`` by digest, kept in the cache folder (no folder: nothing is read or saved).

    Two files: ``search-tokens.marshal``, the index (digest -> the entry's ``place``: offset and
    size), and the entries themselves, ``search-tokens-<crc>.data`` (the CRC of the entries it
    was made with), each a marshalled tuple behind its length and CRC-32 (``sealed``: a damaged
    entry is tokenized again). An entry is read when a build asks for it; the entries this build
    makes go to a scratch file as they come, so no entry is held in memory. ``save`` (only when
    something changed) adds the new entries at the end of the data file, or, once more than half
    of it would be entries no bulletin uses, writes the entries the build used into a new data
    file; then the index naming it."""

    def __init__(self, folder: Path | str | None):
        self.folder = Path(folder) if folder else None
        self.path = self.folder / CACHE_FILE if self.folder else None
        self.old, self.old_data, self.data_name = self._load()
        self.used: dict[str, int] = {}  # digest -> place << 1 | (0 old data | 1 scratch)
        self.made: set[str] = set()  # without a folder: the texts tokenized, to count them once
        self.scratch = None
        self.missed = 0

    def _load(self) -> tuple[dict, int | None, str | None]:
        """The last build's index, its data file open for reading, and that file's name."""
        data = sealed.read_dict(self.path, version=VERSION, format=CACHE_FORMAT)
        if data is None:
            return {}, None, None
        docs, name = data.get("docs"), data.get("data")
        if not isinstance(docs, dict) or not isinstance(name, str) or not name.startswith(DATA_PREFIX):
            return {}, None, None
        try:
            return docs, os.open(self.folder / name, os.O_RDONLY), name
        except OSError:
            return {}, None, None

    def get(self, key: str, doc: SearchDoc, table: tokens.FoldTable) -> DocTokens:
        """The bulletin's entries: from the cache when it holds ``key``, else tokenized."""
        found = self.lookup(key)
        if found is None:
            found = doc_tokens(doc, table)
            self.put(key, found)
        return found

    def lookup(self, key: str, *, keep: bool = True) -> DocTokens | None:
        """The entries of ``key`` when the cache (or this build) has them; ``keep=False``
        reads them without keeping them for the next build (a bulletin that is gone)."""
        where = self.used.get(key)
        if where is None:
            where = self._old_place(key)
            if where is None:
                return None
        try:
            found = sealed.entry_value(self._read(where))
        except (OSError, ValueError):
            return None
        if isinstance(found, tuple) and tuple(map(type, found)) == _TYPES:
            if keep:
                self.used[key] = where
            return DocTokens(*found)
        return None

    def _old_place(self, key: str) -> int | None:
        """Where the last build's data file holds the entry of ``key`` (as ``used`` says it),
        or None."""
        old = self.old.get(key)
        return old << 1 if type(old) is int and old >= 0 and self.old_data is not None else None

    def _read(self, where: int) -> bytes:
        source, (offset, size) = where & 1, place_parts(where >> 1)
        if source:
            self.scratch.flush()
        return os.pread(self.scratch.fileno() if source else self.old_data, size, offset)

    def put(self, key: str, entry: DocTokens) -> None:
        """Entries made by this build (counted once per text). Without a cache folder nothing
        is kept: a build holds no bulletin's tokens longer than it needs them."""
        if key in self.used or key in self.made:
            return
        self.missed += 1
        if self.folder is None:
            self.made.add(key)
            return
        data = entry_bytes(entry)
        scratch = self._scratch()
        self.used[key] = _in_scratch(scratch.tell(), len(data))
        scratch.write(data)

    def _scratch(self):
        """The scratch file this build's new entries go to (made at the first one)."""
        if self.scratch is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.scratch = (self.folder / SCRATCH_FILE).open("w+b")
        return self.scratch

    def adopt(self, path: Path, entries: list[tuple[str, int]]) -> None:
        """Entries another process made and wrote to PATH one after another (``write_entries``),
        taken as if ``put`` here one by one: ENTRIES gives each one's key and size in turn. The
        bytes are copied to the scratch file as they are (no entry is unmarshalled), and PATH
        removed."""
        try:
            if self.folder is None:
                for key, _ in entries:
                    if key not in self.made:
                        self.missed += 1
                        self.made.add(key)
                return
            scratch = self._scratch()
            offset = scratch.tell()
            with open(path, "rb") as source:
                shutil.copyfileobj(source, scratch, COPY_BLOCK)
            for key, size in entries:
                if key not in self.used:
                    self.missed += 1
                    self.used[key] = _in_scratch(offset, size)
                offset += size
        finally:
            path.unlink(missing_ok=True)

    def keep(self, keys: list[str]) -> None:
        """Keep the entries of ``keys`` (bulletins this build did not need to read again)."""
        for key in keys:
            where = None if key in self.used else self._old_place(key)
            if where is not None:
                self.used[key] = where

    def save(self) -> None:
        """The entries this build used kept for the next (when anything changed), the files let
        go, and the index of every bulletin's entry too: the builder asks for none after this
        (its lists are made), and it held it to its end, some 70 bytes a bulletin (a rebuild
        also the last build's, some 155 more) through the shards' writing."""
        if self.path is not None and (self.missed or self.used.keys() != self.old.keys()):
            self._write()
        self.close()
        self.used, self.old, self.made = {}, {}, set()

    def _write(self) -> None:
        if not self._append():
            self._rewrite()

    def _append(self) -> bool:
        """This build's new entries added at the end of the last build's data file, where the
        old entries stay (a rebuild after one change had rewritten all 610 MB of them at
        100,000 bulletins); then the index. Not done (False) without that file, or when at most
        half of it would still be used: the entries are then copied into a new file, without
        the others (``_rewrite``). A build stopped before its index was written leaves bytes at
        the end that no index names; the last build's index still names only its own."""
        if self.old_data is None or self.data_name is None:
            return False
        size = os.fstat(self.old_data).st_size
        kept = sum(place_parts(where >> 1)[1] for where in self.used.values() if not where & 1)
        if 2 * kept < size:
            return False
        index, offset = {}, size
        with open(self.folder / self.data_name, "r+b") as fh:
            fh.seek(size)
            for key, where in self.used.items():
                if where & 1:
                    data = self._read(where)
                    fh.write(data)
                    index[key] = place(offset, len(data))
                    offset += len(data)
                else:
                    index[key] = where >> 1
        self._write_index(self.data_name, index)
        return True

    def _rewrite(self) -> None:
        tmp, index, crc, offset = self.folder / (DATA_PREFIX + "new.tmp"), {}, 0, 0
        with tmp.open("wb") as fh:
            for key, where in self.used.items():
                data = self._read(where)
                fh.write(data)
                crc = zlib.crc32(data, crc)
                index[key] = place(offset, len(data))
                offset += len(data)
        name = f"{DATA_PREFIX}{crc:08x}.data"
        os.replace(tmp, self.folder / name)
        self._write_index(name, index)
        for path in self.folder.glob(DATA_PREFIX + "*.data"):
            if path.name != name:
                path.unlink()

    def _write_index(self, name: str, index: dict[str, int]) -> None:
        sealed.write_sealed(self.path, {"version": VERSION, "format": CACHE_FORMAT, "data": name, "docs": index})
        logger.debug("search index: %d bulletins tokenized, %d in the cache", self.missed, len(index))

    def close(self) -> None:
        """Let go of the files (the scratch file is removed)."""
        if self.old_data is not None:
            os.close(self.old_data)
            self.old_data = None
        if self.scratch is not None:
            self.scratch.close()
            (self.folder / SCRATCH_FILE).unlink(missing_ok=True)
            self.scratch = None
