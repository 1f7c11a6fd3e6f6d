"""The Pelican side of the citations.

While the context is built, each article gets ``bulletins_citation`` (what its page shows, from
``bulletins.site.citation``, made only when a page reads it); its ``.bib``, ``.ris`` and ``.json``
are written beside the page and the archive's CSL-JSON into the data folder, each file only when
its bytes change. In a rebuild (``beside_pages``) a fork of the build makes the fields of the
articles that changed and writes their files while the build writes the pages (at 100,000
bulletins some 5 s of a rebuild's one process); else the build does it once the pages are
written.

``CACHE_PATH`` keeps, for every article, the input key its files were made from (``store``), its
citation date and the files' sizes and mtimes: an unchanged article's fields are not even made,
and the files of an article that is gone are removed. The archive's CSL-JSON is written one item
at a time into a temporary file (at 100,000 articles, rendering it whole held some 300 MB at the
build's peak), with the last build's line of every unchanged item; and not at all when its items
are the last build's (their dates, pages and input keys, in the file's order) and the file is
the one that build wrote.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from pelican.generators import Generator

from bulletins.plugins.citations import store
from bulletins.plugins.compact.sharing import GROUPS
from bulletins.plugins.compact.slim import SLIM
from bulletins.plugins.incremental import forked
from bulletins.plugins.open_data.generator import header_text
from bulletins.site import citation, opendata
from bulletins.site.config import settings_check
from bulletins.site.folderstat import FolderStats
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import place_noted, with_suffix
from bulletins.site.sitemap import join_url

logger = logging.getLogger(__name__)

STAMPS_CACHE = store.STAMPS
CSL_CACHE = store.CSL_CACHE
# The header fields a reference uses (Pelican's lowercased keys; columns as the open data names them).
CITED_HEADERS = ("date", "publisher", "identifier", "docnumber")
OPTIONS = (forked.beside_option("BULLETINS_CITATIONS_BESIDE_PAGES"),)
# Articles whose files one round of processes writes: a round's jobs and the records its
# processes send back are held at once (a cold build at 1,000,000 bulletins held all of them,
# its citations peaking 737 MB over their end). Each round forks anew: at a million, rounds of
# 10,000 took 164 s more (peak 4,822 against 5,294 MB); ten rounds there, one at 100,000.
ROUND = 100_000
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


def input_parts(article, public: str, save_as: str) -> tuple:
    """What ``fields_for`` makes an article's fields from, as Pelican read it (``store.input_key``);
    SAVE_AS: the article's, read once by the caller (Pelican works it out anew at each read)."""
    meta = article.metadata
    original = getattr(article, "bulletins_original", None)
    return (
        public,
        article.title,
        save_as,
        article.url,
        original.target if original else None,
        [meta.get(key) for key in CITED_HEADERS],
    )


def file_names(save_as: str) -> list[str]:
    """The page's citation files, ``citation.file_path`` of each kind: they differ only in
    their suffix, so the stem is worked out once (for every article of every rebuild)."""
    stem = with_suffix(save_as, "")
    return [f"{stem}.{suffix}" for suffix, _ in citation.FILE_KINDS]


def shared_files(pages: Iterable[str]) -> set[int]:
    """The indexes of the articles (their PAGES, ``save_as``, in turn) whose citation files
    another article's are too (one page twice, or ``x.htm`` and ``x.html``): their files are
    written in turn in every build, so the last one's stand, as in a cold build."""
    first: dict[str, int] = {}
    shared: set[int] = set()
    suffix = citation.FILE_KINDS[0][0]  # the three files share one stem: the first names them all
    for index, save_as in enumerate(pages):
        other = first.setdefault(citation.file_path(save_as, suffix), index)
        if other != index:
            shared.update((other, index))
    return shared


def write_files(out: str, save_as: str, fields: citation.CitationFields, key: str) -> tuple[int, tuple]:
    """Write an article's .bib, .ris and .json where their bytes change: how many were written,
    and the article's record (``store.make_record``: KEY, the date, each file's size and mtime)."""
    written, stamps = 0, []
    for name, data in zip(file_names(save_as), citation.file_bytes(fields).values()):
        changed, st = place_noted(os.path.join(out, name), data)
        written += changed
        stamps.extend((st.st_size, st.st_mtime_ns))
    return written, store.make_record(key, fields.date, stamps)


def _write_entry(out: str, public: str, entry: tuple) -> tuple[int, tuple]:
    """``write_files`` for one ``(key, article)`` entry, its fields made by the process that
    writes them and let go at once: at 100,000 bulletins a cold build's citations, holding every
    article's fields and file names, were its peak (1,009 MiB)."""
    key, article = entry
    return write_files(out, article.save_as, fields_for(article, public), key)


