"""The search benchmark's figures: each engine's queries run in Chromium (``probes``) and gathered
into one column of the printed table (bytes and files a cold query loads, first and warm query
times, recall and precision against the truth), and the table itself.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import probes
from search_queries import recall


@dataclass
class Figures:
    """One column of the printed table."""

    name: str
    rows: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, value: str) -> None:
        self.rows[label] = value


def disk(folder: Path, keep=lambda path: True) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and keep(p)]
    return sum(p.stat().st_size for p in files), len(files)


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def ms(values: list[float], q: float) -> str:
    return f"{quantile(values, q):,.1f} ms"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_ours(browser, output: Path, queries: list[str], expected: list[set[str]] | None, column: Figures) -> None:
    probes.write_core_page(output)
    with probes.serve(output) as base:
        page = [probes.cold_ui(browser, base, output, q) for q in queries]
        engine = [probes.cold_core(browser, base, output, q) for q in queries]
        warm = probes.warm_core(browser, base + "search.html", "search/", queries, all_results=expected is not None)
    add_latency(column, page, warm, engine)
    if expected is not None:  # None: an archive measured as built (--built), no truth computed
        found = [{unquote(u) for u in urls} for urls in warm.urls]
        add_recall(column, found, expected)


ENGINE = "first query, bare page + engine: parsed -> results"
PAGE = "first query, search page with UI: parsed -> results"


def add_latency(column: Figures, cold: list, warm, engine: list | None = None) -> None:
    """``cold``: fresh page loads (bytes and files counted); ``engine``: the same queries on a
    bare page that loads only the engine, as Pagefind's column is measured (``cold`` itself
    when it was measured that way)."""
    column.add("cold query: bytes loaded (median)", kb(statistics.median(c.raw for c in cold)))
    column.add("  same, gzip on the wire", kb(statistics.median(c.gzipped for c in cold)))
    column.add(
        "cold query: files loaded (median)",
        f"{statistics.median(c.files for c in cold):.0f}",
    )
    bare = engine if engine is not None else cold
    column.add(f"{ENGINE} (median)", ms([c.query_ms for c in bare], 0.5))
    column.add(f"{ENGINE} (p95)", ms([c.query_ms for c in bare], 0.95))
    column.add("first query, bare page + engine: navigation -> results (median)", ms([c.ms for c in bare], 0.5))
    if engine is not None:
        column.add(f"{PAGE} (median)", ms([c.query_ms for c in cold], 0.5))
        column.add(f"{PAGE} (p95)", ms([c.query_ms for c in cold], 0.95))
        column.add("first query, search page: navigation -> results (median)", ms([c.ms for c in cold], 0.5))
    column.add("warm query p50", ms(warm.times, 0.5))
    column.add("warm query p95", ms(warm.times, 0.95))


def add_recall(column: Figures, found: list[set[str]], expected: list[set[str]]) -> None:
    mean_recall, precision, complete = recall(found, expected)
    column.add("recall (mean over queries)", f"{mean_recall:.3f}")
    column.add("queries with every match found", f"{complete:.0%}")
    column.add("precision (mean)", f"{precision:.3f}")


def measure_pagefind(browser, output: Path, queries: list[str], expected: list[set[str]], column: Figures) -> None:
    probes.write_pagefind_page(output)
    ids = probes.pagefind_fragment_urls(output / "pagefind")
    with probes.serve(output) as base:
        cold = [probes.cold_pagefind(browser, base, output, q) for q in queries]
        warm = probes.warm_pagefind(browser, base, queries)
    add_latency(column, cold, warm)
    found = [{ids[i].lstrip("/") for i in result if i in ids} for result in warm.urls]
    add_recall(column, found, expected)


def print_table(columns: list[Figures]) -> None:
    labels = list(dict.fromkeys(label for c in columns for label in c.rows))
    widths = [max(len(labels[0]), *map(len, labels))] + [
        max(len(c.name), *(len(v) for v in c.rows.values())) for c in columns
    ]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(["", *(c.name for c in columns)], widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for label in labels:
        cells = [label, *(c.rows.get(label, "–") for c in columns)]
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths)) + " |")
