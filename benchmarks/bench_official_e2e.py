"""Official documents end to end: 90 unseen 公文 (30 .docx, 30 Chromium-printed .pdf, 30 glyph-placed .ofd)
plus a PDF with an unreadable text layer and an image-only scan, ingested and built as subprocesses in a
temporary project, scored against their ground truth (``official_check``).

    python benchmarks/bench_official_e2e.py [--per-format 30] [--seed 2025] [--keep DIR] [--misses]

Prints title, 文号, 成文日期 and 发文机关 accuracy, body paragraphs found and kept whole, page numbers,
radicals and ``(cid:)`` left in articles, originals and tables, per format and overall, the thresholds
missed, the time taken and documents per second. Needs Chromium (/usr/bin/chromium) for the PDFs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from official_check import FORMATS, THRESHOLDS, failures, generate, run, score

ROWS = [
    ("title exact", "title", "documents"),
    ("文号", "doc_number", "documents"),
    ("成文日期", "date_written", "documents"),
    ("发文机关", "publisher", "documents"),
    ("paragraphs found", "found", "paragraphs"),
    ("paragraphs whole", "whole", "paragraphs"),
    ("originals linked, same bytes", "originals", "documents"),
    (".docx tables with every cell", "tables_ok", "tables"),
    ("tables whose cell text is kept", "cells_found", "cells"),
]


def report(fig, result, expected, generate_seconds: float, show_misses: bool) -> int:
    groups = [*FORMATS, "all"]
    print("%-32s" % "" + "".join("%14s" % g for g in groups))
    for label, key, total in ROWS:
        cells = []
        for g in groups:
            c = fig.counts.get(g, {})
            cells.append("%5.1f%% %3d/%-3d" % (100 * fig.ratio(g, key, total), c.get(key, 0), c.get(total, 0)))
        print("%-32s" % label + "".join("%14s" % cell for cell in cells))
    for key in ("page_numbers", "radicals", "cid"):
        print("%-32s" % f"articles with {key}" + "".join("%14d" % fig.counts.get(g, {}).get(key, 0) for g in groups))
    print(f"broken files: {fig.broken_reported} of 2 reported on one line, {fig.broken_written} written; "
          f"ingest exit {result.ingest_status}, build exit {result.build_status}")  # fmt: skip
    total = fig.counts["all"]["documents"] + 2
    spent = result.ingest_seconds + result.build_seconds
    print(f"generate {generate_seconds:.1f} s; ingest {result.ingest_seconds:.1f} s "
          f"({total / result.ingest_seconds:.1f} documents/s); build {result.build_seconds:.1f} s; "
          f"ingest + build {spent:.1f} s ({total / spent:.1f} documents/s)")  # fmt: skip
    if show_misses:
        print("\n".join(fig.misses))
    failed = failures(fig, result, expected)
    print("thresholds " + str(THRESHOLDS) + ": " + ("all met" if not failed else "MISSED: " + "; ".join(failed)))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-format", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", type=Path, help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="official-e2e-") as tmp:
        home = args.keep or Path(tmp)
        started = time.perf_counter()
        expected = generate(home / "documents", args.per_format, args.seed)
        generated = time.perf_counter() - started
        result = run(home / "documents", home / "project")
        return report(score(expected, result), result, expected, generated, args.misses)


if __name__ == "__main__":
    raise SystemExit(main())
