"""What changed in the output while a build ran, from the kernel (Linux's inotify): the manifest's
last walk then looks up only that.

A rebuild's manifest walk (``fixity_stream``) looks up every file of the output once the last
page is written: at 100,000 bulletins 330,000 ``stat`` calls in each of two processes, 1.3 s of
the build's last 1.8-2.0 s, with nothing else left to do. The two processes begin at the build's
start (``fixity_early``), while the build reads its articles and the second processor is idle.
There, each half of the walk now watches each folder (``inotify_add_watch``) before it lists it,
then looks up its files (``prewalk``): from then on the kernel reports every name in those folders
that is written, created, removed, renamed or has its times or mode changed, as the change
happens. Once told to walk, the half reads what was reported and looks up only those names
(``patched``): a folder created, removed or renamed is walked whole, a file reached through a link
is always looked up again (what it points at is not watched), a build's temporary file is removed
as the walk removes it. The listing is the one ``fixity.walk_sorted`` would give then (tested
against it, over a seeded campaign of changes).

Nothing is trusted that the kernel did not vouch for: a lost report (its queue overflowed), a
folder that could not be watched, more than ``MOST_CHANGED`` names changed, a system without
inotify (or without ``ctypes``) or ``BULLETINS_WATCH_OUTPUT = False``: the walk is made as before.
What inotify does not see is a change made through a hard link from outside the output or through
a shared writable memory map; the build makes neither.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import errno
import heapq
import os
import stat
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from bulletins.site.fixity import walk_sorted

MOST_CHANGED = 50_000  # names reported before the walk is made whole instead
MOST_LISTED = 5_000_000  # files a half lists ahead (``Listing``: some 300 MB held), past which it walks whole
CHUNK = 4096  # files a ``Listing`` holds in one string and two arrays
# IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
# | IN_DELETE_SELF | IN_MOVE_SELF, IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK
MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x01000000 | 0x02000000 | 0x04000000
SELF = 0x400 | 0x800 | 0x8000  # IN_DELETE_SELF, IN_MOVE_SELF, IN_IGNORED: the watched folder itself
OVERFLOW, IS_DIR = 0x4000, 0x40000000
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then the name, NUL-padded
_NONBLOCK_CLOEXEC = os.O_NONBLOCK | os.O_CLOEXEC


def _libc():
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name, use_errno=True) if name else None
    if libc is None or not hasattr(libc, "inotify_init1"):
        return None
    libc.inotify_add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
    return libc


def available() -> bool:
    """Whether this system can watch folders (an inotify instance made, and closed)."""
    watch = Watch.start("/")
    if watch is not None:
        watch.close()
    return watch is not None


class Watch:
    """The folders of one output (ROOT) watched as they are listed (``folder``), and the names
    reported changed since (``drain``): files, and folders to walk whole. ``lost`` once anything
    may have gone unreported."""

    def __init__(self, root: Path | str, libc):
        self.root, self.libc = os.fspath(root), libc
        self.fd = libc.inotify_init1(_NONBLOCK_CLOEXEC)
        self.lost = self.fd < 0
        self.folders: dict[int, str] = {}  # watch descriptor -> folder prefix ("", "a/")
        self.files: set[str] = set()  # names changed (or reached through a link)
        self.trees: set[str] = set()  # folders to walk whole ("a/b/")

    @classmethod
    def start(cls, root: Path | str) -> Watch | None:
        """A watch of ROOT, or None where the system has no inotify."""
        try:
            libc = _libc()
            watch = cls(root, libc) if libc is not None else None
        except (OSError, AttributeError):
            return None
        return watch if watch is not None and not watch.lost else None

    def folder(self, prefix: str) -> None:
        """``walk_sorted``'s SEEN: the folder PREFIX watched before it is listed."""
        if self.lost:
            return
        path = os.path.join(self.root, prefix).encode("utf-8", "surrogateescape")
        wd = self.libc.inotify_add_watch(self.fd, path, MASK)
        if wd < 0:
            self.lost = True
        else:
            self.folders[wd] = prefix

    def linked(self, rel: str) -> None:
        """``walk_sorted``'s SEEN: REL was reached through a link (or is a build's temporary):
        looked up again at the end."""
        self._changed(self.files, rel)

    def drain(self) -> None:
        """Every report the kernel holds, read."""
        while not self.lost:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                self.lost = True
                return
            self._parse(data)

    def _parse(self, data: bytes) -> None:
        at = 0
        while at + _EVENT.size <= len(data):
            wd, mask, _, length = _EVENT.unpack_from(data, at)
            name = data[at + _EVENT.size : at + _EVENT.size + length].rstrip(b"\0").decode("utf-8", "surrogateescape")
            at += _EVENT.size + length
            prefix = self.folders.get(wd)
            if mask & OVERFLOW or prefix is None:
                self.lost = True
                return
            if mask & SELF:
                self._changed(self.trees, prefix)
            elif mask & IS_DIR:
                self._changed(self.trees, f"{prefix}{name}/")
            else:
                self._changed(self.files, prefix + name)

    def _changed(self, names: set[str], name: str) -> None:
        names.add(name)
        if len(self.files) + len(self.trees) > MOST_CHANGED or name == "":
            self.lost = True

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class Span(NamedTuple):
    """What a half of the walk lists: the names EXCLUDED (at the top), the paths from START to
    STOP (None: no bound), and the build's temporaries REMOVED names (``walk_sorted``'s)."""

    excluded: Iterable[str]
    start: str | None
    stop: str | None
    removed: Callable[[str], bool]


