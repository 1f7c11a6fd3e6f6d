"""``bulletins.sqlite``: the open data rows in SQLite, built with sqlite-utils.

The database holds the ``bulletins`` table (the columns of ``opendata.columns``, primary key
``id``), the ``people``, ``documents`` and ``relations`` tables that point back to it, and an FTS5 index with
the ``trigram`` tokenizer (``bulletins_fts``), so ``MATCH '"青溪区"'`` finds any Chinese
substring of three characters or more — ready for ``datasette bulletins.sqlite``.

Building the trigram index is most of the cost (about 2 ms per bulletin). A rebuild that
changes a few rows therefore updates the file in place (``update_sqlite``: the rows that went
or changed are deleted with their people, documents and full-text entries, the new ones
inserted, in one transaction); the tables then hold what a fresh build holds, though the
file's bytes differ (row ids and page layout follow the history). A fresh build (no usable
database, another layout, or many changed rows) runs in a child process
(``python -m bulletins.site.opendata_sqlite``) that reads the JSONL file just written, while
Pelican renders the pages; ``SqliteJob.finish`` waits for it, and a result byte-identical to
the file on disk is not moved over it.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import importlib.metadata
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletins.bound import bound_to
from bulletins.site import written
from bulletins.site.opendata import iter_document_rows, iter_people_rows, iter_relation_rows
from bulletins.site.opendata_rows import JsonlRows
from bulletins.site.opendata_state import RowChanges
from bulletins.site.output_files import removed_on_error

SCHEMA_VERSION = 3  # bump when build_sqlite writes something else for the same rows
FTS_AUTOMERGE = 4  # FTS5's default, set again once the index is built (``fill_fts``)
BACKGROUND_ROWS = 500
FTS_COLUMNS = ("title", "text")
# The tables that point back to ``bulletins`` (column ``bulletin``): columns, rows (made lazily
# from the bulletins' rows), indexed columns.
LINKED = (
    ("people", {"name": str, "role": str, "bulletin": str}, iter_people_rows, ("name", "bulletin")),
    ("documents", {"title": str, "bulletin": str}, iter_document_rows, ("title", "bulletin")),
    (
        "relations",
        {"bulletin": str, "relation": str, "title": str, "doc_number": str},
        iter_relation_rows,
        ("bulletin", "title", "doc_number"),
    ),
)


def sqlite_key(cols: Sequence[str]) -> str:
    """What the database's layout depends on: the columns, the schema and the SQLite version."""
    versions = f"{SCHEMA_VERSION}\0{sqlite3.sqlite_version}\0{importlib.metadata.version('sqlite-utils')}\0"
    return hashlib.sha256((versions + json.dumps(list(cols))).encode()).hexdigest()


def build_sqlite(path: Path, cols: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    """A new SQLite database at PATH: bulletins, people, documents, relations and the trigram FTS index.
    ROWS is walked once per table (a ``JsonlRows`` reads its file again each time, so the rows are
    never all in memory)."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=True)
    # A scratch file until it is moved into place: no journal, no fsync (the bytes are the same).
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")
    try:
        bulletins = db.table("bulletins")
        bulletins.create(dict.fromkeys(cols, str), pk="id", not_null={"id", "url"})
        bulletins.enable_fts(list(FTS_COLUMNS), tokenize="trigram")  # empty: filled below
        bulletins.insert_all(rows, batch_size=1000)
        for name, schema, make_rows, indexed in LINKED:
            db.table(name).create(schema, foreign_keys=[("bulletin", "bulletins", "id")])
            db.table(name).insert_all(make_rows(rows), batch_size=1000)
            for column in indexed:
                db.table(name).create_index([column])
        fill_fts(db.conn)
        db.vacuum()
    finally:
        db.close()


def fill_fts(conn: sqlite3.Connection) -> None:
    """The full-text index of every row, built as one segment: its segments are not merged as
    they are made (``automerge`` 0) but once at the end (``optimize``), then merging is back to
    FTS5's default for the rebuilds that change the database in place. At 100,000 bulletins
    41.4 s (777 MB) against 53.0 s (807 MB) filled with FTS5's merging on."""
    fts = ", ".join(FTS_COLUMNS)
    conn.execute("INSERT INTO bulletins_fts (bulletins_fts, rank) VALUES ('automerge', 0)")
    conn.execute(f"INSERT INTO bulletins_fts (rowid, {fts}) SELECT rowid, {fts} FROM bulletins")
    conn.execute("INSERT INTO bulletins_fts (bulletins_fts) VALUES ('optimize')")
    conn.execute(f"INSERT INTO bulletins_fts (bulletins_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE})")
    conn.commit()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_sql(table: str, names: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(map(_quote, names))}) VALUES ({', '.join('?' * len(names))})"


def update_sqlite(path: Path, rows: Sequence[Mapping[str, str]], remove: Sequence[str]) -> None:
    """Change the database at PATH in place, in one transaction: the rows whose ids are in REMOVE
    go (with their full-text entries, people, documents and relations), then ROWS (every column, in
    ``opendata.columns`` order) go in with theirs. The tables then hold what ``build_sqlite``
    writes for the same rows."""
    fts = ", ".join(FTS_COLUMNS)
    ids = [(row_id,) for row_id in remove]
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                f"INSERT INTO bulletins_fts (bulletins_fts, rowid, {fts}) "
                f"SELECT 'delete', rowid, {fts} FROM bulletins WHERE id = ?",
                ids,
            )
            for table, column in (*((name, "bulletin") for name, *_ in LINKED), ("bulletins", "id")):
                conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", ids)
            if rows:
                cols = list(rows[0])
                conn.executemany(_insert_sql("bulletins", cols), [[row[c] for c in cols] for row in rows])
            for table, new in ((name, list(make_rows(rows))) for name, _, make_rows, _ in LINKED):
                if new:
                    conn.executemany(_insert_sql(table, list(new[0])), [list(r.values()) for r in new])
            conn.executemany(
                f"INSERT INTO bulletins_fts (rowid, {fts}) SELECT rowid, {fts} FROM bulletins WHERE id = ?",
                [(row["id"],) for row in rows],
            )
    finally:
        conn.close()


