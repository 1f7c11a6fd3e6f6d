"""What the last build wrote to ``data/``, kept in Pelican's cache folder.

A rebuild compares the digest of its articles' inputs with ``DataState.inputs`` and the data
files on disk with the size and mtime recorded here: when both match, nothing of ``data/`` is
computed again. Otherwise ``rows`` (row id -> digest of its JSONL line) tells which rows of
``bulletins.sqlite`` to delete, insert or replace in place.

The state describes the files only while they are exactly as this build left them: a file
touched by anything else no longer matches its stamp, and the next build starts over. The file
holds two lines of JSON: the state without its rows and sources, then those two, so that a
rebuild that changes no row reads the first line only (at 100,000 bulletins reading the rows
took some 80 MB of the build, of which about 45 stayed with the process to its end).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path

STATE_VERSION = 3
BULK = ("rows", "sources")  # on the file's second line


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


# What each field of a state read back must be, the type of its default (anything else: a
# damaged file, read as none).
_TYPES = {f.name: type(f.default_factory() if f.default is MISSING else f.default) for f in fields(DataState)}


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


def rows_written(state: DataState, database: DataState | None, row_files: dict, database_file: str) -> DataState:
    """What to save once the row files of STATE are written (ROW_FILES: their names and stamps
    now) but before the database is brought up to date: the database as DATABASE (the last
    state, when its database is trusted; None: it is not, and is made afresh) left it. A build
    stopped after this (Ctrl-C, a kill) leaves the next one to take its rows from the new files
    (the changed ones made again, as their lines are not the old rows') and to update the
    database from its old rows; before, the stamps of the files it had replaced matched no state,
    and the next build made every row again (117.0 s at 100,000 bulletins, against some 15 s)."""
    if database is None:  # no database to update: every row taken, the database made afresh
        return replace(state, inputs="", files=dict(row_files), sqlite_key="")
    files = {**row_files, database_file: database.files.get(database_file)}
    return replace(state, inputs="", files=files, sqlite_key=database.sqlite_key, rows=database.rows)


def load(path: Path, *, whole: bool = True) -> DataState:
    """The state saved by the last build, or an empty one (nothing is known: rebuild everything);
    without its rows and sources (read from the first line only) unless WHOLE."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.pop("version", None) != STATE_VERSION:
                return DataState()
            bulk = json.loads(fh.read()) if whole else {}
        if not isinstance(bulk, dict) or set(head) & set(BULK) or (whole and set(bulk) != set(BULK)):
            return DataState()
        state = DataState(**head, **bulk)
    except (OSError, ValueError, TypeError):
        return DataState()
    return state if all(isinstance(getattr(state, f.name), _TYPES[f.name]) for f in fields(DataState)) else DataState()


def save(path: Path, state: DataState) -> None:
    """STATE into PATH as ``load`` reads it (the two lines of the module's docstring)."""
    head = {"version": STATE_VERSION} | {f.name: getattr(state, f.name) for f in fields(state) if f.name not in BULK}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(head, separators=(",", ":")) + "\n")
        fh.write(json.dumps({key: getattr(state, key) for key in BULK}, separators=(",", ":")) + "\n")
    os.replace(tmp, path)
