"""Doc ids in steps of a day (``search.docids``): a change renumbers its day only.

With ids one after another, removing the oldest bulletin renumbered every other one and a
rebuild wrote nearly every term shard again. Here each day's ids start at a multiple of
``DAY_SLOTS``, so the same removal rewrites the shards of the keys its day's bulletins hold;
the index stays the cold build's, byte for byte, and the query side (search-index.js) makes
the same ids from the manifest (the Node answers of the search suites).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from bulletins.search import docids
from bulletins.search.build import build_index, order
from bulletins.search.docids import DAY_SLOTS, assign, capacity
from test_search_splice import _tree, varied_docs


@pytest.mark.parametrize(
    ("count", "ids"),
    [(0, 0), (1, DAY_SLOTS), (DAY_SLOTS, DAY_SLOTS), (DAY_SLOTS + 1, 2 * DAY_SLOTS), (3 * DAY_SLOTS, 3 * DAY_SLOTS)],
)
def test_capacity(count, ids):
    assert capacity(count) == ids


S = DAY_SLOTS
ASSIGNED = [
    ([], []),
    (["2024-01-01"], [0]),
    (["2024-01-01", "2024-01-01", "2024-01-05"], [0, 1, S]),
    (["2024-01-01"] * (S + 1) + ["2024-01-02"], [*range(S + 1), 2 * S]),
    (["2024-01-01", "2024-01-02", "2024-01-03"], [0, S, 2 * S]),
]


@pytest.mark.parametrize(("dates", "ids"), ASSIGNED)
def test_assign(dates, ids):
    assert assign(dates) == ids


@pytest.mark.parametrize(("dates", "ids"), ASSIGNED)
def test_span_is_past_every_id(dates, ids):
    made = docids.DocIds()
    for date in dates:
        made.add(date)
    assert made.span == (capacity(dates.count(dates[-1])) + ids[-1] - dates.count(dates[-1]) + 1 if dates else 0)
    assert all(i < made.span for i in ids)


def spread_docs(count: int, days: int, seed: int) -> list[dict]:
    """``varied_docs`` spread over DAYS days (fixed seed): a couple of bulletins a day."""
    rng = random.Random(seed)
    first = dt.date(2021, 1, 4)
    dates = [(first + dt.timedelta(days=rng.randrange(days * 7 // 5))).isoformat() for _ in range(count)]
    return [dict(doc, date=date) for doc, date in zip(varied_docs(count, seed=seed), dates)]


DOCS = spread_docs(400, 200, seed=11)
SHARD_BYTES = 400


def _build(docs, out: Path, cache: Path | None):
    return build_index(docs, out, cache_dir=cache, shard_bytes=SHARD_BYTES, jobs=1)


def _without_oldest(docs):
    oldest = order(docs)[0].url
    return [d for d in docs if d["url"] != oldest]


def _crossing(docs):
    """Copies of the oldest bulletin (other URLs) until its day holds one more than a multiple
    of DAY_SLOTS: the day takes more ids, and every id after it moves."""
    first = next(d for d in docs if d["url"] == order(docs)[0].url)
    on_day = sum(1 for d in docs if d["date"] == first["date"])
    more = DAY_SLOTS - on_day % DAY_SLOTS + 1
    return [*docs, *(dict(first, url=f"https://example.org/extra-{i}.html") for i in range(more))]


def _shard_names(out: Path) -> set[str]:
    return {p.name for p in (out / "t").glob("*.js")}


def _rebuilt(tmp_path: Path, docs, changed) -> tuple[int, int]:
    """Build DOCS, then CHANGED over it: (shards written by the rebuild, shards), the rebuild
    checked against a cold build of CHANGED."""
    _build(docs, tmp_path / "out", tmp_path / "cache")
    before = _shard_names(tmp_path / "out")
    _build(changed, tmp_path / "out", tmp_path / "cache")
    _build(changed, tmp_path / "cold", None)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")
    after = _shard_names(tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["docs"], manifest["days"]["slots"]) == (len(changed), docids.DAY_SLOTS)
    return len(after - before), len(after)


def test_removing_the_oldest_rewrites_few_shards(tmp_path):
    written, shards = _rebuilt(tmp_path, DOCS, _without_oldest(DOCS))
    assert written <= 0.4 * shards, f"{written} of {shards} shards written"


def test_a_day_past_its_steps_moves_the_ids_after_it(tmp_path):
    written, shards = _rebuilt(tmp_path, DOCS, _crossing(DOCS))
    assert written > 0.5 * shards, f"{written} of {shards} shards written"


def test_dense_ids_rewrote_most_shards(tmp_path, monkeypatch):
    """The same removal in steps of one (ids one after another, as before the steps): most
    shards are written again, which is what the steps save."""
    monkeypatch.setattr(docids, "DAY_SLOTS", 1)
    written, shards = _rebuilt(tmp_path, DOCS, _without_oldest(DOCS))
    assert written > 0.5 * shards, f"{written} of {shards} shards written"
