"""Summarise a test run's timeline (``BULLETINS_TEST_TIMELINE=FILE``, see ``tests/conftest.py``).

    python tests/support/timeline.py FILE [FILE2]

Per module: the worker that ran it, its first start and last end (seconds since the run's first
test), the worker-seconds its tests took (setup and teardown included) and their CPU seconds;
per worker: busy and idle seconds. With FILE2, the two runs side by side, module by module.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Module:
    name: str
    worker: str
    start: float
    end: float
    wall: float = 0.0
    cpu: float = 0.0
    tests: int = 0


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def modules(rows: list[dict]) -> dict[str, Module]:
    """The rows grouped by test module, times relative to the first start."""
    zero = min(row["start"] for row in rows)
    found: dict[str, Module] = {}
    for row in sorted(rows, key=lambda r: r["start"]):
        name = row["test"].split("::", 1)[0].rsplit("/", 1)[-1]
        module = found.setdefault(name, Module(name, row["worker"], row["start"] - zero, row["end"] - zero))
        module.end = max(module.end, row["end"] - zero)
        module.wall += row["end"] - row["start"]
        module.cpu += row["cpu"]
        module.tests += 1
    return found


def workers(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """Busy seconds and span (first start to last end) of each worker."""
    spans: dict[str, list[float]] = defaultdict(lambda: [0.0, float("inf"), 0.0])
    for row in rows:
        span = spans[row["worker"]]
        span[0] += row["end"] - row["start"]
        span[1], span[2] = min(span[1], row["start"]), max(span[2], row["end"])
    return {name: (busy, end - start) for name, (busy, start, end) in sorted(spans.items())}


def report(path: Path) -> str:
    rows = read_rows(path)
    lines = [f"{path}: {len(rows)} tests", "| module | worker | from s | to s | tests | worker-s | CPU s |"]
    lines.append("|---|---|---:|---:|---:|---:|---:|")
    for m in sorted(modules(rows).values(), key=lambda m: (m.worker, m.start)):
        times = f"{m.start:.0f} | {m.end:.0f} | {m.tests} | {m.wall:.1f} | {m.cpu:.1f}"
        lines.append(f"| {m.name} | {m.worker} | {times} |")
    for name, (busy, span) in workers(rows).items():
        lines.append(f"{name}: busy {busy:.0f} s of {span:.0f} s")
    return "\n".join(lines)


def compare(before: Path, after: Path) -> str:
    old, new = modules(read_rows(before)), modules(read_rows(after))
    lines = ["| module | tests before/after | worker-s before/after | CPU s before/after |", "|---|---:|---:|---:|"]
    for name in sorted(old.keys() | new.keys(), key=lambda n: -(old[n].wall if n in old else 0)):
        a, b = old.get(name), new.get(name)
        cells = [f"{getattr(a, f, 0) if a else 0:.0f}/{getattr(b, f, 0) if b else 0:.0f}" for f in ("tests", "wall")]
        cells.append(f"{a.cpu if a else 0:.1f}/{b.cpu if b else 0:.1f}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]]
    print(report(paths[0]) if len(paths) == 1 else compare(*paths))
