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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True
