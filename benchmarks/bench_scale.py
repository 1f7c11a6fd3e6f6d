"""Scale: ingest and build time and memory for N synthetic bulletins, phase by phase.

    python benchmarks/bench_scale.py [--sizes 10000,30000] [--jobs 2] [--tracemalloc 8] [--quick]

For each size N (fixed seed), in ``benchmarks/out/scale-N/`` (``--out``; never committed; an earlier run's
folder is moved aside and deleted once the run ends, ``set_aside``):

1. ``sources/``: N bulletins of 2-12 real paragraphs each from
   ``../shared/corpus/bulletins-2022-2024.jsonl.gz``, titles cut from their first paragraph,
   dates over 25 years (2000-2024), five fictional publishers, one ``.jsonl.gz`` per publisher;
2. ``bulletins ingest`` into an empty ``content/``: time and peak memory;
3. a cold build (``pelicanconf.py`` as ``./run html`` uses it, search index included) in a
   child process: time and peak memory per phase (read, prepare, write, search index, open
   data, manifest), from the build's phase log (``BULLETINS_PHASE_LOG``: VmHWM of the Pelican
   process, reset at each phase) and from sampling ``/proc`` every 0.2 s for the process and
   its children (the SQLite file is made in a child);
4. rebuilds over that output (``--rebuilds``): with nothing changed (``unchanged``), after adding
   one bulletin of a random date (``add``, ingested) or one newer than all others (``newest``),
   one on a day that had none (``empty``: it moved every later search id before each day took a
   block of ids) or on a day whose block of ids is full (``full``, filled first if no day is:
   it moved every later id before a day's ids past its block took tiers of their own),
   editing one article by hand (``edit``)
   and removing it (``remove``), each with its phases;
   ``--again`` runs only these, over the site an earlier run left (no ingest, no cold build;
   ``--cold`` builds it cold first, its output and cache set aside until the run ends, or
   deleted first with ``--delete-first`` where the disk cannot hold two);
   ``--drop-caches`` empties the kernel's page cache before each (root only: a rebuild the next
   day finds its files on disk, not in memory);
5. the output's size and file count, and its largest folders.

``--tracemalloc N`` adds one more cold build under tracemalloc (slow; its time is not
reported) and prints the N allocation sites holding the most memory at the end of each phase.
``--quick`` reads paragraphs from the first 1,000 corpus records only (for the test suite).
Peak memory is given twice: "process" is the largest single process (``wait4``'s
``ru_maxrss``), "tree" the largest sum over the process and its children at one sample.

The archive and the changes made to it are ``scale_archive.py``'s, the child processes and their
measuring ``scale_measure.py``'s, the printed report ``scale_report.py``'s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import yardstick
from scale_archive import CORPUS, add_one, edit_one, empty_day, fill_day, one_article, read_paragraphs, write_sources
from scale_measure import DROP_CACHES, EXTRA_SETTINGS, Measured, build, by_phase, drop_caches, ingest
from scale_report import print_rebuild_phases, print_size, print_summary, print_traced, pss_mb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PLACE: list[Path] = [OUT]  # --out: where the scale-N folders are (another disk for 1,000,000)
REBUILDS = ("unchanged", "add", "newest", "full", "empty", "edit", "remove")


# --- the steps of one size --------------------------------------------------------------------


def rebuilds(work: Path, wanted: set[str], cold: Measured | None = None) -> dict[str, tuple[Measured, dict]]:
    """Nothing, add one bulletin of a random date (ingested), add the newest one, add one on a
    day whose block of search ids is full (``fill_day``) and one on a day that had none, edit one
    article by hand, remove that article: a build after each of the WANTED ones (names in
    ``REBUILDS``), with its phases; each one's share of the COLD build, when this run made one."""
    times, edited = {}, None
    for step in REBUILDS:
        if step not in wanted:
            continue
        if step == "unchanged":
            pass
        elif step in ("add", "newest"):
            add_one(work, newest=step == "newest")
        elif step == "empty":
            add_one(work, date=empty_day(work / "output"))
        elif step == "full":
            add_one(work, date=fill_day(work))
        elif step == "edit":
            edited = edit_one(work / "content")
        else:
            (edited or one_article(work / "content")).unlink()
        if DROP_CACHES:
            drop_caches()
        measured, records = build(work, f"{step}-one")
        times[f"{step} one"] = measured, by_phase(records, measured)
        print(
            f"rebuild_{step}_one_s {measured.seconds:.1f}  cpu_s {measured.cpu_seconds:.1f}"
            f"  peak_mb {measured.process_kb // 1024} (tree {measured.tree_kb // 1024},"
            f" PSS {pss_mb(measured)})"
            + (f"  share_of_cold {100 * measured.seconds / cold.seconds:.2f} %" if cold else ""),
            flush=True,
        )
    print_rebuild_phases(times)
    return times


def output_figures(output: Path) -> dict:
    files = [p for p in output.rglob("*") if p.is_file()]
    folders: dict[str, int] = defaultdict(int)
    for path in files:
        parts = path.relative_to(output).parts
        folders[parts[0] if len(parts) > 1 else "(top)"] += path.stat().st_size
    largest = sorted(folders.items(), key=lambda item: -item[1])[:6]
    return {"files": len(files), "bytes": sum(folders.values()), "largest": largest}