def remove_stale(out: Path, old: dict, new: dict) -> int:
    """Delete the files of the pages in OLD (paths under OUT) that NEW no longer has; how many
    went. OLD may still be in the form of an earlier version (a file name -> ``[key, size,
    mtime_ns]``): such a file goes unless a page of NEW makes it."""
    legacy = {name for name, record in old.items() if not store.is_record(record)}
    made = {name for save_as in new for name in file_names(save_as)} if legacy else set()
    gone = {name for save_as in set(old) - set(new) - legacy for name in file_names(save_as)}
    removed = 0
    for name in sorted(gone | (legacy - made)):
        path = out / name
        if ".." not in Path(name).parts and path.is_file():
            path.unlink()
            removed += 1
    return removed


def write_csl(path: Path, order: Sequence, line_of, old=None) -> int:
    """The archive's CSL-JSON (``store.splice_csl``): 1 when the file was replaced."""
    return int(store.splice_csl(path, order, line_of, old))


def update_csl(path: Path, order: Sequence, line_of, make_line, cache: Path) -> int:
    """The archive's file unless its record in the cache folder CACHE says it was written from
    the same items and it is untouched since (its size and mtime): 1 when the file was replaced.
    ORDER: the items' (date, page, input key) in the file's order; ``line_of(i)``: the I-th
    item's line when its fields were made in this build, else None; ``make_line(i)``: the I-th
    item's line, made."""
    key, last = store.items_key(order), store.load_csl_record(cache)
    if last.get("key") == key and last.get("stamp") is not None and last.get("stamp") == file_stamp(path):
        return 0
    old, replaced = store.old_lines(path, last), None
    if old is not None:
        with contextlib.suppress(KeyError):  # a page not found in its order: every item made
            replaced = write_csl(path, order, line_of, old)
    if replaced is None:  # no usable file of the last build
        replaced = write_csl(path, order, make_line)
    store.save_csl_record(cache, key, path, [save_as for _, save_as, _ in order])
    return replaced


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
        if _LAST[0] is not self._article or _LAST[1] != self._public:
            fields = fields_for(self._article, self._public)
            _LAST[:] = [self._article, self._public, citation.article_citation(fields, self._article.save_as)]
        return getattr(_LAST[2], name)


_LAST: list = [None, None, None]  # the article whose citation was last read, its public URL, the citation


class CitationOf:
    """``bulletins_citation`` on a class of this build's articles: a ``LazyCitation`` made at each
    read, so that an article holds none (at a million articles, 48 bytes and a slot of its
    dict each: some 56 MB from the context to the build's end). An article of the class given
    none (a draft, a hidden article, a translation: EXCLUDED, by identity) has none, as
    before. Not a data descriptor: one set on the article itself comes first."""

    __slots__ = ("excluded", "public")

    def __init__(self, public: str, excluded: frozenset[int] = frozenset()):
        self.public, self.excluded = public, excluded

    def __get__(self, article, owner=None):
        if article is None:
            return self
        if self.excluded and id(article) in self.excluded:
            raise AttributeError("bulletins_citation")
        return LazyCitation(article, self.public)


def give_citations(articles: Iterable, public: str, others: Iterable = ()) -> None:
    """Every article of ARTICLES its ``bulletins_citation``, none of OTHERS (the build's drafts,
    hidden articles and translations): through its class where the class is one the build
    made for its articles (``compact.slim``'s, the article cache's), else on the article
    itself (Pelican's own class, which other builds of the process share)."""
    excluded = frozenset(id(other) for other in others)
    classes: set[type] = set()
    for article in articles:
        cls = type(article)
        if cls not in classes and getattr(cls, SLIM, False):
            cls.bulletins_citation = CitationOf(public, excluded)
            classes.add(cls)
        if cls in classes:
            article.__dict__.pop("bulletins_citation", None)
        else:
            article.bulletins_citation = LazyCitation(article, public)


def others_of(context: dict, articles: Sequence) -> list:
    """The articles of CONTEXT besides ARTICLES (its published originals, which Pelican's other
    groups never hold): its drafts, hidden articles and translations, and every translation of
    those and of ARTICLES. Nothing is made per article of ARTICLES (a set of a million articles'
    identities would take some 64 MB, in the build's prepare phase)."""
    found = [a for name in GROUPS if name != "articles" for a in context.get(name, ()) or ()]
    for article in itertools.chain(articles, list(found)):
        translations = getattr(article, "translations", None)
        if translations:
            found.extend(translations)
    return found