def _nothing() -> None:
    pass


@dataclass
class SqliteJob:
    """A database being built into ``tmp`` (or updated, or left alone when ``process`` is None
    and nothing was ``built``)."""

    path: Path
    process: subprocess.Popen | None = None
    built: bool = False  # built in this process already
    updated: bool = False  # changed in place
    digest: tuple[int, str] | None = None  # the built file's size and SHA-256
    went_in: Callable[[], None] = _nothing  # called the moment a change is in the file

    @property
    def tmp(self) -> Path:
        return self.path.with_name(f".{self.path.name}.tmp")  # a killed build's is removed (``leftovers``)

    def finish(self) -> bool:
        """Wait for the build, move the new file into place when it differs; True when written."""
        if self.process is not None:
            out, err = self.process.communicate()
            if self.process.returncode != 0:
                raise RuntimeError(f"building {self.path} failed (exit {self.process.returncode}):\n{err[-3000:]}")
            self.digest = _size_and_digest(out)
        elif not self.built:
            return self.updated
        # The rollback journal of an update a killed build left (a database not to be trusted,
        # hence built afresh): SQLite would play it back into the new file the next time it opens it.
        self.path.with_name(self.path.name + "-journal").unlink(missing_ok=True)
        replaced = not (self.path.is_file() and filecmp.cmp(self.tmp, self.path, shallow=False))
        with removed_on_error(self.tmp):
            if replaced:
                os.replace(self.tmp, self.path)
                self.went_in()
            else:
                self.tmp.unlink()
        if self.digest is not None:  # the file holds the bytes built, replaced or not
            written.note_digest(self.path, *self.digest)
        return replaced


def _size_and_digest(out: str) -> tuple[int, str] | None:
    """The child's last line, ``<size> <sha256>``; None when it is not that."""
    parts = (out or "").strip().rsplit("\n", 1)[-1].split()
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
        return None
    return int(parts[0]), parts[1]


def in_place(changes: RowChanges | None, total: int) -> bool:
    """Whether CHANGES (None: the database on disk cannot be trusted) are few enough to apply in
    place: at most BACKGROUND_ROWS rows or a quarter of the TOTAL, whichever is more."""
    return changes is not None and len(changes) <= max(BACKGROUND_ROWS, total // 4)


def rows_having(rows: Iterable[Mapping[str, str]], ids: set[str]) -> Iterator[Mapping[str, str]]:
    """The rows of ROWS whose id is in IDS, in order (a ``JsonlRows`` parses only those)."""
    if isinstance(rows, JsonlRows):
        return rows.having(ids)
    return (row for row in rows if row["id"] in ids)


def start(
    path: Path,
    jsonl_path: Path,
    cols: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    changes: RowChanges | None = None,
    went_in: Callable[[], None] = _nothing,
) -> SqliteJob:
    """Bring PATH up to date with ROWS (saved in JSONL_PATH; a ``JsonlRows`` over it reads the
    rows from the file when they are needed). CHANGES are the rows that differ
    from the database on disk (None: it is absent or not to be trusted): none, nothing to do; a
    few, ``update_sqlite`` here and now; otherwise a fresh build, in a child process, or here
    for fewer than BACKGROUND_ROWS rows (starting Python costs more). WENT_IN is called the
    moment a change is in the file (the update committed, the new file moved into place), before
    anything else is done (hashing the file for the manifest takes seconds at 100,000 rows)."""
    job = SqliteJob(path, went_in=went_in)
    if in_place(changes, len(rows)):
        if len(changes):
            update_sqlite(path, list(rows_having(rows, set(changes.insert))), changes.remove)
            job.updated = True
            job.went_in()
            written.note_file(path)
        return job
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(rows) < BACKGROUND_ROWS:
        build_sqlite(job.tmp, cols, rows)
        job.built = True
        job.digest = written.file_digest(job.tmp) if written.active() else None
        return job
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
    args = [sys.executable, "-m", __name__, str(jsonl_path), str(job.tmp), "--columns", json.dumps(list(cols))]
    args += ["--digest"] if written.active() else []  # only a build that notes what it writes needs it
    args += ["--parent", str(os.getpid())]
    job.process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return job


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build bulletins.sqlite from bulletins.jsonl.")
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("database", type=Path)
    parser.add_argument("--columns", required=True, help="the column order, as a JSON list")
    parser.add_argument("--digest", action="store_true", help="print the database's size and SHA-256")
    parser.add_argument("--parent", type=int, help="end when this process (the build) ends")
    args = parser.parse_args(argv)
    if args.parent:
        bound_to(args.parent)
    build_sqlite(args.database, json.loads(args.columns), JsonlRows(args.jsonl))
    if args.digest:  # read while it is in memory, for the manifest
        print(*written.file_digest(args.database))
    return 0


if __name__ == "__main__":
    sys.exit(main())
