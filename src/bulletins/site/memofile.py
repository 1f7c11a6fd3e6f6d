"""A file of what the last build worked out per article, so a rebuild need not work it out again.

Each entry is a tuple of WIDTH plain values (strings, numbers, booleans) under a string key
that names everything the values were made from. The file (``marshal``: 100,000 entries load
in a fraction of a second) also names the key of the build it was made under (the content
cache's: the settings that can change a page and this package's code, ``readcache.cache_key``);
a file made under another key, of another format or damaged reads as empty, and an entry of
another width is left out. What a build reads (``get``) and what it adds (``put``) make the
next file (``save``); an entry not asked for is not kept. A memo is only ever a shortcut: a
missing entry is worked out as before.

Used by the search index (``search.docmemo``) and the citations' fields.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

VERSION = 1


class MemoFile:
    """The last build's entries of PATH (``get``) and this build's (``put``), saved by ``save``."""

    def __init__(self, path: Path, key: str, width: int):
        self.path, self.key, self.width = path, key, width
        self.old = _load(path, key, width)
        self.new: dict[str, tuple] = {}
        self.hits = 0

    def get(self, memo_key: str | None) -> tuple | None:
        found = self.old.get(memo_key) if memo_key is not None else None
        if found is not None:
            self.hits += 1
            self.new[memo_key] = found
        return found

    def put(self, memo_key: str | None, values: tuple) -> None:
        if memo_key is not None and len(values) == self.width:
            self.new[memo_key] = tuple(values)

    def save(self) -> None:
        """This build's entries, in place of the last build's (written aside, then renamed)."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            with open(tmp, "wb") as fh:
                marshal.dump((VERSION, self.key, self.new), fh)
            os.replace(tmp, self.path)
        except (OSError, ValueError):  # ValueError: a value marshal cannot write
            tmp.unlink(missing_ok=True)


def _load(path: Path, key: str, width: int) -> dict:
    try:
        with open(path, "rb") as fh:
            version, made_under, entries = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if version != VERSION or made_under != key or not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, tuple) and len(v) == width}


def open_memo(folder: Path | str | None, name: str, key: str | None, width: int) -> MemoFile | None:
    """The memo file NAME in FOLDER made under KEY; None without a folder or a key."""
    if not folder or not key:
        return None
    return MemoFile(Path(folder) / name, key, width)
