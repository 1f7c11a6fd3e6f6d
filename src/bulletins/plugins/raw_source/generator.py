"""RawSourceGenerator: plans the copies in ``generate_context`` (so the article template can
link them) and writes them in ``generate_output``. Each collection is read once, however many
of its records are in the archive. A source that is missing, outside the source roots
(``BULLETINS_SOURCE_ROOTS``) or not a regular file is one warning and its articles get no link.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
from collections import defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path

from pelican.generators import Generator

from bulletins.ingest.readers.common import on_disk
from bulletins.models import unquote_path
from bulletins.plugins.raw_source.linesizes import CACHE, LineSizes
from bulletins.site import originals, rawcopy
from bulletins.site import written as noted
from bulletins.site.config import Option, is_base_dir, is_folder_list, is_relative_path, is_str, settings_check
from bulletins.site.headers import as_text

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_RAW_DIR", "raw", is_relative_path, "a relative folder name such as 'raw'"),
    Option("BULLETINS_SOURCE_ROOT", "", is_str, "the folder ingest ran in ('' = the build's working folder)"),
    Option("BULLETINS_BASE_DIR", "", is_base_dir, "'' (the build's working folder) or an absolute folder"),
    Option(
        "BULLETINS_SOURCE_ROOTS",
        ["sources"],
        is_folder_list,
        "a list of folders raw copies may come from, such as ['sources']",
    ),
    Option("BULLETINS_ORIGINALS_DIR", "originals", is_relative_path, "a relative folder name such as 'originals'"),
)


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def get_generators(pelican):
    return RawSourceGenerator


def iter_lines(path: Path, wanted: Collection[int]) -> Iterator[tuple[int, bytes]]:
    """The WANTED 1-based lines of a (possibly gzipped) collection, without line endings, in
    file order and one at a time; the file is read up to the last of them."""
    if not wanted:
        return
    last = max(wanted)
    with rawcopy.open_regular(path) as raw:
        fh = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        for number, line in enumerate(fh, start=1):
            if number in wanted:
                yield number, line.rstrip(b"\r\n")
            if number >= last:
                break


def read_lines(path: Path, wanted: set[int]) -> dict[int, bytes]:
    """The WANTED 1-based lines of a (possibly gzipped) collection, without line endings."""
    return dict(iter_lines(path, wanted))


def line_sizes(path: Path, wanted: set[int]) -> dict[int, int]:
    """The size of each of the WANTED lines' copy (the line and a line break): what planning
    keeps instead of the lines themselves."""
    return {number: len(line) + 1 for number, line in iter_lines(path, wanted)}


def _up_to_date(dest: str, size: int, source_mtime_ns: int) -> bool:
    """DEST was written after its source last changed, and has the expected size."""
    try:
        st = os.stat(dest)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns >= source_mtime_ns


def _names(articles) -> str:
    names = [a.relative_source_path for a in articles[:3]]
    return ", ".join(names) + (f" and {len(articles) - 3} more" if len(articles) > 3 else "")


class RawSourceGenerator(Generator):
    def _locate(self, source: str) -> rawcopy.Located:
        s = self.settings
        bases = [s["BULLETINS_SOURCE_ROOT"] or os.getcwd(), str(Path(s["PATH"]).parent)]
        roots = rawcopy.real_roots(s["BULLETINS_SOURCE_ROOTS"], s["BULLETINS_BASE_DIR"] or os.getcwd())
        return rawcopy.locate(source, bases, roots, find=on_disk)

    def generate_context(self):
        raw_dir = self.settings["BULLETINS_RAW_DIR"]
        by_source: dict[str, list] = defaultdict(list)
        self.files: list[tuple[Path, str]] = []
        for article in self.context.get("articles", ()):
            meta = article.metadata
            if self._plan_original(article):
                article.bulletins_raw_url = None
                continue  # the original file is the raw source
            line = rawcopy.parse_line(as_text(meta.get("sourceline")))
            copy = rawcopy.plan(article.save_as, unquote_path(as_text(meta.get("source"))), line, raw_dir)
            article.bulletins_raw_url = None
            if copy:
                by_source[copy.source].append((article, copy))
        # Collection records: per collection, (line, target, size of the copy); the lines are
        # read again when the copies are written, so none is held from planning to writing.
        self.records: dict[Path, list[tuple[int, str, int]]] = defaultdict(list)
        sizes = LineSizes(Path(self.settings["CACHE_PATH"]) / CACHE if self.settings.get("CACHE_PATH") else None)
        for source, pairs in by_source.items():
            found = self._locate(source)
            if found.path is None:
                logger.warning(
                    "raw_source: %s is %s: no raw link for %s", source, found.problem, _names([a for a, _ in pairs])
                )
                continue
            if pairs[0][1].line is None:
                for article, copy in pairs:
                    self.files.append((found.path, copy.target))
                    article.bulletins_raw_url = copy.target
                continue
            self._plan_records(source, found.path, pairs, sizes)
        sizes.save()  # every line's size of every collection: not held to the build's end

    def _plan_records(self, source: str, path: Path, pairs, known: LineSizes) -> None:
        try:
            sizes = known.sizes(path, {copy.line for _, copy in pairs})
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            logger.warning(
                "raw_source: %s cannot be read (%s): no raw link for %s", source, error, _names([a for a, _ in pairs])
            )
            return
        for article, copy in pairs:
            if copy.line in sizes:
                self.records[path].append((copy.line, copy.target, sizes[copy.line]))
                article.bulletins_raw_url = copy.target
            else:
                logger.warning(
                    "raw_source: %s has no line %d: no raw link for %s", source, copy.line, article.relative_source_path
                )

    def _plan_original(self, article) -> bool:
        """An official document's original file, copied when it still has its SourceHash: planned
        into ``self.files`` and linked as ``article.bulletins_original``. False: not an original."""
        article.bulletins_original = None
        meta = article.metadata
        original = unquote_path(as_text(meta.get("original")))
        copy = originals.plan(article.save_as, original, self.settings["BULLETINS_ORIGINALS_DIR"])
        if copy is None:
            return False
        path = self._locate(copy.source).path
        if path is None:
            logger.warning(
                "raw_source: original %s is not readable here; %s gets no link", copy.source, article.save_as
            )
        elif originals.sha256_of(path) != as_text(meta.get("sourcehash")):
            logger.warning("raw_source: %s changed since it was ingested (SourceHash); not copied", copy.source)
        else:
            self.files.append((path, copy.target))
            article.bulletins_original = originals.OriginalCopy(
                copy.source, copy.target, originals.label(copy.source, path.stat().st_size)
            )
        return True

    def generate_output(self, writer=None):
        written = 0
        for path, target in self.files:
            written += self._copy(path, os.path.join(self.output_path, target))
        for source, records in self.records.items():
            written += self._write_records(source, records)
        total = len(self.files) + sum(map(len, self.records.values()))
        record = getattr(writer, "record_outputs", None)  # the incremental writer removes stale copies
        if record is not None:
            record("raw_source", [t for _, t in self.files] + [t for r in self.records.values() for _, t, _ in r])
        # done with: a tuple of three and two numbers a bulletin, 130 MB at a million, held
        # otherwise to the build's end (the targets stay, as the articles' raw links)
        self.files, self.records = [], {}
        logger.info("raw_source: %d raw copies written, %d unchanged", written, total - written)

    def _write_records(self, source: Path, records) -> int:
        """The copies of SOURCE's RECORDS that are not up to date, each line read from the
        collection as it is written: one pass over the file, none when all are. The count written."""
        try:
            mtime = source.stat().st_mtime_ns
        except OSError:
            mtime = None  # gone since it was planned: nothing is up to date, and reading it will say so
        todo: dict[int, list[str]] = defaultdict(list)
        for line, target, size in records:
            dest = os.path.join(self.output_path, target)
            if mtime is None or not _up_to_date(dest, size, mtime):
                todo[line].append(dest)
        if not todo:
            return 0
        written = 0
        try:
            for line, data in iter_lines(source, todo.keys()):
                data += b"\n"
                for dest in todo[line]:
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    with open(dest, "wb") as fh:
                        fh.write(data)
                    noted.note(dest, data)
                    written += 1
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            logger.warning("raw_source: %s cannot be read (%s): some raw copies not written", source, error)
        return written

    @staticmethod
    def _copy(path: Path, dest: str) -> int:
        """Copy the regular file PATH to DEST unless DEST is up to date; 1 if written."""
        try:
            with rawcopy.open_regular(path) as src:
                st = os.fstat(src.fileno())
                if _up_to_date(dest, st.st_size, st.st_mtime_ns):
                    return 0
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        except OSError as error:
            logger.warning("raw_source: %s was not copied: %s", path, error)
            return 0
        return 1
