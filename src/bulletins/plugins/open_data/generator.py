"""The Pelican side of the open data and the fixity manifest.

``OpenDataGenerator`` reads ``context["articles"]`` once. A digest of every article's URL and
source file (path, size, mtime), the settings and this code, compared with the one the last
build left in the cache folder (``bulletins.site.opendata_state``), tells a rebuild with
nothing new from the rest: then no row is made and no file of ``data/`` is read. Otherwise
it orders the rows from a few header fields, then makes one plain ``Bulletin`` record at a time
for ``bulletins.site.opendata`` (which writes each row as it comes and replaces the JSONL and
CSV files only where bytes changed) and hands the JSONL file to
``bulletins.site.opendata_sqlite`` (which changes only the rows that differ from the last
build), and renders the data page.
The fixity manifest is ``manifest.py``'s.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from pathlib import Path

from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

from bulletins.plugins.incremental import forked
from bulletins.search import documents
from bulletins.site import (
    fingerprint,
    opendata,
    opendata_reuse,
    opendata_sqlite,
    opendata_state,
    written,
)
from bulletins.site.citation import ARCHIVE_CSL
from bulletins.site.config import Option, is_relative_path, settings_check, url_pattern
from bulletins.site.opendata_rows import JsonlRows

logger = logging.getLogger(__name__)
CITATIONS = "bulletins.plugins.citations"

OPTIONS = (
    Option("BULLETINS_DATA_LICENSE", "", lambda v: is_one_line(v, 300), "one line of at most 300 characters"),
    Option("BULLETINS_DATA_DIR", "data", is_relative_path, "a relative folder name such as 'data'"),
    Option("BULLETINS_DATA_URL", "data.html", url_pattern(), "a relative .html path"),
    Option("BULLETINS_PUBLISHER", "", lambda v: is_one_line(v, 200), "one line ('' = SITENAME)"),
    Option("BULLETINS_FIXITY_MANIFEST", True, lambda v: isinstance(v, bool), "True or False"),
    Option("BULLETINS_WATCH_OUTPUT", True, lambda v: isinstance(v, bool), "True or False"),  # ``fixity_watch``
    forked.beside_option("BULLETINS_DATA_BESIDE_PAGES"),
)
DATA_STATE = "bulletins-opendata.json"
DATABASE_COMMIT = "bulletins-opendata.committed"  # the database's stamp once a build's change went in
DATA_FILES = (opendata.JSONL, opendata.CSV, opendata.SQLITE)


def is_one_line(value: object, limit: int) -> bool:
    return isinstance(value, str) and "\n" not in value and "\r" not in value and len(value) <= limit


check_settings = settings_check(OPTIONS)


def configure(pelican) -> None:
    """``initialized`` handler: the settings checked; the digests of the files the build writes
    noted from now on, for the manifest (``bulletins.site.written``)."""
    check_settings(pelican)
    if pelican.settings.get("BULLETINS_FIXITY_MANIFEST", True):
        written.begin(Path(pelican.settings["CACHE_PATH"]) / written.JOURNAL, pelican.settings["OUTPUT_PATH"])


def get_generators(pelican):
    return OpenDataGenerator


_MADE: list[OpenDataGenerator] = []  # made for the build under way, its rows not yet begun


def begin_early(sender) -> None:
    """``article_generator_finalized``: the rows of the build whose articles SENDER has just
    read begun now (in a rebuild, their fork), not at this generator's turn: the rows read only
    the articles' headers, URLs and bodies, which are final by then, and the second processor
    is otherwise idle while the build groups the entity pages and sets the statuses."""
    while _MADE:
        generator = _MADE.pop()
        if generator.context is sender.context:
            generator.begin()


def header_text(value) -> str:
    """A header value as Pelican parsed it -> its text: dates ISO, tags joined, wrappers by name."""
    if type(value) is str:  # most fields: the one test they need first
        return value
    if isinstance(value, URLWrapper):  # Pelican's Tag, Category
        return str(value.name)
    if isinstance(value, (list, tuple)):
        return ", ".join(header_text(v) for v in value)
    if isinstance(value, dt.datetime):  # not Pelican's strftime: it is slow, and this is ISO anyway
        day = value.date().isoformat()
        return day if (value.hour, value.minute, value.second) == (0, 0, 0) else f"{day} {value:%H:%M:%S}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "slug") and hasattr(value, "name"):  # other name-and-slug wrappers
        return str(value.name)
    return "" if value is None else str(value)


def header_fields(article) -> dict[str, str]:
    return {
        opendata.column_name(key): header_text(value)
        for key, value in article.metadata.items()
        if opendata.is_header_key(key)
    }


def row_head(article) -> opendata.RowHead:
    """What the rows' order, ids and columns need of ARTICLE, without making its row."""
    meta = article.metadata
    return opendata.RowHead(
        date=header_text(meta["date"]) if "date" in meta else "",
        url=article.url,
        identifier=header_text(meta["identifier"]) if "identifier" in meta else "",
        names=opendata.header_names(tuple(meta)),
    )


