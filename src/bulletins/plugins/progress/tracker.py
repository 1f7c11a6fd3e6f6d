"""Build phases from Pelican's signals, drawn by ``bulletins.site.progress``.

``initialized`` wraps the Pelican object's ``run`` so each build (``--autoreload`` runs many)
opens and closes its own ``Run``. ``generator_init`` wraps each generator's
``generate_context``/``generate_output`` so a phase begins when the generator that does its work
starts (read: the article and page readers, counted through their file lists; write: every page
Pelican's writer is asked for, written or skipped as unchanged; the search index; the open data; and,
after the last generator, the fixity manifest and caches). Nothing here changes what is built.

On a terminal Pelican already shows a "Generating..." line with rich and routes stderr through
it while it runs; the progress lines then join that display (``LiveSink``) instead of fighting
it for the same line. With stdout redirected, they go to stderr with a carriage return.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import sys
import threading
from pathlib import Path

from bulletins.plugins.progress.phaselog import PhaseLog
from bulletins.site.config import Option, settings_check
from bulletins.site.progress import LineSink, Progress, should_show

logger = logging.getLogger(__name__)

PLUGIN = "bulletins.plugins.progress"
OPTIONS = (
    Option("BULLETINS_PROGRESS", True, lambda v: isinstance(v, bool), "True or False (False: never show progress)"),
    Option(
        "BULLETINS_PROGRESS_DELAY",
        0.5,
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
        "seconds a phase runs before its line appears, e.g. 0.5",
    ),
)
CONTEXT_PHASES = {"ArticlesGenerator": "read", "PagesGenerator": "read", "OpenDataGenerator": "open data: files"}
OUTPUT_PHASES = {"SearchIndexGenerator": "search index", "OpenDataGenerator": "open data: SQLite"}
OTHER_CONTEXT, OTHER_OUTPUT, LAST = "prepare", "write", "manifest"
UNITS = {"read": "articles", "write": "pages"}
_check = settings_check(OPTIONS)
ESTIMATES = "bulletins-progress.json"  # in CACHE_PATH: the last build's page count, for the write ETA
TICK = 0.2  # seconds between redraws of a phase that reports no counts

_RUN: Run | None = None  # the build running now


class LiveSink:
    """Progress lines inside Pelican's own rich display: the running one under its status line,
    finished ones printed above it like log lines."""

    def __init__(self, console):
        self.console = console
        self.live = None

    def update(self, text: str) -> None:
        from rich.live import Live
        from rich.text import Text

        line = Text(text, no_wrap=True, overflow="ellipsis")
        if self.live is None:
            self.live = Live(line, console=self.console, transient=True, auto_refresh=False)
            self.live.start()
        self.live.update(line, refresh=True)

    def finish(self, text: str) -> None:
        from rich.text import Text

        if self.live is not None:
            self.live.update(Text(""), refresh=True)  # Pelican's display drops the running line at once
            self.live.stop()
            self.live = None
        self.console.print(Text(text, no_wrap=True, overflow="ellipsis"))


def display(settings, stream=None) -> Progress | None:
    """The terminal display for a build, or None when nothing should be shown."""
    stream = stream if stream is not None else sys.stderr
    real = getattr(stream, "rich_proxied_file", stream)  # stderr as Pelican's display routes it
    if not should_show(settings.get("BULLETINS_PROGRESS", True), real, os.environ.get("TERM")):
        return None
    if real is not stream:
        from pelican.log import console

        sink = LiveSink(console)
    else:
        sink = LineSink(real)
    width = shutil.get_terminal_size().columns
    return Progress(sink, width=width, delay=settings.get("BULLETINS_PROGRESS_DELAY", 0.5))


class Run:
    """One build's phases, told to the display and to the phase log (either may be absent)."""

    def __init__(self, progress: Progress | None, log: PhaseLog | None, estimates: dict[str, int]):
        self.progress, self.log, self.estimates = progress, log, estimates
        self.phase: str | None = None
        self.counts: dict[str, int] = {}
        self.credit: dict[str, int] = {}  # advances told ahead of their turn (``ahead``)
        self._stop = threading.Event()
        if progress is not None:
            threading.Thread(target=self._tick, name="progress", daemon=True).start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self.progress.tick()

    def begin(self, name: str) -> None:
        if name == self.phase:
            return
        self._end()
        self.phase = name
        if self.progress is not None:
            expected = self.estimates.get(name)
            total = expected - self.counts.get(name, 0) if expected else None
            self.progress.begin(name, UNITS.get(name, ""), total if total and total > 0 else None)
        if self.log is not None:
            self.log.begin(name)

    def add_total(self, count: int) -> None:
        if self.progress is not None:
            self.progress.add_total(count)

    def advance(self, phase: str, count: int = 1) -> None:
        if self.phase != phase:
            return
        if self.credit.get(phase, 0) >= count:  # told already (``ahead``)
            self.credit[phase] -= count
            return
        self._count(phase, count)

    def _count(self, phase: str, count: int) -> None:
        self.counts[phase] = self.counts.get(phase, 0) + count
        if self.progress is not None:
            self.progress.advance(count)

    def ahead(self, phase: str, count: int) -> None:
        """COUNT items of PHASE done ahead of their turn (by other processes): shown now, and
        the next COUNT advances of PHASE (the same items, taken up in turn) then pass silently."""
        if self.phase != phase or count <= 0:
            return
        self._count(phase, count)
        self.credit[phase] = self.credit.get(phase, 0) + count

    def _end(self) -> None:
        if self.phase is None:
            return
        if self.progress is not None:
            self.progress.end()
        if self.log is not None:
            self.log.end(self.phase, self.counts.get(self.phase, 0))
        self.phase = None

    def close(self) -> None:
        self._end()
        self._stop.set()


