"""RawSourceGenerator: plans the copies in ``generate_context`` (so the article template can
link them) and writes them in ``generate_output``. Each collection is read once, however many
of its records are in the archive; a missing source is a warning and the article gets no link.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
from collections import defaultdict
from pathlib import Path

from pelican.generators import Generator

from bulletins.site import originals, rawcopy
from bulletins.site.config import Option, is_relative_path, is_str, settings_check

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_RAW_DIR", "raw", is_relative_path, "a relative folder name such as 'raw'"),
    Option("BULLETINS_SOURCE_ROOT", "", is_str, "the folder ingest ran in ('' = the build's working folder)"),
    Option("BULLETINS_ORIGINALS_DIR", "originals", is_relative_path, "a relative folder name such as 'originals'"),
)


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def get_generators(pelican):
    return RawSourceGenerator


def read_lines(path: Path, wanted: set[int]) -> dict[int, bytes]:
    """The WANTED 1-based lines of a (possibly gzipped) collection, without line endings."""
    opener = gzip.open if path.suffix == ".gz" else open
    found: dict[int, bytes] = {}
    last = max(wanted)
    with opener(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if number in wanted:
                found[number] = line.rstrip(b"\r\n")
            if number >= last:
                break
    return found


def _up_to_date(dest: str, size: int, source_mtime_ns: int) -> bool:
    """DEST was written after its source last changed, and has the expected size."""
    try:
        st = os.stat(dest)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns >= source_mtime_ns


class RawSourceGenerator(Generator):
    def _resolve(self, source: str) -> Path | None:
        path = Path(source)
        if path.is_absolute():
            return path if path.exists() else None
        roots = [self.settings["BULLETINS_SOURCE_ROOT"] or os.getcwd(), Path(self.settings["PATH"]).parent]
        for root in roots:
            candidate = Path(root) / path
            if candidate.exists():
                return candidate
        return None

    def generate_context(self):
        raw_dir = self.settings["BULLETINS_RAW_DIR"]
        by_source: dict[str, list] = defaultdict(list)
        self.files: list[tuple[Path, str]] = []
        for article in self.context.get("articles", ()):
            meta = article.metadata
            if self._plan_original(article):
                article.bulletins_raw_url = None
                continue  # the original file is the raw source
            copy = rawcopy.plan(
                article.save_as, meta.get("source", ""), rawcopy.parse_line(meta.get("sourceline")), raw_dir
            )
            article.bulletins_raw_url = None
            if copy:
                by_source[copy.source].append((article, copy))
        self.records: list[tuple[bytes, str, Path]] = []
        for source, pairs in by_source.items():
            path = self._resolve(source)
            if path is None:
                logger.warning("raw_source: %s not found; %d article(s) get no raw link", source, len(pairs))
                continue
            if pairs[0][1].line is None:
                for article, copy in pairs:
                    self.files.append((path, copy.target))
                    article.bulletins_raw_url = copy.target
                continue
            lines = read_lines(path, {copy.line for _, copy in pairs})
            for article, copy in pairs:
                if copy.line in lines:
                    self.records.append((lines[copy.line], copy.target, path))
                    article.bulletins_raw_url = copy.target
                else:
                    logger.warning("raw_source: %s has no line %d", source, copy.line)

    def _plan_original(self, article) -> bool:
        """An official document's original file, copied when it still has its SourceHash: planned
        into ``self.files`` and linked as ``article.bulletins_original``. False: not an original."""
        article.bulletins_original = None
        meta = article.metadata
        copy = originals.plan(article.save_as, meta.get("original", ""), self.settings["BULLETINS_ORIGINALS_DIR"])
        if copy is None:
            return False
        path = self._resolve(copy.source)
        if path is None:
            logger.warning("raw_source: original %s not found; %s gets no link", copy.source, article.save_as)
        elif originals.sha256_of(path) != meta.get("sourcehash", ""):
            logger.warning("raw_source: %s changed since it was ingested (SourceHash); not copied", copy.source)
        else:
            self.files.append((path, copy.target))
            article.bulletins_original = originals.OriginalCopy(
                copy.source, copy.target, originals.label(copy.source, path.stat().st_size)
            )
        return True

    def generate_output(self, writer=None):
        out = self.output_path
        written = 0
        stats = {}
        for path, target in self.files:
            st = stats.get(path) or stats.setdefault(path, path.stat())
            dest = os.path.join(out, target)
            if _up_to_date(dest, st.st_size, st.st_mtime_ns):
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(path, dest)
            written += 1
        for data, target, source in self.records:
            mtime = stats.get(source) or stats.setdefault(source, source.stat())
            dest = os.path.join(out, target)
            data += b"\n"
            if _up_to_date(dest, len(data), mtime.st_mtime_ns):
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as fh:
                fh.write(data)
            written += 1
        logger.info(
            "raw_source: %d raw copies written, %d unchanged", written, len(self.files) + len(self.records) - written
        )
