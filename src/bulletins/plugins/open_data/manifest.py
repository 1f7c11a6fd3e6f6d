"""The Pelican side of the fixity manifest: ``manifest-sha256.txt`` over every file of the output.

``write_manifest`` runs on Pelican's ``finalized`` signal, after every generator and the static
files, and lists every file of the output (``bulletins.site.fixity_stream``). In a rebuild whose
walk is cut in two, ``begin_manifest_walk`` (the build's start) begins both halves in processes
of their own, which read their half of the fixity cache while the build reads its articles and
walk once told to (``bulletins.site.fixity_early``).
"""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path

from bulletins.plugins.incremental import forked
from bulletins.plugins.incremental import writer as page_writer
from bulletins.site import fixity, fixity_early, fixity_stream, written

logger = logging.getLogger(__name__)

FIXITY_CACHE = "bulletins-fixity.txt"
OLD_FIXITY_CACHE = "bulletins-fixity.json"
REHASH_BYTES = 4 << 20
_EARLY: list[fixity_early.EarlyWalk] = []  # begun for the build under way


def _hashed_over(workers: int):
    """The files' hashes made by WORKERS processes (forks of the build, as the pages are
    rendered): after a cold build every file of the output is read (657,826 at 100,000
    bulletins, 12 s in one process); a handful changed is hashed here."""
    return lambda paths: forked.run_jobs(paths, fixity.sha256_file, workers)


def _begun(work, name: str, **options):
    """``fixity_stream.Fork``'s answer: WORK begun in a fork of the build named NAME (``forked.start``
    with OPTIONS), when there is room for one."""
    child = forked.start(work, name, **options) if forked.room_for_a_copy() else None
    return None if child is None else functools.partial(forked.finish, child)


def _fork_beside(work):
    """``fixity_stream.Fork``: the last fork of the build (no collection before it)."""
    return _begun(work, "manifest half", last=True)


def _fork_early(names: list[str]):
    """``fixity_stream.Fork`` for ``EarlyWalk``: a fork each, named from NAMES in turn, beside
    the build (it takes what processor time the build leaves)."""
    return lambda work: _begun(work, names.pop(0) if names else "manifest, begun early", beside=True)


def _jobs(settings) -> int:
    return settings.get("BULLETINS_WRITE_JOBS", 1)


def begin_manifest_walk(pelican) -> None:
    """``get_generators`` (each build's start): the manifest's walk begun (``EarlyWalk``) where
    it would be cut in two: a manifest made, two processes to write with, a large cache. The
    processes of a build that stopped before its manifest were stopped with it (``forked``):
    their pipes are closed, nothing waited for."""
    while _EARLY:
        _EARLY.pop().abandon()
    settings = pelican.settings
    if not settings.get("BULLETINS_FIXITY_MANIFEST", True) or _jobs(settings) <= 1:
        return
    cache_file = Path(settings["CACHE_PATH"]) / FIXITY_CACHE
    forks = _fork_early(["manifest: first half, begun early", "manifest: second half, begun early"])
    watch = settings.get("BULLETINS_WATCH_OUTPUT", True)  # only what changed looked up at the end (``fixity_watch``)
    early = fixity_early.EarlyWalk(Path(pelican.output_path), cache_file, _hashed_over(_jobs(settings)), forks, watch)
    if early.halves:
        _EARLY.append(early)


def write_manifest(pelican) -> None:
    """``finalized`` handler: manifest-sha256.txt over every file of the output, written last,
    as a stream (``fixity_stream``): only files whose size or mtime changed are read."""
    early = _EARLY.pop() if _EARLY else None
    if not pelican.settings.get("BULLETINS_FIXITY_MANIFEST", True):
        if early is not None:
            early.close()
        return
    # The page writer removes the pages of removed bulletins in its own ``finalized`` handler;
    # receivers run in the order they were connected, which a process that registered the
    # plugins in another order (a test run) does not keep, so it is asked first (once); its
    # record is saved while the early walk's processes walk (0.3 s at 100,000 bulletins).
    page_writer.prune_stale(pelican)
    save_pages = functools.partial(page_writer.save_cache, pelican)
    started = time.perf_counter()
    cache_file = Path(pelican.settings["CACHE_PATH"]) / FIXITY_CACHE
    cache_file.with_name(OLD_FIXITY_CACHE).unlink(missing_ok=True)  # the whole-dict form, read no more
    jobs = _jobs(pelican.settings)
    # Files rewritten with the same bytes (Pelican copies the theme's static files on every
    # build) are cheaper to hash again next time than the cache is to save, unless they are big.
    # A rebuild's walk (every file's stat, its cache line compared) is split with a fork when
    # there are two processes to write with: 11-12 s alone at 100,000 bulletins (657,829 files).
    fork = _fork_beside if jobs > 1 else None
    journal = written.end()
    noted = cache_file.with_name(f".{written.JOURNAL}.sorted")
    try:
        found = written.sorted_journal(journal, Path(pelican.output_path), noted) if journal else None
        done = fixity_stream.update_manifest(
            Path(pelican.output_path), cache_file, _hashed_over(jobs), REHASH_BYTES, fork, found, early, save_pages
        )
    finally:
        save_pages()  # once (a second call finds nothing to save): the record kept whatever the walk did
        for path in (journal, noted):
            if path is not None:
                path.unlink(missing_ok=True)
    logger.info(
        "fixity: %d files (%d hashed, %d noted as written), manifest %s, %.1f s",
        done.files,
        done.hashed,
        done.noted,
        "written" if done.written else "unchanged",
        time.perf_counter() - started,
    )