class Listing:
    """``walk_sorted``'s entries ``(path, size, mtime_ns)``, held as ``prewalk`` lists them until
    the walk: for each ``CHUNK`` files, their paths as one string (NUL between them: no path
    holds one) and their sizes and times in two arrays of 64-bit integers. A file so takes its
    path's characters and some 18 bytes (57 in all at 1,000,000 bulletins, whose halves list 3.2
    million files each), where a tuple of a string and two integers in a list took some 249.
    Iterating gives the entries."""

    __slots__ = ("_paths", "_sizes", "_times", "chunks", "count")

    def __init__(self):
        self.chunks: list[tuple[str, array, array]] = []
        self.count = 0
        self._paths: list[str] = []
        self._sizes, self._times = array("q"), array("q")

    def append(self, rel: str, size: int, mtime_ns: int) -> None:
        self._paths.append(rel)
        self._sizes.append(size)
        self._times.append(mtime_ns)
        self.count += 1
        if len(self._paths) == CHUNK:
            self._seal()

    def _seal(self) -> None:
        if self._paths:
            self.chunks.append(("\0".join(self._paths), self._sizes, self._times))
            self._paths, self._sizes, self._times = [], array("q"), array("q")

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        self._seal()
        for paths, sizes, times in self.chunks:
            yield from zip(paths.split("\0"), sizes, times)


def prewalk(root: Path, watch: Watch, span: Span) -> Listing | None:
    """``walk_sorted``'s listing of ROOT over SPAN, each folder watched by WATCH before it is
    listed; nothing removed yet (a build's temporary is looked up again at the end, and removed
    then). None when the watch was lost meanwhile, or past ``MOST_LISTED`` files (the listing is
    held to the end)."""
    found = walk_sorted(root, span.excluded, span.start, span.stop, None, watch)
    walked = Listing()
    try:
        for rel, size, mtime_ns in found:
            if walked.count == MOST_LISTED:
                return None
            walked.append(rel, size, mtime_ns)
            if span.removed(rel.rpartition("/")[2]):
                watch.linked(rel)
    finally:
        found.close()
    return None if watch.lost else walked


def patched(root: Path, walked: Iterable, watch: Watch, span: Span) -> Iterator | None:
    """WALKED (``prewalk``'s) as ``walk_sorted`` would list ROOT over SPAN now, from WATCH's
    reports (read here): the names changed looked up again, the folders changed walked whole,
    and the rest given from WALKED as it is iterated. None when the watch was lost (the walk is
    then made whole)."""
    watch.drain()
    if watch.lost:
        return None
    start, stop, removed = span.start, span.stop, span.removed
    trees, skip = _outermost(watch.trees), set(span.excluded)
    files = {rel for rel in watch.files if not _under(rel, trees)}
    wanted = (r for r in files if r not in skip and (start is None or r >= start) and (stop is None or r < stop))
    fresh = [entry for rel in wanted if (entry := _looked_up(root, rel, removed)) is not None]
    for tree in trees:
        fresh.extend(_walk_tree(root, tree, start, stop, removed))
    kept = (entry for entry in walked if entry[0] not in files and not _under(entry[0], trees))
    return heapq.merge(kept, sorted(fresh)) if fresh else kept


def _outermost(trees: set[str]) -> list[str]:
    """TREES without those inside another, sorted."""
    found: list[str] = []
    for tree in sorted(trees):
        if not found or not tree.startswith(found[-1]):
            found.append(tree)
    return found


def _under(rel: str, trees: list[str]) -> bool:
    at = bisect.bisect_right(trees, rel)
    return at > 0 and rel.startswith(trees[at - 1])


def _looked_up(root: Path, rel: str, removed: Callable[[str], bool]) -> tuple | None:
    """``walk_sorted``'s entry for the file REL as it is now: none for a folder (reported as
    one, walked whole), a link to one or anything else that is no regular file, or a build's
    temporary file (removed here, as the walk removes it)."""
    path = os.path.join(root, rel)
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            return None
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None
        if removed(os.path.basename(rel)):
            os.unlink(path)
            return None
    except OSError as err:
        if err.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
            return None
        raise
    return rel, st.st_size, st.st_mtime_ns


def _walk_tree(root: Path, tree: str, start: str | None, stop: str | None, removed: Callable) -> list[tuple]:
    """``walk_sorted``'s entries below the folder TREE of ROOT from START to STOP (none when it
    is gone, a link, or wholly out of that range)."""
    if (stop is not None and stop <= tree) or (start is not None and start > tree and not start.startswith(tree)):
        return []
    folder = os.path.join(root, tree)
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return []
    except OSError:
        return []
    within = [_within(start, tree), _within(stop, tree)]
    return [(tree + rel, size, mtime) for rel, size, mtime in walk_sorted(Path(folder), (), *within, removed)]


def _within(bound: str | None, tree: str) -> str | None:
    """BOUND (a path of the output) as a path within TREE: None where every path of TREE lies on
    one side of it (the caller leaves out a tree wholly beyond it)."""
    return bound[len(tree) :] if bound is not None and bound.startswith(tree) else None
