"""The files a build's writer has opened, held as their names below the output folder.

Pelican's writer keeps every file it opens in a set of whole paths (``Writer._written_files``),
to refuse a second write of one file; the incremental writer asks it too, and removes the last
build's files that no page of this one opened. A build holds it from its first page to its end,
where it also holds the record of its pages, which names each page by the same name below the
output folder. ``OutputPaths`` is that set, with each path below the folder kept as that name
(the record's own string, where the writer passes it: one string a page instead of two) and
any other path kept whole, apart: a name and a path never meet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator


class OutputPaths:
    """A set of file paths (``add``, ``update``, ``in``, ``len``, iteration: each path as it
    was given, or an equal string), held as names below ROOT where they are."""

    def __init__(self, root: str):
        self.prefix = os.path.join(root, "")
        self.names: set = set()

    def _held(self, path, name=None):
        """What stands for PATH: NAME (a string naming it below the root), its name below the
        root, or the path in a tuple (paths outside the root, and anything not a string)."""
        prefix = self.prefix
        if type(path) is str and path.startswith(prefix) and len(path) > len(prefix):
            if type(name) is str and len(path) == len(prefix) + len(name) and path.endswith(name):
                return name
            return path[len(prefix) :]
        return (path,)

    def add(self, path, name: str | None = None) -> None:
        """PATH added; NAME (its name below the root, when the caller holds that string already)
        is held in its place."""
        self.names.add(self._held(path, name))

    def update(self, paths: Iterable, name: str | None = None) -> None:
        for path in paths:
            self.add(path, name)

    def __contains__(self, path) -> bool:
        try:
            return self._held(path) in self.names
        except TypeError:  # not hashable: no such path was added
            return False

    def __len__(self) -> int:
        return len(self.names)

    def absolute_others(self) -> set:
        """The absolute, normalized form of each path held that is not a plain name below the
        root (one not normalized, the root itself, one outside it): with ``in`` on a normalized
        path below the root, ``path in self or path in others`` asks what ``path in {abspath(p)
        for p in self}`` does, without a second string for every file (``remove_stale``; at a
        million bulletins 1.27 million pages)."""
        return {os.path.abspath(held[0] if type(held) is tuple else self.prefix + held)
                for held in self.names if type(held) is not str or not _plain(held)}  # fmt: skip

    def __iter__(self) -> Iterator:
        prefix = self.prefix
        for held in self.names:
            yield held[0] if type(held) is tuple else prefix + held


def _plain(name: str) -> bool:
    """NAME joined to a folder is normalized there and stays below it: ``normpath`` leaves it
    as it is, and no ``..`` part or separator begins it."""
    return os.path.normpath(name) == name and name not in (".", "..") and not name.startswith((os.sep, f"..{os.sep}"))


def remove_empty_folders(folder: str, root: str) -> None:
    """FOLDER and its parents up to (not including) ROOT, each while it is empty."""
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)