def _estimates_file(settings) -> Path:
    return Path(settings.get("CACHE_PATH", "cache")) / ESTIMATES


def _load_estimates(settings) -> dict[str, int]:
    try:
        data = json.loads(_estimates_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, int)} if isinstance(data, dict) else {}
    )


def _save_estimates(settings, run: Run) -> None:
    counts = {"write": run.counts["write"]} if run.counts.get("write") else {}
    if not counts or counts == {k: run.estimates.get(k) for k in counts}:
        return
    try:
        path = _estimates_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(counts), encoding="utf-8")
    except OSError as error:
        logger.debug("progress: cannot save estimates: %s", error)


def start_run(settings) -> Run:
    progress = display(settings)
    return Run(progress, PhaseLog.from_environment(), _load_estimates(settings) if progress else {})


def initialized(pelican) -> None:
    """Check the settings and wrap PELICAN's ``run`` (only when this plugin is in PLUGINS:
    Pelican's signals outlive a build in the same process)."""
    if PLUGIN not in pelican.settings.get("PLUGINS", ()):
        return
    _check(pelican)
    pelican.run = _wrapped_run(pelican.settings, pelican.run)


def _wrapped_run(settings, run):
    @functools.wraps(run)
    def wrapper(*args, **kwargs):
        global _RUN
        _RUN = started = start_run(settings)
        try:
            return run(*args, **kwargs)
        finally:
            started.close()
            if started.progress is not None:
                _save_estimates(settings, started)
            _RUN = None

    return wrapper


def ahead(phase: str, count: int) -> None:
    """``Run.ahead`` for the build running now, if any."""
    if _RUN is not None:
        _RUN.ahead(phase, count)


def _in_phase(method, phase: str, after: str | None = None):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if _RUN is not None:
            _RUN.begin(phase)
            if args:  # generate_output(writer)
                _count_pages(args[0])
        result = method(*args, **kwargs)
        if _RUN is not None and after is not None:
            _RUN.begin(after)
        return result

    return wrapper


def _counting_files(get_files):
    """GET_FILES whose result counts toward ``read`` as each file is taken up and finished."""

    @functools.wraps(get_files)
    def wrapper(*args, **kwargs):
        files = get_files(*args, **kwargs)
        if _RUN is None or "extensions" in kwargs:  # a check for disabled readers, not a read
            return files
        return Counted(files, _RUN)

    return wrapper


class Counted:
    """The FILES of a listing, each counted toward ``read`` as it is taken up and finished; the
    listing itself stays readable (``files``), for whoever keeps it for later calls."""

    def __init__(self, files, run: Run):
        self.files, self.run = files, run

    def __iter__(self):
        names = list(self.files)
        self.run.add_total(len(names))
        for name in names:
            yield name
            self.run.advance("read")


def _count_pages(writer) -> None:
    """Count every page WRITER is asked for toward ``write``, written or (on a rebuild) skipped,
    so the count and its estimate are the same for a cold build and a rebuild."""
    if getattr(writer, "_progress_counted", False) or not hasattr(writer, "write_file"):
        return
    write_file = writer.write_file

    @functools.wraps(write_file)
    def counted(name, *args, **kwargs):
        if _RUN is not None and name:
            _RUN.advance("write")
        return write_file(name, *args, **kwargs)

    writer.write_file = counted
    writer._progress_counted = True


def generator_init(generator) -> None:
    """Each generator's steps begin their phase; the last generator's end begins the manifest's."""
    if _RUN is None:
        return
    kind = type(generator).__name__
    context = CONTEXT_PHASES.get(kind, OTHER_CONTEXT)
    generator.generate_context = _in_phase(generator.generate_context, context)
    if hasattr(generator, "generate_output"):
        after = LAST if kind == "StaticGenerator" else None  # Pelican runs the static files last
        generator.generate_output = _in_phase(generator.generate_output, OUTPUT_PHASES.get(kind, OTHER_OUTPUT), after)
    if context == "read":
        generator.get_files = _counting_files(generator.get_files)
