"""The Pelican side of the search index: a generator whose ``generate_output`` Pelican calls
after the built-in article and page generators', and which builds the index there or takes it
from a fork of the build that made it while the pages were written (below). It reads the
articles from ``context["articles"]`` (never from disk) and hands plain ``SearchDoc``
records to the pure ``build_index``, with Pelican's ``CACHE_PATH`` as its cache folder: a
rebuild tokenizes only the articles whose text changed and rewrites only the index files
whose bytes change; with the content cache on, an article whose source file, URL, status and
category are the last build's is not even made into a ``SearchDoc`` again (``search.docmemo``).
``SEARCH_INDEX_JOBS`` is the number of processes that tokenize (default
``None``: the processors, at most 4, and one for a small archive); ``SEARCH_INDEX_MEMORY``
about the bytes of posting lists held in memory before a sorted run is spilled to the cache
folder (default 64 MB). Neither changes the index. ``SEARCH_INDEX_DIRECT_SHARDS`` (default
4,096) is the most term shards the manifest names itself; past it, it names directories of
them (``build.DIRECT_SHARDS``). The articles' text is extracted when the builder asks for it,
not held for the whole archive.

With ``SEARCH_INDEX_BESIDE_PAGES`` the index is built in a forked copy of the build while
this process goes on; ``generate_output`` then takes its figures. The fork begins once what
the index reads is settled (each article's URL, title, date, text, category, people, documents
and the gazette's status): when the gazette's generator has set the statuses
(``begin_when_settled``, on ``statuses_settled``), else at this generator's own
``generate_context``, so that it works beside the entity pages' grouping, the citations' fields,
the open data's files and the articles' slimming as well as the pages (an unchanged rebuild at
100,000 bulletins spends some 10 s there). Where an article links a static file (``{static}``,
``{attach}``) or the site has ``STATIC_PATHS``, the static generator, which Pelican runs last,
settles those links, so the fork begins at ``get_writer`` instead, when every generator's
context is complete.
By default (``None``) only a rebuild does so, one whose cache folder holds the last index's
record: a cold build already keeps both processors busy with its page writers and tokenizers,
and adding the fork there made it slower (measured at 100,000 bulletins: 316 s against
297 s). The index is made from the same articles either way (tested byte for byte); a fork
that fails has the index built here, where its error surfaces as in a plain build.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from pelican.generators import Generator

from bulletins.plugins.incremental import forked, readcache
from bulletins.search import docmemo
from bulletins.search.build import DIRECT_SHARDS, IndexStats, build_index
from bulletins.search.documents import article_memo_key, article_source
from bulletins.search.filerecord import RECORD_FILE
from bulletins.search.runs import BUDGET
from bulletins.site import fingerprint
from bulletins.site.config import Option, settings_check
from bulletins.site.lifecycle import STATUSES_PENDING

logger = logging.getLogger(__name__)

INDEX_DIR = "search"


def is_jobs(value: object) -> bool:
    """``None`` (the default) or a whole number of processes, at least 1."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)


def is_memory(value: object) -> bool:
    """A whole number of bytes, at least 1 MB."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 2**20


def is_count(value: object) -> bool:
    """A whole number, at least 0."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


DEFAULT_MEMORY = BUDGET
# The index's fork beside the pages runs ahead of the other forks there (the open data's and the
# citations', at ``forked.BESIDE_NICENESS``): after a change its work is the longest of theirs and
# the build waits for it at the end. At 100,000 bulletins, in turn on one archive, niceness 19 /
# 10: + the newest 31.0 and 30.3 s / 29.8, 29.3 s; - one 37.0 and 37.8 s / 34.2, 34.0 s (the wait
# for the index 7.1 and 8.9 s / 1.3, 3.1 s). At 5: 29.8 and 33.6 s, the build's pages slower.
INDEX_NICENESS = 10
OPTIONS = (
    Option("SEARCH_INDEX_JOBS", None, is_jobs, "a whole number of processes >= 1, or None"),
    Option("SEARCH_INDEX_MEMORY", DEFAULT_MEMORY, is_memory, "a whole number of bytes >= 1048576"),
    forked.beside_option("SEARCH_INDEX_BESIDE_PAGES"),
    Option("SEARCH_INDEX_DIRECT_SHARDS", DIRECT_SHARDS, is_count, "a whole number of shards >= 0"),
)
configure = settings_check(OPTIONS)


def memo_key(article) -> str:
    """``article_memo_key`` of ARTICLE, by the stamp of its source file (``fingerprint``)."""
    return article_memo_key(fingerprint.article_token(article), article)


def get_generators(pelican):
    return SearchIndexGenerator


