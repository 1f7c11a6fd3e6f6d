"""The search index builder alone: time, CPU and peak memory of a cold build and a rebuild
after adding the newest bulletin, over N synthetic bulletins (``scale_archive``'s, same seed).

    python benchmarks/bench_index_memory.py [--size 10000] [--memory BYTES] [--jobs 1] [--tracemalloc 10]

Peak memory is the process's VmHWM, reset after the bulletins are made (so it is what the
builder adds to what its caller holds). ``--tracemalloc N`` takes a snapshot when the shards
start to be cut (the builder's peak) and prints the N allocation sites holding the most.
The SHA-256 of every index file is written to ``benchmarks/out/index-memory-N/sha256.txt``.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import OUT
from bulletins.search import build
from scale_archive import SEED, read_paragraphs, synthetic_records


def docs_of(size: int) -> list[dict]:
    paragraphs = read_paragraphs(None)
    docs = []
    for _, record in synthetic_records(paragraphs, size, seed=SEED):
        url = f"bulletins/{record['date'][:4]}/{record['date'][5:7]}/{record['id']}.html"
        docs.append(dict(record, url=url, body=record.pop("text"), source_id=record["id"]))
    return docs


def vm_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(label: str, docs: list[dict], work: Path, options) -> None:
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM
    held, cpu, started = vm_kb("VmRSS"), cpu_seconds(), time.perf_counter()
    extra = (
        {"memory": options.memory}
        if options.memory and "memory" in inspect.signature(build.build_index).parameters
        else {}
    )
    stats = build.build_index(docs, work / "output" / "search", cache_dir=work / "cache", jobs=options.jobs, **extra)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    peak = vm_kb("VmHWM")
    print(
        f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak / 1024:.0f} MB "
        f"(+{(peak - held) / 1024:.0f} MB over the {held / 1024:.0f} MB held before), "
        f"{stats.files:,} files, {stats.bytes / 1e6:.1f} MB, {getattr(stats, 'runs', 0)} runs",
        flush=True,
    )


def snapshot_at_shards(top: int) -> None:
    """Print the ``top`` allocation sites when the builder starts cutting shards."""
    original = build._write_shards

    def traced(*args, **kwargs):
        snapshot = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        print(f"tracemalloc at the shard cut: {current / 2**20:.0f} MB traced (peak so far {peak / 2**20:.0f} MB)")
        for stat in snapshot.statistics("lineno")[:top]:
            frame = stat.traceback[0]
            print(f"  {stat.size / 2**20:7.1f} MB {stat.count:9,} blocks  {short(frame.filename)}:{frame.lineno}")
        return original(*args, **kwargs)

    build._write_shards = traced


def short(path: str) -> str:
    return path.split("/src/")[-1].split("site-packages/")[-1]


def hashes(root: Path) -> str:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}"
             for p in sorted(root.rglob("*")) if p.is_file()]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--memory", type=int, default=0, help="posting bytes held before a run is spilled")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N")
    parser.add_argument("--label", default="")
    options = parser.parse_args()
    work = OUT / f"index-memory-{options.size}{options.label}"
    shutil.rmtree(work, ignore_errors=True)
    docs = docs_of(options.size)
    print(f"{options.size:,} bulletins, load average {os.getloadavg()[0]:.1f}", flush=True)
    if options.tracemalloc:
        tracemalloc.start()
        snapshot_at_shards(options.tracemalloc)
    run("cold", docs, work, options)
    (work / "sha256.txt").write_text(hashes(work / "output" / "search"), encoding="utf-8")
    if not options.tracemalloc:
        newest = max(d["date"] for d in docs)
        docs.append(dict(docs[0], url="bulletins/0-added.html", date=newest, id="added", source_id="added"))
        run("rebuild, newest added", docs, work, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
