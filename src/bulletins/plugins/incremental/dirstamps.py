"""Folders of the output that are as the last build left them, so that their pages need no
``stat`` each to be known to be there.

A rebuild skips a page whose fingerprint is the last build's only when its files are still in
the output. At 100,000 bulletins that was one ``os.path.isfile`` for each of some 150,000
pages and lists, 1.3 s of an unchanged rebuild's 25 s (py-spy), where they fill 333 folders. A
folder's mtime changes whenever an entry is added to it, removed or renamed; so when a folder's
mtime and inode are those recorded at the end of the last build, it still holds every file it
held then, and the record's files in it are all there. A file written over in place keeps its
folder's mtime, as it keeps its ``isfile``: neither check reads a file's bytes.

A folder changed in the last ``RACY_NS`` before the record was made is not recorded: a change
made right after, within the file system's clock step, could leave its mtime as it was (the
"racy" entries of git's index). Anything not recorded, or no longer as recorded, is checked a
file at a time as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

RACY_NS = 2_000_000_000  # a folder changed in the 2 s before the record is not trusted


def stamps(root: str, folders: Iterable[str], now_ns: int) -> dict[str, list[int]]:
    """``{folder: [mtime_ns, inode]}`` of each of FOLDERS (relative to ROOT; "" is ROOT) that is
    there and was last changed at least ``RACY_NS`` before NOW_NS."""
    found = {}
    for folder in folders:
        try:
            st = os.stat(os.path.join(root, folder))
        except OSError:
            continue
        if st.st_mtime_ns <= now_ns - RACY_NS:
            found[folder] = [st.st_mtime_ns, st.st_ino]
    return found


class Folders:
    """The last build's ``stamps`` of ROOT's folders, each compared once with the folder now."""

    def __init__(self, root: str, recorded):
        self.root = root
        self.recorded = recorded if isinstance(recorded, dict) else {}
        self.known: dict[str, bool] = {}

    def unchanged(self, folder: str) -> bool:
        """Whether FOLDER (relative to the root) is as recorded: every file it held then is there."""
        known = self.known.get(folder)
        if known is None:
            known = self.known[folder] = self._check(folder)
        return known

    def _check(self, folder: str) -> bool:
        stamp = self.recorded.get(folder)
        if not (isinstance(stamp, list) and len(stamp) == 2):
            return False
        try:
            st = os.stat(os.path.join(self.root, folder))
        except OSError:
            return False
        return [st.st_mtime_ns, st.st_ino] == stamp
