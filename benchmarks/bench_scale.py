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
   the rare change that still moves every later id), editing one article by hand (``edit``)
   and removing it (``remove``), each with its phases;
   ``--again`` runs only these, over the site an earlier run left (no ingest, no cold build);
   ``--drop-caches`` empties the kernel's page cache before each (root only: a rebuild the next
   day finds its files on disk, not in memory);
5. the output's size and file count, and its largest folders.

``--tracemalloc N`` adds one more cold build under tracemalloc (slow; its time is not
reported) and prints the N allocation sites holding the most memory at the end of each phase.
``--quick`` reads paragraphs from the first 1,000 corpus records only (for the test suite).
Peak memory is given twice: "process" is the largest single process (``wait4``'s
``ru_maxrss``), "tree" the largest sum over the process and its children at one sample.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import yardstick
from synthetic import corpus_paragraphs

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PLACE: list[Path] = [OUT]  # --out: where the scale-N folders are (another disk for 1,000,000)
CORPUS = ROOT.parent / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
BULLETINS_CLI = str(Path(sys.executable).with_name("bulletins"))
SEED = 25
PUBLISHERS = {
    "qingxi-gov": ("青溪区人民政府", "青溪区"),
    "qingxi-edu": ("青溪区教育委员会", "青溪区"),
    "chengchuan-gov": ("澄川市人民政府", "澄川市"),
    "chengchuan-transport": ("澄川市交通运输局", "澄川市"),
    "yunling-gov": ("云岭县人民政府", "云岭县"),
}
CATEGORIES = ("常务会议", "通知公告", "政策解读", "人事任免", "工作动态", "经济运行", "民生服务")
FIRST_DAY, DAYS = dt.date(2000, 1, 1), (dt.date(2024, 12, 31) - dt.date(2000, 1, 1)).days
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_EVERY = 0.2
PSS_EVERY = 10  # RSS samples per PSS sample (every 2 s)


# --- the synthetic archive -------------------------------------------------------------------


def read_paragraphs(records: int | None) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        rows = (json.loads(line) for number, line in enumerate(fh) if records is None or number < records)
        return corpus_paragraphs(r for r in rows if r)


def synthetic_records(paragraphs: list[str], count: int, seed: int = SEED):
    """COUNT JSONL records (key of the publisher's file, record), the same ones for a seed."""
    rng = random.Random(seed)
    keys = sorted(PUBLISHERS)
    for number in range(count):
        body = [rng.choice(paragraphs) for _ in range(rng.randint(2, 12))]
        title = body[0].split("。")[0][: rng.randint(8, 24)]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS + 1))
        key = rng.choice(keys)
        publisher, region = PUBLISHERS[key]
        record = {"id": f"scale-{number:06d}", "date": day.isoformat(), "title": title, "text": "\n".join(body)}
        record.update(publisher=publisher, region=region, category=rng.choice(CATEGORIES))
        yield key, record


