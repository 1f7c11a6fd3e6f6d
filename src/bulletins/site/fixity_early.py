"""A rebuild's manifest walk begun at the build's start: each half's cache lines read meanwhile.

A rebuild's manifest (``fixity_stream``) walks the output once every page is written, in two
halves: this process one, a fork of it the other. Each half reads its part of the fixity cache
as it goes, line by line, checking each line's CRC-32 and parsing it: at 100,000 bulletins
0.7 s of the 2.1 s a half took, all of it at the build's very end, when nothing else is left to
do. The cache does not change during a build (only the manifest's step replaces it), so its
lines can be read before: ``EarlyWalk`` forks two processes while the build is still small
(before it reads its articles, when the second processor has nothing to do), each of which reads
its half's lines (up to ``AHEAD`` of them: some 190 MB for 330,000, held until the walk) and
then waits. At the manifest's step the build tells both to walk their half (``walk``) and waits
for them. A half whose process failed (a line among those it read was damaged, the process was
killed) is walked by the build, as before, where a damaged line makes the walk one without the
cache. When the cache is not the file the processes read (its size, modification time, inode or
device) or its cut is another, they are let go (``close``) and the walk is made as before.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import select
import struct
from collections.abc import Callable
from pathlib import Path

from bulletins.site import fixity_stream, fixity_watch
from bulletins.site.fixity_cache import read_cache

AHEAD = 400_000  # cache lines a half reads before it is told to walk (the rest as it walks)


def _key(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


class EarlyWalk:
    """Both halves of the walk of ROOT beside the cache at CACHE_PATH, begun by FORK
    (``fixity_stream.Fork``) when the cache is large enough to be cut (else nothing is begun);
    HASH_ALL makes the hashes of the files that changed, in the processes begun."""

    def __init__(self, root: Path, cache_path: Path, hash_all: Callable, fork: fixity_stream.Fork, watch: bool = True):
        self.key = _key(cache_path)
        self.parts = fixity_stream.planned_ranges(root, cache_path) if self.key is not None else []
        self.halves: list[tuple[int, Callable]] = []  # per part: the pipe that starts it, its wait
        if len(self.parts) != 2:
            self.parts = []
            return
        self.cache_path = cache_path
        for part in self.parts:
            read_end, write_end = os.pipe()
            try:
                wait = fork(lambda part=part, told=read_end: _half(root, cache_path, hash_all, part, told, watch))
            finally:
                os.close(read_end)
            if wait is None:
                os.close(write_end)
                self.close()
                return
            self.halves.append((write_end, wait))

    def ready_for(self, parts: list) -> bool:
        """Both halves were begun, over PARTS, beside the very cache file there is now."""
        return len(self.halves) == 2 and parts == self.parts and _key(self.cache_path) == self.key

    def walk(self, noted: Path | None, meanwhile: Callable | None = None) -> list[tuple[bool, object]]:
        """Each half's ``(done, (outcome, stamp))`` once both walked, NOTED given to them
        (``fixity_stream.update_manifest``); a half not done is walked by the caller. MEANWHILE
        is called once both were told, before they are waited for."""
        return self._told(("walk", noted), meanwhile)

    def close(self) -> None:
        """Let the halves not told to walk go (they end without walking)."""
        self._told(("stop",))

    def abandon(self) -> None:
        """Its pipes closed, nothing waited for: the processes were stopped with the build that
        began them, before its manifest (``forked``'s end of a build)."""
        halves, self.halves = self.halves, []
        for write_end, _ in halves:
            os.close(write_end)

    def _told(self, word: tuple, meanwhile: Callable | None = None) -> list:
        """WORD sent to each half (as its length and its pickle: the pipes' write ends are held
        by every fork the build makes after them too, so the end of a pipe tells nothing), then
        what each made."""
        message = pickle.dumps(word, protocol=pickle.HIGHEST_PROTOCOL)
        halves, self.halves = self.halves, []
        for write_end, _ in halves:
            try:
                os.write(write_end, _LENGTH.pack(len(message)) + message)
            except OSError:  # the process ended already: its result says so
                pass
            finally:
                os.close(write_end)
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            made = [wait() for _, wait in halves]
        return made


_LENGTH = struct.Struct("<I")


def _read(fd: int, size: int) -> bytes:
    """SIZE bytes from FD, or fewer at its end."""
    chunks = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _word(fd: int, watch: fixity_watch.Watch | None = None) -> tuple:
    """What the build told through FD (``EarlyWalk._told``); ("stop",) when it is gone. WATCH's
    reports are read as they come meanwhile (the kernel holds a bounded number of them)."""
    if watch is not None:
        ready = select.poll()
        ready.register(fd, select.POLLIN)
        ready.register(watch.fd, select.POLLIN)
        while not watch.lost and all(found == watch.fd for found, _ in ready.poll()):
            watch.drain()
    head = _read(fd, _LENGTH.size)
    if len(head) < _LENGTH.size:
        return ("stop",)
    (length,) = _LENGTH.unpack(head)
    return pickle.loads(_read(fd, length))


def _half(root: Path, cache_path: Path, hash_all: Callable, part, told: int, watched: bool = True):  # pragma: no cover
    """In a process of its own: PART's files looked up with their folders watched (WATCHED,
    where the system can: ``fixity_watch``) and its cache lines read ahead, then, once told to
    (through the pipe TOLD, with the noted file), PART walked as ``fixity_stream`` walks it, only
    what was reported changed looked up again; None when the build let it go."""
    gc.disable()  # short-lived; its lines are never garbage until it ends
    watch = fixity_watch.Watch.start(root) if watched else None
    span = part.span
    walked = fixity_watch.prewalk(root, watch, span) if watch is not None else None
    stamp: list = []
    lines = read_cache(cache_path, stamp, part.offset, part.stop)
    ahead = list(itertools.islice(lines, AHEAD))
    word = _word(told, watch if walked is not None else None)
    if word[0] != "walk":
        return None
    if walked is not None:
        walked = fixity_watch.patched(root, walked, watch, span)
    read = (itertools.chain(ahead, lines), stamp)
    return fixity_stream.walk_read(root, cache_path, hash_all, word[1], part, read, walked)
