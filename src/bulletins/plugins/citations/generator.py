"""The Pelican side of the citations.

While the context is built, each article gets ``bulletins_citation`` (what its page shows, from
``bulletins.site.citation``, made only when a page reads it); its ``.bib``, ``.ris`` and ``.json``
are written beside the page and the archive's CSL-JSON into the data folder, each file only when
its bytes change. In a rebuild (``beside_pages``) a fork of the build makes every article's
fields and writes those files while the build writes the pages (at 100,000 bulletins some 5 s
of a rebuild's one process); else the build does it once the pages are written.

``CACHE_PATH`` keeps, for every article, the key of the fields its files were made from and
their sizes and mtimes: an unchanged article's files are not even rendered again, and the files
of an article that is gone are removed. The archive's CSL-JSON is made one item at a time into a
temporary file (at 100,000 articles, rendering it whole held some 300 MB at the build's peak),
and not at all when its items are the last build's (the digest of every page's fields key, in
the file's order) and the file is the one that build wrote.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import time
from pathlib import Path

from pelican.generators import Generator

from bulletins.plugins.incremental import forked
from bulletins.plugins.open_data.generator import header_text
from bulletins.site import citation, opendata, written
from bulletins.site.config import settings_check
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import replace_if_changed, write_if_changed, write_json_table
from bulletins.site.sitemap import join_url

logger = logging.getLogger(__name__)

STAMPS_CACHE = "bulletins-citations.json"
CSL_CACHE = "bulletins-citations-csl.json"  # {"key": the items' digest, "stamp": the file's [size, mtime_ns]}
# The header fields a reference uses (Pelican's lowercased keys; columns as the open data names them).
CITED_HEADERS = ("date", "publisher", "identifier", "docnumber")
RECORD = 1 + 2 * len(citation.FILE_KINDS)  # an article's record: fields key, then size and mtime of each file
OPTIONS = (forked.beside_option("BULLETINS_CITATIONS_BESIDE_PAGES"),)
configure = settings_check(OPTIONS)  # ``initialized`` handler


def get_generators(pelican):
    return CitationsGenerator


def beside_pages(settings, stamps: Path) -> bool:
    """Whether a fork writes the files while the pages are written (``forked.beside``): in a
    rebuild (the last build's records at STAMPS) unless the setting says otherwise."""
    return forked.beside(settings.get("BULLETINS_CITATIONS_BESIDE_PAGES"), stamps.is_file())


def fields_for(article, public: str) -> citation.CitationFields:
    """An article -> its citation fields, through the open data's header-to-column mapping."""
    meta = article.metadata
    row = {opendata.column_name(key): header_text(meta[key]) for key in CITED_HEADERS if key in meta}
    row["title"] = header_text(article.title)
    original = getattr(article, "bulletins_original", None)
    pdf = original.target if original and original.target.lower().endswith(".pdf") else ""
    return citation.fields_of(
        row,
        article.save_as,
        join_url(public, article.url),
        public=bool(public),
        pdf_url=join_url(public, pdf) if pdf else "",
    )


@functools.cache
def code_digest() -> str:
    """The bytes of the formats' code: a new version of it rewrites every file once."""
    return hashlib.blake2b(Path(citation.__file__).read_bytes(), digest_size=8).hexdigest()


def fields_key(fields: citation.CitationFields) -> str:
    return hashlib.blake2b(f"{code_digest()}\0{fields!r}".encode(), digest_size=12).hexdigest()


def file_names(save_as: str) -> list[str]:
    return [citation.file_path(save_as, suffix) for suffix, _ in citation.FILE_KINDS]


def write_files(out: str, save_as: str, fields: citation.CitationFields, old: dict) -> tuple[int, list]:
    """Write an article's .bib, .ris and .json unless the last build wrote them from the same
    fields and they are untouched since (same sizes and mtimes): how many were written, and
    the article's record. OLD maps a page (``save_as``) to its record, ``[fields key, size,
    mtime_ns of each file]``: one short list per article, not one per file."""
    key = fields_key(fields)
    names = file_names(save_as)
    record, stamps = old.get(save_as), [file_stamp(os.path.join(out, name)) for name in names]
    fresh = record and len(record) == RECORD and record[0] == key and None not in stamps
    if fresh and record[1:] == [v for found in stamps for v in found]:
        return 0, record
    written, record = 0, [key]
    for name, data in zip(names, citation.file_bytes(fields).values()):
        written += write_if_changed(Path(out) / name, data)
        record.extend(file_stamp(os.path.join(out, name)) or (-1, -1))
    return written, record


def _write_entry(out: str, old: dict, entry) -> tuple[int, list | None]:
    """``write_files`` for one ``(date, save_as, fields)`` entry, its record None when it is
    the last build's: a fork then sends back no copy of it (at 100,000 articles the copies took
    some 50 MB beside the records they copy)."""
    count, record = write_files(out, entry[1], entry[2], old)
    return count, None if record is old.get(entry[1]) else record


def remove_stale(out: Path, old: dict, new: dict) -> int:
    """Delete the files of the pages in OLD (paths under OUT) that NEW no longer has; how many
    went. OLD may still be in the form of an earlier version (a file name -> ``[key, size,
    mtime_ns]``): such a file goes unless a page of NEW makes it."""
    legacy = {name for name, record in old.items() if len(record) != RECORD}
    made = {name for save_as in new for name in file_names(save_as)} if legacy else set()
    gone = {name for save_as in set(old) - set(new) - legacy for name in file_names(save_as)}
    removed = 0
    for name in sorted(gone | (legacy - made)):
        path = out / name
        if ".." not in Path(name).parts and path.is_file():
            path.unlink()
            removed += 1
    return removed


def load_stamps(path: Path) -> dict:
    """What the last build recorded in PATH (page -> its record; or, from an earlier version,
    file name -> ``[key, size, mtime_ns]``); {} if none."""
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stamps, dict):
        return {}
    return {k: v for k, v in stamps.items() if isinstance(v, list) and len(v) in (RECORD, 3)}


