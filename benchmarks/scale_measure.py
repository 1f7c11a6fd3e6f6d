"""The scale benchmark's child processes, run and measured: ``bulletins ingest`` and Pelican
builds (``bench_scale.py``), their time, CPU time and memory, and each build's phases.

A child's memory is sampled from ``/proc`` every 0.2 s for the process and its children (the
resident memory of the tree; its proportional memory every 2 s); a build's phases come from
its phase log (``BULLETINS_PHASE_LOG``: VmHWM of the Pelican process, reset at each phase).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from machine import settle, yardstick

ROOT = Path(__file__).resolve().parents[1]
BULLETINS_CLI = str(Path(sys.executable).with_name("bulletins"))
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_EVERY = 0.2
PSS_EVERY = 10  # RSS samples per PSS sample (every 2 s)


def tree_rss_kb(root: int) -> int:
    """Resident memory of process ROOT and all its descendants now, in kB (the pages a fork
    shares with the build counted in each: see ``tree_pss_kb``)."""
    return sum(tree_rss(root).values())


def tree_pss_kb(root: int) -> int:
    """Proportional memory (``Pss`` of ``/proc/PID/smaps_rollup``: a page shared by N processes
    counts 1/N in each) of process ROOT and all its descendants now, in kB. Reading it walks
    each process's page tables, so it is sampled less often than the RSS."""
    total = 0
    for pid in tree_rss(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
        except (OSError, ValueError):
            continue
    return total


def tree_rss(root: int) -> dict[int, int]:
    """ROOT and its descendants now, each with its resident kB."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(entry)], rss[int(entry)] = int(fields[1]), int(fields[21]) * PAGE_KB
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        found[pid] = rss.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return found


@dataclass
class Measured:
    seconds: float
    process_kb: int  # ru_maxrss: the largest single process of the tree
    cpu_seconds: float = 0.0  # user + system time of the process and its waited-for children
    samples: list[tuple[float, int]] = field(default_factory=list)  # (wall time, tree kB)
    pss_samples: list[tuple[float, int]] = field(default_factory=list)  # (wall time, tree PSS kB)

    @property
    def tree_kb(self) -> int:
        return max((kb for _, kb in self.samples), default=0)

    @property
    def tree_pss_kb(self) -> int:
        return max((kb for _, kb in self.pss_samples), default=0)

    def tree_kb_between(self, start: float, end: float) -> int:
        return max((kb for t, kb in self.samples if start - SAMPLE_EVERY <= t <= end + SAMPLE_EVERY), default=0)


def measure(args: list[str], log: Path, env: dict | None = None) -> Measured:
    """Run ARGS (output to LOG) while sampling its memory; stop the benchmark if it fails."""
    samples: list[tuple[float, int]] = []
    pss_samples: list[tuple[float, int]] = []
    done = threading.Event()
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            count = 0
            while not done.wait(SAMPLE_EVERY):
                samples.append((time.time(), tree_rss_kb(child.pid)))
                count += 1
                if count % PSS_EVERY == 1:  # the first at 0.2 s, then every 2 s
                    pss_samples.append((time.time(), tree_pss_kb(child.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode not in (0, 1):  # ingest exits 1 when it reported a bulletin
        sys.exit(f"failed (exit {child.returncode}): {' '.join(args)}\n{log.read_text(encoding='utf-8')[-3000:]}")
    return Measured(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, samples, pss_samples)


EXTRA_SETTINGS: list[str] = []  # --set KEY=VALUE, passed to every build
DROP_CACHES: list[bool] = []  # --drop-caches: [True]


def drop_caches() -> None:
    """Write back (``settle``, its line printed) and drop the kernel's page cache, dentries and
    inodes (``--drop-caches``)."""
    print(settle(), flush=True)
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n", encoding="ascii")
    except OSError as err:
        sys.exit(f"--drop-caches: cannot drop the page cache ({err}); run as root or leave the flag off")


def build_args(work: Path) -> list[str]:
    overrides = [f"CACHE_PATH={json.dumps(str(work / 'cache'))}"]
    overrides.append(f"BULLETINS_SOURCE_ROOTS={json.dumps([str(work / 'sources')])}")
    overrides.extend(EXTRA_SETTINGS)
    settings = ["-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors", "-e", *overrides]
    return [sys.executable, "-m", "pelican", str(work / "content"), "-o", str(work / "output"), *settings]


def build(work: Path, label: str, extra_env: dict | None = None) -> tuple[Measured, list[dict]]:
    phases = work / f"phases-{label}.jsonl"
    phases.unlink(missing_ok=True)
    env = dict(os.environ, BULLETINS_PHASE_LOG=str(phases), **(extra_env or {}))
    print(settle(), flush=True)
    print(yardstick(f"before {label}"), flush=True)
    measured = measure(build_args(work), work / f"{label}.log", env)
    return measured, [json.loads(line) for line in phases.read_text(encoding="utf-8").splitlines()]


def ingest(work: Path, jobs: int, *sources: Path) -> Measured:
    args = [BULLETINS_CLI, "ingest", *map(str, sources), "--content", str(work / "content"), "--jobs", str(jobs), "-q"]
    return measure(args, work / f"ingest-{len(list(work.glob('ingest-*.log')))}.log")


def by_phase(records: list[dict], measured: Measured) -> dict[str, dict]:
    """Seconds, process peak and tree peak of each phase (a phase that ran in parts summed); a
    fork's line (``fork: NAME``, forks of one name summed) its span until the build took its
    result, its CPU seconds and its peak (the build's pages it inherited included)."""
    phases: dict[str, dict] = defaultdict(lambda: {"seconds": 0.0, "process_kb": 0, "tree_kb": 0})
    for r in records:
        row = phases[r["phase"]]
        if r.get("fork"):
            row.update(fork=True, seconds=max(row["seconds"], r["end"] - r["start"]))
            row["cpu_s"] = row.get("cpu_s", 0.0) + r["cpu_s"]
            row["process_kb"] = max(row["process_kb"], r["peak_rss_kb"] or 0)
            continue
        row["seconds"] += r["end"] - r["start"]
        row["process_kb"] = max(row["process_kb"], r["peak_rss_kb"] or 0)
        row["tree_kb"] = max(row["tree_kb"], measured.tree_kb_between(r["start"], r["end"]))
        row.setdefault("top", []).append(r.get("top"))
        row["traced_kb"] = max(row.get("traced_kb", 0), r.get("traced_peak_kb", 0))
    return dict(phases)


def phase_cell(row: dict) -> str:
    """A phase's seconds; a fork's span and CPU seconds."""
    return f"{row['seconds']:.1f} s (CPU {row['cpu_s']:.1f} s)" if row.get("fork") else f"{row['seconds']:.1f} s"
