"""The build's manifest made as a stream, in memory that does not grow with the site.

``fixity.hash_tree`` holds a dict of every file of the output (size, mtime and hash: some 500
bytes each, 330 MB at 657,826 files) and the manifest's text at once. Here the output is walked
in the manifest's order (each folder's entries sorted so that the paths come out as
``sorted()`` would give them), side by side with the last build's cache, a text file in that
same order: one line per file, ``<size> <mtime_ns> <manifest line>``, and a last line
``# manifest <size> <mtime_ns>`` (or ``# manifest -``) for the manifest written from it. The
new cache and manifest are written to temporary files as the walk goes; only files whose size
or mtime changed are read and hashed (a batch at a time, so a caller may spread them over
processes). The manifest replaces the old one only when its bytes differ; the cache only when
a file was added, removed or changed (or many bytes were hashed again). A cache that cannot be
read, or is out of order, counts as none: every file is hashed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletins.site.fixity import MANIFEST, escape_path, hash_files, unescape_path, walk_sorted
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import replace_if_changed

BATCH = 32_000  # entries held before their hashes are made and their lines written: a cold
# walk's batch of 100,000 held 56 MB (entries, joined paths, hashes) and was the peak of a cold
# build of 100,000 bulletins; 32,000 hold 14 MB (the paths joined as they are hashed). A batch
# forks the hashing processes again: over 657,829 files, in a process holding 800 MB as the
# build's, 16,000 a batch took 21.9-23.6 s, 100,000 18.1-18.9 s, 32,000 15.1-21.0 s (once 38.3)
HOLD = 5_000  # entries whose hash is known held before their lines are written: a rebuild hashes
# a handful, so its batches would hold every file's entry (some 50 MB at 657,826 files) for nothing
TRAILER = "# manifest "
_LINE = re.compile(r"(\d+) (\d+) (\\?)([0-9a-f]{64})  ([^\n]+)\n")


class CacheError(ValueError):
    """A cache line that cannot be read, or a path out of order."""


@dataclass
class Outcome:
    files: int = 0
    hashed: int = 0
    hashed_bytes: int = 0
    changed: bool = False  # a file added, removed or with other bytes: the manifest's text changes
    written: bool = False  # the manifest file was replaced


def read_cache(path: Path, stamp: list) -> Iterator[tuple[str, int, int, str]]:
    """``(path, size, mtime_ns, sha256)`` from a cache file, in order; STAMP gets the trailer's
    ``[size, mtime_ns]`` of the manifest (left empty without one). Raises CacheError."""
    if not os.path.lexists(path):
        return
    try:
        with open(path, encoding="utf-8", newline="\n") as fh:
            yield from _entries(fh, stamp)
    except (OSError, UnicodeDecodeError) as err:
        raise CacheError(str(err)) from err


def _entries(lines, stamp: list) -> Iterator[tuple[str, int, int, str]]:
    last = None
    for number, line in enumerate(lines, start=1):
        if line.startswith(TRAILER):
            stamp[:] = _trailer(line[len(TRAILER) :], number)
            return
        match = _LINE.fullmatch(line)
        if match is None:
            raise CacheError(f"line {number}: expected '<size> <mtime_ns> <sha256>  <path>', got {line[:80]!r}")
        size, mtime_ns, escaped, digest, name = match.groups()
        name = unescape_path(name) if escaped else name
        entry = (name, int(size), int(mtime_ns), digest)
        if last is not None and name <= last:
            raise CacheError(f"line {number}: {name!r} out of order")
        last = name
        yield entry
    raise CacheError("no trailer line")


def _trailer(text: str, number: int) -> list[int]:
    if text.strip() == "-":
        return []
    try:
        size, mtime_ns = (int(v) for v in text.split())
    except ValueError as err:
        raise CacheError(f"line {number}: {err}") from err
    return [size, mtime_ns]


def update_manifest(root: Path, cache_path: Path, hash_all: Callable | None = None, rehash_bytes: int = 0) -> Outcome:
    """Write ROOT's manifest from the cache at CACHE_PATH and the files that changed since.
    HASH_ALL (a list of paths -> their hashes in order) makes the hashes. The cache is saved
    when the manifest's text changed or more than REHASH_BYTES were hashed again."""
    try:
        return _update(root, cache_path, hash_all or hash_files, rehash_bytes, trust=True)
    except CacheError:
        return _update(root, cache_path, hash_all or hash_files, rehash_bytes, trust=False)


