"""SkippingWriter: Pelican's writer, except that a page whose fingerprint matches the last
build's and whose files are all still there is not rendered again.

A page's fingerprint covers the theme's templates, the settings, the output name, and the
template's arguments as ``bulletins.site.fingerprint.describe`` sees them. Adding one
bulletin to 11k re-renders its own page, its neighbours, and the lists it appears in; every
other article, tag, person and document page is left as it is.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pelican.utils import sanitised_join
from pelican.writers import Writer

from bulletins.plugins.incremental import dirstamps, forked, pagejournal
from bulletins.plugins.incremental.outputpaths import OutputPaths, remove_empty_folders
from bulletins.plugins.incremental.pagerecord import (
    entry_files,
    entry_key,
    entry_of,
    list_entry,
    record_files,
    stale_files,
)
from bulletins.site import fingerprint, output_files, written
from bulletins.site.config import Option, settings_check

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_SKIP_UNCHANGED", True, lambda v: isinstance(v, bool), "True or False"),
    Option("BULLETINS_WARM_CACHES", True, lambda v: isinstance(v, bool), "True or False"),  # ``warm``
    Option(
        "BULLETINS_PAGE_CACHE",
        "bulletins-pages.marshal",
        lambda v: isinstance(v, str) and bool(v),
        "a file name in CACHE_PATH",
    ),
    Option(
        "BULLETINS_WRITE_JOBS",
        2,
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "a whole number of processes, 1 or more",
    ),
)
_ACTIVE: list[SkippingWriter] = []
# Pages waiting at most, then rendered: each waiting page holds its arguments and how to write
# it; a cold build at 100,000 bulletins held every article page's at once (its write phase
# added 225 MB to the build, 107 MB with this bound).
BATCH_PAGES = 5_000
OUTPUTS_PREFIX = "outputs:"  # record entries of files written outside the writer (no page is named so)
LIST_PREFIX = "list:"  # record entries of whole paginated lists (``unchanged_list``; no page is named so)
LEGACY_RECORD = "bulletins-pages.json"  # the record as earlier versions kept it (JSON): removed
FOLDERS_KEY = "folders:"  # the record's entry of the output's folders as the build left them (``dirstamps``)


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def get_writer(pelican):
    """The writer class of a build (``get_writer``: once per build). An earlier build of this
    process that an error ended (``pelican --autoreload`` goes on to the next) left its writer
    here unsaved: its record is not this build's and is dropped."""
    _ACTIVE.clear()
    return SkippingWriter if pelican.settings.get("BULLETINS_SKIP_UNCHANGED", True) else None


def save_cache(pelican) -> None:
    while _ACTIVE:
        _ACTIVE.pop().save()


def prune_stale(pelican) -> None:
    """The files of the pages this build no longer makes removed (``SkippingWriter.prune``),
    before the manifest's walk; the record is saved by ``save_cache``, while the walk goes."""
    for writer in _ACTIVE:
        writer.prune()


class SkippingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        # Pelican's sets, by names below the output: the record's strings, not whole paths again
        self._written_files = OutputPaths(os.path.abspath(output_path))
        self._overridden_files = OutputPaths(os.path.abspath(output_path))
        self._naming: str | None = None  # the page a job of this process is writing (``_run_job``)
        self._cache_file = Path(settings["CACHE_PATH"]) / settings["BULLETINS_PAGE_CACHE"]
        self._old = self._load()
        self._folders = dirstamps.Folders(output_path, self._old.pop(FOLDERS_KEY, None))
        self._new: dict[str, list] = {}
        self._recording: list[str] | None = None
        self._base = fingerprint.digest(
            (
                fingerprint.tree_digest(os.path.join(settings["THEME"], "templates")),
                fingerprint.settings_digest(settings),
            )
        )
        self.skipped = 0
        self._opened: list[str] = []
        self._batch: list[PageJob] | None = None
        self._batch_paths: set[str] = set()
        self._unnoted: list[str] = []  # pages to note before they are written, where a record is kept
        self._arguments = fingerprint.ArgumentsMemo()
        self._kept: set[str] | None = None  # the files this build's pages wrote, once pruned
        self._removed = 0
        _ACTIVE.append(self)

    def _load(self) -> dict:
        """The last whole build's record, less the pages a build stopped since may have
        written (``pagejournal``)."""
        try:
            record = output_files.read_table(self._cache_file)
        except (OSError, ValueError):
            return {}
        stopped = pagejournal.stopped_pages(self._cache_file)
        if not isinstance(record, dict) or stopped is None:
            return {}
        for name in stopped:
            record.pop(name, None)
        return record

    def prune(self) -> set[str]:
        """Once every page is written: the files they wrote, the last build's others removed
        (``remove_stale``, once)."""
        if self._kept is None:
            self._kept = record_files(self._new)
            self._removed = self.remove_stale(self._kept)
        return self._kept

    def save(self) -> None:
        kept = self.prune()
        folders = {os.path.dirname(name) for name in kept}
        self._new[FOLDERS_KEY] = dirstamps.stamps(self.output_path, sorted(folders), time.time_ns())
        output_files.write_table(self._cache_file, self._new)
        pagejournal.clear(self._cache_file)
        if self._cache_file.name != LEGACY_RECORD:  # an earlier version's record, read by none
            legacy = self._cache_file.with_name(LEGACY_RECORD)
            legacy.unlink(missing_ok=True)
            pagejournal.path_of(legacy).unlink(missing_ok=True)
        logger.info("incremental: %d pages unchanged and skipped, %d stale files removed", self.skipped, self._removed)

    def record_outputs(self, name: str, files) -> None:
        """Files (relative to the output) a generator keeps in the output without the writer,
        such as raw copies: recorded under ``name`` like a page's, so that the next build removes
        the ones it no longer makes (a removed bulletin's raw copy)."""
        self._new[f"{OUTPUTS_PREFIX}{name}"] = ["", sorted(files)]

    def remove_stale(self, kept: set[str]) -> int:
        """Delete the files the last build's pages wrote that no page of this build wrote (KEPT
        names those: the page of a removed bulletin, the list of a tag no bulletin has any
        more), so that the output is what a cold build writes; folders left empty go too. How
        many files went."""
        out = os.path.abspath(self.output_path)
        written = self._written_files  # held as names: asked by name, the few others made absolute
        others = written.absolute_others()
        removed = 0
        for name in sorted(stale_files(self._old, kept)):
            path = os.path.abspath(os.path.join(out, name))
            if not path.startswith(out + os.sep) or path in written or path in others or not os.path.isfile(path):
                continue
            os.unlink(path)
            removed += 1
            remove_empty_folders(os.path.dirname(path), out)
        return removed

    def unchanged_list(self, name: str, key: str, pages: Callable[[], list[str]]) -> bool:
        """Whether the list NAME is the last build's: its inputs digest to the KEY recorded
        then (the caller's digest of everything its pages are rendered from, their cuts
        included) and every page recorded with it is recorded with its files still there. Then
        each page is kept as ``write_file`` would keep it, without its arguments described one
        page at a time (at 100,000 bulletins, 48,699 list pages: 4.7 -> 2.7 s of a rebuild),
        and the list is not cut into pages again. Else the names of its pages (the function
        PAGES makes them) are recorded with KEY, which is taken with the templates and settings
        digest every page's key has."""
        key = fingerprint.page_key((self._base, key))
        old = self._old.get(LIST_PREFIX + name)
        recorded = old[2] if list_entry(old) and old[0] == key else None
        if recorded is not None:
            entries = [self._old.get(page) for page in recorded]
            if all(self._files_kept(page, entry) for page, entry in zip(recorded, entries)):
                self._new[LIST_PREFIX + name] = old
                self._new.update(zip(recorded, entries))
                self.skipped += len(recorded)
                return True
        self._new[LIST_PREFIX + name] = [key, [], list(pages())]
        return False

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(os.path.relpath(filename, self.output_path))
            self._opened.append(filename)
        first = filename not in self._written_files and filename not in self._overridden_files
        if first and encoding in ("utf-8", "utf8"):
            # a file's first write, where Pelican's rules only note it (``Writer._open_w``): its
            # bytes put in place, unchanged ones not written (``output_files.place``)
            if override:
                self._overridden_files.add(filename, self._naming)
            self._written_files.add(filename, self._naming)
            return output_files.PageFile(filename)
        fh = super()._open_w(filename, encoding, override=override)
        # the digest of the page as it is written, for the manifest (``written``); where the
        # text is not written as its UTF-8 bytes, the size differs and nothing is noted
        noting = written.active() and fh.name == filename and encoding in ("utf-8", "utf8")
        return written.NotingFile(fh, filename) if noting else fh

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return None
        inputs = dict(kwargs, paginated=paginated)
        key = fingerprint.page_key(
            (
                self._base,
                name,
                template.name,
                template_name,
                relative_urls,
                url,
                fingerprint.describe(inputs.pop("article", None), page=True),
                fingerprint.describe(inputs.pop("page", None), page=True),
                self._arguments.describe(inputs),
            )
        )

        def write():
            return super(SkippingWriter, self).write_file(
                name,
                template,
                context,
                relative_urls=relative_urls,
                paginated=paginated,
                template_name=template_name,
                override_output=override_output,
                url=url,
                **kwargs,
            )

        # Pelican paginates (several files) only these: every other call writes the file NAME.
        lists = paginated if paginated is not None else {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        one_file = not lists or template_name not in self.settings.get("PAGINATED_TEMPLATES", {})

        def job():  # made only for a page not skipped (Pelican's path check costs 20 µs a page)
            return PageJob(name, key, sanitised_join(self.output_path, name), override_output, context, write)

        return self._write_if_changed(name, key, write, job if one_file else None)

    def _files_kept(self, name: str, entry) -> bool:
        """Whether ENTRY, page NAME's in the last build's record, is whole and every file it
        names is still in the output: in a folder as the last build left it (``dirstamps``),
        or found there."""
        files = entry_files(name, entry)
        if files is None:
            return False
        unchanged, out = self._folders.unchanged, self.output_path
        return all(unchanged(os.path.dirname(f)) or os.path.isfile(os.path.join(out, f)) for f in files)

    def _write_if_changed(self, name, key, write, make_job=None):
        """Skip page NAME when its fingerprint KEY and files are the last build's; else let it
        wait in the batch (MAKE_JOB, for a page that writes one file) or WRITE it now."""
        old = self._old.get(name)
        if self._files_kept(name, old) and entry_key(old) == key:
            self._new[name] = old
            self.skipped += 1
            return None
        if self._old:  # a record to keep true (``pagejournal``)
            self._unnoted.append(name)
        job = make_job() if make_job is not None and self._batch is not None else None
        if job is not None and self._can_defer(job):
            self._batch.append(job)
            self._batch_paths.add(job.path)
            if len(self._batch) >= BATCH_PAGES:
                self.flush()
            return None
        self.flush()
        self._note()
        recorded, _ = self._run(write)
        self._new[name] = entry_of(name, key, recorded)
        return None

    def _note(self) -> None:
        """The pages about to be written noted in the journal first (``pagejournal``)."""
        if self._unnoted:
            pagejournal.note(self._cache_file, self._unnoted)
            self._unnoted = []

    def _can_defer(self, job: PageJob) -> bool:
        """A page can wait for the batch when it writes one file that no earlier page of the
        batch or of the build writes (Pelican's own overwrite rules then see no difference)."""
        path = job.path
        return path not in self._batch_paths and path not in self._written_files and path not in self._overridden_files

    def _run(self, write) -> tuple[list[str], list[str]]:
        """WRITE, and the files it wrote (relative to the output, and as Pelican opened them)."""
        self._recording = []
        self._opened = []
        try:
            write()
            return self._recording, self._opened
        finally:
            self._recording = None

    def _run_job(self, job: PageJob) -> tuple[list[str], list[str], str | None]:
        self._naming = job.name  # its files held by the record's string where one is its name
        try:
            recorded, opened = self._run(job.write)
        finally:
            self._naming = None
        return recorded, opened, job.context.get("localsiteurl")

    def begin_batch(self) -> None:
        """From now on pages wait to be rendered together (``flush``), in ``BULLETINS_WRITE_JOBS``
        processes; a page that may not wait (see ``_can_defer``) first renders the waiting ones."""
        if self._batch is None:
            self._batch, self._batch_paths = [], set()

    def end_batch(self, *, render: bool = True) -> None:
        try:
            if render:
                self.flush()
        finally:
            self._batch = None
            self._batch_paths = set()

    def flush(self) -> None:
        """Render and write every waiting page; record them as if they had been written in turn."""
        jobs = self._batch
        if not jobs:
            return
        self._batch, self._batch_paths = [], set()
        self._note()
        results = forked.run_jobs(jobs, self._run_job, self.settings.get("BULLETINS_WRITE_JOBS", 1))
        for job, (recorded, opened, _) in zip(jobs, results, strict=True):
            self._new[job.name] = entry_of(job.name, job.key, recorded)
            self._written_files.update(opened, name=job.name)  # the record's string, not another
            if job.override:
                self._overridden_files.update(opened, name=job.name)
        if results[-1][2]:  # what the last page left in the shared context, as Pelican's writer does
            jobs[-1].context["localsiteurl"] = results[-1][2]


@dataclass
class PageJob:
    """One page waiting in a batch: its cache entry, target file and how to write it."""

    name: str
    key: bytes
    path: str
    override: bool
    context: dict
    write: object


@contextmanager
def batch(writer):
    """Pages written inside wait and are rendered together at the end (any writer: one
    without batches writes at once)."""
    if not hasattr(writer, "begin_batch"):
        yield
        return
    writer.begin_batch()
    try:
        yield
    except BaseException:
        writer.end_batch(render=False)
        raise
    writer.end_batch()


def open_article_batch(generator, content=None) -> None:
    """``article_generator_write_article``: the article pages (and the lists Pelican writes
    after them) wait for ``article_writer_finalized``."""
    for writer in _ACTIVE:
        writer.begin_batch()


def close_article_batch(generator, writer=None) -> None:
    if hasattr(writer, "end_batch"):
        writer.end_batch()
