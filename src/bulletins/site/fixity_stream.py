"""The build's manifest made as a stream, in memory that does not grow with the site.

``fixity.hash_tree`` holds a dict of every file of the output (size, mtime and hash: some 500
bytes each, 330 MB at 657,826 files) and the manifest's text at once. Here the output is walked
in the manifest's order (each folder's entries sorted so that the paths come out as
``sorted()`` would give them), side by side with the last build's cache, a text file in that
same order: one line per file, ``<crc32> <size> <mtime_ns> <manifest line>`` (the CRC-32 of the
rest of the line, checked as it is read: a damaged line makes the cache none), and a last line
``# manifest <size> <mtime_ns>`` (or ``# manifest -``) for the manifest written from it. The
new cache and manifest are written to temporary files as the walk goes; only files whose size
or mtime changed are read and hashed (a batch at a time, so a caller may spread them over
processes). The manifest replaces the old one only when its bytes differ; the cache only when
a file was added, removed or changed (or many bytes were hashed again). A cache that cannot be
read, or is out of order, counts as none: every file is hashed.

Given a way to fork (``update_manifest``'s FORK) and a cache of ``SPLIT_BYTES`` or more, the walk
is cut at the cache's middle line (with no cache, at the middle line of the files noted as
written, ``written.sorted_journal``, as large): the paths before it are walked here, those from it on by the
fork, each beside its own part of the cache (found by seeking, not reading, to the middle), into
files of its own that are joined only when the manifest or the cache is saved. A rebuild's walk
is mostly a ``stat`` and a comparison per file, in Python: two processes take about half as long.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletins import sealed
from bulletins.site import leftovers
from bulletins.site.fixity import MANIFEST, escape_path, hash_files, walk_sorted
from bulletins.site.fixity_cache import TRAILER, CacheError, parse_cache_line, read_cache, split_point
from bulletins.site.fixity_watch import Span
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import removed_on_error, replace_if_changed

BATCH = 32_000  # entries held before their hashes are made and their lines written: a cold
# walk's batch of 100,000 held 56 MB (entries, joined paths, hashes) and was the peak of a cold
# build of 100,000 bulletins; 32,000 hold 14 MB (the paths joined as they are hashed). A batch
# forks the hashing processes again: over 657,829 files, in a process holding 800 MB as the
# build's, 16,000 a batch took 21.9-23.6 s, 100,000 18.1-18.9 s, 32,000 15.1-21.0 s (once 38.3)
HOLD = 5_000  # entries whose hash is known held before their lines are written: a rebuild hashes
# a handful, so its batches would hold every file's entry (some 50 MB at 657,826 files) for nothing
SPLIT_BYTES = 4 << 20  # a cache this large (some 30,000 files) is walked in two halves, given a fork
# ``fork(work)``: WORK begun elsewhere, and a function waiting for its ``(done, result)``; or
# None when nothing was begun (the caller then does WORK itself)
Fork = Callable[[Callable[[], Any]], Callable[[], tuple[bool, Any]] | None]


@dataclass
class Outcome:
    files: int = 0
    hashed: int = 0
    hashed_bytes: int = 0
    noted: int = 0  # files not read: their hash was noted as they were written
    noted_bytes: int = 0
    changed: bool = False  # a file added, removed or with other bytes: the manifest's text changes
    written: bool = False  # the manifest file was replaced

    def __add__(self, other: Outcome) -> Outcome:
        """Two ranges' outcomes as one walk's (neither has written the manifest yet)."""
        return Outcome(
            files=self.files + other.files,
            hashed=self.hashed + other.hashed,
            hashed_bytes=self.hashed_bytes + other.hashed_bytes,
            noted=self.noted + other.noted,
            noted_bytes=self.noted_bytes + other.noted_bytes,
            changed=self.changed or other.changed,
        )


def update_manifest(
    root: Path,
    cache_path: Path,
    hash_all: Callable | None = None,
    rehash_bytes: int = 0,
    fork: Fork | None = None,
    noted: Path | None = None,
    early=None,
    meanwhile: Callable[[], Any] | None = None,
) -> Outcome:
    """Write ROOT's manifest from the cache at CACHE_PATH and the files that changed since.
    HASH_ALL (a list of paths -> their hashes in order) makes the hashes. NOTED: a file in the
    cache's line format, sorted by path, of files whose hash was noted as they were written
    (``written.sorted_journal``): a file found with the size and mtime noted is not read. The
    cache is saved when the manifest's text changed or more than REHASH_BYTES were hashed again
    (or noted). With FORK and a cache of SPLIT_BYTES or more (no cache: a NOTED file as large),
    the paths after its middle line are walked by what FORK starts while this process walks
    those before it (the same files either way). EARLY: a ``fixity_early.EarlyWalk`` begun at
    the build's start, which walks both halves when they are these (else it is let go).
    MEANWHILE: called once, while EARLY's processes walk, else before the walk."""
    hash_all = hash_all or hash_files
    try:
        sources = _Sources(hash_all, noted)
        return _update(root, cache_path, sources, rehash_bytes, True, fork, early, meanwhile)
    except CacheError:
        return _update(root, cache_path, _Sources(hash_all, noted), rehash_bytes, False)
    finally:
        if early is not None:
            early.close()