def bulletin_of(article) -> opendata.Bulletin:
    return opendata.Bulletin(
        url=article.url, fields=header_fields(article), text=documents.html_text(article_body(article))
    )


def article_body(article) -> str:
    """The body as read (Pelican's ``content`` only rewrites link targets inside tags, which
    ``html_text`` drops), so rows never make Pelican re-process a body."""
    if hasattr(article, "_get_content") or not hasattr(article, "_content"):
        return article.content
    return article._content


def article_digest(article) -> str:
    """What an article's row is made of, cheaply: its URL and its source file (path, size and
    mtime, as the page writer sees it; settings and code are digested once for all)."""
    return f"{article.url}\0{fingerprint.article_token(article)}"


def article_digests(articles) -> list[str]:
    """``article_digest`` of each of ARTICLES, in order: the rows' sources."""
    return [article_digest(a) for a in articles]


def code_digest(settings) -> str:
    """The settings and the modules that turn articles into rows and rows into files: when one
    changes, so may every row."""
    h = hashlib.sha256(fingerprint.settings_digest(settings).encode())
    for module in (opendata, opendata_reuse, opendata_sqlite, opendata_state, documents):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def beside_pages(settings) -> bool:
    """Whether changed rows are written by a fork while the pages are (``forked.beside``), in a
    cold build as in a rebuild. At niceness 19 the fork takes what the page writers and the
    index leave: a cold build at 100,000 bulletins made its rows in the build for 10.1 s, with
    the database built meanwhile by a child at the build's priority, and took 325.7 s; with the
    fork, 305.1 s (in turn, the same code), its build process peaking at 916 MB against 958."""
    return forked.beside(settings.get("BULLETINS_DATA_BESIDE_PAGES"), True)


def human_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


