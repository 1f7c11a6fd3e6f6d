"""Writing a file of the site only when its bytes change, so a rebuild keeps bytes and mtimes."""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write DATA to PATH (atomically) unless PATH already holds exactly DATA; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:  # the folder is made only when missing: one call less per file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


CHUNK = 1 << 20


def same_bytes(a: Path, b: Path) -> bool:
    """A and B hold the same bytes (read a chunk at a time); False when either is missing."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                chunk = fa.read(CHUNK)
                if chunk != fb.read(CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def replace_if_changed(tmp: Path, path: Path) -> bool:
    """Move the finished file TMP over PATH unless PATH already holds its bytes (then TMP goes
    and PATH keeps its mtime); True when PATH was written."""
    if same_bytes(tmp, path):
        tmp.unlink()
        return False
    os.replace(tmp, path)
    return True
