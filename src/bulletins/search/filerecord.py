"""The record of the files the search index's build wrote (``cache/search-files.json``): for
each file its content key, its size and its modification time, so that the next build takes a
file it would write again with the same key as it is, without packing its data.

A file's entry is one string, ``"<content key> <size> <mtime_ns>"`` (``record_entry``). Most of
an index's files are its bulletins' result data, one a bulletin, named by the bulletin's day and
slot (``f/2024/0315-7.js``, ``write.fragment_name``) and keyed by a 10-hex-digit digest of the
row: a dict of their names and entries held some 200 bytes a file (a 16-character name, a
35-character entry, the dict's slot), 210 MB at a million bulletins, to the index's last step,
where that build holds the most. ``FileRecord`` holds such a file as numbers in four arrays, 25
bytes (its day and slot, its key's 5 bytes, its size, its mtime), when the files come in order of
day and slot, as a build names them (the ids of a day's first block, ``docids``); any other
file, or one out of that order (a crowded day's later blocks), is held in a dict as before. It is
a ``Mapping`` of names to entries like that dict, in which a name is found by bisection.

The file is a header line (JSON: the index's folder and ``RECORD_FORMAT``) and a line a file:
``<name>\\t<entry>``, or ``[name, entry]`` as JSON for a name or entry that has a tab or line
break (none of the index's has). A record of another format or another folder reads as empty
(every file is then packed and compared byte for byte, once).
"""

from __future__ import annotations

import json
import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from pathlib import Path

RECORD_FILE = "search-files.json"  # in the cache folder: what the last build wrote
# 5: one line a file, result-data files held as numbers (``FileRecord``); 4: term shards of long
# lists packed by Huffman coding alone (``shard_strategy``; an entry's key names a file's data,
# not its packing, so the files of format 3 are made again); 3: files packed at DEFLATE_LEVEL 5
# (format 2's at level 9); 2: an entry is one string (``record_entry``); 1 had lists
RECORD_FORMAT = 5
_FRAGMENT = re.compile(r"f/([0-9]{4})/([0-9]{4})-(0|[1-9][0-9]{0,7})\.js")  # ASCII digits: \d takes any script's
_ENTRY = re.compile(r"([0-9a-f]{10}) (0|[1-9][0-9]{0,9}) (0|[1-9][0-9]{0,18})")
KEY_BYTES = 5
SLOT_BITS = 24


def record_entry(key: str, found: list | None) -> str | None:
    """A file's record entry: its content key and its ``file_stamp``, in one string."""
    return None if found is None else f"{key} {found[0]} {found[1]}"


def _code(relpath: str) -> int | None:
    """A result-data file's day and slot as one number, ordered as (day, slot); None for a name
    of another form."""
    found = _FRAGMENT.fullmatch(relpath)
    if found is None:
        return None
    day, slot = int(found[1] + found[2]), int(found[3])
    return day << SLOT_BITS | slot if slot < 1 << SLOT_BITS else None


def _parsed(entry) -> tuple[bytes, int, int] | None:
    """An entry's key, size and mtime as the arrays hold them; None for an entry they cannot
    give back as it is."""
    found = _ENTRY.fullmatch(entry) if type(entry) is str else None
    if found is None:
        return None
    size, mtime = int(found[2]), int(found[3])
    return (bytes.fromhex(found[1]), size, mtime) if size < 1 << 32 and mtime < 1 << 63 else None


def _name(code: int) -> str:
    day = str(code >> SLOT_BITS).zfill(8)
    return f"f/{day[:4]}/{day[4:]}-{code & ((1 << SLOT_BITS) - 1)}.js"


