"""What a rebuild's index keeps of each bulletin it saw last time, so that it need not make the
bulletin's ``SearchDoc`` again.

Making a ``SearchDoc`` from an article reads the article's HTML back from the article cache
and strips it to text; the builder then serializes the result-data row and hashes it, and
hashes the indexed text (``doctokens.digest``). At 100,000 bulletins that is some 8 s of an
unchanged rebuild's index, in a fork that shares the build's memory for as long as it runs
(each page of memory the build then writes is copied: see README, *Scale*). None of it changes
while the article's source file, its URL, its status and its category do not.

So each bulletin's ``Memo`` (the row's key, the text's digest, its date, category and status)
is kept under its ``memo key`` (``documents.article_memo_key``: the source file's stamp, URL,
status and category) in ``bulletins-search-docs.marshal`` in the cache folder (``sealed``). The file names
the content-cache key it was made under (``readcache.cache_key``: the settings that can change
a page and this package's code); a file made under another key, damaged or of another format
is read as empty. A memo is only ever a shortcut: where it is missing, the bulletin is made as
before, and the index is the same either way (tested byte for byte).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import NamedTuple

from bulletins import sealed

FILE = "bulletins-search-docs.marshal"
VERSION = 1


class Memo(NamedTuple):
    """What the index needs of a bulletin whose ``SearchDoc`` is not made again."""

    row_key: str  # ``short_hash`` of its result-data row
    digest: str  # ``doctokens.digest`` of its indexed text
    date: str
    category: str
    status: str


class DocMemo:
    """The last build's memos (``get``) and this build's (``put``), saved by ``save``."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = path, key
        self.old = _load(path, key)
        self.new: dict[str, tuple] = {}
        self.hits = 0

    def get(self, memo_key: str | None) -> Memo | None:
        found = self.old.get(memo_key) if memo_key is not None else None
        if found is None:
            return None
        self.hits += 1
        self.new[memo_key] = found
        return Memo(*found)

    def put(self, memo_key: str | None, memo: Memo) -> None:
        if memo_key is not None:
            self.new[memo_key] = tuple(memo)

    def save(self) -> None:
        """This build's memos, in place of the last build's (written aside, then renamed)."""
        with contextlib.suppress(OSError):  # no memos kept: the next build makes each bulletin again
            sealed.write_sealed(self.path, (VERSION, self.key, self.new))


def _load(path: Path, key: str) -> dict:
    try:
        version, made_under, memos = sealed.read_sealed(path)
    except (OSError, ValueError, TypeError):  # TypeError: not a tuple of three
        return {}
    if version != VERSION or made_under != key or not isinstance(memos, dict):
        return {}
    return {k: v for k, v in memos.items() if isinstance(v, tuple) and len(v) == len(Memo._fields)}


def open_memo(cache_dir: Path | str | None, key: str | None) -> DocMemo | None:
    """The memo of CACHE_DIR made under KEY; None without a cache folder or a key."""
    if not cache_dir or not key:
        return None
    return DocMemo(Path(cache_dir) / FILE, key)
