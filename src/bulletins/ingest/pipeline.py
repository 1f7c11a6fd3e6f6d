"""sources -> content/: runs the stages over every bulletin and writes the articles.

The only module that writes. Workers (``--jobs``) read and clean bulletins — a file each, or a
chunk of records of a large collection — and hand the results back in input order; the parent
gives each new bulletin its slug and Identifier, renders it and writes it:

* under the content folder's lock, so concurrent runs take turns;
* atomically (a temp file in the target folder, then ``os.replace``);
* only when the bytes differ, so re-ingesting unchanged sources touches nothing;
* never over an article edited by hand (its Checksum no longer matches) unless forced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import itertools
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bulletins.bound import bound_to
from bulletins.ingest import frontmatter, identity, keywords, official
from bulletins.ingest.archive import Archive
from bulletins.ingest.dates import YearRange, check_year
from bulletins.ingest.defaults import DefaultsError
from bulletins.ingest.files import content_lock, remove_stale_temps, write_atomic
from bulletins.ingest.readers import jsonl
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES
from bulletins.ingest.sources import context_for, discover, read_source
from bulletins.models import Article, BulletinError, Context, Metadata, RawBulletin, SourceProblem

logger = logging.getLogger(__name__)

_COLLECTIONS = (".jsonl", ".jsonl.gz")
# Errors every later write would meet too (a full disk, a used-up quota, a read-only one): the run
# stops at the first, where any other write error is that article's problem and the run goes on.
WHOLE_DISK = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
_PROGRESS_MIN = 200  # bulletins; smaller runs never show a bar on their own


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    context: Context = field(default_factory=Context)
    force: bool = False
    jobs: int = 0  # 0: one per CPU
    progress: bool | None = None  # None: when stderr is a terminal and the input is large
    years: YearRange = field(default_factory=YearRange)  # a date outside is reported, not written
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # a bigger bulletin or collection line is reported


@dataclass(frozen=True)
class Prepared:
    """One bulletin read, cleaned and described by a worker, waiting for its identity."""

    raw: RawBulletin  # without its text: the paragraphs replace it
    source: str  # raw.source relative to the project (identity.normalize_source)
    metadata: Metadata
    paragraphs: tuple[str, ...]
    key: str
    wanted_slug: str
    tables: tuple = ()  # (paragraph index, rows) of a laid-out document's tables
    appendix_at: int | None = None  # first paragraph of an official document's attachment pages


@dataclass
class Report:
    written: list[str] = field(default_factory=list)  # article paths, as the content folder was given
    unchanged: int = 0
    kept: list[SourceProblem] = field(default_factory=list)  # articles edited by hand, left as they are
    problems: list[SourceProblem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.written)} written, {self.unchanged} unchanged, "
            f"{len(self.kept)} kept, {len(self.problems)} problems"
        )


# --- workers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    path: Path
    context: Context
    root: str  # the project folder, which source paths are written relative to
    years: tuple[int, int]  # first and last year a date may have
    lines: tuple[int, int] | None = None  # [first, last) 1-based record lines of a collection
    size: int = 1  # bulletins expected, for the progress bar
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    records: tuple = ()  # a chunk's lines, read once by the parent (jsonl.chunks); workers only parse


def _prepare(raw: RawBulletin, root: str, years: tuple[int, int]) -> Prepared:
    document = official.read(raw)
    metadata = official.describe(raw, document)
    check_year(metadata.date, years)
    paragraphs = document.paragraphs
    source = identity.normalize_source(raw.source, root)
    key = identity.source_key(source, raw.source_id, raw.line)
    name = raw.source_id if raw.source_id else (None if raw.line else Path(raw.source).name.split(".")[0])
    wanted = identity.base_slug(key, metadata.title, name)
    lean = dataclasses.replace(raw, text="", blocks=())
    return Prepared(lean, source, metadata, paragraphs, key, wanted, document.tables, document.appendix_at)


def _read(unit: _Unit) -> Iterator[RawBulletin | SourceProblem]:
    records = unit.records if unit.lines else None
    return read_source(unit.path, unit.context, records=records, max_record_bytes=unit.max_record_bytes)


def _work(unit: _Unit) -> list[Prepared | SourceProblem]:
    """Everything a worker does for one unit; a BulletinError becomes a SourceProblem."""
    results: list[Prepared | SourceProblem] = []
    try:
        for item in _read(unit):
            if isinstance(item, SourceProblem):
                results.append(item)
                continue
            try:
                results.append(_prepare(item, unit.root, unit.years))
            except BulletinError as error:
                results.append(SourceProblem(item.source, str(error), item.line))
            except Exception as error:  # a bug must not cost the other bulletins
                logger.debug("failed on %s", item.where, exc_info=True)
                reason = f"cannot process: {type(error).__name__}: {error}"
                results.append(SourceProblem(item.source, reason, item.line))
    except Exception as error:
        logger.debug("failed reading %s", unit.path, exc_info=True)
        results.append(SourceProblem(unit.path.as_posix(), f"cannot read: {type(error).__name__}: {error}"))
    return results


def _context(path: Path, base: Context) -> Context | SourceProblem:
    try:
        return context_for(path, base)
    except DefaultsError as error:
        return SourceProblem(error.path, error.reason)
    except (BulletinError, ValueError, OSError) as error:
        return SourceProblem(path.as_posix(), str(error))


def _units(paths: Iterable[Path], options: Options, root: str, jobs: int) -> Iterator[_Unit | SourceProblem]:
    years, limit = options.years.bounds(), options.max_record_bytes
    for path in paths:
        context = _context(path, options.context)
        if isinstance(context, SourceProblem):
            yield context
            continue
        if not path.name.lower().endswith(_COLLECTIONS):
            yield _Unit(path, context, root, years, max_record_bytes=limit)
            continue
        total = jsonl.count_lines(path)
        chunk = max(50, min(500, total // (jobs * 8)))  # ~8 chunks a worker, for balance
        if total <= chunk:
            yield _Unit(path, context, root, years, None, max(total, 1), limit)
            continue
        for first in range(1, total + 1, chunk):
            lines = (first, min(first + chunk, total + 1))
            yield _Unit(path, context, root, years, lines, lines[1] - first, limit)


def _feed(units: list[_Unit]) -> Iterator[_Unit]:
    """UNITS as the workers get them: the chunks of a collection carry their lines, read once, in order."""
    for (path, chunked), group in itertools.groupby(units, key=lambda u: (u.path, u.lines is not None)):
        if not chunked:
            yield from group
            continue
        group = list(group)
        stops = [unit.lines[1] for unit in group]
        for unit, records in zip(group, jsonl.chunks(path, stops, max_record_bytes=group[0].max_record_bytes)):
            yield dataclasses.replace(unit, records=records)


def prepare_all(sources: Iterable[str | Path], options: Options) -> Iterator[Prepared | SourceProblem]:
    """Every bulletin below SOURCES, in input order, as a Prepared or a SourceProblem."""
    files, problems = discover([Path(s) for s in sources])
    yield from problems
    jobs = options.jobs or os.cpu_count() or 1
    units: list[_Unit] = []
    for unit in _units(files, options, project_root(options.content), jobs):
        if isinstance(unit, SourceProblem):
            yield unit
        else:
            units.append(unit)
    bar = _progress_bar(options.progress, sum(u.size for u in units))
    try:
        if jobs == 1 or len(units) <= 1:
            yield from _flatten(map(_work, _feed(units)), units, bar)
        else:
            if multiprocessing.get_start_method() == "fork":  # jieba's dictionary (1 CPU s), shared by the workers
                keywords.preload()
            with multiprocessing.Pool(min(jobs, len(units)), bound_to, (os.getpid(),)) as pool:
                yield from _flatten(pool.imap(_work, _feed(units)), units, bar)
    finally:
        if bar is not None:
            bar.close()


def _flatten(results, units, bar) -> Iterator[Prepared | SourceProblem]:
    for unit, items in zip(units, results):
        if bar is not None:
            bar.update(unit.size)
        yield from items


def _progress_bar(wanted: bool | None, total: int):
    if wanted is False or (wanted is None and (total < _PROGRESS_MIN or not sys.stderr.isatty())):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="bulletin", file=sys.stderr, dynamic_ncols=True)


# --- identity and the archive already on disk -----------------------------------------------


def project_root(content: Path) -> str:
    """The folder holding the content folder: Source paths are written relative to it."""
    return os.path.dirname(os.path.abspath(content))


def articles(
    sources: Iterable[str | Path], options: Options, archive: Archive | None = None
) -> Iterator[Article | SourceProblem]:
    """What ingest would write, in input order, without writing: Articles and SourceProblems."""
    archive = archive or Archive(options.content)
    seen: dict[str, str] = {}
    for item in prepare_all(sources, options):
        if isinstance(item, SourceProblem):
            yield item
        elif item.key in seen:
            raw = item.raw
            yield SourceProblem(raw.source, f"same source key as {seen[item.key]} (duplicate record id?)", raw.line)
        else:
            seen[item.key] = item.raw.where
            yield archive.identify(item)


# --- writing -------------------------------------------------------------------------------


def _store(article: Article, options: Options, archive: Archive, report: Report) -> None:
    target = options.content / article.relpath
    data = frontmatter.render_article(article).encode("utf-8")
    existing = archive.by_key.get(identity.source_key(article.source, article.source_id, article.source_line))
    old_path = existing.path if existing else target
    old = old_path.read_bytes() if old_path.is_file() else None
    if old == data and old_path == target:
        report.unchanged += 1
        return
    if old is not None and not options.force and frontmatter.is_edited(old.decode("utf-8", "replace")):
        report.kept.append(SourceProblem(old_path.as_posix(), "kept: edited by hand, use --force"))
        return
    write_atomic(target, data)
    moved = old is not None and old_path != target
    if moved:
        old_path.unlink(missing_ok=True)  # the date moved the article to another month
    archive.wrote(target, data, old_path if moved else None)
    report.written.append(target.as_posix())


def ingest(sources: Iterable[str | Path], options: Options, waiting: Callable[[Path], None] | None = None) -> Report:
    """Read SOURCES and write their articles below OPTIONS.content; return what happened.

    The whole run holds the content folder's lock (``content_lock``; WAITING is told when it
    has to wait) and first removes temp files a killed run left behind.
    """
    report = Report()
    with content_lock(options.content, waiting):
        remove_stale_temps(options.content)
        archive = Archive(options.content)
        for item in articles(sources, options, archive):
            if isinstance(item, SourceProblem):
                report.problems.append(item)
                continue
            try:
                _store(item, options, archive, report)
            except (OSError, ValueError) as error:
                if isinstance(error, OSError) and error.errno in WHOLE_DISK:
                    _save_quietly(archive)
                    raise  # ``bulletins`` says so in one line (``site.failures``)
                reason = f"cannot write {item.relpath}: {error}"
                report.problems.append(SourceProblem(item.source, reason, item.source_line))
        archive.save()
    return report


def _save_quietly(archive: Archive) -> None:
    """The headers of the articles written so far kept for the next run, where the disk allows."""
    with contextlib.suppress(OSError):
        archive.save()