@dataclass(frozen=True)
class _Sources:
    """Where a walk's hashes come from: the noted file (``update_manifest``), else HASH_ALL."""

    hash_all: Callable
    noted: Path | None = None

    def noted_in(self, start: str | None, stop: str | None) -> Iterator[tuple[str, int, int, str]]:
        """The noted entries from START (included) to STOP (not), in order; as many as can be
        read (a damaged line ends them: the files after it are read and hashed)."""
        if self.noted is None:
            return
        try:
            with open(self.noted, encoding="utf-8", newline="\n") as fh:
                for number, line in enumerate(fh, start=1):
                    entry = parse_cache_line(line, number)
                    if stop is not None and entry[0] >= stop:
                        return
                    if start is None or entry[0] >= start:
                        yield entry
        except (OSError, UnicodeDecodeError, CacheError):
            return


class _Lines:
    """The walk's entries, a batch at a time: hashed where needed, then written to the new
    manifest and cache (files open for bytes). A file whose size and mtime are the cache's gets
    the cache's line again, its bytes as read: no line made, encoded or sealed anew (at 100,000
    bulletins a rebuild's half of 330,000 lines took 1.3 s made anew, 0.1 s copied)."""

    def __init__(self, root: Path, hash_all: Callable, manifest, cache):
        self.root, self.hash_all, self.manifest, self.cache = root, hash_all, manifest, cache
        # a cache entry (``read_cache``'s tuple) whose lines are written again as they were read,
        # or [path, size, mtime_ns, sha256 or None (to be made), the cache's sha256 or None]
        self.pending: list = []
        self.kept = 0  # entries of PENDING whose hash is the cache's
        self.outcome = Outcome()

    def add(self, path: str, size: int, mtime_ns: int, old: tuple | None, noted: tuple | None = None) -> None:
        """A file the walk found; OLD: its cache entry (``read_cache``'s), NOTED: its noted one
        (size, mtime, hash)."""
        if old is not None and old[1] == size and old[2] == mtime_ns:
            self.pending.append(old)  # its lines written again as read
            self.kept += 1
        elif noted is not None and noted[0] == size and noted[1] == mtime_ns:
            digest, out = noted[2], self.outcome
            out.noted, out.noted_bytes = out.noted + 1, out.noted_bytes + size
            out.changed = out.changed or old is None or old[3] != digest
            self.pending.append([path, size, mtime_ns, digest])
            self.kept += 1
        else:
            self.pending.append([path, size, mtime_ns, None, old[3] if old else None])
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
        manifest, cache = self.manifest.write, self.cache.write
        for entry in self.pending:
            if type(entry) is tuple:
                raw = entry[4]
                manifest(raw[entry[5] :])
                cache(raw)
                continue
            path, size, mtime_ns, digest = entry[:4]
            prefix, name = escape_path(path)
            line = f"{prefix}{digest}  {name}\n"
            manifest(line.encode("utf-8"))
            cache(sealed.line(f"{size} {mtime_ns} {line}").encode("utf-8"))
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
    return open(path, "wb")


