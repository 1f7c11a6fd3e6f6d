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

from bulletins.site import rawcopy
from bulletins.site.config import Option, SettingsError, configure as configure_options, is_relative_path, is_str

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_RAW_DIR", "raw", is_relative_path, "a relative folder name such as 'raw'"),
    Option("BULLETINS_SOURCE_ROOT", "", is_str, "the folder ingest ran in ('' = the build's working folder)"),
)


def configure(pelican) -> None:
    try:
        configure_options(pelican.settings, OPTIONS)
    except SettingsError as error:
        raise SystemExit(f"CRITICAL: {error}") from None


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
        for article in self.context.get("articles", ()):
            meta = article.metadata
            copy = rawcopy.plan(article.save_as, meta.get("source", ""), rawcopy.parse_line(meta.get("sourceline")), raw_dir)
            article.bulletins_raw_url = None
            if copy:
                by_source[copy.source].append((article, copy))
        self.files: list[tuple[Path, str]] = []
        self.records: list[tuple[bytes, str]] = []
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
                    self.records.append((lines[copy.line], copy.target))
                    article.bulletins_raw_url = copy.target
                else:
                    logger.warning("raw_source: %s has no line %d", source, copy.line)

    def generate_output(self, writer=None):
        out = Path(self.output_path)
        written = 0
        for path, target in self.files:
            dest = out / target
            if dest.exists() and dest.stat().st_size == path.stat().st_size and dest.stat().st_mtime >= path.stat().st_mtime:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            written += 1
        for data, target in self.records:
            dest = out / target
            data += b"\n"
            if dest.exists() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            written += 1
        logger.info("raw_source: %d raw copies written, %d unchanged", written, len(self.files) + len(self.records) - written)
