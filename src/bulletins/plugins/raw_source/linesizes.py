"""The size of every line of each collection, kept in the cache folder between builds.

Planning a raw copy needs the size of its record's line (``_up_to_date`` compares it with the
copy's). Reading that from the collection means decompressing the whole file on every build,
which grows with the archive. The sizes of all of a collection's lines are kept here under the
collection's size and modification time: a rebuild whose collections are unchanged reads none
of them, and a collection that changed is read once, as before.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Collection
from pathlib import Path

from bulletins.site import rawcopy
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import write_if_changed

CACHE = "bulletins-raw-lines.json"
VERSION = 1


def all_line_sizes(path: Path) -> list[int]:
    """The size of each line's copy (the line without its ending, plus one line break), in order."""
    with rawcopy.open_regular(path) as raw:
        fh = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        return [len(line.rstrip(b"\r\n")) + 1 for line in fh]


def pick(sizes: list[int], wanted: Collection[int]) -> dict[int, int]:
    """``{line: size}`` for the WANTED 1-based line numbers the collection has."""
    return {n: sizes[n - 1] for n in wanted if 1 <= n <= len(sizes)}


class LineSizes:
    """``sizes(path, wanted)`` from the last build's record when PATH is unchanged since."""

    def __init__(self, cache_file: Path | None):
        self.cache_file = cache_file
        self.old = self._load()
        self.new: dict[str, dict] = {}
        self.read = 0  # collections read in this build

    def _load(self) -> dict:
        if self.cache_file is None:
            return {}
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def sizes(self, path: Path, wanted: Collection[int]) -> dict[int, int]:
        """The size of each of the WANTED lines' copy; raises what reading PATH raises."""
        if not wanted:
            return {}
        key, stamp = str(path), file_stamp(path)
        entry = self.old.get(key)
        if stamp is not None and isinstance(entry, dict) and entry.get("stamp") == stamp:
            sizes = entry.get("sizes")
            if isinstance(sizes, list) and all(type(s) is int for s in sizes):
                self.new[key] = entry
                return pick(sizes, wanted)
        sizes = all_line_sizes(path)
        self.read += 1
        if stamp is not None and file_stamp(path) == stamp:  # not changed while it was read
            self.new[key] = {"stamp": stamp, "sizes": sizes}
        return pick(sizes, wanted)

    def save(self) -> None:
        """Keep the sizes of this build's collections (only when they differ from the last)."""
        if self.cache_file is None or self.new == self.old:
            return
        data = json.dumps({"version": VERSION, "files": self.new}, separators=(",", ":"), sort_keys=True)
        write_if_changed(self.cache_file, data.encode("utf-8"))
