"""The term shards cut from the merged lists, and the ones a rebuild takes as they were.

``write_shards`` streams the merged lists (``runs.Record``s in key order) through the
content-defined cuts (``shards.cut_stream``), makes each shard's JSON text, names it by the
text's hash and hands it to the packer (``packer.ShardPacker``), which writes a file only when
its bytes change. Making the texts and hashing them is most of that pass: 1.6 s of every
rebuild at 100,000 bulletins (9,704 shards, 261 MB of text), where nearly every shard's text
is the last build's.

``ShardMemo`` keeps, for each shard of the last build, its first key, last key and number of
lists, with its hash units and content key. A shard of this build is that shard when its first
key, last key and count are the remembered ones and every list in it came unchanged from the
run the last build streamed (the postings say which: ``same``; a category key never does, it
is counted again each build). Those lists are then the run's lists between the two keys, and,
their count being the one remembered, all of them: a list removed, added or changed would
change the count or not be unchanged. So the shard's text is the last build's, and its name and
content key come from the memo; its file is kept when the writer finds it as recorded, else its
text is made after all. The memo is saved with the name of the run its shards were cut from
(named by the CRC-32 of its bytes) and used only by a build that reads that run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bulletins import sealed
from bulletins.search import shards as sh
from bulletins.search.packer import SEPARATOR, Listed, ShardPacker, write_directories
from bulletins.search.runs import Record
from bulletins.search.write import hash_units, shard_json, shard_name, short_hash

MEMO_FILE = "search-shards.marshal"
MEMO_FORMAT = 1
Item = tuple[str, str, bytes, bool]  # key, kind, list, unchanged since the last build's run


class ShardMemo:
    """The last build's shards by ``(first key, last key, count)`` (``found``), and this
    build's (``note``, ``save``)."""

    def __init__(self, folder: Path | str | None, salt: str, target: int, run: str | None):
        """The memo FOLDER holds when it was saved for shards of index format SALT cut at
        TARGET bytes from the run named RUN (the one this build reads); else none."""
        self.path = Path(folder) / MEMO_FILE if folder else None
        self.salt, self.target = salt, target
        self.old: dict[str, str] = self._load(run) if run else {}
        self.new: dict[str, str] = {}
        self.reused = 0

    def _load(self, run: str) -> dict[str, str]:
        data = sealed.read_dict(self.path, format=MEMO_FORMAT, salt=self.salt, target=self.target, run=run)
        shards = data.get("shards") if data is not None else None
        return shards if isinstance(shards, dict) else {}

    def found(self, group: list[Item]) -> tuple[str, str] | None:
        """The hash units and content key of the last build's shard that GROUP is, if it is one."""
        entry = self.old.get(_memo_key(group)) if self.old else None
        if type(entry) is not str or len(entry) <= 2 or not all(item[3] for item in group):
            return None
        return entry[:2], entry[2:]

    def note(self, group: list[Item], units: str, key: str) -> None:
        self.new[_memo_key(group)] = units + key

    def save(self, run: str | None) -> None:
        """This build's shards, cut from the run named RUN (none: the memo is removed)."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):  # no memo: the next build makes every text
            if run is None:
                self.path.unlink(missing_ok=True)
                return
            value = {"format": MEMO_FORMAT, "salt": self.salt, "target": self.target, "run": run}
            sealed.write_sealed(self.path, {**value, "shards": self.new})


def _memo_key(group: list[Item]) -> str:
    return f"{group[0][0]}\0{group[-1][0]}\0{len(group)}"


def lists(records: Iterable[Record], present: set[str], same: Callable[[Record], bool] | None) -> Iterator[Item]:
    """``(key, kind, list, unchanged)`` per key in JS order, noting the count keys in ``present``;
    a key both positional and counted keeps its counts (the tokenizer makes no such key).
    SAME says whether a record is the last build's run's own (None: none is)."""
    previous = None
    for record in records:
        key, kind, _, buf = record
        if key == previous:
            continue  # "d" sorts before "p"
        previous = key
        if kind == "d":
            present.add(key)
        yield key, kind, buf, same is not None and same(record)


def write_shards(
    shards: ShardPacker, records: Iterable[Record], same: Callable | None, memo: ShardMemo, direct: int
) -> Listed:
    """The term shards, cut at the MEMO's target bytes from the merged lists RECORDS (SAME: see
    ``lists``) as they stream by and handed to SHARDS (a shard the MEMO knows kept without its
    text made), and the manifest's list of them: per shard its two hash units and its bound
    (``shards.boundary``), separated by spaces (past DIRECT shards, the directories' entries,
    ``packer.write_directories``); and the count keys seen."""
    entries, last, present = [], None, set()
    for group in sh.cut_stream(lists(records, present, same), memo.target, lambda item: len(item[2])):
        bound = sh.boundary(last, group[0][0])
        last = group[-1][0]
        units = _kept_units(shards, memo, group, bound)
        if units is None:  # the text's UTF-8 made once, for both hashes and the packing
            text = shard_json([item[:3] for item in group]).encode("utf-8")
            units, content = hash_units(memo.salt, text), short_hash(text)
            shards.write(shard_name(bound, units), text, content)
            memo.note(group, units, content)
        entries.append(units + bound)
    directories = len(entries) > direct
    listed = write_directories(shards, entries, memo.salt) if directories else entries
    shards.finish()
    return Listed(SEPARATOR.join(listed), len(entries), present, directories)


def _kept_units(shards: ShardPacker, memo: ShardMemo, group: list[Item], bound: str) -> str | None:
    """GROUP's hash units when it is a shard of the last build (``ShardMemo``) whose file is as
    that build left it (then counted as kept); else None."""
    found = memo.found(group)
    if found is None or not shards.keep(shard_name(bound, found[0]), found[1]):
        return None
    memo.reused += 1
    memo.note(group, *found)
    return found[0]