def write_csl(path: Path, entries) -> int:
    """The archive's CSL-JSON (``citation.render_csl`` of every entry's item, by date and page),
    made one item at a time into a temporary file that replaces PATH only when the bytes
    differ: 1 when it did."""
    ordered = sorted(range(len(entries)), key=lambda i: entries[i][:2])
    tmp = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = written.hasher(), 0  # for the manifest
    with open(tmp, "wb") as fh:
        for piece in citation.csl_pieces(citation.csl_item(entries[i][2]) for i in ordered):
            data = piece.encode("utf-8")
            fh.write(data)
            digest.update(data)
            size += len(data)
    replaced = replace_if_changed(tmp, path)
    written.note_digest(path, size, digest.hexdigest())  # PATH holds these bytes, replaced or not
    return replaced


def items_key(entries, records: dict) -> str:
    """The digest of the archive's CSL-JSON items: every entry's page and fields key (RECORDS:
    page -> its record), in the file's order (by date, then page)."""
    digest = hashlib.blake2b(code_digest().encode(), digest_size=16)
    for date, save_as, _ in sorted(entries, key=lambda entry: entry[:2]):
        digest.update(f"{date}\0{save_as}\0{records[save_as][0]}\n".encode())
    return digest.hexdigest()


def update_csl(path: Path, entries, records: dict, cache: Path) -> int:
    """``write_csl`` unless CACHE says the file at PATH was written from the same items and it
    is untouched since (its size and mtime): 1 when the file was replaced."""
    key = items_key(entries, records)
    try:
        last = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = None
    if isinstance(last, dict) and last.get("key") == key and last.get("stamp") == file_stamp(path):
        return 0
    written = write_csl(path, entries)
    write_json_table(cache, {"key": key, "stamp": file_stamp(path)})
    return written


class LazyCitation:
    """``citation.article_citation`` of an article's fields, made when a template reads it: a
    rebuild renders the pages of a few articles, and the others' citations are never needed.
    Only the last one made is kept (``_LAST``), for the page being rendered, which reads it
    several times: a cold build renders every page, and kept on each article the citations held
    some 800 bytes an article to the end of the build, their fields some 500 more."""

    __slots__ = ("_article", "_public")

    def __init__(self, article, public: str):
        self._article, self._public = article, public

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if _LAST[0] is not self:
            fields = fields_for(self._article, self._public)
            _LAST[:] = [self, citation.article_citation(fields, self._article.save_as)]
        return getattr(_LAST[1], name)


_LAST: list = [None, None]  # the LazyCitation last read, and what it made


class CitationsGenerator(Generator):
    """``bulletins_citation`` on every article; its files and the archive's CSL-JSON, written
    by a fork while the pages are (``beside_pages``) or by the build once they are."""

    def generate_context(self):
        started = time.perf_counter()
        self.public = self.settings.get("BULLETINS_PUBLIC_URL", "")
        self.articles = list(self.context.get("articles", ()))
        for article in self.articles:
            article.bulletins_citation = LazyCitation(article, self.public)
        self.stamps = Path(self.settings["CACHE_PATH"]) / STAMPS_CACHE
        beside = beside_pages(self.settings, self.stamps)
        self.child = forked.start(functools.partial(self._write_files, 1)) if beside else None
        self.seconds = time.perf_counter() - started

    def generate_output(self, writer=None):
        started = time.perf_counter()
        done, made = forked.finish(self.child) if self.child is not None else (False, None)
        if not done:  # no fork, or a failed one: written here, as a plain build does
            made = self._write_files(self.settings.get("BULLETINS_WRITE_JOBS", 1))
        written, pages, removed, seconds = made
        in_fork = seconds if done else 0.0  # else SECONDS are part of this process's own
        self.child = self.articles = None
        logger.info(
            "citations: %d bulletins, %d of %d files written, %d removed, %.1f s (%.1f s of it in a fork)",
            pages,
            written,
            pages * len(citation.FILE_KINDS) + 1,
            removed,
            self.seconds + time.perf_counter() - started + in_fork,
            in_fork,
        )

    def _write_files(self, jobs: int) -> tuple[int, int, int, float]:
        """Every article's files where they change (by JOBS processes), the archive's CSL-JSON,
        the stale files removed and the records saved: how many files were written, for how many
        pages, how many were removed, and the seconds it took."""
        started = time.perf_counter()
        out = Path(self.output_path)
        entries = []
        for article in self.articles:
            fields = fields_for(article, self.public)
            entries.append((fields.date, article.save_as, fields))
        old, new = load_stamps(self.stamps), {}
        count = 0
        done = forked.run_jobs(entries, functools.partial(_write_entry, str(out), old), jobs)
        for (_, save_as, _), (written_now, record) in zip(entries, done):
            count += written_now
            new[save_as] = old[save_as] if record is None else record
        del done
        csl = out / self.settings.get("BULLETINS_DATA_DIR", "data") / citation.ARCHIVE_CSL
        count += update_csl(csl, entries, new, self.stamps.with_name(CSL_CACHE))
        removed = remove_stale(out, old, new)
        write_json_table(self.stamps, new)
        return count, len(new), removed, time.perf_counter() - started
