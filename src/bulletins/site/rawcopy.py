"""Where each article's raw source goes in the output (pure).

A file source is copied byte for byte; a record of a JSONL collection is written as that one
original line. Whatever the source was, the copy is never served as HTML: sources may carry
scripts, so any name a browser could render is given a ``.txt`` suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

SAFE_SUFFIXES = {".txt", ".json"}
COLLECTION_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


@dataclass(frozen=True)
class RawCopy:
    source: str  # the article's Source, as ingest wrote it
    line: int | None  # 1-based record line in a collection, None for a whole file
    target: str  # output-relative path, also the URL below SITEURL


def is_collection(source: str) -> bool:
    return source.lower().endswith(COLLECTION_SUFFIXES)


def plan(save_as: str, source: str, line: int | None, raw_dir: str = "raw") -> RawCopy | None:
    """``bulletins/2022/02/x.html`` + ``sources/a.htm`` -> ``raw/bulletins/2022/02/x.htm.txt``."""
    if not source:
        return None
    stem = str(PurePosixPath(raw_dir) / PurePosixPath(save_as).with_suffix(""))
    if is_collection(source):
        if not line or line < 1:
            return None
        return RawCopy(source, line, f"{stem}.json")
    suffix = PurePosixPath(source).suffix.lower()
    if suffix in SAFE_SUFFIXES:
        return RawCopy(source, None, f"{stem}{suffix}")
    return RawCopy(source, None, f"{stem}{suffix}.txt" if suffix else f"{stem}.txt")


def parse_line(value: object) -> int | None:
    """The ``SourceLine`` header as an int (Pelican gives strings); junk -> None."""
    try:
        line = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return line if line > 0 else None