_GENERATORS: list[SearchIndexGenerator] = []  # made for the build under way, not yet begun


def beside_pages(settings) -> bool:
    """Whether the index is built beside the pages (``forked.beside``): a rebuild is one whose
    cache folder holds the record of an index built before."""
    cache = settings.get("CACHE_PATH")
    rebuild = bool(cache) and (Path(cache) / RECORD_FILE).is_file()
    return forked.beside(settings.get("SEARCH_INDEX_BESIDE_PAGES"), rebuild)


def begin_beside_pages(pelican) -> None:
    """``get_writer``: the index of the build PELICAN runs begun in a fork, when wanted and not
    begun already."""
    while _GENERATORS:
        generator = _GENERATORS.pop()
        if generator.settings is pelican.settings and beside_pages(generator.settings):
            generator.begin_beside_pages()  # once: not where it began already


def begin_when_settled(sender) -> None:
    """``statuses_settled``: the index of the build whose gazette generator SENDER has just set
    every status begun in a fork now, when it can be made before the generators after that one
    and is wanted beside the pages. With the gazette listed ahead of the entity pages, the
    fork begins some 4 s sooner in a rebuild of 100,000 bulletins (their grouping, the raw
    copies, the site's metadata no longer ahead of it)."""
    for generator in _GENERATORS:
        same_build = generator.settings is sender.settings and generator.context is sender.context
        if same_build and settled_early(generator.context, generator.settings) and beside_pages(generator.settings):
            generator.begin_beside_pages()


def settled_early(context, settings) -> bool:
    """Whether the index can be made before the generators after this one have made their
    context: no article links a static file, the site has no static paths, and no generator made
    for this build has articles' statuses still to set (the gazette's, when it runs after this
    one: ``STATUSES_PENDING``). The order of the generators is the order their plugins
    registered, which in one process that ran builds of other plugin lists (a test run) need
    not be ``PLUGINS``'s, and a plugin registered by an earlier build runs in this one too."""
    pending = context.get(STATUSES_PENDING, False)
    return not context.get("static_links") and not settings.get("STATIC_PATHS") and not pending


class SearchIndexGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child: tuple[int, int] | None = None
        _GENERATORS[:] = [self]

    def generate_context(self):
        if settled_early(self.context, self.settings) and beside_pages(self.settings):
            self.begin_beside_pages()

    def begin_beside_pages(self) -> None:
        """The index begun in a fork beside the pages, at ``INDEX_NICENESS`` (``finish`` in
        ``generate_output``; without a fork, the build makes it there); once only."""
        if self.child is None:
            self.child = forked.start(self.build_in_fork, "search index", beside=True, niceness=INDEX_NICENESS)

    def build_in_fork(self) -> IndexStats:
        gc.enable()  # a fork begun in generate_context inherits the collector off (collector.py)
        return self.build(pack_jobs=1)

    def build(self, pack_jobs: int | None = None) -> IndexStats:
        """The index of the build's articles. PACK_JOBS: 1 beside the pages, where the build and
        the other forks keep both processors busy: a packer process there only added its pickling
        (at 100,000 bulletins, in turn, a removal's index 13.0 and 12.2 CPU s with the packer, 8.8
        and 10.7 s without; the rebuild 36.7 and 34.6 s against 34.2 and 34.0 s)."""
        articles = self.context.get("articles", ())
        cache = self.settings.get("CACHE_PATH") or None
        jobs = self.settings.get("SEARCH_INDEX_JOBS")
        memory = self.settings.get("SEARCH_INDEX_MEMORY", DEFAULT_MEMORY)
        out = Path(self.output_path) / INDEX_DIR
        direct = self.settings.get("SEARCH_INDEX_DIRECT_SHARDS", DIRECT_SHARDS)
        source = article_source(list(articles), memo_key)
        memo = docmemo.open_memo(cache, readcache.recorded_key(self.settings))
        return build_index(
            source, out, cache_dir=cache, jobs=jobs, memory=memory, direct_shards=direct, memo=memo, pack_jobs=pack_jobs
        )

    def generate_output(self, writer):
        done, stats = forked.finish(self.child) if self.child is not None else (False, None)
        self.child = None
        if not done:
            stats = self.build()
        logger.info(
            "search index: %d bulletins (%d made again), %d files (%d written, %d removed; %d of %d term shards "
            "kept unmade), %.1f MB, %d tokenized, %.1f s",
            stats.docs,
            stats.docs - stats.reused,
            stats.files,
            stats.written,
            stats.removed,
            stats.shards_kept,
            stats.shards,
            stats.bytes / 1e6,
            stats.tokenized,
            stats.seconds,
        )
