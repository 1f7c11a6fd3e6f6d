"""sources -> content/: runs the stages over every bulletin and writes the articles.

The only module that writes. Workers (``--jobs``) read and clean bulletins — a file each, or a
chunk of records of a large collection — and hand the results back in input order; the parent
gives each new bulletin its slug and Identifier, renders it and writes it:

* atomically (a temp file in the target folder, then ``os.replace``);
* only when the bytes differ, so re-ingesting unchanged sources touches nothing;
* never over an article edited by hand (its Checksum no longer matches) unless forced.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bulletins.ingest import frontmatter, identity
from bulletins.ingest.metadata import extract_metadata
from bulletins.ingest.normalize import clean_paragraphs
from bulletins.ingest.readers import jsonl
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES
from bulletins.ingest.sources import context_for, discover, read_source
from bulletins.models import Article, BulletinError, Context, Metadata, RawBulletin, SourceProblem

logger = logging.getLogger(__name__)

ARTICLES = "bulletins"  # below the content folder (pelicanconf.ARTICLE_PATHS)
_COLLECTIONS = (".jsonl", ".jsonl.gz")
_PROGRESS_MIN = 200  # bulletins; smaller runs never show a bar on their own


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    context: Context = field(default_factory=Context)
    force: bool = False
    jobs: int = 0  # 0: one per CPU
    progress: bool | None = None  # None: when stderr is a terminal and the input is large
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


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

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
    lines: tuple[int, int] | None = None  # [first, last) 1-based record lines of a collection
    size: int = 1  # bulletins expected, for the progress bar
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    records: tuple = ()  # a chunk's lines, read once by the parent (jsonl.chunks); workers only parse


def _prepare(raw: RawBulletin, root: str) -> Prepared:
    paragraphs = clean_paragraphs(raw.text, raw.context.script)
    metadata = extract_metadata(raw, paragraphs)
    source = identity.normalize_source(raw.source, root)
    key = identity.source_key(source, raw.source_id, raw.line)
    name = raw.source_id if raw.source_id else (None if raw.line else Path(raw.source).name.split(".")[0])
    wanted = identity.base_slug(key, metadata.title, name)
    return Prepared(dataclasses.replace(raw, text=""), source, metadata, paragraphs, key, wanted)


def _read(unit: _Unit) -> Iterator[RawBulletin | SourceProblem]:
    records = unit.records if unit.lines else None
    return read_source(unit.path, unit.context, records=records, max_record_bytes=unit.max_record_bytes)


def _work(unit: _Unit) -> list[Prepared | str]:
    """Everything a worker does for one unit; problems come back as message lines."""
    results: list[Prepared | str] = []
    try:
        for item in _read(unit):
            if isinstance(item, SourceProblem):
                results.append(str(item))
                continue
            try:
                results.append(_prepare(item, unit.root))
            except BulletinError as error:
                results.append(_located(item.where, str(error)))
            except Exception as error:  # a bug must not cost the other bulletins
                logger.debug("failed on %s", item.where, exc_info=True)
                results.append(f"{item.where}: cannot process: {type(error).__name__}: {error}")
    except Exception as error:
        logger.debug("failed reading %s", unit.path, exc_info=True)
        results.append(f"{unit.path.as_posix()}: cannot read: {type(error).__name__}: {error}")
    return results


def _located(where: str, message: str) -> str:
    """``where: message``, unless the message already starts with the place."""
    return message if message.startswith(f"{where}:") else f"{where}: {message}"


def _units(paths: Iterable[Path], base: Context, root: str, jobs: int, limit: int) -> Iterator[_Unit | str]:
    for path in paths:
        try:
            context = context_for(path, base)
        except (BulletinError, ValueError, OSError) as error:
            yield _located(path.as_posix(), str(error))
            continue
        if not path.name.lower().endswith(_COLLECTIONS):
            yield _Unit(path, context, root, max_record_bytes=limit)
            continue
        total = jsonl.count_lines(path)
        chunk = max(50, min(500, total // (jobs * 8)))  # ~8 chunks a worker, for balance
        if total <= chunk:
            yield _Unit(path, context, root, None, max(total, 1), limit)
            continue
        for first in range(1, total + 1, chunk):
            size = min(chunk, total + 1 - first)
            yield _Unit(path, context, root, (first, min(first + chunk, total + 1)), size, limit)


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


def prepare_all(sources: Iterable[str | Path], options: Options) -> Iterator[Prepared | str]:
    """Every bulletin below SOURCES, in input order, as a Prepared or a problem line."""
    files, problems = discover([Path(s) for s in sources])
    yield from (str(problem) for problem in problems)
    jobs = options.jobs or os.cpu_count() or 1
    units: list[_Unit] = []
    for unit in _units(files, options.context, project_root(options.content), jobs, options.max_record_bytes):
        if isinstance(unit, str):
            yield unit
        else:
            units.append(unit)
    bar = _progress_bar(options.progress, sum(u.size for u in units))
    try:
        if jobs == 1 or len(units) <= 1:
            yield from _flatten(map(_work, _feed(units)), units, bar)
        else:
            with multiprocessing.Pool(min(jobs, len(units))) as pool:
                yield from _flatten(pool.imap(_work, _feed(units)), units, bar)
    finally:
        if bar is not None:
            bar.close()


def _flatten(results, units, bar) -> Iterator[Prepared | str]:
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


@dataclass(frozen=True)
class Existing:
    path: Path
    slug: str
    identifier: str


class Archive:
    """The articles already in the content folder, indexed by source key (headers only)."""

    def __init__(self, content: Path):
        self.root = content / ARTICLES
        self.by_key: dict[str, Existing] = {}
        self.slugs: set[str] = set()
        for path in sorted(self.root.rglob("*.md")) if self.root.is_dir() else ():
            header = _read_header(path)
            slug = header.get("Slug") or path.stem
            self.slugs.add(slug)
            if header.get("Source"):
                line = header.get("SourceLine", "")
                key = identity.source_key(
                    header["Source"], header.get("SourceId"), int(line) if line.isdigit() else None
                )
                self.by_key.setdefault(key, Existing(path, slug, header.get("Identifier", "")))

    def identify(self, item: Prepared) -> Article:
        """The Article for ITEM: slug and Identifier read back when it exists, else new ones."""
        existing = self.by_key.get(item.key)
        if existing and existing.identifier:
            slug, ident = existing.slug, existing.identifier
        else:
            slug = existing.slug if existing else identity.unique_slug(item.wanted_slug, item.key, self.slugs)
            ident = identity.identifier(item.metadata.date, item.key)
            self.slugs.add(slug)
        raw = item.raw
        return Article(
            metadata=item.metadata,
            paragraphs=item.paragraphs,
            identifier=ident,
            slug=slug,
            source=item.source,
            source_hash=raw.source_hash,
            source_id=raw.source_id or "",
            source_line=raw.line,
            source_url=raw.url or "",
        )


def _read_header(path: Path) -> dict[str, str]:
    lines = []
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break
                lines.append(line)
    except OSError:
        return {}
    return frontmatter.parse_article("".join(lines))


def articles(
    sources: Iterable[str | Path], options: Options, archive: Archive | None = None
) -> Iterator[Article | str]:
    """What ingest would write, in input order, without writing: Articles and problem lines."""
    archive = archive or Archive(options.content)
    seen: dict[str, str] = {}
    for item in prepare_all(sources, options):
        if isinstance(item, str):
            yield item
        elif item.key in seen:
            yield f"{item.raw.where}: same source key as {seen[item.key]} (duplicate record id?)"
        else:
            seen[item.key] = item.raw.where
            yield archive.identify(item)


# --- writing -------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Replace PATH with DATA in one step: readers see the old file or the new, never half."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        report.kept.append(f"{old_path.as_posix()}: kept: edited by hand, use --force")
        return
    write_atomic(target, data)
    if old is not None and old_path != target:
        old_path.unlink(missing_ok=True)  # the date moved the article to another month
    report.written.append(target.as_posix())


def ingest(sources: Iterable[str | Path], options: Options) -> Report:
    """Read SOURCES and write their articles below OPTIONS.content; return what happened."""
    report = Report()
    archive = Archive(options.content)
    for item in articles(sources, options, archive):
        if isinstance(item, str):
            report.problems.append(item)
            continue
        try:
            _store(item, options, archive, report)
        except (OSError, ValueError) as error:
            where = f"{item.source}:{item.source_line}" if item.source_line else item.source
            report.problems.append(f"{where}: cannot write {item.relpath}: {error}")
    return report
