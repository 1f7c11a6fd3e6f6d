"""Cold builds of one content folder with 1 and 2 page-writing processes, and whether they agree.

    python benchmarks/bench_pages.py [--content DIR] [--jobs 1,2] [--without search_index]

Each build starts cold (its output and cache folders removed) and runs ``pelican`` with
``pelicanconf.py`` as ``./run html`` does, ``BULLETINS_WRITE_JOBS`` set to each value of
``--jobs`` in turn, one after the other. Printed per build: wall time, CPU seconds of the build
and every process it waited for (its forks and the SQLite child included), the load average
before and after, the time of each phase from ``BULLETINS_PHASE_LOG``, and the number of files;
then whether every build wrote the same files with the same bytes (a SHA-256 per file).

The default content is ``benchmarks/out/content``, the 11,442 corpus bulletins that
``bench_build.py`` ingests; ``bench_scale.py`` leaves synthetic ones in ``benchmarks/out/scale-N/content``.
Builds go to ``benchmarks/out/pages-jN`` (never committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"


def plugins(without: list[str]) -> list[str]:
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    return [p for p in pelicanconf.PLUGINS if not any(p.endswith(f".{name}") for name in without)]


def build(content: Path, jobs: int, without: list[str]) -> dict:
    """One cold build; its figures."""
    output, cache, log = OUT / f"pages-j{jobs}", OUT / f"pages-j{jobs}-cache", OUT / f"pages-j{jobs}-phases.jsonl"
    for path in (output, cache):
        shutil.rmtree(path, ignore_errors=True)
    log.unlink(missing_ok=True)
    roots = [str(CORPUS_DIR), str(OUT), str(content.parent)]
    args = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py")]
    args += ["--fatal", "errors", "-q", "-e", f"CACHE_PATH={json.dumps(str(cache))}"]
    args += [f"BULLETINS_SOURCE_ROOTS={json.dumps(roots)}", f"BULLETINS_WRITE_JOBS={jobs}"]
    args += [f"PLUGINS={json.dumps(plugins(without))}"]
    env = {**os.environ, "BULLETINS_PHASE_LOG": str(log)}
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"build failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    phases: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        phases[row["phase"]] = phases.get(row["phase"], 0.0) + row["end"] - row["start"]
    return {
        "jobs": jobs,
        "wall": wall,
        "user": cpu_after.ru_utime - cpu_before.ru_utime,
        "sys": cpu_after.ru_stime - cpu_before.ru_stime,
        "load": (load_before, os.getloadavg()[0]),
        "phases": phases,
        "digest": tree_digest(output),
        "files": sum(1 for p in output.rglob("*") if p.is_file()),
    }


def tree_digest(folder: Path) -> str:
    """One digest over every file's path and SHA-256 below FOLDER."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(
            f"{path.relative_to(folder).as_posix()}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode()
        )
    return total.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=OUT / "content")
    parser.add_argument("--jobs", default="1,2", help="comma-separated BULLETINS_WRITE_JOBS values, built in turn")
    parser.add_argument("--without", action="append", default=[], help="leave out a plugin (module name ending)")
    args = parser.parse_args()
    if not (args.content / "bulletins").is_dir():
        sys.exit(f"no articles in {args.content}: run benchmarks/bench_build.py once (or bench_scale.py)")
    runs = [build(args.content.resolve(), int(j), args.without) for j in args.jobs.split(",")]
    for run in runs:
        load = f"{run['load'][0]:.1f} -> {run['load'][1]:.1f}"
        print(
            f"jobs {run['jobs']}: wall {run['wall']:.1f} s, cpu {run['user']:.1f} user + {run['sys']:.1f} sys, ", end=""
        )
        print(f"load {load}, {run['files']} files")
        print("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run["phases"].items()))
    same = len({run["digest"] for run in runs}) == 1
    print(f"identical output: {'yes' if same else 'NO'} ({runs[0]['digest'][:16]})")


if __name__ == "__main__":
    main()
