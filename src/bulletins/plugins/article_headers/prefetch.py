"""The articles' Markdown converted ahead of Pelican's reading loop, over ``BULLETINS_READ_JOBS``
processes (this one and forked copies of it, ``bulletins.plugins.incremental.forked``).

Pelican reads one article after another in one process; converting a bulletin's Markdown is
most of that time and depends on nothing but the file. When Pelican is about to read its first
article, every article file it will read (not in its content cache) is converted at once, spread
over the processes; the reader then takes each file's HTML and raw header from what was
converted and checks and processes the header as before, in order, in this process. A file
whose conversion failed is read again in turn, where the same error is reported as it would be
in one process. The articles are the same whatever the number of processes.
"""

from __future__ import annotations

import os

from pelican.utils import file_suffix

from bulletins.plugins.article_headers.reader import CheckedMarkdownReader
from bulletins.plugins.incremental import articlecache, forked
from bulletins.plugins.incremental.preread import read_jobs
from bulletins.site.config import Option, settings_check

OPTIONS = (
    Option(
        "BULLETINS_READ_JOBS",
        0,
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "a whole number of processes, 1 or more (0: as many as BULLETINS_WRITE_JOBS)",
    ),
)

configure = settings_check(OPTIONS)  # the ``initialized`` handler


def files_to_read(generator) -> dict[CheckedMarkdownReader, list[str]]:
    """The article files GENERATOR will read with our reader (those not in the content cache),
    by reader instance, as the absolute paths Pelican passes to ``read``."""
    readers = generator.readers
    todo: dict[CheckedMarkdownReader, list[str]] = {}
    ours = tuple(ext for ext, reader in readers.readers.items() if isinstance(reader, CheckedMarkdownReader))
    settings = generator.settings
    if not ours:
        return todo
    # Extensions named: the files are listed only (the progress line counts Pelican's own listing).
    for name in generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"], extensions=ours):
        if articlecache.is_cached(generator, name):
            continue
        path = os.path.abspath(os.path.join(generator.path, name))
        reader = readers.readers.get(file_suffix(path))
        if isinstance(reader, CheckedMarkdownReader) and readers.get_cached_data(path, (None, None))[0] is None:
            todo.setdefault(reader, []).append(path)
    return todo


def prefetch(generator) -> None:
    """``article_generator_preread`` (sent before each article is read): the first time, convert
    every article file the generator will read, over ``read_jobs`` processes."""
    if generator.__dict__.get(articlecache.READ_AHEAD):
        return
    generator.__dict__[articlecache.READ_AHEAD] = True
    workers = read_jobs(generator.settings)
    if workers <= 1 or not forked.can_fork():
        return
    for reader, paths in files_to_read(generator).items():
        reader.prefetch(paths, workers)
