"""Doc ids in steps of a day, a slot each (``search.docids``): a change moves few ids.

With ids one after another, removing the oldest bulletin renumbered every other one and a
rebuild wrote nearly every term shard again. Here each day's ids start at a multiple of
``DAY_SLOTS`` and each bulletin takes the slot its URL hashes to, so the same removal writes
about what an edit writes; the index stays the cold build's, byte for byte, and the query side
(search-index.js) makes the same ids from the manifest (the Node answers of the search suites).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from bulletins.search import docids
from bulletins.search.build import build_index
from bulletins.search.build import order as doc_order
from bulletins.search.cli import NodeSearch
from bulletins.search.docids import DAY_SLOTS, capacity, day_slots, order
from test_search_splice import _tree, varied_docs


@pytest.mark.parametrize(
    ("count", "ids"),
    [(0, 0), (1, DAY_SLOTS), (DAY_SLOTS, DAY_SLOTS), (DAY_SLOTS + 1, 2 * DAY_SLOTS), (3 * DAY_SLOTS, 3 * DAY_SLOTS)],
)
def test_capacity(count, ids):
    assert capacity(count) == ids


def _urls(rng: random.Random, count: int) -> list[str]:
    return [f"bulletins/2024/05/{rng.getrandbits(40):010x}.html" for _ in range(count)]


@pytest.mark.parametrize("count", [0, 1, 5, DAY_SLOTS, DAY_SLOTS + 1, 40])
def test_day_slots_are_distinct_and_inside_the_day(count):
    urls = _urls(random.Random(count), count)
    slots = day_slots(urls)
    assert len(set(slots)) == count
    assert all(0 <= slot < capacity(count) for slot in slots)
    assert day_slots(list(reversed(urls))) == list(reversed(slots))  # the input order does not matter


def test_equal_urls_take_a_slot_each():
    assert sorted(day_slots(["a.html", "a.html", "b.html"])) == sorted(set(day_slots(["a.html", "a.html", "b.html"])))


def _ranked(urls: list[str]) -> list[int]:
    """Slots as places in URL order (how ids ran on a day before the slots)."""
    return [sorted(urls).index(url) for url in urls]


def test_a_bulletin_added_to_a_day_moves_few_others():
    """Added to days of 1-14 bulletins (no count crossing DAY_SLOTS): the others keep their slot
    but for the one whose slot the new one took on the way, fewer than one an addition (fixed
    seed: 174 in 300), where places in URL order moved about half the day."""
    rng, moved, ranked, trials = random.Random(5), 0, 0, 300
    for _ in range(trials):
        urls = _urls(rng, rng.randint(1, DAY_SLOTS - 2))
        grown = [*urls, *_urls(rng, 1)]
        moved += sum(a != b for a, b in zip(day_slots(urls), day_slots(grown)))
        ranked += sum(a != b for a, b in zip(_ranked(urls), _ranked(grown)))
    assert moved < trials, f"{moved} bulletins moved in {trials} additions"
    assert ranked > 3 * moved, f"{ranked} bulletins moved by rank, {moved} by slot"


def test_order_runs_by_day_in_steps():
    rng = random.Random(9)
    dates = [f"2024-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}" for _ in range(90)]
    keys = [(date, url) for date, url in zip(dates, _urls(rng, len(dates)))]
    found = order(keys)
    assert sorted(found.places) == list(range(len(keys)))
    assert list(found.ids) == sorted(set(found.ids))  # ascending, distinct
    days = [keys[i][0] for i in found.places]
    assert days == sorted(days)
    start, previous = 0, None
    for day, doc_id, slot in zip(days, found.ids, found.slots):
        if previous is not None and day != previous:
            start += capacity(days.count(previous))
        previous = day
        assert doc_id == start + slot
        assert slot < capacity(days.count(day))


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
    oldest = doc_order(docs)[0].url
    return [d for d in docs if d["url"] != oldest]


def _crossing(docs):
    """Copies of the oldest bulletin (other URLs) until its day holds one more than a multiple
    of DAY_SLOTS: the day takes more ids, and every id after it moves."""
    first = next(d for d in docs if d["url"] == doc_order(docs)[0].url)
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


NEWEST = "2030-01-01"  # after every bulletin of DOCS: a bulletin added there moves no other id


def _oldest(docs) -> dict:
    return next(d for d in docs if d["url"] == doc_order(docs)[0].url)


def _middle_day(docs) -> str:
    return doc_order(docs)[len(docs) // 2].date


ADDED = dict(DOCS[0], url="https://example.org/added.html", body="新增一条：翠微湖畔，青溪县镇召开会议。")
# (a change, the same bulletin's keys written by adding it as the newest: what it cannot do without)
CHANGES = {
    "remove the oldest": (_without_oldest, lambda docs: [*docs, dict(_oldest(docs), url="x.html", date=NEWEST)]),
    "add one to a day": (
        lambda docs: [*docs, dict(ADDED, date=_middle_day(docs))],
        lambda docs: [*docs, dict(ADDED, date=NEWEST)],
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_writes_about_the_shards_of_its_keys(tmp_path, name):
    """Removing the oldest or adding one on a day writes the shards of the bulletin's keys and
    of the few whose slot moved: at most twice what adding that bulletin as the newest writes
    (which moves no id; fixed seed)."""
    change, reference = CHANGES[name]
    least, _ = _rebuilt(tmp_path / "newest", DOCS, reference(DOCS))
    written, shards = _rebuilt(tmp_path / "change", DOCS, change(DOCS))
    assert written <= 2 * least, f"{written} of {shards} shards written, {least} as the newest"


def test_a_day_past_its_steps_moves_the_ids_after_it(tmp_path):
    written, shards = _rebuilt(tmp_path, DOCS, _crossing(DOCS))
    assert written > 0.5 * shards, f"{written} of {shards} shards written"


def test_dense_ids_rewrote_most_shards(tmp_path, monkeypatch):
    """The same removal in steps of one (ids one after another, as before the steps): most
    shards are written again, which is what the steps save."""
    monkeypatch.setattr(docids, "DAY_SLOTS", 1)
    written, shards = _rebuilt(tmp_path, DOCS, _without_oldest(DOCS))
    assert written > 0.5 * shards, f"{written} of {shards} shards written"


CORE = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search-core.js"
RANGES = [
    (None, None),
    ("2021-03-01", None),
    (None, "2021-04-15"),
    ("2021-02-10", "2021-05-20"),
    ("2021-03-03", "2021-03-03"),
]


def _matching(docs, query: str, start: str | None, end: str | None) -> list[dict]:
    return [
        d for d in docs if (query in d["title"] or query in d["body"]) and (start or "") <= d["date"] <= (end or "9999")
    ]


@pytest.fixture(scope="module")
def spread_index(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spread") / "search"
    _build(DOCS, out, None)
    return out


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_date_ranges_and_newest_first_over_slotted_ids(spread_index, start, end):
    """The engine's date filter and date order read the days' ids as the builder made them: every
    bulletin of the range found, none outside, newest day first (brute force over the texts)."""
    opts = {key: value for key, value in (("from", start), ("to", end)) if value}
    with NodeSearch(CORE, spread_index) as node:
        for query in ("青溪", "会议", "城市更新", "乡村"):
            answer = node.search(query, fresh=True, limit=0, sort="date", snippets=False, **opts)
            want = _matching(DOCS, query, start, end)
            assert answer["total"] == len(want), (query, start, end)
            assert sorted(r["url"] for r in answer["results"]) == sorted(d["url"] for d in want)
            dates = [r["date"] for r in answer["results"]]
            assert dates == sorted(dates, reverse=True), "newest first"
