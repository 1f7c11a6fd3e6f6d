"""What the last build wrote to ``data/``, kept in Pelican's cache folder.

A rebuild compares the digest of its articles' inputs with ``DataState.inputs`` and the data
files on disk with the size and mtime recorded here: when both match, nothing of ``data/`` is
computed again. Otherwise ``rows`` (row id -> digest of its JSONL line) tells which rows of
``bulletins.sqlite`` to delete, insert or replace in place.

The state describes the files only while they are exactly as this build left them: a file
touched by anything else no longer matches its stamp, and the next build starts over.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATE_VERSION = 2


@dataclass
class DataState:
    """``inputs``: digest of every article's URL, header and body; ``columns`` and ``count`` of
    the table; ``files``: ``{name: [size, mtime_ns]}`` as written; ``sqlite_key``: what the
    database's layout depends on; ``rows``: ``{row id: digest of its JSONL line}``; ``code``: the
    digest of the settings and code that made the rows; ``sources``: ``{row id: [digest of its
    article's inputs, size of its JSONL line, size of its CSV record]}`` in row order (see
    ``bulletins.site.opendata_reuse``)."""

    inputs: str = ""
    columns: list[str] = field(default_factory=list)
    count: int = 0
    files: dict[str, list[int]] = field(default_factory=dict)
    sqlite_key: str = ""
    rows: dict[str, str] = field(default_factory=dict)
    code: str = ""
    sources: dict[str, list] = field(default_factory=dict)


@dataclass(frozen=True)
class RowChanges:
    """Row ids to take out of the database (gone or changed) and to put in (new or changed)."""

    remove: tuple[str, ...] = ()
    insert: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(set(self.remove) | set(self.insert))


def inputs_digest(article_digests: Iterable[str], code: str = "") -> str:
    """One digest over every article's digest (order-free) and CODE (what makes the rows)."""
    h = hashlib.sha256(f"{STATE_VERSION}\0{code}\0".encode())
    for digest in sorted(article_digests):
        h.update(digest.encode("ascii"))
    return h.hexdigest()


def row_changes(old: Mapping[str, str], new: Mapping[str, str]) -> RowChanges:
    """Rows of OLD that are gone or differ in NEW, and rows of NEW that are new or differ (sorted)."""
    changed = sorted(key for key in old.keys() & new.keys() if old[key] != new[key])
    return RowChanges(
        remove=tuple(sorted(old.keys() - new.keys()) + changed),
        insert=tuple(sorted(new.keys() - old.keys()) + changed),
    )


def file_stamp(path: Path | str) -> list[int] | None:
    """``[size, mtime_ns]`` of PATH, or None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def files_unchanged(folder: Path, files: Mapping[str, list[int]], names: Iterable[str]) -> bool:
    """Every one of NAMES in FOLDER is still the file recorded in FILES."""
    return all(files.get(name) is not None and file_stamp(folder / name) == files[name] for name in names)


def load(path: Path) -> DataState:
    """The state saved by the last build, or an empty one (nothing is known: rebuild everything)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DataState(**data) if data.pop("version", None) == STATE_VERSION else DataState()
    except (OSError, ValueError, TypeError, AttributeError):
        return DataState()


def save(path: Path, state: DataState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"version": STATE_VERSION, **asdict(state)}, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