@dataclass(frozen=True)
class _Range:
    """The paths from START to STOP (either None: no bound), whose cache lines begin at byte
    OFFSET of the cache file; the range's new lines go to the files MANIFEST and CACHE. EXCLUDED:
    the names the walk leaves out (the manifest and its temporary file)."""

    excluded: tuple[str, str]
    start: str | None
    stop: str | None
    offset: int
    manifest: Path
    cache: Path

    @property
    def span(self) -> Span:
        """What the walk lists of this range (``walk_sorted``'s arguments after its root)."""
        return Span(self.excluded, self.start, self.stop, leftovers.is_output_temporary)


def _walk_range(
    root: Path,
    cache_path: Path,
    sources: _Sources,
    trust: bool,
    part: _Range,
    read: tuple | None = None,
    walked: Iterable[tuple[str, int, int]] | None = None,
) -> tuple[Outcome, list]:
    """The new manifest and cache lines of PART's paths; the outcome, and the cache's stamp of
    the manifest (read with its trailer, by the range that ends with the file). READ: PART's
    cache lines and the stamp they fill, when they were begun already (``fixity_early``);
    WALKED: PART's files as ``walk_sorted`` lists them now, when they are known (``fixity_watch``)."""
    if read is not None:
        old, stamp = read
    else:
        stamp = []
        old = read_cache(cache_path, stamp, part.offset, part.stop) if trust else iter(())
    noted = sources.noted_in(part.start, part.stop)
    with _open(part.manifest) as manifest_out, _open(part.cache) as cache_out:
        lines = _Lines(root, sources.hash_all, manifest_out, cache_out)
        current, known = next(old, None), next(noted, None)
        if walked is None:
            walked = walk_sorted(root, *part.span)
        for path, size, mtime_ns in walked:
            while current is not None and current[0] < path:  # a file of the last build is gone
                lines.outcome.changed, current = True, next(old, None)
            while known is not None and known[0] < path:
                known = next(noted, None)
            found = current is not None and current[0] == path
            ours = known[1:] if known is not None and known[0] == path else None
            lines.add(path, size, mtime_ns, current if found else None, ours)
            lines.outcome.changed |= not found
            current = next(old, None) if found else current
        lines.outcome.changed |= current is not None or next(old, None) is not None
        for _ in old:  # read to the trailer (the manifest's stamp), checking the order
            pass
        lines.flush()
    return lines.outcome, stamp


def _walk_halves(root: Path, cache_path: Path, sources: _Sources, fork: Fork, parts: list[_Range]):
    """The second of two ranges walked elsewhere (FORK) while this process walks the first (here
    after it, where FORK made nothing or what it made failed); their outcomes summed."""
    wait = fork(functools.partial(_walk_range, root, cache_path, sources, True, parts[1]))
    try:
        here = (True, _walk_range(root, cache_path, sources, True, parts[0]))
    finally:
        there = wait() if wait is not None else (False, None)
    return _summed([here, there], root, cache_path, sources, parts)


def _summed(results: list, root: Path, cache_path: Path, sources: _Sources, parts: list[_Range]):
    """The outcomes of PARTS walked elsewhere (RESULTS: ``(done, (outcome, stamp))`` each),
    each that failed walked here; summed, with the last part's stamp."""
    walked = [
        res if done else _walk_range(root, cache_path, sources, True, part) for (done, res), part in zip(results, parts)
    ]
    return walked[0][0] + walked[1][0], walked[1][1]


def _ranges(cache_path: Path, new_manifest: Path, new_cache: Path, split: bool, noted: Path | None) -> list[_Range]:
    """One range for every path, or (when SPLIT) two halves: over a large cache, cut at its
    middle; with no cache at all (a cold build), at the middle of a large NOTED file."""
    excluded = (MANIFEST, new_manifest.name)
    cut = _cut(cache_path, noted) if split else None
    if cut is None:
        return [_Range(excluded, None, None, 0, new_manifest, new_cache)]
    offset, middle = cut
    tmp = new_cache.with_name  # the halves' files beside the cache's, never in the output walked
    return [
        _Range(excluded, None, middle, 0, tmp(f"{new_cache.name}.manifest.0"), tmp(f"{new_cache.name}.0")),
        _Range(excluded, middle, None, offset, tmp(f"{new_cache.name}.manifest.1"), tmp(f"{new_cache.name}.1")),
    ]


