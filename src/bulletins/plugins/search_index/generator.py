"""The Pelican side of the search index: a generator that runs after the pages are written.

Pelican calls plugin generators' ``generate_output`` after the built-in article and page
generators, so the index is written once the articles it points to exist. It reads the
articles from ``context["articles"]`` (never from disk) and hands plain ``SearchDoc``
records to the pure ``build_index``, with Pelican's ``CACHE_PATH`` as its cache folder: a
rebuild tokenizes only the articles whose text changed and rewrites only the index files
whose bytes change.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from bulletins.search.build import build_index
from bulletins.search.documents import from_article

logger = logging.getLogger(__name__)

INDEX_DIR = "search"


def get_generators(pelican):
    return SearchIndexGenerator


class SearchIndexGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        articles = self.context.get("articles", ())
        docs = [from_article(article) for article in articles]
        cache = self.settings.get("CACHE_PATH") or None
        stats = build_index(docs, Path(self.output_path) / INDEX_DIR, cache_dir=cache)
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