def run_again(size: int, options) -> dict:
    """The rebuilds only, over what an earlier run left in ``benchmarks/out/scale-SIZE``."""
    work = work_folder(size)
    if not (work / "output").is_dir():
        sys.exit(f"{work / 'output'} is absent: run the benchmark for {size} without --again first")
    print(f"\n## {size:,} bulletins, rebuilds of the last run's site\n", flush=True)
    figures: dict = {"size": size}
    if options.cold:  # the same articles built cold again: output and cache set aside first
        for folder in (work / "output", work / "cache"):
            if options.delete_first:  # the disk may not hold a second output
                shutil.rmtree(folder, ignore_errors=True)
            else:
                set_aside(folder)
        if DROP_CACHES:
            drop_caches()
        figures["cold"], records = build(work, "cold")
        figures["phases"] = by_phase(records, figures["cold"])
        figures["output"] = output_figures(work / "output")
        print_size(dict(figures, ingest=None))
    wanted = set(options.rebuilds.split(",")) - {""}
    figures["rebuilds"] = rebuilds(work, wanted, figures.get("cold"))
    return figures


def run_size(size: int, paragraphs: list[str], options) -> dict:
    work = work_folder(size)
    set_aside(work)
    write_sources(work / "sources", paragraphs, size)
    figures = {"size": size, "ingest": ingest(work, options.jobs, work / "sources")}
    figures["cold"], records = build(work, "cold")
    figures["phases"] = by_phase(records, figures["cold"])
    figures["output"] = output_figures(work / "output")
    print_size(figures)
    figures["rebuilds"] = rebuilds(work, set(options.rebuilds.split(",")) - {""}, figures["cold"])
    if options.tracemalloc:
        shutil.rmtree(work / "output")
        shutil.rmtree(work / "cache", ignore_errors=True)
        traced, records = build(work, "traced", {"BULLETINS_TRACEMALLOC": str(options.tracemalloc)})
        figures["traced"] = by_phase(records, traced)
        print_traced(figures["traced"])
    return figures


def work_folder(size: int) -> Path:
    return PLACE[0] / f"scale-{size}"


def trash() -> Path:
    """Earlier runs' folders, deleted after the measurements (on the same file system as the
    folders, so that moving one there is a rename)."""
    return PLACE[0] / f".trash-{os.getpid()}"


def set_aside(folder: Path) -> None:
    """Move FOLDER (an earlier run's) into ``trash()``, deleted when the run ends (``main``). On
    ext4, files made within minutes of deleting many others are slower to make (the inode
    allocator passes over inodes freed recently): a cold build of 20,000 took 67.5-71.4 s right
    after ``rm -rf`` of the last one's output and cache, 55.7 s with them moved aside."""
    if folder.exists():
        trash().mkdir(parents=True, exist_ok=True)
        folder.rename(trash() / f"{folder.name}-{time.time_ns()}")


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options (``--help`` lists them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000", help="comma-separated archive sizes (default 10000,30000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="ingest worker processes")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N", help="top N allocation sites per phase")
    parser.add_argument(
        "--rebuilds",
        default="add,edit,remove",
        help="which rebuilds to time: unchanged, add, newest, full (onto a day whose block of"
        " search ids is full), empty (onto a day that had none), edit, remove (default add,edit,remove)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="only the rebuilds, over the site an earlier run left (no ingest, no cold build)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="with --again: first build the last run's articles cold again (its output and cache set aside)",
    )
    parser.add_argument(
        "--delete-first",
        action="store_true",
        help="with --cold: delete the last output and cache before the build instead of setting them aside"
        " until the run ends (a disk that cannot hold two outputs: 42 GB at 1,000,000)",
    )
    parser.add_argument("--quick", action="store_true", help="paragraphs from the first 1,000 corpus records only")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for every build, VALUE in JSON (Pelican's -e), e.g. SEARCH_INDEX_BESIDE_PAGES=false",
    )
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="empty the kernel's page cache before each rebuild (root only), as a rebuild the next day finds it",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="the folder the scale-N folders go in (default benchmarks/out; another disk for 1,000,000)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    PLACE[:] = [options.out.resolve()]
    EXTRA_SETTINGS[:] = options.set
    DROP_CACHES[:] = [True] if options.drop_caches else []
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared beside the project")
    sizes = [int(s.replace("_", "")) for s in options.sizes.split(",") if s.strip()]
    if options.again:
        try:
            for size in sizes:
                run_again(size, options)
        finally:
            shutil.rmtree(trash(), ignore_errors=True)
        print(yardstick("at the end"))
        return 0
    paragraphs = read_paragraphs(1000 if options.quick else None)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {len(paragraphs):,} paragraphs")
    try:
        print_summary([run_size(size, paragraphs, options) for size in sizes])
    finally:
        shutil.rmtree(trash(), ignore_errors=True)
    print(yardstick("at the end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
