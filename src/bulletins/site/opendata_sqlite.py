"""``bulletins.sqlite``: the open data rows in SQLite, built with sqlite-utils.

The database holds the ``bulletins`` table (the columns of ``opendata.columns``, primary key
``id``), the ``people`` and ``documents`` tables that point back to it, and an FTS5 index with
the ``trigram`` tokenizer (``bulletins_fts``), so ``MATCH '"青溪区"'`` finds any Chinese
substring of three characters or more — ready for ``datasette bulletins.sqlite``.

Building the trigram index is most of the cost (about 2 ms per bulletin), so ``start`` runs
it in a child process (``python -m bulletins.site.opendata_sqlite``) that reads the JSONL file
just written, while Pelican renders the pages; ``SqliteJob.finish`` waits for it. A database
whose inputs (the rows, the schema, the SQLite version) are unchanged since the last build is
not rebuilt, and a rebuilt one that is byte-identical to the file on disk is not moved over it.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletins.site.opendata import document_rows, people_rows

SCHEMA_VERSION = 1  # bump when build_sqlite writes something else for the same rows
BACKGROUND_ROWS = 500


def sqlite_key(jsonl: bytes) -> str:
    """What the database is built from: the rows (as JSONL), the schema and the SQLite version."""
    versions = f"{SCHEMA_VERSION}\0{sqlite3.sqlite_version}\0{importlib.metadata.version('sqlite-utils')}\0"
    return hashlib.sha256(versions.encode() + jsonl).hexdigest()


def build_sqlite(path: Path, cols: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    """A new SQLite database at PATH: bulletins, people, documents and the trigram FTS index."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=True)
    # A scratch file until it is moved into place: no journal, no fsync (the bytes are the same).
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")
    try:
        bulletins = db.table("bulletins")
        bulletins.create(dict.fromkeys(cols, str), pk="id", not_null={"id", "url"})
        bulletins.insert_all(rows, batch_size=1000)
        link = [("bulletin", "bulletins", "id")]
        db.table("people").create({"name": str, "role": str, "bulletin": str}, foreign_keys=link)
        db.table("people").insert_all(people_rows(rows), batch_size=1000)
        db.table("documents").create({"title": str, "bulletin": str}, foreign_keys=link)
        db.table("documents").insert_all(document_rows(rows), batch_size=1000)
        for table, column in (("people", "name"), ("people", "bulletin"), ("documents", "title")):
            db.table(table).create_index([column])
        db.table("documents").create_index(["bulletin"])
        bulletins.enable_fts(["title", "text"], tokenize="trigram")
        db.vacuum()
    finally:
        db.close()


def _stamp_of(path: Path, key: str) -> dict:
    st = path.stat()
    return {"key": key, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def up_to_date(path: Path, key: str, stamp: Path) -> bool:
    """STAMP (in Pelican's cache folder) says PATH was built from KEY and is untouched since."""
    try:
        return json.loads(stamp.read_text(encoding="utf-8")) == _stamp_of(path, key)
    except (OSError, ValueError):
        return False


@dataclass
class SqliteJob:
    """A database being built into ``tmp`` (or nothing to do when ``process`` is None)."""

    path: Path
    key: str
    stamp: Path
    process: subprocess.Popen | None = None
    built: bool = False  # built in this process already

    @property
    def tmp(self) -> Path:
        return self.path.with_name(f".{self.path.name}.build")

    def finish(self) -> bool:
        """Wait for the build, move the new file into place when it differs; True when written."""
        if self.process is not None:
            _, err = self.process.communicate()
            if self.process.returncode != 0:
                raise RuntimeError(f"building {self.path} failed (exit {self.process.returncode}):\n{err[-3000:]}")
        elif not self.built:
            return False
        written = not (self.path.is_file() and filecmp.cmp(self.tmp, self.path, shallow=False))
        if written:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink()
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        self.stamp.write_text(json.dumps(_stamp_of(self.path, self.key)), encoding="utf-8")
        return written


def start(path: Path, jsonl_path: Path, cols: Sequence[str], rows: Sequence[Mapping[str, str]], key: str, stamp: Path):
    """Start building PATH from ROWS (saved in JSONL_PATH), unless it is up to date: in a child
    process, or here and now for fewer than BACKGROUND_ROWS rows (starting Python costs more)."""
    job = SqliteJob(path, key, stamp)
    if up_to_date(path, key, stamp):
        return job
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(rows) < BACKGROUND_ROWS:
        build_sqlite(job.tmp, cols, rows)
        job.built = True
        return job
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
    args = [sys.executable, "-m", __name__, str(jsonl_path), str(job.tmp), "--columns", json.dumps(list(cols))]
    job.process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return job


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build bulletins.sqlite from bulletins.jsonl.")
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("database", type=Path)
    parser.add_argument("--columns", required=True, help="the column order, as a JSON list")
    args = parser.parse_args(argv)
    with open(args.jsonl, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    build_sqlite(args.database, json.loads(args.columns), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
