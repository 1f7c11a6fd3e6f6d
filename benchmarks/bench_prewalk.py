"""The early listing of a rebuild's manifest walk: what one half holds, and how long it takes.

A rebuild's manifest walk is begun at the build's start in two processes (``fixity_early``),
each of which lists its half of the output with every folder watched (``fixity_watch.prewalk``)
and holds that listing until the build tells it to walk; past ``fixity_watch.MOST_LISTED``
files it lets the listing go and walks its half whole at the end. This lists the first half
(``--half 1``: the second) of a built site's output as a rebuild of it would cut it, in this
process, with ``MOST_LISTED`` set past the half's size (``--most``), and prints the files
listed, the seconds, and the process's peak memory before and after the listing (``VmHWM``)
and what the listing itself holds (``tracemalloc``'s count, with ``--traced``: slower).

    python benchmarks/bench_prewalk.py [SITE] [--half 0|1] [--most N] [--traced]

SITE is a folder holding ``output/`` and ``cache/`` (``bench_scale.py``'s ``scale-N``; by default
``benchmarks/out/scale-100000``, which ``bench_scale.py --sizes 100000`` leaves: without it this
says so and stops). The page cache is left as it is: run it twice to see the listing from memory.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bulletins.plugins.open_data.manifest import FIXITY_CACHE  # noqa: E402
from bulletins.plugins.progress.phaselog import memory_kb  # noqa: E402
from bulletins.site import fixity_stream, fixity_watch  # noqa: E402
from machine import yardstick  # noqa: E402


def peak_mb() -> float:
    """The process's peak resident memory so far (``VmHWM``), in MB."""
    return (memory_kb("VmHWM", Path("/proc/self/status").read_text(encoding="ascii")) or 0) / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", default=ROOT / "benchmarks" / "out" / "scale-100000")
    parser.add_argument("--half", type=int, choices=(0, 1), default=0)
    parser.add_argument("--most", type=int, default=10_000_000, help="MOST_LISTED for the run")
    parser.add_argument("--traced", action="store_true", help="count the listing's bytes (tracemalloc)")
    options = parser.parse_args(argv)
    root, cache = options.site / "output", options.site / "cache" / FIXITY_CACHE
    if not cache.is_file():
        print(f"{cache} is absent: build a site first (bench_scale.py --sizes 100000), then run this on it")
        return
    parts = fixity_stream.planned_ranges(root, cache)
    if len(parts) != 2:
        sys.exit(f"{cache}: not a cache a rebuild cuts in two halves")
    fixity_watch.MOST_LISTED = options.most
    print(yardstick("before"), flush=True)
    before, started = peak_mb(), time.perf_counter()
    if options.traced:
        tracemalloc.start()
    watch = fixity_watch.Watch.start(root)
    if watch is None:
        sys.exit("this system cannot watch folders (inotify)")
    walked = fixity_watch.prewalk(root, watch, parts[options.half].span)
    seconds = time.perf_counter() - started
    held = tracemalloc.get_traced_memory()[0] / 2**20 if options.traced else None
    count = None if walked is None else len(walked)
    print(f"half {options.half}: {count} files listed in {seconds:.1f} s (None: past MOST_LISTED or lost)")
    traced = f"; the listing {held:.0f} MB traced" if held else ""
    print(f"peak before {before:.0f} MB, after {peak_mb():.0f} MB{traced}")
    watch.close()


if __name__ == "__main__":
    main()