class FileRecord(Mapping):
    """Names of index files -> their entries (``record_entry``); see the module's docstring."""

    def __init__(self, items=()):
        self.codes, self.keys = array("Q"), bytearray()
        self.sizes, self.mtimes = array("I"), array("q")
        self.others: dict[str, str] = {}
        self._asked: tuple[str | None, int | None] = (None, None)  # the last name looked up, its number
        for name, entry in dict(items).items():
            self[name] = entry

    def _code(self, relpath) -> int | None:
        """``_code`` of RELPATH, once for a name asked about and then set (``IndexWriter``)."""
        name, code = self._asked
        if relpath is not name:
            code = _code(relpath) if type(relpath) is str else None
            self._asked = (relpath, code)
        return code

    def _find(self, code: int | None) -> int | None:
        """The position of the file numbered CODE in the arrays, or None."""
        codes = self.codes
        if code is None or not codes or code > codes[-1]:
            return None
        at = bisect_left(codes, code)
        return at if at < len(self.codes) and self.codes[at] == code else None

    def __setitem__(self, relpath: str, entry: str) -> None:
        code = self._code(relpath)
        if code is not None:
            parsed, codes = _parsed(entry), self.codes
            if parsed is not None and (not codes or code > codes[-1]) and relpath not in self.others:
                codes.append(code)  # a build's next file: no search
                self.keys += parsed[0]
                self.sizes.append(parsed[1])
                self.mtimes.append(parsed[2])
                return
            at = self._find(code)
            if at is not None:  # a name held already (a record naming a file twice): the last entry
                if parsed is not None:
                    self.keys[at * KEY_BYTES : (at + 1) * KEY_BYTES], self.sizes[at], self.mtimes[at] = parsed
                    return
                self._drop(at)
        self.others[relpath] = entry

    def _drop(self, at: int) -> None:
        del self.codes[at], self.sizes[at], self.mtimes[at]
        del self.keys[at * KEY_BYTES : (at + 1) * KEY_BYTES]

    def _entry(self, at: int) -> str:
        key = self.keys[at * KEY_BYTES : (at + 1) * KEY_BYTES].hex()
        return f"{key} {self.sizes[at]} {self.mtimes[at]}"

    def __getitem__(self, relpath: str) -> str:
        at = self._find(self._code(relpath))
        return self._entry(at) if at is not None else self.others[relpath]

    def __contains__(self, relpath) -> bool:
        return relpath in self.others or self._find(self._code(relpath)) is not None

    def __len__(self) -> int:
        return len(self.codes) + len(self.others)

    def __iter__(self) -> Iterator[str]:
        yield from map(_name, self.codes)
        yield from self.others

    def items(self) -> Iterator[tuple[str, str]]:  # the arrays in order, without a search each
        for at, code in enumerate(self.codes):
            yield _name(code), self._entry(at)
        yield from self.others.items()


def load_record(folder: Path | str | None, root: Path) -> FileRecord:
    """What the last build wrote into ROOT (``save_record``); empty when there is no record of
    this format for this folder, or it cannot be read whole."""
    record = FileRecord()
    if not folder:
        return record
    try:
        with open(Path(folder) / RECORD_FILE, encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("root") != str(Path(root).resolve()):
                return record
            if head.get("format") != RECORD_FORMAT:
                return record
            for line in fh:
                name, entry = _line(line)
                record[name] = entry
    except (OSError, ValueError):
        return FileRecord()
    return record


def _line(line: str) -> tuple[str, str]:
    if not line.endswith("\n"):
        raise ValueError("a record cut short")
    if line.startswith("["):
        pair = json.loads(line)
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(p) is str for p in pair)):
            raise ValueError("not a record line")
        return pair[0], pair[1]
    name, tab, entry = line[:-1].partition("\t")
    if not tab:
        raise ValueError("not a record line")
    return name, entry


def save_record(folder: Path | str | None, root: Path, files: Mapping) -> None:
    """FILES as the next build's record (``load_record``), written aside, then renamed: a line
    at a time, never the whole text in memory."""
    if not folder:
        return
    path = Path(folder) / RECORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"root": str(Path(root).resolve()), "format": RECORD_FORMAT}) + "\n")
        for name, entry in files.items():
            plain = not (name.startswith("[") or "\t" in name or "\n" in name or "\n" in entry)
            fh.write(f"{name}\t{entry}\n" if plain else json.dumps([name, entry]) + "\n")
    os.replace(tmp, path)
