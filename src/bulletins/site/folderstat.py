"""``stat`` of many files under one root, each folder opened once and its files looked up from it.

A rebuild checks that the files it would skip are as the last build left it: the citations'
three files of every article (300,000 at 100,000 bulletins), the search index's result data
(100,000). By path, the kernel looks up every folder of the path again for each file; from an
open folder (``fstatat``) only the name: 0.63 s against 0.88 s for the citations' 300,000 here.
The answers are those of ``os.stat`` of the joined path (links followed), errors included.

Folders are held open a few at a time, so files asked for in no order of folders reopen them
nearly every time: Pelican reads the articles in the order of a set (88,636 folders opened for
100,000 articles' stamps, 0.59 s against 0.22 s folder by folder). ``StampsAhead`` takes the
stamps of files known beforehand together, in the order of their names (a folder's files are
next to one another in it), and answers from them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

BY_FD = os.stat in os.supports_dir_fd and os.open in os.supports_dir_fd
MOST_OPEN = 64  # folders held open at once (their files are mostly asked for in a row)
_UNKNOWN = object()


class FolderStats:
    """``stat(relpath)`` of files under ROOT; ``close`` (or the ``with`` block's end) closes
    the folders it opened."""

    def __init__(self, root: str):
        self.root = root
        self.folders: dict[str, int] = {}

    def stat(self, relpath: str) -> os.stat_result:
        folder, _, name = relpath.rpartition("/")
        if not BY_FD or not name:
            return os.stat(os.path.join(self.root, relpath))
        fd = self.folders.get(folder)
        if fd is None:
            if len(self.folders) >= MOST_OPEN:
                self.close()
            fd = os.open(os.path.join(self.root, folder), os.O_RDONLY | os.O_DIRECTORY)
            self.folders[folder] = fd
        return os.stat(name, dir_fd=fd)

    def stamp(self, relpath: str) -> list[int] | None:
        """``[size, mtime_ns]`` of RELPATH, as ``opendata_state.file_stamp`` gives it (None when
        it cannot be found)."""
        try:
            found = self.stat(relpath)
        except (OSError, ValueError):
            return None
        return [found.st_size, found.st_mtime_ns]

    def close(self) -> None:
        while self.folders:
            os.close(self.folders.popitem()[1])

    def __enter__(self) -> FolderStats:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # a user that stopped before ``close`` (a build that failed)
        with contextlib.suppress(Exception):
            self.close()


class StampsAhead:
    """``stamp`` as STATS gives it, of NAMES (relative paths) taken together at the first ask
    and answered from then on, each once: the first ask of a name is answered with the stamp
    taken then; any other name, or a name asked again, is looked up as it is asked."""

    def __init__(self, stats: FolderStats, names: Iterable[str]):
        self.stats, self.names, self.found = stats, names, None

    def stamp(self, relpath: str) -> list[int] | None:
        if self.found is None:
            self.found = {name: self.stats.stamp(name) for name in sorted(self.names)}
            self.names = ()
        found = self.found.pop(relpath, _UNKNOWN)
        return self.stats.stamp(relpath) if found is _UNKNOWN else found

    def close(self) -> None:
        """The stamps not asked for let go, and STATS's folders closed."""
        self.found, self.names = {}, ()
        self.stats.close()
