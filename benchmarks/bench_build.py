"""Site build time: our theme and plugins against plain Pelican, over the 11,442 real bulletins.

    python benchmarks/bench_build.py [--records N] [--repeat K] [--profile cold|rebuild]
                                     [--skip-plain] [--without PLUGIN] [--phases]

1. ingests ../shared/corpus/bulletins-2022-2024.jsonl.gz into benchmarks/out/content (once;
   reused while it holds the expected number of articles);
2. builds that content folder with plain Pelican (default theme, default Markdown
   extensions, no plugins) and with pelicanconf.py (our theme and plugins, the search index
   plugin removed: the index has its own benchmark), each from a cold start, in the same run;
3. adds one bulletin and rebuilds ours over the same output folder with Pelican's content
   cache (LOAD_CONTENT_CACHE) and our writer's page cache, as ``./run html`` would; then,
   with that bulletin removed again, times a rebuild where nothing changed (the floor).

Figures are printed as ``key value`` lines. ``--profile cold`` (or ``rebuild``) also runs
that build under cProfile and prints the functions where the time goes. ``--skip-plain``
leaves out the plain Pelican build; ``--without open_data`` measures our build without that
plugin (any plugin whose module name ends so), to tell what one step costs; ``--phases``
repeats the two rebuilds with Pelican's log on and prints our plugins' own timing lines.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CORPUS = ROOT.parent / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
SEARCH_PLUGIN = "bulletins.plugins.search_index"
BULLETINS_CLI = str(Path(sys.executable).with_name("bulletins"))
PLAIN_SETTINGS = """\
# Plain Pelican: its default theme, Markdown settings and URLs; no plugins.
PATH = "content"
ARTICLE_PATHS = ["bulletins"]
PAGE_PATHS = ["pages"]
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
PLUGINS = []
"""


def inputs_digest() -> str:
    """A digest of the code and settings a build reads: a run whose inputs change midway
    (an edit, a checkout) measures two different programs."""
    digest = hashlib.sha256()
    for top in (ROOT / "src" / "bulletins", ROOT / "theme", ROOT / "pelicanconf.py"):
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def run(args: list[str]) -> float:
    """Run ARGS from the project root; return the wall time in seconds; stop on failure."""
    started = time.perf_counter()
    result = subprocess.run(args, check=False, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed (exit {result.returncode}): {' '.join(args)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed


def corpus_head(n: int, target: Path) -> Path:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, gzip.open(target, "wt", encoding="utf-8") as dst:
        for count, line in enumerate(src):
            if count == n:
                break
            dst.write(line)
    return target


def extra_bulletin(target: Path) -> Path:
    """One new record in the corpus's shape (the first record, re-dated and retitled)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src:
        record = json.loads(src.readline())
    record.update(id="bench-extra-1", date="2024-12-31", title="基准测试追加的一篇公报")
    target.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def ingest(records: int, content: Path) -> int:
    articles = sorted((content / "bulletins").rglob("*.md")) if content.exists() else []
    if len(articles) == records:
        return records
    shutil.rmtree(content, ignore_errors=True)
    source = corpus_head(records, OUT / f"first-{records}.jsonl.gz")
    seconds = run([BULLETINS_CLI, "ingest", str(source), "--content", str(content)])
    count = len(list((content / "bulletins").rglob("*.md")))
    print(f"ingest_s {seconds:.1f}  ({count} articles)")
    return count


WITHOUT: list[str] = []  # --without: plugins left out besides the search index
PHASE_LINES = ("open_data:", "fixity:", "incremental:", "Done: Processed")


def our_plugins() -> list[str]:
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    left_out = lambda p: p == SEARCH_PLUGIN or any(p.endswith(f".{name}") for name in WITHOUT)  # noqa: E731
    return [p for p in getattr(pelicanconf, "PLUGINS", []) if not left_out(p)]


def phases(args: list[str], label: str) -> None:
    """Run ARGS with Pelican's log on (``-v`` for ``-q``) and print our plugins' timing lines."""
    verbose = ["-v" if a == "-q" else a for a in args]
    env = {**os.environ, "COLUMNS": "250"}  # Pelican's log wraps to the terminal width
    result = subprocess.run(verbose, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = (result.stdout + result.stderr).splitlines()
    for line in lines:
        if any(key in line for key in PHASE_LINES):
            print(f"phase {label}: {' '.join(line.split())}")


def pelican_args(content: Path, output: Path, settings: Path, *overrides: str) -> list[str]:
    args = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(settings)]
    args += ["--fatal", "errors", "-q", "-e", *overrides]
    return args


