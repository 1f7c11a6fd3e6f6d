"""Generated archives (fixed seeds): the query side finds every day's ids where the builder put them.

The builder gives each bulletin an id in its day's block (``search.docids``) and writes the day
counts, the block and the oldest day's first id into the manifest (``build._day_runs``); the
query side makes each day's first id and end from those alone (search-index.js ``dayRuns``).
A result's data file is named by its day and its slot, so a day found one block off loads
another bulletin's data or none. Each archive here is drawn to be awkward: days years apart,
a year boundary, a day of two hundred bulletins (a bigger block), days of the first century
(which ``Date.UTC`` reads as the 1900s), a single bulletin, thousands on one day.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from bulletins.search.build import _day_runs
from bulletins.search.docids import order

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
INDEX_JS = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search-index.js"
READ = """
const index = require(process.argv[1]);
const days = JSON.parse(require("fs").readFileSync(0, "utf8"));
const m = index.readManifest({ format: 8, docs: 0, fold: {}, shards: "", categories: [], days, titleSpan: 0 });
const runs = m.days.map((r) => [index.isoDay(r.day), r.first, r.end, r.count]);
console.log(JSON.stringify({ runs, span: m.idSpan }));
"""


def _dates(rng: random.Random) -> list[str]:
    """One archive's dates: clusters of days, some far apart, some days crowded."""
    shape = rng.choice(["clusters", "one day", "one bulletin", "first century", "crowded day"])
    if shape == "one bulletin":
        return [dt.date(rng.randint(1949, 2030), 12, 31).isoformat()]
    if shape == "one day":
        return ["2024-02-29"] * rng.randint(2, 3000)
    first = dt.date(rng.choice([1, 99, 1949, 1999, 2023]), rng.randint(1, 12), rng.randint(1, 28))
    dates = []
    for _ in range(rng.randint(1, 4)):  # clusters, each up to years after the last
        start = first + dt.timedelta(days=rng.choice([0, 1, 31, 365, 3650]))
        dates += [(start + dt.timedelta(days=rng.randrange(60))).isoformat() for _ in range(rng.randint(1, 150))]
        first = start
    if shape == "crowded day":
        dates += [dates[0]] * 200
    return dates


def _query_side(days: dict) -> dict:
    run = subprocess.run(
        ["node", "-e", READ, str(INDEX_JS)], input=json.dumps(days), capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize("seed", range(12))
def test_the_query_side_finds_each_days_ids_where_the_builder_put_them(seed):
    rng = random.Random(seed)
    dates = _dates(rng)
    keys = [(date, f"bulletins/{date}/{i:05d}.html") for i, date in enumerate(dates)]
    found = order(keys)
    in_order = [keys[i][0] for i in found.places]
    days = _day_runs([SimpleNamespace(date=date) for date in in_order], found.step)
    read = _query_side(days)
    firsts: dict[str, int] = {}
    for date, doc_id, slot in zip(in_order, found.ids, found.slots):
        assert firsts.setdefault(date, doc_id - slot) == doc_id - slot, "one first id a day"
    assert [(day, first) for day, first, _, _ in read["runs"]] == sorted(firsts.items())
    for (day, first, end, _), doc_id, date in zip(
        [run for run in read["runs"] for _ in range(run[3])], found.ids, in_order, strict=True
    ):
        assert day == date and first <= doc_id < end, (seed, date, doc_id)
    assert sum(run[3] for run in read["runs"]) == len(keys) and read["span"] > found.ids[-1]
