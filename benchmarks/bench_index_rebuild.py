"""Search index rebuild benchmark: a cold build, then rebuilds after one change each.

    python benchmarks/bench_index_rebuild.py                     # benchmarks/out/content
    python benchmarks/bench_index_rebuild.py --content DIR       # any ingested content folder
    python benchmarks/bench_index_rebuild.py --verify            # also compare each rebuild with a cold build

The articles of the content folder (``bench_build.py`` makes ``benchmarks/out/content`` from
the 11,442-bulletin corpus) are read once into the builder's records; then the index is built
into ``--work`` with a cache folder beside it, as the Pelican plugin does with
``CACHE_PATH``: cold (empty folder, empty cache), with nothing changed, after adding a
bulletin dated after every other, after editing one bulletin's text, after removing one from
the middle of the archive, and after adding one dated before every other. Each row prints the
wall and CPU seconds of ``build_index`` and how many index files it wrote (new or changed),
removed, and how many bulletins it tokenized; CPU seconds include the worker processes
(``--jobs N``, default: ``build_index``'s own choice), and the cold row is followed by the
peak resident memory of this process and of its largest child process (a worker). ``--compare-jobs`` also
builds the cold index with one process and with two, prints both and checks that they are
the same bytes. ``--verify`` builds every state cold into a
second folder and checks the two are the same file for file, byte for byte. After the cold
build, ``--queries N`` (default 100, 0 to skip) runs ``bench_search.py``'s fixed-seed query set
(``search_queries.py``) on a fresh engine each under Node (``bulletins search``'s runner) and
prints the index bytes and files a first query loads (the manifest, its term shards, the result
data of 10 hits).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulletins.search.build import build_index  # noqa: E402
from bulletins.search.cli import NodeSearch  # noqa: E402
from search_queries import pick_queries, read_records  # noqa: E402

CONTENT = ROOT / "benchmarks" / "out" / "content"
WORK = ROOT / "benchmarks" / "out" / "index-rebuild"
ADDED_BODY = "青溪区人民政府召开常务会议，研究部署防汛抗旱和安全生产工作。会议强调，要压实责任，做好物资储备。"


def added(records: list[dict], date: str, slug: str) -> list[dict]:
    """``records`` plus one fictional bulletin dated ``date`` (its text names its date)."""
    url = f"bulletins/{date[:4]}/{date[5:7]}/{slug}.html"
    title = f"青溪区召开防汛工作会议（{date}）"
    return [*records, {"url": url, "title": title, "date": date, "body": ADDED_BODY, "category": "常务会议"}]


def steps(records: list[dict]) -> list[tuple[str, list[dict]]]:
    """The states built one after the other, each from the one before."""
    by_date = sorted(records, key=lambda r: (r["date"], r["url"]))
    middle = by_date[len(by_date) // 2]
    newest, oldest = by_date[-1]["date"], by_date[0]["date"]
    next_year = f"{int(newest[:4]) + 1}{newest[4:]}"
    with_new = added(records, next_year, "bench-added-newest")
    edited = [dict(r, body=r["body"] + "\n会后，与会人员实地察看了防汛工作。") if r is middle else r for r in with_new]
    removed = [r for r in edited if r["url"] != by_date[len(by_date) // 3]["url"]]
    last_year = f"{int(oldest[:4]) - 1}{oldest[4:]}"
    return [
        ("cold (empty folder and cache)", records),
        ("nothing changed", records),
        ("add one, the newest", with_new),
        ("edit one's text", edited),
        ("remove one from the middle", removed),
        ("add one, the oldest", added(removed, last_year, "bench-added-oldest")),
    ]


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> str:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return f"peak resident {own.ru_maxrss / 1024:.0f} MB (largest child process {children.ru_maxrss / 1024:.0f} MB)"


def timed(records: list[dict], out: Path, cache: Path | None, jobs: int | None = None):
    wall, cpu = time.perf_counter(), cpu_seconds()
    stats = build_index(records, out, cache_dir=cache, jobs=jobs)
    return stats, time.perf_counter() - wall, cpu_seconds() - cpu


def compare_jobs(records: list[dict], work: Path) -> None:
    """Cold builds with one and two processes: their times, and that they are the same bytes."""
    digests = []
    for jobs in (1, 2):
        shutil.rmtree(work / f"jobs-{jobs}", ignore_errors=True)
        _, wall, cpu = timed(records, work / f"jobs-{jobs}", None, jobs)
        digests.append(tree_digest(work / f"jobs-{jobs}"))
        print(f"cold, {jobs} process{'es' if jobs > 1 else ''}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    if digests[0] != digests[1]:
        sys.exit("the index built on two processes differs from the one-process index")
    print("1 and 2 processes write the same index, byte for byte")


def cold_queries(index: Path, queries: list[str]) -> str:
    """Median (and p90) index bytes, gzipped bytes and files of a first query, under Node."""
    sizes, zipped, files = [], [], []
    with NodeSearch(ROOT / "theme" / "static" / "js" / "search-core.js", index) as node:
        for query in queries:
            loaded = node.search(query, fresh=True, limit=10)["loaded"]
            sizes.append(sum(size for _, size in loaded))
            zipped.append(sum(len(gzip.compress((index / name).read_bytes(), 6)) for name, _ in loaded))
            files.append(len(loaded))
    p90 = sorted(sizes)[int(0.9 * (len(sizes) - 1))]
    return (
        f"first query over {len(queries)} queries: median {statistics.median(sizes) / 1024:.1f} KB "
        f"({statistics.median(zipped) / 1024:.1f} KB gzipped) in {statistics.median(files):.0f} files, "
        f"p90 {p90 / 1024:.1f} KB; manifest {(index / 'manifest.js').stat().st_size / 1024:.1f} KB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=CONTENT, help="ingested content folder")
    parser.add_argument("--work", type=Path, default=WORK, help="build folder (emptied first)")
    parser.add_argument("--verify", action="store_true", help="compare every rebuild with a cold build")
    parser.add_argument("--queries", type=int, default=100, help="first-query measurement (0 to skip)")
    parser.add_argument("--jobs", type=int, default=None, help="processes that tokenize (default: automatic)")
    parser.add_argument("--compare-jobs", action="store_true", help="cold builds on 1 and 2 processes, compared")
    args = parser.parse_args(argv)
    if not (args.content / "bulletins").is_dir():
        sys.exit(f"{args.content}/bulletins is absent: run benchmarks/bench_build.py or bulletins ingest first")
    started = time.perf_counter()
    records = read_records(args.content)
    print(f"{len(records):,} bulletins read in {time.perf_counter() - started:.1f} s")
    shutil.rmtree(args.work, ignore_errors=True)
    if args.compare_jobs:
        compare_jobs(records, args.work)
    out, cache, cold_out = args.work / "search", args.work / "cache", args.work / "cold"
    print("| step | wall | CPU | files written | removed | tokenized | index files |")
    print("|---|---|---|---|---|---|---|")
    cold_cpu = None
    for name, state in steps(records):
        stats, wall, cpu = timed(state, out, cache, args.jobs)
        cold_cpu = cold_cpu or cpu
        share = f" ({cpu / cold_cpu:.2f}×)" if cold_cpu != cpu else ""
        print(f"| {name} | {wall:.1f} s | {cpu:.1f} s{share} | {stats.written:,} | {stats.removed:,} "
              f"| {stats.tokenized:,} | {stats.files:,} |", flush=True)  # fmt: skip
        if name.startswith("cold"):
            print(peak_mb(), flush=True)
        if args.queries and name.startswith("cold"):
            print(cold_queries(out, pick_queries([r["body"] for r in records], args.queries)), flush=True)
        if args.verify:
            shutil.rmtree(cold_out, ignore_errors=True)
            build_index(state, cold_out)
            if tree_digest(out) != tree_digest(cold_out):
                sys.exit(f"{name}: the rebuilt index differs from a cold build")
    if args.verify:
        print("every rebuild equals a cold build of the same content, byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