def write_sources(folder: Path, paragraphs: list[str], count: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        files = {
            key: stack.enter_context(gzip.open(folder / f"{key}.jsonl.gz", "wt", encoding="utf-8"))
            for key in PUBLISHERS
        }
        for key, record in synthetic_records(paragraphs, count):
            files[key].write(json.dumps(record, ensure_ascii=False) + "\n")


# --- running and measuring a child process ----------------------------------------------------


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
    """Write back and drop the kernel's page cache, dentries and inodes (``--drop-caches``)."""
    os.sync()
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
    print(yardstick(f"before {label}"), flush=True)
    measured = measure(build_args(work), work / f"{label}.log", env)
    return measured, [json.loads(line) for line in phases.read_text(encoding="utf-8").splitlines()]


def ingest(work: Path, jobs: int, *sources: Path) -> Measured:
    args = [BULLETINS_CLI, "ingest", *map(str, sources), "--content", str(work / "content"), "--jobs", str(jobs), "-q"]
    return measure(args, work / f"ingest-{len(list(work.glob('ingest-*.log')))}.log")


# --- the steps of one size --------------------------------------------------------------------


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


def one_article(content: Path) -> Path:
    return sorted((content / "bulletins").rglob("*.md"))[len(PUBLISHERS)]


def edit_one(content: Path) -> Path:
    article = one_article(content)
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\n编辑补充：本条信息已于次日更正。\n", encoding="utf-8")
    return article


def added_date(number: int, newest: bool = False) -> str:
    """The date of the NUMBERth bulletin ``add_one`` adds: one after every other (NEWEST, each
    a day after the last), or a random one of the 25 years, seeded by NUMBER."""
    if newest:
        return (FIRST_DAY + dt.timedelta(days=DAYS + 1 + number)).isoformat()
    return (FIRST_DAY + dt.timedelta(days=random.Random(SEED + 1 + number).randrange(DAYS + 1))).isoformat()


def add_one(work: Path, newest: bool = False, date: str | None = None, count: int = 1) -> None:
    """Ingest one more bulletin (COUNT more, in one file): of a random date, its own for each
    call (seeded by the number of earlier calls, so a long series of runs does not pile them on
    one day), (NEWEST) dated after every other one, or of DATE. Each call adds others (their own
    record ids, texts and, for the newest, date)."""
    extra = work / "sources" / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    number = len(list(extra.glob("*.jsonl")))
    name = f"{'newest' if newest else 'added'}-{number}"
    date = date or added_date(number, newest)
    lines = []
    for each in range(count):
        part = f"之{each + 1}" if count > 1 else ""
        text = f"青溪区召开基准测试追加会议（第{number + 1}次{part}），研究部署防汛工作。"
        record = dict(next(synthetic_records([text], 1, seed=SEED + 1))[1], date=date)
        record["id"] = f"scale-{name}" + (f"-{each}" if count > 1 else "")
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    (extra / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8")
    if DROP_CACHES:
        drop_caches()
    measured = ingest(work, 1, extra / f"{name}.jsonl")
    kind = name.split("-")[0]
    many = f", {count} bulletins" if count > 1 else ""
    print(
        f"ingest_{kind}_one_s {measured.seconds:.1f}  peak_mb {measured.process_kb // 1024}  ({date}{many})", flush=True
    )


REBUILDS = ("unchanged", "add", "newest", "full", "empty", "edit", "remove")
SUMMED = ("add", "newest", "edit", "remove")  # the summary table's rebuild columns


def search_days(output: Path) -> tuple[list[tuple[dt.date, int]], int]:
    """From the search manifest: each day from the first with its number of bulletins (days
    without any included), and the ids a day takes (``slots``, docids' step)."""
    from bulletins.search.shards import decode

    days = json.loads((output / "search" / "manifest.json").read_text(encoding="utf-8"))["days"]
    numbers = decode(days["runs"])
    day, found = dt.date.fromisoformat(days["first"]), []
    for on, count in zip(numbers[::2], numbers[1::2]):
        found += [(day + dt.timedelta(days=k), 0) for k in range(1, on)]  # none on the days between
        day += dt.timedelta(days=on)
        found.append((day, count))
    return found, days["slots"]


def empty_day(output: Path) -> str:
    """The oldest day after the first without a bulletin (``empty``)."""
    found = next((day for day, count in search_days(output)[0] if count == 0), None)
    if found is None:
        raise SystemExit("no day without bulletins in the search manifest")
    return found.isoformat()


def full_day(output: Path) -> tuple[str, int]:
    """A day whose block of ids is full (``full``: one more bulletin there makes it take another
    block, which moves every later id, the rare change that rewrites most of the index), and how
    many bulletins it lacks to be so: the oldest day holding a multiple of ``slots`` bulletins,
    or else the oldest of the most crowded ones."""
    found, slots = search_days(output)
    full = [day for day, count in found if count and count % slots == 0]
    if full:
        return full[0].isoformat(), 0
    most = max(count for _, count in found)
    return next(day for day, count in found if count == most).isoformat(), -most % slots


def fill_day(work: Path) -> str:
    """``full_day``'s day, first filled to a full block and built (untimed, its time printed)."""
    date, lacking = full_day(work / "output")
    if lacking:
        add_one(work, date=date, count=lacking)
        measured, _ = build(work, "full-fill")
        print(
            f"fill_build_s {measured.seconds:.1f}  ({lacking} bulletins on {date}: its block of ids full)", flush=True
        )
    return date


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
        set_aside(work / "output")
        set_aside(work / "cache")
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


# --- report ------------------------------------------------------------------------------------


def pss_mb(measured: Measured) -> str:
    """The tree's largest PSS sample, or "–" for a run too short to have one."""
    return mb(measured.tree_pss_kb) if measured.pss_samples else "–"


def mb(kb: int) -> str:
    return f"{kb / 1024:,.1f} MB" if kb < 10 * 1024 else f"{kb / 1024:,.0f} MB"


def print_size(f: dict) -> None:
    size, ingest_run, cold = f["size"], f["ingest"], f["cold"]
    print(f"\n## {size:,} bulletins\n")
    if ingest_run is not None:  # None: built again from the articles an earlier run ingested
        rate = size / ingest_run.seconds
        print(f"ingest_s {ingest_run.seconds:.1f}  cpu_s {ingest_run.cpu_seconds:.1f}  ({rate:,.0f} bulletins/s)")
        print(f"ingest_peak process {mb(ingest_run.process_kb)}  tree {mb(ingest_run.tree_kb)}")
    # The phase log resets the build's VmHWM at each phase, which ru_maxrss follows: its peak is the phases' largest.
    peak = max(row["process_kb"] for row in f["phases"].values() if not row.get("fork"))
    print(f"cold_build_s {cold.seconds:.1f}  cpu_s {cold.cpu_seconds:.1f}  peak process {mb(peak)}", end="")
    print(f"  tree {mb(cold.tree_kb)}  tree PSS {pss_mb(cold)}")
    print("\n| phase | time | peak RSS, Pelican process | peak RSS, with children |\n|---|---|---|---|")
    for name, row in f["phases"].items():
        tree = "–" if row.get("fork") else mb(row["tree_kb"])
        print("| %s | %s | %s | %s |" % (name, phase_cell(row), mb(row["process_kb"]), tree))
    out = f["output"]
    print(f"output {out['bytes'] / 1e6:,.1f} MB in {out['files']:,} files")
    print("largest folders: " + ", ".join(f"{name} {size / 1e6:,.1f} MB" for name, size in out["largest"]))
    sys.stdout.flush()


def print_rebuild_phases(times: dict[str, tuple[Measured, dict]]) -> None:
    """Seconds of each phase of each rebuild, one column per rebuild."""
    if not times:
        return
    names = list(dict.fromkeys(name for _, phases in times.values() for name in phases))
    print("\n| phase | " + " | ".join(times) + " |\n|---|" + "---|" * len(times))
    for name in names:
        cells = (phase_cell(phases[name]) if name in phases else "–" for _, phases in times.values())
        print(f"| {name} | " + " | ".join(cells) + " |")
    cells = (f"{m.seconds:.1f} s (CPU {m.cpu_seconds:.1f} s)" for m, _ in times.values())
    print("| whole build | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def print_traced(traced: dict) -> None:
    for name, row in traced.items():
        print(f"\ntracemalloc, {name}: traced peak {mb(row['traced_kb'])}; held at its end by")
        for site in (row["top"][-1] or [])[:10]:
            print("  %8s  %s" % (mb(site["kb"]), short_path(site["site"])))


def short_path(site: str) -> str:
    """SITE (``/…/site-packages/pelican/x.py:12``) from its package on."""
    return re.sub(r"^.*(site-packages/|/src/|/python3\.\d+/)", "", site)


def print_summary(all_figures: list[dict]) -> None:
    print("\n| bulletins | ingest | ingest peak | cold build | build peak | + one | + newest | edit 1 | − 1 | output |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for f in all_figures:
        r, out = f["rebuilds"], f["output"]
        print(
            "| %s | %.0f s | %s | %.0f s | %s | %s | %s | %s | %s | %.0f MB, %s files |"
            % (
                f"{f['size']:,}",
                f["ingest"].seconds,
                mb(f["ingest"].tree_kb),
                f["cold"].seconds,
                mb(f["cold"].tree_kb),
                *("%.0f s" % r[f"{k} one"][0].seconds if f"{k} one" in r else "not run" for k in SUMMED),
                out["bytes"] / 1e6,
                f"{out['files']:,}",
            )
        )


def main(argv: list[str] | None = None) -> int:
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
    options = parser.parse_args(argv)
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