class _Lines:
    """The walk's entries, a batch at a time: hashed where needed, then written to the new
    manifest and cache."""

    def __init__(self, root: Path, hash_all: Callable, manifest, cache):
        self.root, self.hash_all, self.manifest, self.cache = root, hash_all, manifest, cache
        self.pending: list[list] = []  # [path, size, mtime_ns, sha256 or None, the cache's sha256 or None]
        self.kept = 0  # entries of PENDING whose hash is the cache's
        self.outcome = Outcome()

    def add(self, path: str, size: int, mtime_ns: int, old: tuple | None) -> None:
        kept = old is not None and old[0] == size and old[1] == mtime_ns
        self.pending.append([path, size, mtime_ns, old[2] if kept else None, old[2] if old else None])
        self.kept += kept
        if len(self.pending) >= BATCH or self.kept >= HOLD:
            self.flush()

    def flush(self) -> None:
        todo = [entry for entry in self.pending if entry[3] is None]
        made = self.hash_all(_Joined(self.root, todo))
        out = self.outcome
        for entry, digest in zip(todo, made):
            entry[3] = digest
            out.hashed, out.hashed_bytes = out.hashed + 1, out.hashed_bytes + entry[1]
            out.changed = out.changed or entry[4] != digest
        for path, size, mtime_ns, digest, _ in self.pending:
            prefix, name = escape_path(path)
            line = f"{prefix}{digest}  {name}\n"
            self.manifest.write(line)
            self.cache.write(f"{size} {mtime_ns} {line}")
        out.files += len(self.pending)
        self.pending.clear()
        self.kept = 0


class _Joined(Sequence):
    """The paths of ENTRIES under ROOT, each joined when it is asked for (not held)."""

    def __init__(self, root: Path, entries: list[list]):
        self.root, self.entries = root, entries

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> str:
        return os.path.join(self.root, self.entries[i][0])


def _open(path: Path):
    return open(path, "w", encoding="utf-8", newline="\n")


def _update(root: Path, cache_path: Path, hash_all: Callable, rehash_bytes: int, trust: bool) -> Outcome:
    manifest, new_manifest = root / MANIFEST, root / f".{MANIFEST}.tmp"
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    new_cache, stamp = cache_path.with_name(f".{cache_path.name}.tmp"), []
    old = read_cache(cache_path, stamp) if trust else iter(())
    with _open(new_manifest) as manifest_out, _open(new_cache) as cache_out:
        lines = _Lines(root, hash_all, manifest_out, cache_out)
        current = next(old, None)
        for path, size, mtime_ns in walk_sorted(root, (MANIFEST, new_manifest.name)):
            while current is not None and current[0] < path:  # a file of the last build is gone
                lines.outcome.changed, current = True, next(old, None)
            found = current is not None and current[0] == path
            lines.add(path, size, mtime_ns, current[1:] if found else None)
            lines.outcome.changed |= not found
            current = next(old, None) if found else current
        lines.outcome.changed |= current is not None or next(old, None) is not None
        for _ in old:  # read to the trailer (the manifest's stamp), checking the order
            pass
        lines.flush()
    outcome = lines.outcome
    dirty = outcome.changed or outcome.hashed_bytes > rehash_bytes
    if outcome.changed or (file_stamp(manifest) or []) != stamp:
        outcome.written = replace_if_changed(new_manifest, manifest)
        stamp, dirty = file_stamp(manifest) or [], True
    else:
        new_manifest.unlink()
    if dirty:
        with open(new_cache, "a", encoding="utf-8", newline="\n") as cache_out:
            cache_out.write(TRAILER + (" ".join(map(str, stamp)) if stamp else "-") + "\n")
        os.replace(new_cache, cache_path)
    else:
        new_cache.unlink()
    return outcome