def ours(content: Path, output: Path, *overrides: str) -> list[str]:
    plugins = json.dumps(our_plugins())
    cache = json.dumps(str(OUT / "cache"))
    roots = json.dumps([str(CORPUS.parent), str(OUT)])  # raw copies come from the corpus and the added bulletin
    return pelican_args(
        content,
        output,
        ROOT / "pelicanconf.py",
        f"PLUGINS={plugins}",
        f"CACHE_PATH={cache}",
        f"BULLETINS_SOURCE_ROOTS={roots}",
        *overrides,
    )


def add_one_and(build, content: Path):
    """Ingest one new bulletin into CONTENT, call BUILD, remove the bulletin again."""
    added = OUT / "extra"
    added.mkdir(exist_ok=True)
    run([BULLETINS_CLI, "ingest", str(extra_bulletin(added / "extra.jsonl")), "--content", str(content)])
    try:
        return build()
    finally:
        for path in (content / "bulletins").rglob("*.md"):
            if "bench-extra-1" in path.read_text(encoding="utf-8"):
                path.unlink()


def cold(output: Path) -> Path:
    """OUTPUT and the caches removed: the next build starts from nothing."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    return output


def profile(args: list[str], label: str, top: int = 25) -> None:
    stats_file = OUT / f"{label}.prof"
    run([args[0], "-m", "cProfile", "-o", str(stats_file), *args[1:]])
    stats = pstats.Stats(str(stats_file))
    for order in ("cumulative", "tottime"):
        print(f"\nprofile of {label}, top {top} by {order}:")
        stats.sort_stats(order).print_stats(top)


def print_figures(count: int, plain_s: float, ours_s: float, rebuild_s: float, unchanged_s: float) -> None:
    pages = {name: len(list((OUT / name).rglob("*.html"))) for name in ("plain", "ours")}
    print(f"bulletins {count}")
    if plain_s != float("inf"):
        print(f"plain_pelican_build_s {plain_s:.1f}  ({pages['plain']} pages)")
    print(f"our_build_s {ours_s:.1f}  ({pages['ours']} pages; plugins: {', '.join(our_plugins()) or 'none'})")
    if plain_s != float("inf"):
        print(f"ratio_ours_to_plain {ours_s / plain_s:.2f}")
    print(f"rebuild_after_one_new_s {rebuild_s:.1f}")
    print(f"rebuild_to_cold_ratio {rebuild_s / ours_s:.2f}")
    print(f"rebuild_nothing_changed_s {unchanged_s:.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=11_442, help="first N corpus records (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="build each K times, keep the fastest")
    parser.add_argument("--profile", choices=("cold", "rebuild"), help="also run that build of ours under cProfile")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the plain Pelican build")
    parser.add_argument("--without", action="append", default=[], help="leave out a plugin of ours (e.g. open_data)")
    parser.add_argument("--phases", action="store_true", help="print our plugins' timing lines of the rebuilds")
    options = parser.parse_args(argv)
    WITHOUT.extend(options.without)
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared beside the project")
    OUT.mkdir(parents=True, exist_ok=True)
    content = OUT / "content"
    count = ingest(options.records, content)
    plain_settings = OUT / "plain_pelicanconf.py"
    plain_settings.write_text(PLAIN_SETTINGS, encoding="utf-8")

    started_with = inputs_digest()
    cold_build = ours(content, OUT / "ours", "LOAD_CONTENT_CACHE=false", "CACHE_CONTENT=true")
    rebuild = ours(content, OUT / "ours", "LOAD_CONTENT_CACHE=true", "CACHE_CONTENT=true")
    plain_s = ours_s = float("inf")
    for _ in range(options.repeat):
        if not options.skip_plain:
            plain = pelican_args(content, cold(OUT / "plain"), plain_settings, "CACHE_CONTENT=false")
            plain_s = min(plain_s, run(plain))
        cold(OUT / "ours")
        if options.profile == "cold":
            profile(cold_build, "our-cold-build")
            cold(OUT / "ours")
        ours_s = min(ours_s, run(cold_build))

    rebuild_s = add_one_and(lambda: run(rebuild), content)
    run(rebuild)  # the new bulletin is gone again: back to the cold build's pages
    unchanged_s = run(rebuild)
    if options.profile == "rebuild":
        add_one_and(lambda: profile(rebuild, "our-rebuild-after-one-new"), content)
    if options.phases:
        add_one_and(lambda: phases(rebuild, "one-new"), content)
        run(rebuild)
        phases(rebuild, "nothing-changed")

    print_figures(count, plain_s, ours_s, rebuild_s, unchanged_s)
    if inputs_digest() != started_with:
        sys.exit("the code or settings changed during the run: these figures compare different builds")


if __name__ == "__main__":
    main()
