"""The Pelican side of the search index: a generator that runs after the pages are written.

Pelican calls plugin generators' ``generate_output`` after the built-in article and page
generators, so the index is written once the articles it points to exist. It reads the
articles from ``context["articles"]`` (never from disk) and hands plain ``SearchDoc``
records to the pure ``build_index``, with Pelican's ``CACHE_PATH`` as its cache folder: a
rebuild tokenizes only the articles whose text changed and rewrites only the index files
whose bytes change. ``SEARCH_INDEX_JOBS`` is the number of processes that tokenize (default
``None``: the processors, at most 4, and one for a small archive); ``SEARCH_INDEX_MEMORY``
about the bytes of posting lists held in memory before a sorted run is spilled to the cache
folder (default 64 MB). Neither changes the index. The articles' text is extracted when the
builder asks for it, not held for the whole archive.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from bulletins.search.build import build_index
from bulletins.search.documents import article_source
from bulletins.search.runs import BUDGET
from bulletins.site.config import Option, settings_check

logger = logging.getLogger(__name__)

INDEX_DIR = "search"


def is_jobs(value: object) -> bool:
    """``None`` (the default) or a whole number of processes, at least 1."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)


def is_memory(value: object) -> bool:
    """A whole number of bytes, at least 1 MB."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 2**20


DEFAULT_MEMORY = BUDGET
OPTIONS = (
    Option("SEARCH_INDEX_JOBS", None, is_jobs, "a whole number of processes >= 1, or None"),
    Option("SEARCH_INDEX_MEMORY", DEFAULT_MEMORY, is_memory, "a whole number of bytes >= 1048576"),
)
configure = settings_check(OPTIONS)


def get_generators(pelican):
    return SearchIndexGenerator


class SearchIndexGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        articles = self.context.get("articles", ())
        cache = self.settings.get("CACHE_PATH") or None
        jobs = self.settings.get("SEARCH_INDEX_JOBS")
        memory = self.settings.get("SEARCH_INDEX_MEMORY", DEFAULT_MEMORY)
        out = Path(self.output_path) / INDEX_DIR
        stats = build_index(article_source(list(articles)), out, cache_dir=cache, jobs=jobs, memory=memory)
        logger.info(
            "search index: %d bulletins, %d files (%d written, %d removed), %.1f MB, %d tokenized, %.1f s",
            stats.docs,
            stats.files,
            stats.written,
            stats.removed,
            stats.bytes / 1e6,
            stats.tokenized,
            stats.seconds,
        )
