"""How fast the machine is in the hour a benchmark runs: a yardstick printed beside its figures.

The machine the figures come from is shared: the same code's builds moved by 25-45 % from one
hour to the next (``HISTORY.md``), so a figure says little without its hour's speed. Each
benchmark prints, before and after its runs, how long one fixed piece of pure Python takes
(``LOOP``, the best of three runs) and the load average. On the reference machine (2 cores)
the loop takes 0.47-0.56 s in a quiet hour; 0.8 s and more is a slow one, whose timings are
not comparable with a quiet hour's.
"""

from __future__ import annotations

import os
import time
import timeit

LOOP = "sum(i * i for i in range(10**7))"
QUIET_S = (0.47, 0.56)  # the loop in a quiet hour on the reference machine


def loop_seconds(repeat: int = 3, statement: str = LOOP) -> float:
    """The fastest of REPEAT runs of STATEMENT, in seconds."""
    return min(timeit.repeat(statement, number=1, repeat=repeat))


def load_average() -> float | None:
    """The 1-minute load average, or None where the system has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def meminfo_mb(field: str) -> float | None:
    """A field of /proc/meminfo (``Dirty``, ``MemFree``, ``Cached``...) in MB; None where the
    system has no such file or line."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def dirty_mb() -> float | None:
    """The page cache's bytes waiting to be written to disk (``Dirty``), in MB."""
    return meminfo_mb("Dirty")


def settle() -> str:
    """The files the last step wrote put on disk first (``os.sync``), so that the kernel's
    writeback of a cold build's 4 GB of small files is not charged to the next timed build,
    which a publisher runs long after; what there was to write, how long it took, and the
    memory free and in the page cache then (a cold build of 100,000 leaves some 2 GB free of
    24, where the machine had 8: the next build's memory is reclaimed from the page cache)."""
    dirty, started = dirty_mb(), time.perf_counter()
    os.sync()
    took = time.perf_counter() - started
    line = f"writeback before it: {dirty or 0:,.0f} MB dirty, written out in {took:.1f} s"
    free, cached = meminfo_mb("MemFree"), meminfo_mb("Cached")
    if free is not None and cached is not None:
        line += f"; memory free {free:,.0f} MB, page cache {cached:,.0f} MB"
    return line


def yardstick(when: str, repeat: int = 3, statement: str = LOOP) -> str:
    """One line: WHEN, the loop's time, the quiet hour's, the load average and the CPUs."""
    seconds = loop_seconds(repeat, statement)
    load = load_average()
    quiet = f"{QUIET_S[0]:.2f}-{QUIET_S[1]:.2f} s quiet"
    average = "" if load is None else f", load average {load:.1f}"
    return f"machine {when}: a fixed Python loop {seconds:.2f} s ({quiet}){average}, {os.cpu_count()} CPUs"
