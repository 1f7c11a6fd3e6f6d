"""The Pelican side of the open data and the fixity manifest.

``OpenDataGenerator`` reads ``context["articles"]`` once, hands plain ``Bulletin`` records to
``bulletins.site.opendata`` (which writes ``data/`` only where bytes changed) and renders the
data page. ``write_manifest`` runs on Pelican's ``finalized`` signal, after every generator and
the static files, and lists every file of the output in ``manifest-sha256.txt``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path

from pelican.generators import Generator

from bulletins.search.documents import html_text
from bulletins.site import fixity, opendata, opendata_sqlite
from bulletins.site.config import Option, is_relative_path, settings_check, url_pattern

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_DATA_LICENSE", "", lambda v: is_one_line(v, 300), "one line of at most 300 characters"),
    Option("BULLETINS_DATA_DIR", "data", is_relative_path, "a relative folder name such as 'data'"),
    Option("BULLETINS_DATA_URL", "data.html", url_pattern(), "a relative .html path"),
    Option("BULLETINS_PUBLISHER", "", lambda v: is_one_line(v, 200), "one line ('' = SITENAME)"),
    Option("BULLETINS_FIXITY_MANIFEST", True, lambda v: isinstance(v, bool), "True or False"),
)
SQLITE_STAMP = "bulletins-opendata.json"
FIXITY_CACHE = "bulletins-fixity.json"


def is_one_line(value: object, limit: int) -> bool:
    return isinstance(value, str) and "\n" not in value and "\r" not in value and len(value) <= limit


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def get_generators(pelican):
    return OpenDataGenerator


def header_text(value) -> str:
    """A header value as Pelican parsed it -> its text: dates ISO, tags joined, wrappers by name."""
    if isinstance(value, dt.datetime):
        midnight = (value.hour, value.minute, value.second) == (0, 0, 0)
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(header_text(v) for v in value)
    if hasattr(value, "slug") and hasattr(value, "name"):  # Pelican's Tag, Category
        return str(value.name)
    return "" if value is None else str(value)


def bulletin_of(article) -> opendata.Bulletin:
    fields = {
        opendata.column_name(key): header_text(value)
        for key, value in article.metadata.items()
        if opendata.is_header_key(key)
    }
    return opendata.Bulletin(url=article.url, fields=fields, text=html_text(article.content))


def human_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


class OpenDataGenerator(Generator):
    """Rows and text files while the context is built; the SQLite database in a child process
    while Pelican renders the pages; the data page once the database is in place."""

    def generate_context(self):
        self.context["BULLETINS_DATA_URL"] = self.settings["BULLETINS_DATA_URL"]
        started = time.perf_counter()
        folder = Path(self.output_path) / self.settings["BULLETINS_DATA_DIR"]
        self.cols, rows = opendata.table_rows(bulletin_of(a) for a in self.context.get("articles", ()))
        self.count = len(rows)
        jsonl, self.written = opendata.write_text_files(folder, self.cols, rows)
        key = opendata_sqlite.sqlite_key(jsonl)
        stamp = Path(self.settings["CACHE_PATH"]) / SQLITE_STAMP
        self.sqlite = opendata_sqlite.start(
            folder / opendata.SQLITE, folder / opendata.JSONL, self.cols, rows, key, stamp
        )
        self.seconds = time.perf_counter() - started

    def generate_output(self, writer):
        started = time.perf_counter()
        self.written[opendata.SQLITE] = self.sqlite.finish()
        self._write_page(writer, self.cols, self.count)
        logger.info(
            "open_data: %d bulletins, %d of %d files written, %.1f s",
            self.count,
            sum(self.written.values()),
            len(self.written),
            self.seconds + time.perf_counter() - started,
        )

    def _write_page(self, writer, cols, count):
        s = self.settings
        folder = s["BULLETINS_DATA_DIR"]
        out = Path(self.output_path)
        files = [
            {"name": name, "url": f"{folder}/{name}", "size": human_size((out / folder / name).stat().st_size)}
            for name in (opendata.JSONL, opendata.CSV, opendata.SQLITE)
        ]
        writer.write_file(
            s["BULLETINS_DATA_URL"],
            self.get_template("data"),
            self.context,
            relative_urls=s["RELATIVE_URLS"],
            template_name="data",
            url=s["BULLETINS_DATA_URL"],
            data_files=files,
            data_fields=[{"name": c, "note": opendata.COLUMN_NOTES.get(c, "")} for c in cols],
            data_count=count,
            data_license=s["BULLETINS_DATA_LICENSE"],
            data_publisher=s["BULLETINS_PUBLISHER"] or s["SITENAME"],
        )


def write_manifest(pelican) -> None:
    """``finalized`` handler: manifest-sha256.txt over every file of the output, written last."""
    if not pelican.settings.get("BULLETINS_FIXITY_MANIFEST", True):
        return
    started = time.perf_counter()
    out = Path(pelican.output_path)
    cache_file = Path(pelican.settings["CACHE_PATH"]) / FIXITY_CACHE
    try:
        cache = fixity.HashCache(json.loads(cache_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        cache = fixity.HashCache()
    digests = fixity.hash_tree(out, cache)
    written = opendata.write_if_changed(out / fixity.MANIFEST, fixity.render_manifest(digests).encode("utf-8"))
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(cache.entries, separators=(",", ":")), encoding="utf-8")
    logger.info(
        "fixity: %d files (%d hashed), manifest %s, %.1f s",
        len(digests),
        cache.hashed,
        "written" if written else "unchanged",
        time.perf_counter() - started,
    )
