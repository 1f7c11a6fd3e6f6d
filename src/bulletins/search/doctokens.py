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
import marshal
import os
from collections import Counter
from itertools import compress, repeat
from operator import eq, gt, sub
from pathlib import Path
from typing import NamedTuple

from bulletins.search import tokens
from bulletins.search.documents import SearchDoc, rest_offset
from bulletins.search.shards import SEP, TAIL_SEP, encoder

logger = logging.getLogger(__name__)

VERSION = "1"  # bump when tokenizing or the entry encoding changes
TITLE_END = "#"
CACHE_FILE = "search-tokens.marshal"


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


class TokenCache:
    """``DocTokens`` by digest, read from and saved to ``folder/search-tokens.marshal``
    (no folder: nothing is read or saved). Only the entries used by a build are saved."""

    def __init__(self, folder: Path | str | None):
        self.path = Path(folder) / CACHE_FILE if folder else None
        self.old = self._load()
        self.used: dict[str, DocTokens] = {}
        self.missed = 0

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("docs"), dict):
            return {}
        return data["docs"]

    def get(self, key: str, doc: SearchDoc, table: tokens.FoldTable) -> DocTokens:
        """The bulletin's entries: from the cache when it holds ``key``, else tokenized."""
        found = self.lookup(key)
        if found is None:
            found = doc_tokens(doc, table)
            self.put(key, found)
        return found

    def lookup(self, key: str) -> DocTokens | None:
        """The entries of ``key`` when the cache (or this build) has them."""
        found = self.used.get(key) or self.old.get(key)
        if isinstance(found, tuple) and tuple(map(type, found)) == _TYPES:
            entry = DocTokens(*found)
            if self.path is not None:
                self.used[key] = entry
            return entry
        return None

    def put(self, key: str, entry: DocTokens) -> None:
        """Entries made by this build (counted once per text). Without a cache folder nothing
        is kept: a build holds no bulletin's tokens longer than it needs them."""
        if key not in self.used:
            self.missed += 1
        self.used[key] = entry if self.path is not None else ()

    def keep(self, keys: list[str]) -> None:
        """Keep the entries of ``keys`` (bulletins this build did not need to read again)."""
        for key in keys:
            if key in self.old:
                self.used[key] = self.old[key]

    def save(self) -> None:
        if self.path is None or (not self.missed and self.used.keys() == self.old.keys()):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {"version": VERSION, "docs": {k: tuple(v) for k, v in self.used.items()}}
        with tmp.open("wb") as fh:
            marshal.dump(data, fh)
        os.replace(tmp, self.path)
        logger.debug("search index: %d bulletins tokenized, %d in the cache", self.missed, len(self.used))
