"""Articles read ahead by forked copies of the build, into records of the article cache.

Pelican reads one article after another in one process. When it first asks the article cache
for an article the cache does not have, and at least ``forked.MIN_JOBS`` articles are missing,
every missing article is read by ``read_jobs`` forked copies of the build instead (each a share,
Pelican's own reading of the file: the reader, its signals, the validity check), each writing
what it read as records of a cache file of its own. The build then takes each article from
those records as a rebuild takes one from the last build's: it never converts Markdown itself,
so it holds no leftovers of the conversion; at 100,000 bulletins a cold build's read phase held
some 500 MB more than a rebuild's (see the README, *Scale*).

An article whose reading logged anything but the reader's own warning line (kept with the
record and logged again when it is taken), failed, was skipped or invalid, gets no record: the
build reads it in turn, where its messages are logged as in a build without forks. A fork that
fails leaves its share to be read in turn the same way. The articles are the same whatever the
number of processes (``tests/test_preread.py``). Pelican's limit on repeated messages (a few of
a kind, then one line for the rest) counts in each process: where more articles than that say
the same kind of thing, the lines logged are as many, but which articles they name may differ.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
from pathlib import Path

from pelican import signals
from pelican.contents import Article, SkipStub

from bulletins.plugins.incremental import articlecache, forked, warm
from bulletins.plugins.progress import tracker

POLL = 0.25  # seconds between progress updates while the forks read


def read_jobs(settings) -> int:
    """Processes that read articles: ``BULLETINS_READ_JOBS``, 0 meaning ``BULLETINS_WRITE_JOBS``."""
    return settings.get("BULLETINS_READ_JOBS") or settings.get("BULLETINS_WRITE_JOBS") or 1


def init(generator) -> None:
    """``article_generator_init``: the article cache (``articlecache.init``), reading ahead on
    its first miss."""
    articlecache.init(generator)
    cache = generator.__dict__.get("bulletins_article_cache")
    if cache is not None and cache.save_policy and forked.can_fork() and read_jobs(generator.settings) > 1:
        cache.first_miss = lambda: read_ahead(generator, cache)


def missing(generator, cache) -> list[str]:
    """The article files GENERATOR will read that CACHE does not have, sorted; [] when fewer
    than ``forked.MIN_JOBS`` are not in it at all (files changed since are then not looked for:
    they are read in turn, their Markdown converted ahead by ``article_headers.prefetch``)."""
    settings = generator.settings
    names = generator.get_files(
        settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"], extensions=tuple(generator.readers.extensions)
    )
    if sum(name not in cache.old for name in names) < forked.MIN_JOBS:
        return []
    return sorted(name for name in names if not cache.fresh(name))


def read_ahead(generator, cache) -> int:
    """Every article CACHE is missing read by forks into parts of the cache; how many it got."""
    names = missing(generator, cache)
    if not names:
        return 0
    workers = read_jobs(generator.settings)
    generator.__dict__[articlecache.READ_AHEAD] = True  # no Markdown prefetch besides
    if generator.settings.get("BULLETINS_WARM_CACHES", True):  # the files' reads queued at once
        warm.will_need(os.path.join(generator.path, name) for name in names)
    done = multiprocessing.get_context("fork").RawArray("q", workers)
    parts = [cache.path.with_name(f".{cache.path.name}.part{i}-{os.getpid()}") for i in range(workers)]
    children = []
    try:
        for i in range(workers):
            share = names[i::workers]
            child = forked.start(lambda share=share, i=i: read_share(generator, share, parts[i], done, i), "read")
            if child is not None:
                children.append(child)
        _wait(children, done)
        for child in children:
            forked.finish(child)
        return sum(cache.add_part(path) for path in parts)
    finally:  # a fork that failed may have left its file, or the one it was writing
        for path in parts:
            path.unlink(missing_ok=True)
            articlecache.tmp_path(path).unlink(missing_ok=True)


def _wait(children: list, done) -> None:
    """Until every fork in CHILDREN has ended, the articles they read shown as read."""
    shown = 0
    waiting = [fd for _, fd in children]
    while waiting:
        ready, _, _ = select.select(waiting, [], [], POLL)
        waiting = [fd for fd in waiting if fd not in ready]
        count = sum(done)
        tracker.ahead("read", count - shown)
        shown = count


class Counter(logging.Handler):
    """Counts the messages logged at WARNING or above (a fork's own, never shown)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1


def read_share(generator, names: list[str], path: Path, done, slot: int) -> int:
    """In a fork: NAMES read as Pelican reads them and written as records of a cache file at
    PATH; DONE[SLOT] counts them. Messages are not shown here: an article that logged one
    besides its reader's warning line gets no record (the build reads it)."""
    counter = Counter()
    logging.getLogger().handlers = [counter]
    part = articlecache.ArticleCache(generator, path, load=False, save=True)
    for name in names:
        counter.count = 0
        article = read_one(generator, name)
        warned = generator.__dict__.get(articlecache.WARNING) is not None
        if article is not None and counter.count == int(warned):
            part.put(name, article)
            done[slot] += 1
        generator.__dict__.pop(articlecache.WARNING, None)
    part.save()
    return done[slot]


def read_one(generator, name: str):
    """NAME read as Pelican's ``ArticlesGenerator.generate_context`` reads a file that is not
    cached; None where it would not keep the article."""
    try:
        article = generator.readers.read_file(
            base_path=generator.path,
            path=name,
            content_class=Article,
            context=generator.context,
            preread_signal=signals.article_generator_preread,
            preread_sender=generator,
            context_signal=signals.article_generator_context,
            context_sender=generator,
        )
    except Exception:
        return None
    if isinstance(article, SkipStub) or not article.is_valid():
        return None
    return article
