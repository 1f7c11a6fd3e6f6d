"""Generated archives (fixed seeds): the query side finds every day's ids where the builder put them.

The builder gives each bulletin an id in its day's blocks (``search.docids``: a block a tier)
and writes the oldest and newest days, the block, the oldest day's first id, the tier and the
widest day (in one tier, the day counts instead) into the manifest (``build._days``); the
query side finds each id's day and slot from those alone (search-index.js ``dayRuns``,
``slotOf``). A result's data file is named by its day and its slot, so a day found one block
off loads another bulletin's data or none. Each archive here is drawn to be awkward: days
years apart, a year boundary, a day of two hundred bulletins (more tiers), days of the first
century (which ``Date.UTC`` reads as the 1900s), a single bulletin, thousands on one day; and
half of them with a step of 16 whatever the days, so that 1 % of the bulletins and more take
tiers past the first.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from bulletins.search import docids, shards
from bulletins.search.build import _days
from bulletins.search.docids import order

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
INDEX_JS = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search-index.js"
READ = """
const index = require(process.argv[1]);
const { days, ids } = JSON.parse(require("fs").readFileSync(0, "utf8"));
const m = index.readManifest({ format: 14, docs: 0, fold: {}, shards: "", categories: [], days, titleSpan: 0 });
const runs = m.days && m.days.map((r) => [index.isoDay(r.day), r.first, r.end, r.count]);
const where = ids.map((id) => {
  const found = index.slotOf(m, id);
  return [found.day === null ? null : index.isoDay(found.day), found.slot, index.dayOrder(m, id)];
});
console.log(JSON.stringify({ runs, span: m.idSpan, where }));
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


def _query_side(days: dict, ids: list[int]) -> dict:
    run = subprocess.run(
        ["node", "-e", READ, str(INDEX_JS)],
        input=json.dumps({"days": days, "ids": ids}),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def _check(keys: list[tuple[str, str]]) -> docids.Order:
    """The query side's day and slot of each of KEYS' ids are the builder's, and its day order
    is by day, then slot."""
    found = order(keys)
    in_order = [keys[i][0] for i in found.places]
    days = _days(in_order, found.step, found.tier)
    assert ("runs" in days, "widest" in days) == (not found.tier, bool(found.tier))  # runs only in one tier
    read = _query_side(days, list(found.ids))
    if not found.tier:
        assert [(day, count) for day, _, _, count in read["runs"]] == sorted(Counter(in_order).items())
    assert [w[:2] for w in read["where"]] == [[date, slot] for date, slot in zip(in_order, found.slots)]
    by_day = sorted(zip(in_order, found.slots))
    assert [tuple(w[:2]) for w in sorted(read["where"], key=lambda w: w[2])] == by_day, "day order: by day, then slot"
    assert all(0 <= doc_id % (found.tier or 2**62) < read["span"] for doc_id in found.ids)
    return found


@pytest.mark.parametrize("seed", range(16))
def test_the_query_side_finds_each_days_ids_where_the_builder_put_them(seed, monkeypatch):
    rng = random.Random(seed)
    if seed % 2:
        monkeypatch.setattr(docids, "HELD", 0.0)  # a step of 16: crowded days take tiers
    dates = _dates(rng)
    _check([(date, f"bulletins/{date}/{i:05d}.html") for i, date in enumerate(dates)])


def test_an_archive_past_the_id_limit_in_tiers_takes_one_tier():
    """Two days of 3,000 bulletins 9,998 years apart: in tiers the last id passes the limit, so
    every day's capacity is one block (``days.tier`` 0) and the query side reads it so."""
    keys = [(date, f"{date}-{i}.html") for date in ("0001-01-01", "9999-12-30") for i in range(3000)]
    assert _check(keys).tier == 0


@pytest.mark.parametrize(("fill", "end"), [(24, 64), (32, 32), (None, 32), (0, 32), (99, 32)])
def test_the_query_side_reads_a_days_blocks_by_the_manifests_fill(fill, end):
    """A day of 32 bulletins in one tier, blocks of 32 ids: two blocks when a block holds 24,
    one when it holds 32; a manifest without a usable fill is read as blocks filled whole."""
    days = {"first": "2024-01-01", "runs": shards.encode(0) + shards.encode(32), "slots": 32, "start": 0, "tier": 0}
    days |= {"fill": fill} if fill is not None else {}
    read = _query_side(days, [0])
    assert read["runs"] == [["2024-01-01", 0, end, 32]] and read["span"] == end
