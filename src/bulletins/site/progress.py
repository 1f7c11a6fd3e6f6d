"""Progress of a long build on a terminal: one updating line per phase (the pure core).

``render_line`` turns what is known about a phase (its name, items done, the total when it is
known, the seconds it has run) into one line; ``Progress`` is fed phase starts and counts and
reads an injected clock, and hands lines to a sink (``update`` redraws the current line,
``finish`` ends it). ``LineSink`` draws with a carriage return on a plain stream; the Pelican
plugin has one that joins Pelican's own terminal display. Whether anything is shown at all is
``should_show``: only when it is wanted and the stream is a terminal, so a log file or a pipe
never receives a progress line.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

NAME_WIDTH = 17  # "open data: SQLite"
DEFAULT_DELAY = 0.5  # seconds a phase runs before its line appears: quick phases print nothing
DEFAULT_INTERVAL = 0.1  # seconds between two redraws


@dataclass(frozen=True)
class Snapshot:
    """A phase as a line shows it."""

    name: str
    done: int = 0
    total: int | None = None  # None: not known
    elapsed: float = 0.0  # seconds
    unit: str = ""
    finished: bool = False


def format_count(count: int) -> str:
    return f"{count:,}"


def format_duration(seconds: float) -> str:
    """``4.2 s`` under a minute, else ``m:ss`` or ``h:mm:ss``."""
    if seconds < 59.95:
        return f"{max(seconds, 0.0):.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def rate(done: int, elapsed: float) -> float | None:
    """Items a second, or None before there is anything to measure."""
    if done <= 0 or elapsed < 0.05:
        return None
    return done / elapsed


def format_rate(per_second: float) -> str:
    if per_second >= 100:
        return f"{round(per_second):,}/s"
    return f"{per_second:.1f}/s" if per_second >= 1 else f"{per_second:.2f}/s"


def eta(done: int, total: int | None, elapsed: float) -> float | None:
    """Seconds left at the rate so far; None when the total or the rate is not known."""
    per_second = rate(done, elapsed)
    if total is None or per_second is None:
        return None
    return max(total - done, 0) / per_second


def _count_part(s: Snapshot) -> str:
    unit = f" {s.unit}" if s.unit else ""
    if s.total is not None and not s.finished:
        shown = min(s.done, s.total)
        percent = 100 * shown // s.total if s.total else 100
        return f"{format_count(shown)}/{format_count(s.total)}{unit} {percent:3d}%"
    return f"{format_count(s.done)}{unit}" if s.done or s.total is not None else ""


def render_line(s: Snapshot, width: int = 80) -> str:
    """One line for phase S, at most WIDTH - 1 characters (a full line would wrap the cursor).

    Running: ``read          8,123/11,442 articles  70%  1,234/s  ETA 0:03``;
    finished: ``read          11,442 articles  1,230/s  in 9.3 s``. Without a total the
    count and rate stand alone and the time shown is the time so far.
    """
    if s.total is not None and s.done > s.total:  # an estimate that fell short: no total then
        s = dataclasses.replace(s, total=None)
    per_second = rate(s.done, s.elapsed)
    parts = [_count_part(s)]
    if per_second is not None:
        parts.append(format_rate(per_second))
    if s.finished:
        parts.append(f"in {format_duration(s.elapsed)}")
    else:
        left = eta(s.done, s.total, s.elapsed)
        parts.append(f"ETA {format_duration(left)}" if left is not None else format_duration(s.elapsed))
    line = f"{s.name:<{NAME_WIDTH}} " + "  ".join(p for p in parts if p)
    return line[: max(width - 1, 0)].rstrip()


def should_show(wanted: bool, stream, term: str | None = None) -> bool:
    """True when progress is WANTED and STREAM is a terminal that can redraw a line."""
    if not wanted or term == "dumb":
        return False
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


class Sink(Protocol):
    def update(self, text: str) -> None: ...
    def finish(self, text: str) -> None: ...


class LineSink:
    """Redraws one line of a terminal stream with a carriage return; ``finish`` ends it."""

    def __init__(self, stream):
        self.stream = stream
        self._drawn = 0

    def update(self, text: str) -> None:
        self.stream.write("\r" + text + " " * max(self._drawn - len(text), 0))
        self.stream.flush()
        self._drawn = len(text)

    def finish(self, text: str) -> None:
        self.update(text)
        self.stream.write("\n")
        self.stream.flush()
        self._drawn = 0


@dataclass
class _Phase:
    name: str
    unit: str
    started: float
    done: int = 0
    total: int | None = None
    shown: bool = False
    drawn_at: float = float("-inf")


class Progress:
    """Phases one after another, each drawn on its own line once it has run DELAY seconds.

    Every method is safe to call from a ticker thread and the build's thread at once.
    """

    def __init__(
        self,
        sink: Sink,
        clock: Callable[[], float] = time.monotonic,
        width: int = 80,
        delay: float = DEFAULT_DELAY,
        interval: float = DEFAULT_INTERVAL,
    ):
        self.sink, self.clock, self.width = sink, clock, width
        self.delay, self.interval = delay, interval
        self._phase: _Phase | None = None
        self._lock = threading.RLock()

    def begin(self, name: str, unit: str = "", total: int | None = None) -> None:
        """Start phase NAME (ending the one before); a phase already running continues."""
        with self._lock:
            if self._phase is not None and self._phase.name == name:
                return
            self.end()
            self._phase = _Phase(name, unit, self.clock(), total=total)
            self._draw()  # shown at once when there is no delay

    def add_total(self, count: int) -> None:
        with self._lock:
            if self._phase is not None:
                self._phase.total = (self._phase.total or 0) + count

    def advance(self, count: int = 1) -> None:
        with self._lock:
            if self._phase is not None:
                self._phase.done += count
                self._draw()

    def tick(self) -> None:
        """Redraw when due: keeps the time moving in phases that report no counts."""
        with self._lock:
            if self._phase is not None:
                self._draw()

    def end(self) -> None:
        """End the current phase: its final line if it was ever shown, nothing otherwise."""
        with self._lock:
            phase, self._phase = self._phase, None
            if phase is not None and phase.shown:
                self.sink.finish(render_line(self._snapshot(phase, finished=True), self.width))

    def _snapshot(self, phase: _Phase, finished: bool) -> Snapshot:
        elapsed = self.clock() - phase.started
        return Snapshot(phase.name, phase.done, phase.total, elapsed, phase.unit, finished)

    def _draw(self) -> None:
        phase, now = self._phase, self.clock()
        if now - phase.started < self.delay or now - phase.drawn_at < self.interval:
            return
        phase.shown, phase.drawn_at = True, now
        self.sink.update(render_line(self._snapshot(phase, finished=False), self.width))
