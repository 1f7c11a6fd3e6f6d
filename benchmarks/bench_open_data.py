"""What the open data and the fixity manifest add to a build.

    python benchmarks/bench_open_data.py [--records N]

Builds the sample archive (``content/``) or, with ``--records N``, the first N bulletins of
``../shared/corpus`` (ingested once into benchmarks/out/open-data-N/content), in-process with
``pelicanconf.py`` and every plugin but the search index (it has its own benchmark), with
Pelican's content cache as ``./run html`` over an existing output: first from a cold start,
then over the same output after adding one bulletin, after editing one and removing one, and
with nothing changed. The open data step (``OpenDataGenerator``: rows, JSONL, CSV, SQLite,
data page) and the manifest step (``write_manifest``) are timed inside the same build, so
their share of the build does not depend on how loaded the machine is. A cold build makes the
SQLite database in a child process while the pages render (``sqlite_wait`` is the time the
build still waited for it); a rebuild changes the rows of the database in place.
Figures are printed as ``key value`` lines.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CORPUS = ROOT.parent / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
BULLETINS_CLI = str(Path(sys.executable).with_name("bulletins"))
SEARCH_PLUGIN = "bulletins.plugins.search_index"
STEPS: dict[str, float] = {}
NEW_ARTICLE = """\
Title: 临江区召开基准测试追加会议
Date: 2024-12-31
Category: 工作动态
Summary: 基准测试追加的一篇公报。
Slug: bench-open-data-new
Identifier: BENCH-20241231-new
People: 林晓东, 陈思远

12月31日，临江区召开基准测试追加会议，研究开放数据的增量更新。
"""


def timed(name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            STEPS[name] = STEPS.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def instrument() -> None:
    from bulletins.plugins.open_data import generator
    from bulletins.site import opendata_sqlite

    cls = generator.OpenDataGenerator
    cls.generate_context = timed("open_data", cls.generate_context)
    cls.generate_output = timed("open_data", cls.generate_output)
    opendata_sqlite.SqliteJob.finish = timed("sqlite_wait", opendata_sqlite.SqliteJob.finish)
    generator.write_manifest = timed("manifest", generator.write_manifest)


def corpus_content(records: int) -> Path:
    """The first RECORDS bulletins of the corpus, ingested once (reused while complete)."""
    home = OUT / f"open-data-{records}"
    content = home / "content"
    if content.is_dir() and len(list(content.rglob("*.md"))) >= records:
        return content
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: --records needs ../shared beside the project")
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    head = home / "head.jsonl.gz"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, gzip.open(head, "wt", encoding="utf-8") as dst:
        for count, line in enumerate(src):
            if count == records:
                break
            dst.write(line)
    subprocess.run([BULLETINS_CLI, "ingest", str(head), "--content", str(content)], check=False, capture_output=True)
    shutil.copytree(ROOT / "content" / "pages", content / "pages", dirs_exist_ok=True)
    return content


def build(content: Path, output: Path) -> tuple[float, dict[str, float]]:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / "cache"),
        "BULLETINS_SOURCE_ROOT": str(ROOT),
        "PLUGINS": [p for p in settings["PLUGINS"] if p != SEARCH_PLUGIN],
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
    }
    STEPS.clear()
    started = time.perf_counter()
    Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=overrides)).run()
    return time.perf_counter() - started, dict(STEPS)


def add_one(content: Path) -> Path:
    path = content / "bulletins" / "2024" / "12" / "bench-open-data-new.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    return path


def edit_one_remove_one(content: Path, added: Path) -> tuple[Path, Path]:
    """Edit the added article's body and move the oldest other one aside: ``(where it was, where it is)``."""
    added.write_text(NEW_ARTICLE + "\n会议还听取了数据开放工作汇报。\n", encoding="utf-8")
    victim = sorted((content / "bulletins").rglob("*.md"))[0]
    return victim, victim.rename(content.parent / f"{victim.name}.aside")


def report(label: str, total: float, steps: dict[str, float]) -> None:
    extra = steps.get("open_data", 0.0) + steps.get("manifest", 0.0)
    print(f"{label}_build_s {total:.2f}")
    print(f"{label}_open_data_s {steps.get('open_data', 0.0):.2f}")
    print(f"{label}_sqlite_wait_s {steps.get('sqlite_wait', 0.0):.2f}  (part of open_data)")
    print(f"{label}_manifest_s {steps.get('manifest', 0.0):.2f}")
    print(f"{label}_share_of_build {extra / total:.3f}  (goal <= 0.15)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=0, help="first N corpus bulletins (0: the sample archive)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    content = corpus_content(args.records) if args.records else ROOT / "content"
    instrument()
    with tempfile.TemporaryDirectory(prefix="bench-open-data-") as tmp:
        output = Path(tmp) / "output"
        content = Path(shutil.copytree(content, Path(tmp) / "content"))  # the rebuilds change it
        print(f"articles {len(list((content / 'bulletins').rglob('*.md')))}")
        report("cold", *build(content, output))
        added = add_one(content)
        report("one_new", *build(content, output))
        victim, aside = edit_one_remove_one(content, added)
        report("edit_remove", *build(content, output))
        aside.rename(victim)
        added.unlink()
        build(content, output)  # back to the cold build's content
        report("nothing_changed", *build(content, output))
        for path in sorted((output / "data").iterdir()):
            print(f"size_{path.name} {path.stat().st_size}")
        print(f"manifest_files {len((output / 'manifest-sha256.txt').read_text(encoding='utf-8').splitlines())}")


if __name__ == "__main__":
    main()
