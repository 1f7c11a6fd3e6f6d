"""Each build phase's times and memory as JSON lines, for the scale benchmark.

Off unless the environment asks: ``BULLETINS_PHASE_LOG=FILE`` appends one line per phase
(``phase``, wall-clock ``start``/``end``, ``count``, ``cpu_s`` — the process's own user and
system CPU seconds in the phase, which the machine's load does not inflate —, ``minor_faults``
— the pages the process touched first, or copied when a fork shared them, in the phase —,
``peak_rss_kb`` — the process's peak resident memory during that phase, Linux's VmHWM reset at
the phase's start — and ``rss_kb`` at its end); ``BULLETINS_TRACEMALLOC=N`` adds the N
allocation sites holding the most memory at the end of each phase and the phase's traced peak
(tracemalloc slows the build down).
A fork that works beside the build (the search index's, the citations'...) adds a line of its
own when the build takes its result (``fork_record``): ``"fork": true``, its wall-clock span and
the CPU seconds and peak memory of the fork and the processes it waited for.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import tracemalloc
from pathlib import Path

try:  # the minor faults' count (a POSIX system's)
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

LOG_ENV = "BULLETINS_PHASE_LOG"
TRACEMALLOC_ENV = "BULLETINS_TRACEMALLOC"
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def memory_kb(field: str, status: str) -> int | None:
    """FIELD (``VmHWM``, ``VmRSS``) of a /proc/PID/status text, in kB."""
    match = re.search(rf"^{field}:\s+(\d+)\s+kB", status, re.M)
    return int(match.group(1)) if match else None


def _status() -> str:
    try:
        return _STATUS.read_text(encoding="ascii")
    except OSError:
        return ""


def _minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource is not None else 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        _CLEAR_REFS.write_text("5", encoding="ascii")  # resets VmHWM to the current RSS


def top_sites(limit: int) -> list[dict]:
    """The LIMIT source lines holding the most traced memory now."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap*"))
    )
    return [
        {
            "site": f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}",
            "kb": stat.size // 1024,
            "blocks": stat.count,
        }
        for stat in snapshot.statistics("lineno")[:limit]
    ]


def fork_record(name: str, start: float, usage, environ=os.environ) -> None:
    """A line for the fork NAME begun at START (``time.time()``) and reaped with USAGE (the
    ``resource.struct_rusage`` of ``os.wait4``), when the environment asks for the log: its
    span until the build took its result (its wait for it included), its CPU seconds and its
    peak (the build's pages it inherited included). A log that cannot be written is skipped:
    the build goes on."""
    path = environ.get(LOG_ENV)
    if not path:
        return
    record = {
        "phase": f"fork: {name}",
        "fork": True,
        "start": start,
        "end": time.time(),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_kb": usage.ru_maxrss,
    }
    with contextlib.suppress(OSError):
        _append(Path(path), record)


def _append(path: Path, record: dict) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


class PhaseLog:
    def __init__(self, path: Path, top: int = 0):
        self.path, self.top = path, top
        self._started = (0.0, "")
        self._cpu = 0.0
        self._faults = 0
        if top and not tracemalloc.is_tracing():
            tracemalloc.start()

    @classmethod
    def from_environment(cls, environ=os.environ) -> PhaseLog | None:
        path = environ.get(LOG_ENV)
        if not path:
            return None
        top = environ.get(TRACEMALLOC_ENV, "")
        return cls(Path(path), int(top) if top.isdigit() else 0)

    def begin(self, name: str) -> None:
        _reset_peak()
        if self.top:
            tracemalloc.reset_peak()
        self._started = (time.time(), name)
        self._cpu = time.process_time()
        self._faults = _minor_faults()

    def end(self, name: str, count: int) -> None:
        start, _ = self._started
        status = _status()
        record = {
            "phase": name,
            "start": start,
            "end": time.time(),
            "count": count,
            "cpu_s": round(time.process_time() - self._cpu, 3),
            "minor_faults": _minor_faults() - self._faults,
            "peak_rss_kb": memory_kb("VmHWM", status),
            "rss_kb": memory_kb("VmRSS", status),
        }
        if self.top:
            record["traced_peak_kb"] = tracemalloc.get_traced_memory()[1] // 1024
            record["top"] = top_sites(self.top)
        _append(self.path, record)
