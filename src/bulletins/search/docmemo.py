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
status and category) in ``bulletins-search-docs.marshal`` in the cache folder
(``site.memofile``: made under the content cache's key, read as empty under another). Where a
memo is missing the bulletin is made as before: the index is the same either way (tested byte
for byte).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from bulletins.site.memofile import MemoFile
from bulletins.site.memofile import open_memo as open_file

FILE = "bulletins-search-docs.marshal"


class Memo(NamedTuple):
    """What the index needs of a bulletin whose ``SearchDoc`` is not made again."""

    row_key: str  # ``short_hash`` of its result-data row
    digest: str  # ``doctokens.digest`` of its indexed text
    date: str
    category: str
    status: str


class DocMemo:
    """The last build's memos (``get``) and this build's (``put``), saved by ``save``."""

    def __init__(self, memos: MemoFile):
        self.memos = memos

    @property
    def hits(self) -> int:
        return self.memos.hits

    def get(self, memo_key: str | None) -> Memo | None:
        found = self.memos.get(memo_key)
        return Memo(*found) if found is not None else None

    def put(self, memo_key: str | None, memo: Memo) -> None:
        self.memos.put(memo_key, tuple(memo))

    def save(self) -> None:
        self.memos.save()


def open_memo(cache_dir: Path | str | None, key: str | None) -> DocMemo | None:
    """The memo of CACHE_DIR made under KEY; None without a cache folder or a key."""
    memos = open_file(cache_dir, FILE, key, len(Memo._fields))
    return DocMemo(memos) if memos is not None else None
