"""Ingest throughput on the real corpus: ``python benchmarks/bench_ingest.py [--jobs N] [--profile]``.

Ingests the 11,442 bulletins of ../shared/corpus/bulletins-2022-2024.jsonl.gz (one .jsonl.gz,
split into record chunks across the workers) into a temporary content folder, then again
(nothing changes, nothing is written). Prints one line per run::

    bench_ingest: first run: 11442 bulletins in 23.4 s with --jobs 2 = 489 bulletins/s (goal >= 300; cpu: ...)

With ``--profile``, or when the first run is below the goal, a serial run over the first
2,000 records is profiled and the functions with the most cumulative time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import itertools
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
GOAL = 300  # bulletins per second on the 2-core reference machine
PROFILE_RECORDS = 2000


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _ingest(source: Path, content: Path, jobs: int):
    """(report, wall seconds, parent CPU seconds, workers' CPU seconds)."""
    from bulletins.ingest import pipeline
    from bulletins.models import Context

    options = pipeline.Options(content=content, context=Context(script=None), jobs=jobs, progress=False)
    cpu, started = _cpu(), time.perf_counter()
    report = pipeline.ingest([source], options)
    wall, (parent, workers) = time.perf_counter() - started, _cpu()
    return report, wall, parent - cpu[0], workers - cpu[1]


def _line(label: str, count: int, timing: tuple[float, float, float], jobs: int) -> str:
    wall, parent, workers = timing
    return (
        f"bench_ingest: {label}: {count} bulletins in {wall:.1f} s with --jobs {jobs} = {count / wall:.0f} bulletins/s "
        f"(goal >= {GOAL}; cpu: parent {parent:.1f} s, workers {workers:.1f} s, load {os.getloadavg()[0]:.1f})"
    )


def _profile(folder: Path) -> None:
    subset = folder / "subset.jsonl"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        subset.write_text("".join(itertools.islice(fh, PROFILE_RECORDS)), encoding="utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    _ingest(subset, folder / "profiled", jobs=1)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"bench_ingest: profile of a serial run over {PROFILE_RECORDS} records (cumulative time):")
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="profile a serial run as well")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"bench_ingest: {CORPUS} is absent: this benchmark needs ../shared beside the project")
        return 1

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        report, *timing = _ingest(CORPUS, folder / "content", args.jobs)
        count = len(report.written) + report.unchanged
        print(_line("first run", count, timing, args.jobs), flush=True)
        if report.problems:
            print(f"bench_ingest: {len(report.problems)} problems, first: {report.problems[0]}")
        again, *timing_again = _ingest(CORPUS, folder / "content", args.jobs)
        print(
            _line(
                f"re-ingest, {len(again.written)} written",
                again.unchanged + len(again.written),
                timing_again,
                args.jobs,
            ),
            flush=True,
        )
        if args.profile or count / timing[0] < GOAL:
            _profile(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
