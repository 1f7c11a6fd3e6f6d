"""Reading the open data files of a built site, and substring queries for its full-text index."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

# The plugins a site needs for its open data, and nothing that slows a fixture build.
OPEN_DATA_PLUGINS = [
    "bulletins.plugins.list_pages",
    "bulletins.plugins.raw_source",
    "bulletins.plugins.site_meta",
    "bulletins.plugins.incremental",
    "bulletins.plugins.open_data",
]
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def substring_queries(rows: list[dict], count: int, seed: int) -> list[str]:
    """COUNT distinct 3-character Han substrings of the rows' titles and texts (fixed seed)."""
    rng = random.Random(seed)
    runs = sorted({run for row in rows for run in HAN_RUN.findall(row["title"] + "\n" + row["text"])})
    queries: set[str] = set()
    while len(queries) < count and runs:
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 2)
        queries.add(run[start : start + 3])
    return sorted(queries)
