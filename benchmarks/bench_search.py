"""Search benchmark: this archive's index against Pagefind 1.5 on the same built pages.

    python benchmarks/bench_search.py                 # corpus site + 100,000 synthetic bulletins
    python benchmarks/bench_search.py --synthetic 0   # the corpus comparison only
    python benchmarks/bench_search.py --site DIR      # reuse a built site (DIR/content, DIR/output)
    python benchmarks/bench_search.py --built DIR     # only an archive as built (bench_scale's folder):
                                                      # its own index, queries from 2,000 of its articles

The 11,442 real bulletins are ingested and built with Pelican once into ``--work`` (default
``benchmarks/out/search``; reused while ``built.log`` is there); the index is rebuilt from the
articles with the pure builder, timed, and Pagefind indexes the same bulletin pages in the
same run. Browser figures come from Debian's Chromium on a 127.0.0.1 server:

- cold query: a fresh browser context (empty cache) opens a page with the query in its URL;
  bytes are the search's own files the page requested (our search scripts, search-tokens.js,
  search-index.js, search-core.js, search-view.js and search-ui.js, and ``search/``; Pagefind's bundle), as
  stored and as gzip would send them. Two page shapes: a bare page that loads only the engine,
  searches and loads the first 10 results (ours: ``bench.html`` with the three engine scripts,
  ``probes.write_core_page``; Pagefind: ``pagefind.js`` and ``data()`` of the first
  10), and for us also the real ``search.html?q=...`` with its UI, layout and rendering;
- warm query: every query run twice in one page, the second run timed (first 10 results with
  their snippets / ``data()``).

The query set is fixed-seed exact substrings (2-8 Han characters) of bulletin bodies; a
bulletin is relevant when its folded title or body contains the folded query.

The query set and its truth are ``search_queries.py``'s, the browser figures and the table
``search_figures.py``'s.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import probes  # noqa: E402
from bulletins.search.build import build_index  # noqa: E402
from machine import yardstick  # noqa: E402
from search_figures import Figures, add_latency, disk, kb, measure_ours, measure_pagefind, print_table  # noqa: E402
from search_queries import SEED, pick_queries, read_records, sample_texts, truth  # noqa: E402
from support.browser import chromium_path, launch  # noqa: E402
from support.shared import BULLETINS  # noqa: E402
from synthetic import corpus_paragraphs, synthetic_bulletins  # noqa: E402

log = logging.getLogger("bench_search")

WORK = ROOT / "benchmarks" / "out" / "search"


def PAGEFIND_INDEX(path: Path) -> bool:
    """Pagefind's index and search runtime, without its optional UI bundles."""
    return not re.match(r"pagefind-(component-|modular-)?(ui|highlight)", path.name)


# --- the corpus site -----------------------------------------------------------------------


def run(args: list[str], what: str) -> float:
    """Run a tool; return its wall time in seconds, stop with its output if it fails."""
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{what} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}")
    return time.perf_counter() - started


def site_fingerprint() -> str:
    """A hash of what decides the built pages and index besides the articles (templates,
    settings, the package's code, its search index's included): a reused build whose pages or
    index came from other code is rebuilt."""
    digest = hashlib.sha256()
    sources = [ROOT / "pelicanconf.py", *(ROOT / "theme" / "templates").rglob("*")]
    sources += (ROOT / "src" / "bulletins").rglob("*.py")
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_site(work: Path) -> tuple[Path, Path]:
    content, output, done = work / "content", work / "output", work / "built.log"
    fingerprint = site_fingerprint()
    if done.exists() and fingerprint in done.read_text(encoding="utf-8"):
        log.info("reusing the site built in %s", work)
        return content, output
    if not done.exists():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        seconds = run(["bulletins", "ingest", str(BULLETINS), "--content", str(content)], "ingest")
        log.info("ingest: %.0f s", seconds)
    seconds = run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-e",
            f'CACHE_PATH="{work / "cache"}"',
        ],
        "pelican",
    )
    log.info("pelican: %.0f s", seconds)
    done.write_text(f"pelican {seconds:.1f} s\nsite {fingerprint}\n", encoding="utf-8")
    return content, output


# --- measuring -------------------------------------------------------------------------------


def build_our_index(records: list[dict], out: Path, **options) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    build_index(records, out, **options)
    return time.perf_counter() - started


def refresh_scripts(output: Path) -> None:
    """Write the theme's current scripts and style sheets, as a build serves them, over the ones
    a reused build holds."""
    for script in [*(ROOT / "theme" / "static").glob("js/*.js"), *(ROOT / "theme" / "static").glob("css/*.css")]:
        (output / "theme" / script.parent.name).mkdir(parents=True, exist_ok=True)
        (output / "theme" / script.parent.name / script.name).write_bytes(probes.served(script))


