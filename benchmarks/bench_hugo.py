"""Our full build against Hugo + Pagefind over the same articles, in the same run.

    python benchmarks/bench_hugo.py [--content DIR] [--work DIR] [--drop-caches]

1. takes an ingested content folder (default: the one ``bench_search.py`` made,
   ``benchmarks/out/search/content``; ``bulletins ingest`` makes one) and writes the same
   articles as a Hugo site: JSON front matter (title, date, category, tags, summary), the
   Markdown body unchanged, and a minimal theme with a base, an article, list pages
   paginated by 20, category and tag taxonomies with their term lists, RSS and a sitemap
   (Hugo's defaults);
2. times, cold and one after the other: our build (``pelican`` with ``pelicanconf.py``,
   every plugin, the search index included, a fresh cache folder); ``hugo`` (Debian's,
   fresh output and resources); Pagefind over Hugo's output (``python -m pagefind``, from
   the ``bench`` extra);
3. prints wall and CPU seconds (user + system of the tool and its children; the system's part
   apart) and the number of files each wrote.

``--drop-caches`` (root only) writes back and drops the kernel's page cache, dentries and
inodes before each of the three builds, so that each starts from the same state: on this
machine (2026-12-07) a build of ours into a new folder took 25.4 s with 5.8 s of system CPU, the
same build right after the first one's output was deleted 44.9 s with 45.1 s, and one after
the page cache was dropped 24.5 s with 6.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import yardstick
from scale_measure import drop_caches

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
HEADER = re.compile(r"^([A-Za-z]+):\s*(.*)$")
LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '</head><body><header><a href="{{ relURL "/" }}">公报</a></header>'
        '<main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
        '{{ with .Params.categories }}<p>{{ range . }}<a href="{{ relURL (print "/categories/" (. | urlize)) }}">'
        "{{ . }}</a>{{ end }}</p>{{ end }}{{ .Content }}"
        '{{ with .Params.tags }}<ul>{{ range . }}<li><a href="{{ relURL (print "/tags/" (. | urlize)) }}">'
        "{{ . }}</a></li>{{ end }}</ul>{{ end }}</article>{{ end }}\n"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ol>{{ range $p.Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>'
        "<p>{{ .Summary }}</p></li>{{ end }}</ol>"
        '{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">上一页</a>{{ end }}'
        '{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">下一页</a>{{ end }}{{ end }}\n'
    ),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n'
    ),
}
CONFIG = """\
baseURL = "/"
languageCode = "zh-cn"
title = "公报"
paginate = 20
relativeURLs = true
hasCJKLanguage = true
[taxonomies]
category = "categories"
tag = "tags"
"""


def split_article(text: str) -> tuple[dict[str, str], str]:
    """A Pelican Markdown article's header fields and body."""
    fields, lines = {}, text.splitlines()
    for number, line in enumerate(lines):
        match = HEADER.match(line)
        if not match:
            return fields, "\n".join(lines[number:]).lstrip("\n")
        fields[match.group(1).lower()] = match.group(2)
    return fields, ""


def hugo_article(fields: dict[str, str], body: str) -> str:
    """The same article with Hugo's JSON front matter."""
    front = {
        "title": fields.get("title", ""),
        "date": fields.get("date", "1970-01-01")[:10],
        "slug": fields.get("slug", ""),
        "summary": fields.get("summary", ""),
        "categories": [fields["category"]] if fields.get("category") else [],
        "tags": [t.strip() for t in fields.get("tags", "").split(",") if t.strip()],
    }
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body


def write_hugo_site(content: Path, site: Path) -> int:
    """SITE: config, layouts and one post per article of CONTENT; how many posts."""
    shutil.rmtree(site, ignore_errors=True)
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    count = 0
    for path in sorted((content / "bulletins").rglob("*.md")):
        fields, body = split_article(path.read_text(encoding="utf-8"))
        (posts / f"{path.stem}.md").write_text(hugo_article(fields, body), encoding="utf-8")
        count += 1
    return count


def timed(args: list[str], what: str, drop: bool = False) -> tuple[float, float, float]:
    """Run a tool (the kernel's caches dropped first when DROP); its wall, CPU and system CPU
    seconds (children included); stop with its output if it fails."""
    if drop:
        drop_caches()
    before, started = os.times(), time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, os.times()
    if result.returncode:
        sys.exit(f"{what} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}")
    system = after.children_system - before.children_system
    return wall, (after.children_user - before.children_user) + system, system


def files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=OUT / "search" / "content")
    parser.add_argument("--work", type=Path, default=OUT / "hugo")
    parser.add_argument("--drop-caches", action="store_true", help="drop the kernel's caches before each build (root)")
    args = parser.parse_args()
    if not shutil.which("hugo"):
        sys.exit("hugo was not found on PATH: install Debian's package (apt-get install hugo)")
    if not (args.content / "bulletins").is_dir():
        sys.exit(f"{args.content}: no bulletins/ folder (run bench_search.py or bulletins ingest first)")
    work = args.work
    posts = write_hugo_site(args.content, work / "site")
    ours_out, cache = work / "ours", work / "ours-cache"
    for folder in (ours_out, cache, work / "public", work / "site" / "resources"):
        shutil.rmtree(folder, ignore_errors=True)
    print(yardstick("before the builds"), flush=True)
    pelican = [sys.executable, "-m", "pelican", str(args.content), "-o", str(ours_out)]
    drop = args.drop_caches
    ours = timed([*pelican, "-s", str(ROOT / "pelicanconf.py"), "-e", f'CACHE_PATH="{cache}"'], "pelican", drop)
    hugo = timed(["hugo", "--quiet", "-s", str(work / "site"), "-d", str(work / "public")], "hugo", drop)
    hugo_files = files(work / "public")
    pagefind = timed([sys.executable, "-m", "pagefind", "--site", str(work / "public")], "pagefind", drop)
    print(yardstick("after them"))
    print(f"{posts:,} articles")  # the load average at the end: the yardstick's line above
    print("| build | wall | CPU (of it system) | files |\n|---|---|---|---|")
    both = tuple(map(sum, zip(hugo, pagefind)))
    rows = [
        ("ours (pelican, every plugin, search index)", ours, f"{files(ours_out):,}"),
        ("Hugo", hugo, f"{hugo_files:,}"),
    ]
    rows += [("Pagefind over Hugo's pages", pagefind, ""), ("Hugo + Pagefind", both, "")]
    for name, (wall, cpu, system), count in rows:
        print(f"| {name} | {wall:.1f} s | {cpu:.1f} s ({system:.1f} s) | {count} |")


if __name__ == "__main__":
    main()