class OpenDataGenerator(Generator):
    """Rows and text files while the context is built, and the database changed in place or
    built in a child process while Pelican renders the pages; the data page once it is there.
    All of that but the page is done by a fork of the build (``beside_pages``), begun once the
    articles are read (``begin_early``), so the build goes on at once. Nothing but
    a digest of the articles when they are what the last build wrote out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.begun = False
        _MADE[:] = [self]

    def generate_context(self):
        url = self.context["BULLETINS_DATA_URL"] = self.settings["BULLETINS_DATA_URL"]
        self.context.setdefault("bulletins_sitemap_urls", []).append(url)
        self.begin()

    def begin(self) -> None:
        """The rows, files and database begun (``begin_early``, else at ``generate_context``); once."""
        if self.begun:
            return
        self.begun = True
        started = time.perf_counter()
        self.folder = Path(self.output_path) / self.settings["BULLETINS_DATA_DIR"]
        self.state_file = Path(self.settings["CACHE_PATH"]) / DATA_STATE
        self.commit_file = self.state_file.with_name(DATABASE_COMMIT)
        articles = list(self.context.get("articles", ()))
        old = opendata_state.load(self.state_file, whole=False)
        code = code_digest(self.settings)
        sources = article_digests(articles)
        inputs = opendata_state.inputs_digest(sources, code)
        self.written = dict.fromkeys(DATA_FILES, False)
        self.sqlite = self.child = None
        self.pending: tuple | None = None
        self.reused = 0
        if old.inputs == inputs and opendata_state.files_unchanged(self.folder, old.files, DATA_FILES):
            self.state = old  # kept as is (not saved again), its rows and sources never read
        else:
            self.pending = (articles, sources, inputs, code)
            if beside_pages(self.settings):
                self.child = forked.start(self._made_beside, "open data", beside=True)
            if self.child is None:
                self.state = self._write_files(*self.pending)
            else:  # the fork has the rows' sources; the build makes them again only if it fails
                self.pending = (articles, None, inputs, code)
        self.seconds = time.perf_counter() - started

    def _made_beside(self):
        """In a fork of the build, while the pages are written: the files and the database
        (what ``generate_output`` would otherwise finish), the state saved, and the figures it
        logs. The build gets the state without its rows and sources (at 100,000 bulletins their
        copy took some 80 MB of the build to its end, for nothing)."""
        started = time.perf_counter()
        state = self._write_files(*self.pending)
        self._finish_database(state)
        opendata_state.save(self.state_file, state)
        lean = dataclasses.replace(state, rows={}, sources={})
        return lean, self.written, self.reused, time.perf_counter() - started

    def _finish_database(self, state: opendata_state.DataState) -> None:
        self.written[opendata.SQLITE] = self.sqlite.finish()
        self.sqlite = None
        state.files = {name: opendata_state.file_stamp(self.folder / name) for name in DATA_FILES}

    def _write_files(self, articles, sources, inputs: str, code: str):
        """JSONL and CSV where their bytes change, made one row at a time and never held whole
        (the rows of unchanged articles taken from the last build's files); the database updated
        from the rows that differ from the last build's state (read here, whole: in a fork, the
        build itself never reads its rows), or built afresh from the JSONL file; the new state,
        saved once the database is in place."""
        old = opendata_state.load(self.state_file)
        cols, order = opendata.row_plan(map(row_head, articles))
        reuse = opendata_reuse.old_rows(self.folder, old, cols, code)

        def rows(reuse):
            for index, row_id in order:
                taken = reuse.take(row_id, sources[index]) if reuse is not None else None
                yield taken or opendata.row_bytes(cols, opendata.row_values(cols, row_id, bulletin_of(articles[index])))

        try:
            written, digests, sizes, count = opendata.write_row_bytes(self.folder, cols, rows(reuse), reuse)
        except OSError as err:  # the last build's files cut short while being copied: every row made
            if reuse is None:
                raise
            logger.warning("open_data: the last build's rows could not be copied (%s); every row is made again", err)
            reuse.close()
            reuse = None
            written, digests, sizes, count = opendata.write_row_bytes(self.folder, cols, rows(None))
        finally:
            if reuse is not None:
                self.reused = reuse.taken
                reuse.close()
        self.written.update(written)
        key = opendata_sqlite.sqlite_key(cols)
        files = {name: opendata_state.file_stamp(self.folder / name) for name in DATA_FILES}
        committed = opendata_state.load_commit(self.commit_file)
        held = opendata_state.held_rows(old, key, files[opendata.SQLITE], committed, opendata.SQLITE)
        changes = opendata_state.row_changes(held, digests) if held is not None else None
        # Rows are found again by id: with two rows of one id (never in a site, whose URLs are
        # unique) nothing is kept, and the next build makes every row afresh.
        by_id = sizes if len(sizes) == count else None  # also where the new rows lie (``JsonlRows``)
        made = {row_id: [sources[index], *by_id[row_id]] for index, row_id in order} if by_id is not None else {}
        state = opendata_state.DataState(
            inputs=inputs, columns=cols, count=count, sqlite_key=key, rows=digests, code=code, sources=made
        )
        self.commit_file.unlink(missing_ok=True)  # it spoke of an earlier database
        opendata_state.save(self.state_file, opendata_state.rows_written(state, held, files, opendata.SQLITE))
        jsonl, database = self.folder / opendata.JSONL, self.folder / opendata.SQLITE

        def went_in():  # the database's stamp the moment the change is in (``held_rows``)
            opendata_state.save_commit(self.commit_file, opendata_state.file_stamp(database), key)

        self.sqlite = opendata_sqlite.start(database, jsonl, cols, JsonlRows(jsonl, count, by_id), changes, went_in)
        return state

    def generate_output(self, writer):
        started = time.perf_counter()
        if self.pending is not None:  # the files changed: the state is saved once all is in place
            self._settle()
        self._write_page(writer, self.state.columns, self.state.count)
        logger.info(
            "open_data: %d bulletins (%d rows taken from the last build), %d of %d files written, %.1f s",
            self.state.count,
            self.reused,
            sum(self.written.values()),
            len(self.written),
            self.seconds + time.perf_counter() - started,
        )

    def _settle(self) -> None:
        """The fork's files and figures (it saved the state), or (no fork, or a failed one) the
        files made here and the state saved."""
        done, made = forked.finish(self.child) if self.child is not None else (False, None)
        if done:
            self.state, self.written, self.reused, self.seconds = made
        else:
            if self.child is not None:  # the fork failed: make everything here, as a plain build
                self.written = dict.fromkeys(DATA_FILES, False)
                articles, _, inputs, code = self.pending
                self.state = self._write_files(articles, article_digests(articles), inputs, code)
            self._finish_database(self.state)
            opendata_state.save(self.state_file, self.state)
        self.child = self.pending = None

    def _write_page(self, writer, cols, count):
        s = self.settings
        folder = s["BULLETINS_DATA_DIR"]
        out = Path(self.output_path)
        # The database is changed in place by rebuilds, so its size depends on the build history:
        # the page leaves it out and stays what a cold build of the same articles writes.
        # The archive's CSL-JSON file is listed when the citations plugin is configured (not when
        # the file exists: the page must not depend on which generator ran first), without a size.
        unsized = [opendata.SQLITE] + [ARCHIVE_CSL] * (CITATIONS in map(str, s.get("PLUGINS") or ()))
        files = [
            {"name": name, "url": f"{folder}/{name}", "size": human_size((out / folder / name).stat().st_size)}
            for name in (opendata.JSONL, opendata.CSV)
        ] + [{"name": name, "url": f"{folder}/{name}", "size": ""} for name in unsized]
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