def corpus_comparison(args, browser) -> list[Figures]:
    content, output = (args.site / "content", args.site / "output") if args.site else build_site(args.work)
    started = time.perf_counter()
    records = read_records(content)
    reading = time.perf_counter() - started
    queries = pick_queries([r["body"] for r in records], args.queries)
    expected = truth(records, queries)
    log.info(
        "%d bulletins, %d queries, %d relevant pairs",
        len(records),
        len(queries),
        sum(map(len, expected)),
    )
    ours, pagefind = Figures("this archive"), Figures("Pagefind 1.5.2")

    refresh_scripts(output)
    seconds = build_our_index(records, output / "search")
    ours.add("index build time", f"{seconds:.1f} s (+ {reading:.1f} s reading the articles)")
    size, files = disk(output / "search")
    ours.add("index size on disk", kb(size))
    ours.add("index files", f"{files:,}")

    shutil.rmtree(output / "pagefind", ignore_errors=True)
    seconds = run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(output),
            "--glob",
            "bulletins/**/*.html",
        ],
        "pagefind",
    )
    size, files = disk(output / "pagefind", PAGEFIND_INDEX)
    pagefind.add("index build time", f"{seconds:.1f} s (reads the built pages)")
    pagefind.add("index size on disk", kb(size))
    pagefind.add("index files", f"{files:,}")

    measure_ours(browser, output, queries, expected, ours)
    measure_pagefind(browser, output, queries, expected, pagefind)
    return [ours, pagefind]


def built_archive(args, browser) -> Figures:
    """The search of an archive built as it is (``--built DIR``: DIR/content and DIR/output, as
    ``bench_scale.py`` leaves them): its own index, the real search page and the bare engine page,
    queries drawn from 2,000 of its articles. Neither index nor pages are made again."""
    content, output = args.built / "content", args.built / "output"
    column = Figures(f"built archive {args.built.name}")
    queries = pick_queries(sample_texts(content, 2000), args.queries, seed=SEED + 2)
    size, files = disk(output / "search")
    column.add("index size on disk", kb(size))
    column.add("index files", f"{files:,}")
    refresh_scripts(output)  # as the page tests serve them (a build stopped early may not have copied them)
    measure_ours(browser, output, queries, None, column)
    return column


def synthetic_scale(args, browser) -> Figures:
    column = Figures(f"this archive, {args.synthetic:,} synthetic")
    with gzip.open(BULLETINS, "rt", encoding="utf-8") as fh:
        paragraphs = corpus_paragraphs(json.loads(line) for line in fh if line.strip())
    bulletins = list(synthetic_bulletins(paragraphs, args.synthetic))
    site = args.work / "synthetic"
    records = [
        {
            "url": b.url,
            "title": b.title,
            "date": b.date,
            "category": b.category,
            "body": b.text,
        }
        for b in bulletins
    ]
    direct = {} if args.direct_shards is None else {"direct_shards": args.direct_shards}
    seconds = build_our_index(records, site / "search", **direct)
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    column.add("manifest", f"{kb((site / 'search' / 'manifest.js').stat().st_size)}, format {manifest['format']}")
    size, files = disk(site / "search")
    column.add("index build time", f"{seconds:.1f} s")
    column.add("index size on disk", kb(size))
    column.add("index files", f"{files:,}")
    queries = pick_queries([b.text for b in bulletins], args.queries, seed=SEED + 1)
    probes.write_core_page(site)
    with probes.serve(site) as base:
        cold = [probes.cold_core(browser, base, site, q) for q in queries]
        warm = probes.warm_core(browser, base + "bench.html", "search/", queries, all_results=False)
    add_latency(column, cold, warm)
    return column


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK,
        help="build folder (default benchmarks/out/search)",
    )
    parser.add_argument("--site", type=Path, help="an already built site: DIR/content and DIR/output")
    parser.add_argument("--queries", type=int, default=100, help="query set size (default 100)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="synthetic bulletins (0 to skip)")
    parser.add_argument("--no-corpus", action="store_true", help="the synthetic archive only")
    parser.add_argument(
        "--built", type=Path, help="only an archive built as it is: DIR/content and DIR/output (bench_scale.py's)"
    )
    parser.add_argument(
        "--direct-shards", type=int, help="the synthetic index's SEARCH_INDEX_DIRECT_SHARDS (default the builder's)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.built:
        return measure_built(args)
    if not BULLETINS.exists():
        sys.exit(f"{BULLETINS} is absent: the benchmark needs ../shared/corpus")
    if not chromium_path().exists():
        sys.exit(f"{chromium_path()} is absent: install it with `./run testdeps` (Debian's chromium)")
    if importlib.util.find_spec("pagefind") is None:
        sys.exit("pagefind is absent: install the benchmarks' extras with `pip install -e '.[bench]'` (./run bench)")
    args.work.mkdir(parents=True, exist_ok=True)
    print(yardstick("before the runs"), flush=True)
    with launch() as browser:
        columns = [] if args.no_corpus else corpus_comparison(args, browser)
        if columns:
            print_table(columns)
        if args.synthetic:
            columns.append(synthetic_scale(args, browser))
            print()
            print_table(columns)
    print(yardstick("after them"))
    return 0


def measure_built(args) -> int:
    if not (args.built / "output" / "search" / "manifest.js").is_file():
        sys.exit(f"{args.built / 'output'} holds no built search index")
    if not chromium_path().exists():
        sys.exit(f"{chromium_path()} is absent: install it with `./run testdeps` (Debian's chromium)")
    print(yardstick("before the runs"), flush=True)
    with launch() as browser:
        print_table([built_archive(args, browser)])
    print(yardstick("after them"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