class CitationsGenerator(Generator):
    """``bulletins_citation`` on every article; its files and the archive's CSL-JSON, written
    by a fork while the pages are (``beside_pages``) or by the build once they are."""

    def generate_context(self):
        started = time.perf_counter()
        self.public = self.settings.get("BULLETINS_PUBLIC_URL", "")
        self.articles = list(self.context.get("articles", ()))
        give_citations(self.articles, self.public, others_of(self.context, self.articles))
        self.stamps = Path(self.settings["CACHE_PATH"]) / STAMPS_CACHE
        beside = beside_pages(self.settings, self.stamps)
        self.child = forked.start(functools.partial(self._write_files, 1), "citations", beside=True) if beside else None
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
        """The files of every article whose input key or files changed (by JOBS processes,
        ``ROUND`` articles at a time), the archive's CSL-JSON, the stale files removed and the
        records saved: how many files were written, for how many pages, how many were removed,
        and the seconds it took."""
        started = time.perf_counter()
        out, cache = Path(self.output_path), self.stamps.parent
        old = store.load_records(cache)
        items = _Items([article.save_as for article in self.articles])
        shared, new, count = shared_files(items.pages), {}, 0  # page -> record
        write = functools.partial(_write_entry, str(out), self.public)
        with FolderStats(str(out)) as stats:
            for first in range(0, len(items.pages), ROUND):
                changed = []  # (key, article) of this round's articles to write
                for index in range(first, min(first + ROUND, len(items.pages))):
                    article, save_as = self.articles[index], items.pages[index]
                    key = store.input_key(input_parts(article, self.public, save_as))
                    record = old.get(save_as)
                    if index not in shared and store.fresh_record(record, key, stats, file_names(save_as)):
                        new[save_as] = record
                        items.keys.append(record[0])  # the record's equal key: one string held, not two
                        items.dates.append(record[1])
                    else:  # pages sharing files are all written, in turn, as a cold build does
                        items.keys.append(key)
                        changed.append((key, article))
                        items.changed[index] = 1
                        items.dates.append(None)  # the date its fields give, once written
                count += self._write_round(changed, write, jobs, items, new, first)
        count += self._update_csl(out, items)
        removed = remove_stale(out, old, new)
        store.save_records(cache, new)
        return count, len(new), removed, time.perf_counter() - started

    @staticmethod
    def _write_round(changed: list, write, jobs: int, items: _Items, new: dict, first: int) -> int:
        """The files of a round's CHANGED articles (those of ITEMS marked from FIRST on) written
        by WRITE over JOBS processes, their records put in NEW and their dates in ITEMS: how
        many files were written."""
        done, count = iter(forked.run_jobs(changed, write, jobs)), 0
        for index in range(first, min(first + ROUND, len(items.pages))):
            if items.changed[index]:
                written_now, (_, date, stamps) = next(done)
                date = items.days.setdefault(date, date)  # the date its fields gave, one string a day
                new[items.pages[index]] = (items.keys[index], date, stamps)  # the key held already
                items.dates[index] = date
                count += written_now
        return count

    def _update_csl(self, out: Path, items: _Items) -> int:
        """``update_csl`` over ITEMS (per article: date, page, input key, and whether its files
        were written in this build: its line is then made again) in the file's order (by date
        and page; ties in the articles' order, as a cold build has them); every item's fields
        made only when the last build's file cannot be used."""
        dates, pages = items.dates, items.pages
        ordered = sorted(range(len(pages)), key=pages.__getitem__)
        ordered.sort(key=dates.__getitem__)  # stable: by date, then page, with no key tuple made
        order = _Order(items, ordered)

        def make_line(k: int) -> bytes:
            return store.item_line(fields_for(self.articles[ordered[k]], self.public))

        def line_of(k: int):
            return make_line(k) if items.changed[ordered[k]] else None

        csl = out / self.settings.get("BULLETINS_DATA_DIR", "data") / citation.ARCHIVE_CSL
        return update_csl(csl, order, line_of, make_line, self.stamps.parent)


class _Order:
    """ITEMS' ``(date, page, input key)`` in the file's order (ORDERED: their indexes), each
    made when read: with a list of them (a tuple a bulletin) and the sort's key tuples, a
    million items' order held 112.6 MB, 40.0 so (peak 56.0, traced)."""

    def __init__(self, items, ordered: list[int]):
        self.items, self.ordered = items, ordered

    def __len__(self) -> int:
        return len(self.ordered)

    def __getitem__(self, at: int) -> tuple:
        i, items = self.ordered[at], self.items
        return items.dates[i], items.pages[i], items.keys[i]

    def __iter__(self):
        items = self.items
        for i in self.ordered:
            yield items.dates[i], items.pages[i], items.keys[i]


class _Items:
    """Per article, in turn: its page (``save_as``), input key, citation date and whether its
    files are written in this build, as lists side by side (a list of four a bulletin, as
    before, took 88 bytes more each)."""

    def __init__(self, pages: list[str]):
        self.pages = pages
        self.keys: list[str] = []
        self.dates: list = []
        self.changed = bytearray(len(pages))
        self.days: dict[str, str] = {}  # the dates the written articles' fields gave, one string each
