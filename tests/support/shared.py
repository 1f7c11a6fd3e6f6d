"""Access to ../shared (the seed and the real corpus). Tests that need it skip when it is absent."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_8999f5b1fbddfc77.txt"
BULLETINS = SHARED / "corpus" / "bulletins-2022-2024.jsonl.gz"
DIRTY = SHARED / "corpus" / "dirty-2022-2024.jsonl.gz"


def require(path: Path) -> Path:
    """Return PATH, or skip the calling test with a clear message when ../shared lacks it."""
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the project")
    return path


@functools.cache
def _load(path: Path) -> tuple[dict, ...]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def bulletin_records() -> tuple[dict, ...]:
    """The 11,442 real bulletins: id, date, title, html, url."""
    return _load(require(BULLETINS))


def dirty_records() -> tuple[dict, ...]:
    """1,000 seed-style dirty texts with their clean ``gold``."""
    return _load(require(DIRTY))