def _cut(cache_path: Path, noted: Path | None) -> tuple[int, str] | None:
    """``split_point`` of the cache; where there is no cache, of the NOTED file (its lines are
    the cache's, and a cold build notes nearly every file it writes: at 100,000 bulletins its
    walk took 8.1-8.3 s in one process), the cache's lines then read from nowhere (offset 0)."""
    if os.path.lexists(cache_path):
        return split_point(cache_path, SPLIT_BYTES)
    cut = split_point(noted, SPLIT_BYTES, checked=False) if noted is not None else None
    return None if cut is None else (0, cut[1])


def _as_one(parts: list[Path], target: Path) -> None:
    """The files PARTS, one after another, as TARGET (already so when PARTS is TARGET alone)."""
    if parts == [target]:
        return
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    _remove(parts)


def _remove(paths) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _new_files(root: Path, cache_path: Path) -> tuple[Path, Path]:
    """Where the new manifest and the new cache are written before they replace the old ones."""
    return root / f".{MANIFEST}.tmp", cache_path.with_name(f".{cache_path.name}.tmp")


def planned_ranges(root: Path, cache_path: Path) -> list[_Range]:
    """The ranges a rebuild's walk of ROOT beside the cache at CACHE_PATH is cut into, given a
    fork (``fixity_early``)."""
    return _ranges(cache_path, *_new_files(root, cache_path), True, None)


def walk_read(
    root: Path, cache_path: Path, hash_all: Callable, noted: Path | None, part: _Range, read: tuple, walked=None
):
    """PART of ``planned_ranges`` walked as ``update_manifest`` walks it, beside its cache lines
    READ already (an iterator of them and the stamp it fills), its files WALKED already when
    they are known: ``fixity_early``'s processes."""
    return _walk_range(root, cache_path, _Sources(hash_all, noted), True, part, read, walked)


def _update(
    root: Path,
    cache_path: Path,
    sources: _Sources,
    rehash_bytes: int,
    trust: bool,
    fork=None,
    early=None,
    meanwhile=None,
) -> Outcome:
    manifest, (new_manifest, new_cache) = root / MANIFEST, _new_files(root, cache_path)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    parts = _ranges(cache_path, new_manifest, new_cache, trust and fork is not None, sources.noted)
    manifests, caches = [p.manifest for p in parts], [p.cache for p in parts]
    with removed_on_error(new_manifest, new_cache, *manifests, *caches):
        ready = early is not None and len(parts) == 2 and early.ready_for(parts)
        if early is not None and not ready:
            early.close()  # let go at once: their lines are held meanwhile
        if not ready and meanwhile is not None:
            meanwhile()
        if ready:
            outcome, stamp = _summed(early.walk(sources.noted, meanwhile), root, cache_path, sources, parts)
        elif len(parts) == 1:
            outcome, stamp = _walk_range(root, cache_path, sources, trust, parts[0])
        else:
            outcome, stamp = _walk_halves(root, cache_path, sources, fork, parts)
        dirty = outcome.changed or outcome.hashed_bytes + outcome.noted_bytes > rehash_bytes
        if outcome.changed or (file_stamp(manifest) or []) != stamp:
            _as_one(manifests, new_manifest)
            outcome.written = replace_if_changed(new_manifest, manifest)
            stamp, dirty = file_stamp(manifest) or [], True
        else:
            _remove(manifests)
        if dirty:
            _as_one(caches, new_cache)
            with open(new_cache, "a", encoding="utf-8", newline="\n") as cache_out:
                cache_out.write(TRAILER + (" ".join(map(str, stamp)) if stamp else "-") + "\n")
            os.replace(new_cache, cache_path)
        else:
            _remove(caches)
    return outcome
