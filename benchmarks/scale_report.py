"""The scale benchmark's report: what ``bench_scale.py`` prints of each size (ingest, the cold
build and its phases, the output), of its rebuilds' phases, of the allocation sites under
``--tracemalloc``, and the summary table of all sizes.
"""

from __future__ import annotations

import re
import sys

from scale_measure import Measured, phase_cell

SUMMED = ("add", "newest", "edit", "remove")  # the summary table's rebuild columns


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
        if row.get("fork"):  # a fork's line has no snapshot: tracemalloc runs in the build only
            continue
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
