"""A Markdown reader that checks each header (``bulletins.site.headers``) before Pelican
processes it, and logs one warning line per article it changed or skipped.

Pelican stops a ``--fatal errors`` build on any article it cannot read (a bad date, invalid
UTF-8, a duplicated ``People:`` line that a plugin then cannot split...), and fails later on an
unknown template or two articles writing one page. Here such an article is read as
``Status: skip`` (Pelican's own way to leave a file out) with one warning naming it.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

from bulletins.plugins.incremental import articlecache, forked
from bulletins.site.headers import clean_header, display, instant_problem

logger = logging.getLogger(__name__)


REPORT = "bulletins_report"  # metadata key carrying the article's one warning line to ``report``


def report(sender, metadata) -> None:
    """``article_generator_context``/``page_generator_context``: log the reader's warning line.
    Logged here, on every build, because Pelican's reader cache replays metadata, not logs."""
    line = metadata.pop(REPORT, None)
    if line:
        logger.warning("%s", line)
        articlecache.remember_warning(sender, line)


_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def iso_day(value) -> SafeDatetime | None:
    """A ``Date:`` written as ``YYYY-MM-DD`` (as ingest writes every one) as Pelican's date
    processor reads it — midnight, no time zone —, without dateutil's general parser, which cost
    more than the rest of the header; None for any other value (Pelican then parses it)."""
    match = _ISO_DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return SafeDatetime(*map(int, match.groups()))
    except ValueError:  # not a real day: Pelican's processor says so in its own words
        return None


class Skip(Exception):
    """The article cannot be built; the message says why."""


def use_checked_reader(readers) -> None:
    """``readers_init``: read Markdown with ``CheckedMarkdownReader``."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls is MarkdownReader:
            readers.reader_classes[ext] = CheckedMarkdownReader


def theme_templates(settings, prefix: str) -> frozenset[str]:
    """Names of the theme's (and overrides') templates starting with PREFIX (``article``)."""
    folders = [Path(settings.get("THEME", "")) / "templates", *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", ()))]
    found = {prefix}
    for folder in folders:
        if folder.is_dir():
            found.update(p.stem for p in folder.glob(f"{prefix}*.html"))
    return frozenset(found)


class CheckedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader with checked headers, and one ``Markdown`` instance per reader
    ``reset()`` between articles (as Markdown's documentation recommends) instead of a new one
    for every article: building the instance cost about as much as a third of converting a
    bulletin. Header fields in ``FORMATTED_FIELDS`` are converted by a second instance without
    the meta extension, as Pelican's reader does after taking that extension off its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._templates = {kind: theme_templates(self.settings, kind) for kind in ("article", "page")}
        self._notes: list[str] = []
        self._pages = tuple(os.path.normpath(folder) for folder in self.settings.get("PAGE_PATHS", ()))
        self._body_md: Markdown | None = None
        self._fields_md: Markdown | None = None
        self._ready: dict[str, tuple[str, dict]] = {}

    def _name(self, source_path: str) -> str:
        return os.path.relpath(source_path, self.settings.get("PATH", os.curdir))

    def _is_page(self, name: str) -> bool:
        """NAME (relative to PATH) lies in one of the PAGE_PATHS."""
        return any(folder in (os.curdir, name) or name.startswith(folder + os.sep) for folder in self._pages)

    def _markdown(self, *, meta: bool) -> Markdown:
        """The reader's instance for bodies (META: with the meta extension) or header fields, reset."""
        if meta:
            if self._body_md is None:
                self._body_md = Markdown(**self.settings["MARKDOWN"])
            return self._body_md.reset()
        if self._fields_md is None:
            self._fields_md = Markdown(**self.settings["MARKDOWN"])
            self._fields_md.preprocessors.deregister("meta", strict=False)
        return self._fields_md.reset()

    def prefetch(self, paths: list[str], workers: int) -> None:
        """Convert PATHS now, over WORKERS processes (``forked.run_jobs``); ``convert`` then takes
        each one's result once. A file that fails is left to be converted (and fail) in turn."""
        if len(paths) < forked.MIN_JOBS:  # too few to be worth a fork: read in turn as usual
            return
        results = forked.run_jobs(paths, self._try_convert, workers)
        self._ready.update((path, result) for path, result in zip(paths, results, strict=True) if result)

    def _try_convert(self, source_path: str) -> tuple[str, dict] | None:
        try:
            return self.convert(source_path)
        except Exception:  # reported when the file is read in turn
            return None

    def convert(self, source_path: str) -> tuple[str, dict]:
        """The HTML of SOURCE_PATH's body and its raw header (Markdown's ``Meta``)."""
        ready = self._ready.pop(source_path, None)
        if ready is not None:
            return ready
        md = self._markdown(meta=True)
        with pelican_open(source_path) as text:
            content = md.convert(text)
        return content, md.Meta

    def read(self, source_path):
        self._notes = []
        self._source_path = source_path
        name = self._name(source_path)
        self._page = self._is_page(name)
        try:
            content, meta = self.convert(source_path)
            metadata = self._parse_metadata(meta)
        except Skip as skip:
            return self._skipped(name, str(skip))
        except Exception as error:  # undecodable bytes, a Markdown failure...: never the whole build
            return self._skipped(name, f"cannot be read ({type(error).__name__}: {str(error)[:200]})")
        if self._notes:
            metadata[REPORT] = f"{name}: {'; '.join(self._notes)}"
        return content, metadata

    def _skipped(self, name: str, reason: str):
        notes = f" ({'; '.join(self._notes)})" if self._notes else ""
        return "", {"status": "skip", REPORT: f"skipped {name}: {reason}{notes}"}

    def _parse_metadata(self, meta):
        """Pelican's own, over the checked header; a value its processor rejects is dropped
        (Date: the article is skipped)."""
        page = self._page
        header = clean_header(
            meta,
            stem=Path(self._source_path).stem,
            templates=self._templates["page" if page else "article"],
            article=not page,
        )
        self._notes = list(header.notes)
        if header.skip:
            raise Skip(header.skip)
        formatted = self.settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in header.fields.items():
            if name in formatted:
                value = self._markdown(meta=False).convert(value)
            try:
                day = iso_day(value) if name == "date" else None
                output[name] = day if day is not None else self.process_metadata(name, value)
            except (ValueError, TypeError, OverflowError) as error:
                if name == "date":
                    raise Skip(f"Date {str(error)[:80]}") from None
                self._notes.append(f"{display(name)} dropped: {error}")
        if "date" in output and (problem := instant_problem(output["date"], self.settings["TIMEZONE"])):
            raise Skip(f"Date {problem}")
        return output
