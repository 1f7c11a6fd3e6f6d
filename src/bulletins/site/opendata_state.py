"""What the last build wrote to ``data/``, kept in Pelican's cache folder.

A rebuild compares the digest of its articles' inputs with ``DataState.inputs`` and the data
files on disk with the size and mtime recorded here: when both match, nothing of ``data/`` is
computed again. Otherwise ``rows`` (row id -> digest of its JSONL line) tells which rows of
``bulletins.sqlite`` to delete, insert or replace in place.

The state describes the files only while they are exactly as this build left them: a file
touched by anything else no longer matches its stamp, and the next build starts over. A build
saves it a first time between its row files and its database (``rows_written``) and notes the
database's stamp the moment its change is in (``save_commit``), so a build stopped in between
leaves the next one its rows and a database it can trust (``held_rows``). The file
holds two lines of JSON, each after its CRC-32 (a damaged line is no state): the state without
its rows and sources, then those two, so that a rebuild that changes no row reads the first line
only (at 100,000 bulletins reading the rows
took some 80 MB of the build, of which about 45 stayed with the process to its end).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path

from bulletins import sealed

STATE_VERSION = 4  # 4: a state saved between the row files and the database (``between``)
BULK = ("rows", "sources", "database_rows")  # on the file's second line


@dataclass
class DataState:
    """``inputs``: digest of every article's URL, header and body; ``columns`` and ``count`` of
    the table; ``files``: ``{name: [size, mtime_ns]}`` as written; ``sqlite_key``: what the
    database's layout depends on; ``rows``: ``{row id: digest of its JSONL line}``; ``code``: the
    digest of the settings and code that made the rows; ``sources``: ``{row id: [digest of its
    article's inputs, size of its JSONL line, size of its CSV record]}`` in row order (see
    ``bulletins.site.opendata_reuse``); ``between``: saved once the row files were written, before
    the database was brought up to date (``rows_written``): the database then holds
    ``database_rows``, or ``rows`` once the build's change went in (``held_rows``)."""

    inputs: str = ""
    columns: list[str] = field(default_factory=list)
    count: int = 0
    files: dict[str, list[int]] = field(default_factory=dict)
    sqlite_key: str = ""
    rows: dict[str, str] = field(default_factory=dict)
    code: str = ""
    sources: dict[str, list] = field(default_factory=dict)
    between: bool = False
    database_rows: dict[str, str] = field(default_factory=dict)


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


def rows_written(state: DataState, held: dict | None, files: dict, database_file: str) -> DataState:
    """What to save once the row files of STATE are written but before the database is brought
    up to date (FILES: the row files' stamps and the database's, now): the database holds HELD
    (``held_rows``; None: it is not to be trusted, and is made afresh). A build stopped after
    this (Ctrl-C, a kill) leaves the next one to take every row from the new files and to bring
    the database up to date from what it holds; before, the stamps of the files it had replaced
    matched no state, and the next build made every row again (117.0 s at 100,000 bulletins)."""
    if held is None:
        files = {name: stamp for name, stamp in files.items() if name != database_file}
        return replace(state, inputs="", files=files, sqlite_key="", between=True)
    return replace(state, inputs="", files=dict(files), between=True, database_rows=held)


def held_rows(old: DataState, key: str, stamp: list[int] | None, committed: dict | None, database_file: str):
    """The rows the database (of layout KEY, file stamp STAMP; None: absent) holds, when it can be
    trusted; None otherwise (it is made afresh). Unchanged since OLD was saved: OLD's rows (its
    ``database_rows`` when OLD was saved ``between``). Changed since a state saved ``between``,
    by that build's own change, which went in before it was stopped (COMMITTED, ``load_commit``,
    names the database's stamp after it): OLD's rows, the rows of its files."""
    if stamp is None:
        return None
    if old.sqlite_key == key and old.files.get(database_file) == stamp:
        return old.database_rows if old.between else old.rows
    if old.between and committed == {"stamp": stamp, "sqlite_key": key}:
        return old.rows
    return None


def save_commit(path: Path, stamp: list[int] | None, key: str) -> None:
    """Note, the moment a build's change of the database went in, its stamp and layout KEY: a
    build stopped before it saves its state leaves the next one to trust the database."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"stamp": stamp, "sqlite_key": key}), encoding="utf-8")
    os.replace(tmp, path)


def load_commit(path: Path) -> dict | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def load(path: Path, *, whole: bool = True) -> DataState:
    """The state saved by the last build, or an empty one (nothing is known: rebuild everything);
    without its rows and sources (read from the first line only) unless WHOLE."""
    try:
        with open(path, "rb") as fh:  # bytes: each line's CRC-32 is of its bytes as read
            head = _checked(fh.readline())
            if not isinstance(head, dict) or head.pop("version", None) != STATE_VERSION:
                return DataState()
            bulk = _checked(fh.readline()) if whole else {}
            if whole and fh.read(1):
                return DataState()  # bytes after the rows: not a file this module wrote
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
        fh.write(_line(head))
        fh.write(_line({key: getattr(state, key) for key in BULK}))
    os.replace(tmp, path)


def _line(value) -> str:
    """VALUE as a line of the state file: its JSON after the JSON's CRC-32 (``sealed.line``)."""
    return sealed.line(json.dumps(value, separators=(",", ":")) + "\n")


def _checked(raw: bytes):
    """The value of a ``_line`` read back as the bytes RAW; ValueError when its JSON is not the
    bytes written (a changed digit of a row id read back as another id, and two rows of one id
    stopped the build)."""
    return json.loads(sealed.line_text(raw))
