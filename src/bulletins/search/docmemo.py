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

Memory. A build holds a memo for every bulletin from its first to its last (the index's
phase, the build's highest at a million bulletins). A memo is kept under its key's 16-byte
BLAKE2b digest (``held_key``), not the key: the key is some 70 characters with Han text in it
(the category), a string of some 230 bytes. Its date, category and status are the strings of
the memos before it where equal (a day's bulletins share one date). A memo then holds some
240 bytes where it held 510 (100,000 memos of keys shaped as a build's, traced); in a cold
build of 20,000 bulletins the index's phase held 7.9 MB less at its end (traced). An earlier
version's file (1: the keys whole) is read by hashing its keys.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import NamedTuple

from bulletins import sealed

FILE = "bulletins-search-docs.marshal"
VERSION = 2  # 2: memos under their keys' digests (``held_key``); 1: under the keys
KEY_BYTES = 16


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
        self.shared: dict[str, str] = {}  # dates, categories and statuses, one string each
        self.old = _load(path, key, self.shared)
        self.new: dict[bytes, tuple] = {}
        self.hits = 0
        self.last: tuple[str, bytes] | None = None  # the key asked last and its digest

    def held(self, memo_key: str) -> bytes:
        """``held_key(memo_key)``, made once for a bulletin that ``get`` missed and ``put`` keeps."""
        if self.last is None or self.last[0] is not memo_key:
            self.last = (memo_key, held_key(memo_key))
        return self.last[1]

    def get(self, memo_key: str | None) -> Memo | None:
        found = self.old.get(self.held(memo_key)) if memo_key is not None else None
        if found is None:
            return None
        self.hits += 1
        self.new[self.last[1]] = found
        return Memo(*found)

    def put(self, memo_key: str | None, memo: Memo) -> None:
        if memo_key is not None:
            self.new[self.held(memo_key)] = _shared(tuple(memo), self.shared)

    def save(self) -> None:
        """This build's memos, in place of the last build's (written aside, then renamed)."""
        with contextlib.suppress(OSError):  # no memos kept: the next build makes each bulletin again
            sealed.write_sealed(self.path, (VERSION, self.key, self.new))


def held_key(memo_key: str) -> bytes:
    """The 16-byte BLAKE2b digest a memo is kept under (two keys alike in it: one in 2^64 at
    four billion bulletins)."""
    return hashlib.blake2b(memo_key.encode("utf-8", "surrogatepass"), digest_size=KEY_BYTES).digest()


def _shared(memo: tuple, shared: dict[str, str]) -> tuple:
    """MEMO with its date, category and status the equal strings of SHARED (added there when new)."""
    row_key, digest, *rest = memo
    return (row_key, digest, *[shared.setdefault(s, s) if type(s) is str else s for s in rest])


def _load(path: Path, key: str, shared: dict[str, str]) -> dict:
    try:
        version, made_under, memos = sealed.read_sealed(path)
    except (OSError, ValueError, TypeError):  # TypeError: not a tuple of three
        return {}
    if version not in (1, VERSION) or made_under != key or not isinstance(memos, dict):
        return {}
    kept = {}
    for k, v in memos.items():
        if version == 1 and type(k) is str:
            k = held_key(k)
        if type(k) is bytes and len(k) == KEY_BYTES and isinstance(v, tuple) and len(v) == len(Memo._fields):
            kept[k] = _shared(v, shared)
    return kept


def open_memo(cache_dir: Path | str | None, key: str | None) -> DocMemo | None:
    """The memo of CACHE_DIR made under KEY; None without a cache folder or a key."""
    if not cache_dir or not key:
        return None
    return DocMemo(Path(cache_dir) / FILE, key)
