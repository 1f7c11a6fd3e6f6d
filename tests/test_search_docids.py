"""Doc ids in blocks of a day, a slot each (``search.docids``): a change moves few ids.

With ids one after another, removing the oldest bulletin renumbered every other one and a
rebuild wrote nearly every term shard again. Here every calendar day takes a block of ``step``
ids, with or without bulletins, and each bulletin the slot its URL hashes to in its day's, so
the same removal, or a bulletin put on a day that had none, writes about what an edit writes;
the index stays the cold build's, byte for byte, and the query side (search-index.js) makes the
same ids from the manifest (the Node answers of the search suites).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zlib
from collections import Counter
from pathlib import Path

import pytest

from bulletins.search import docids
from bulletins.search.build import build_index
from bulletins.search.build import order as doc_order
from bulletins.search.cli import NodeSearch
from bulletins.search.docids import MIN_STEP, capacity, day_slots, first_id, order, slot_step, tier_size
from day_moves import other_rule
from test_search_splice import _tree, varied_docs


@pytest.mark.parametrize(
    ("count", "step", "ids"),
    [(0, 16, 16), (1, 16, 16), (12, 16, 16), (13, 16, 32), (16, 16, 32), (36, 16, 48), (24, 32, 32), (25, 32, 64)],
)
def test_capacity(count, step, ids):
    """A block of STEP ids holds three quarters as many bulletins."""
    assert capacity(count, step) == ids


@pytest.mark.parametrize(
    ("counts", "step"),
    [
        ([], 16),
        ([1] * 300, 16),
        ([12] * 100, 16),  # a block of 16 holds 12
        ([16] * 100, 32),
        ([11] * 990 + [17], 16),  # 17 of 10,907 bulletins on a day past 12: under 1 %
        ([11] * 900 + [17] * 90, 32),  # 1,530 of 11,430: a step of 32 (24 a block) holds them
        ([11] * 100 + [180], 256),  # one day of 180 in 1,280 bulletins: over 1 %, held by 256 (192)
        ([90] * 5000, 128),
        ([3] * 1000 + [360] * 10, 512),
    ],
)
def test_slot_step_holds_the_days_of_99_percent_of_the_bulletins(counts, step):
    assert slot_step(counts) == step
    over = sum(c for c in counts if c > docids.block_fill(step))
    assert over <= 0.01 * sum(counts)
    assert step == 16 or sum(c for c in counts if c > docids.block_fill(step // 2)) > 0.01 * sum(counts)  # the least


@pytest.mark.parametrize(
    ("date", "step", "ids"),
    [("2024-01-01", 16, 0), ("2024-01-02", 16, 16), ("2024-03-01", 32, 60 * 32), ("2023-12-31", 16, 364 * 16)],
)
def test_the_oldest_day_begins_after_a_block_for_each_day_of_its_year_before_it(date, step, ids):
    assert first_id(date, step) == ids


def _home(url: str, size: int = 16) -> int:
    return zlib.crc32(url.encode()) % size


def _urls(rng: random.Random, count: int) -> list[str]:
    return [f"bulletins/2024/05/{rng.getrandbits(40):010x}.html" for _ in range(count)]


@pytest.mark.parametrize(("count", "step"), [(0, 16), (1, 16), (5, 16), (16, 16), (17, 16), (40, 16), (40, 64)])
def test_day_slots_are_distinct_and_inside_the_day(count, step):
    urls = _urls(random.Random(count), count)
    slots = day_slots(urls, step)
    assert len(set(slots)) == count
    assert all(0 <= slot < capacity(count, step) for slot in slots)
    assert day_slots(list(reversed(urls)), step) == list(reversed(slots))  # the input order does not matter


def test_equal_urls_take_a_slot_each():
    assert sorted(day_slots(["a.html", "a.html", "b.html"], MIN_STEP)) == sorted(
        set(day_slots(["a.html", "a.html", "b.html"], MIN_STEP))
    )


def _ranked(urls: list[str]) -> list[int]:
    """Slots as places in URL order (how ids ran on a day before the slots)."""
    return [sorted(urls).index(url) for url in urls]


def test_a_bulletin_added_to_a_day_moves_few_others():
    """Added to days of 1-11 bulletins (no count crossing the 12 a block of 16 holds): the others
    keep their slot but for the one whose slot the new one took on the way, fewer than one an
    addition (fixed seed: 100 in 300), where places in URL order moved about half the day (890)."""
    rng, moved, ranked, trials = random.Random(5), 0, 0, 300
    for _ in range(trials):
        urls = _urls(rng, rng.randint(1, docids.block_fill(MIN_STEP) - 1))
        grown = [*urls, *_urls(rng, 1)]
        moved += sum(a != b for a, b in zip(day_slots(urls, MIN_STEP), day_slots(grown, MIN_STEP)))
        ranked += sum(a != b for a, b in zip(_ranked(urls), _ranked(grown)))
    assert moved < trials, f"{moved} bulletins moved in {trials} additions"
    assert ranked > 3 * moved, f"{ranked} bulletins moved by rank, {moved} by slot"


def _blocks_filled_whole(urls: list[str], step: int) -> list[int]:
    """The slots of index formats 10 and 11: ``day_slots`` with STEP URLs a block of STEP."""
    return other_rule(urls, step, step, False)


@pytest.mark.parametrize(("step", "moves", "whole"), [(16, 574, 980), (32, 654, 1552)])
def test_a_day_grown_past_its_block_moves_few_of_its_own(step, moves, whole):
    """Days of a full block grown by one (a block in the next tier), 300 of them (fixed seed):
    1.9 of the 12 a block of 16 holds take another slot, and 2.2 of 24 in a block of 32; filled
    whole (16 and 32 a block, the rule of index formats 10 and 11), a block moved 3.3 of 16 and
    5.2 of 32. Each bulletin moved brings its posting lists' shards into a rebuild."""
    rng, moved, moved_whole = random.Random(5), 0, 0
    for _ in range(300):
        urls = _urls(rng, docids.block_fill(step))
        grown = [*urls, *_urls(rng, 1)]
        moved += sum(a != b for a, b in zip(day_slots(urls, step), day_slots(grown, step)))
        full = [*urls, *_urls(rng, step - len(urls))]
        before, after = _blocks_filled_whole(full, step), _blocks_filled_whole([*full, *_urls(rng, 1)], step)
        moved_whole += sum(a != b for a, b in zip(before, after))
    assert (moved, moved_whole) == (moves, whole)


def test_order_runs_by_day_in_steps():
    rng = random.Random(9)
    dates = [f"2024-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}" for _ in range(90)]
    keys = [(date, url) for date, url in zip(dates, _urls(rng, len(dates)))]
    found = order(keys)
    assert sorted(found.places) == list(range(len(keys)))
    assert list(found.ids) == sorted(set(found.ids))  # ascending, distinct
    days = [keys[i][0] for i in found.places]
    assert days == sorted(days)
    crowded = max(Counter(dates).values())
    assert (found.step, crowded) == (32, 16)  # past the 12 a block of 16 holds; 24 in a block of 32
    for day, doc_id, slot in zip(days, found.ids, found.slots):  # one block a day: ids by the calendar
        assert doc_id == (dt.date.fromisoformat(day) - dt.date(2024, 1, 1)).days * 32 + slot
        assert slot < 32


def test_ids_stay_below_the_32_bit_limit_of_the_query_side():
    """Two days of 3,000 bulletins (a block of 4,096 holds them) 9,998 years apart: the block is
    halved until the last id fits (512), and the order stays the dates'."""
    keys = [(date, f"{date}-{i}.html") for date in ("0001-01-01", "9999-12-30") for i in range(3000)]
    found = order(keys)
    span = (dt.date(9999, 12, 30) - dt.date(1, 1, 1)).days
    assert found.step == 512 and span * 1024 >= docids.ID_LIMIT > found.ids[-1]
    assert sorted(found.places) == list(range(len(keys))) and list(found.ids) == sorted(set(found.ids))


@pytest.mark.parametrize(
    ("keys", "ids"),
    [
        ([("2024-01-01", "a.html")], [_home("a.html")]),
        ([("2024-01-05", "a.html")], [4 * 16 + _home("a.html")]),
        (
            [("2024-03-10", "c.html"), ("2024-01-01", "a.html"), ("2024-01-03", "b.html")],
            [_home("a.html"), 2 * 16 + _home("b.html"), 69 * 16 + _home("c.html")],  # 2024-03-10 is day 69
        ),
        (
            [("2023-12-31", "a.html"), ("2024-01-01", "b.html")],
            [364 * 16 + _home("a.html"), 365 * 16 + _home("b.html")],
        ),
    ],
)
def test_every_day_from_january_1_of_the_oldest_year_takes_a_block(keys, ids):
    found = order(keys)
    assert sorted(found.ids) == ids


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
    of the step: the day takes more ids, and every id after it moves."""
    first = next(d for d in docs if d["url"] == doc_order(docs)[0].url)
    on_day = sum(1 for d in docs if d["date"] == first["date"])
    more = MIN_STEP - on_day % MIN_STEP + 1
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
    step = docids.slot_step(Counter(d["date"] for d in changed).values())
    assert (manifest["docs"], manifest["days"]["slots"]) == (len(changed), step)
    return len(after - before), len(after)


NEWEST = "2030-01-01"  # after every bulletin of DOCS: a bulletin added there moves no other id


def _oldest(docs) -> dict:
    return next(d for d in docs if d["url"] == doc_order(docs)[0].url)


def _middle_day(docs) -> str:
    return doc_order(docs)[len(docs) // 2].date


def _empty_day(docs) -> str:
    """The first day after the middle one without a bulletin."""
    taken, day = {d["date"] for d in docs}, dt.date.fromisoformat(_middle_day(docs))
    while day.isoformat() in taken:
        day += dt.timedelta(days=1)
    return day.isoformat()


def _oldest_day(docs) -> list[dict]:
    date = _oldest(docs)["date"]
    return [d for d in docs if d["date"] == date]


def _without_oldest_day(docs) -> list[dict]:
    date = _oldest(docs)["date"]
    return [d for d in docs if d["date"] != date]


def _as_newest(found: list[dict]) -> list[dict]:
    return [dict(d, url=f"newest-{i}.html", date=NEWEST) for i, d in enumerate(found)]


ADDED = dict(DOCS[0], url="https://example.org/added.html", body="新增一条：翠微湖畔，青溪县镇召开会议。")
# (a change, the same bulletin's keys written by adding it as the newest: what it cannot do without)
CHANGES = {
    "remove the oldest": (_without_oldest, lambda docs: [*docs, dict(_oldest(docs), url="x.html", date=NEWEST)]),
    "add one to a day": (
        lambda docs: [*docs, dict(ADDED, date=_middle_day(docs))],
        lambda docs: [*docs, dict(ADDED, date=NEWEST)],
    ),
    "add one on a day that had none": (
        lambda docs: [*docs, dict(ADDED, date=_empty_day(docs))],
        lambda docs: [*docs, dict(ADDED, date=NEWEST)],
    ),
    "remove the oldest day": (
        _without_oldest_day,
        lambda docs: [*docs, *_as_newest(_oldest_day(docs))],
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_writes_about_the_shards_of_its_keys(tmp_path, name):
    """Removing the oldest bulletin or day, or adding one on a day with or without bulletins,
    writes the shards of the bulletins' keys and of the few whose slot moved: at most twice what
    adding those bulletins as the newest writes (which moves no id; fixed seed). The last two
    moved every later id before each day took its block."""
    change, reference = CHANGES[name]
    least, _ = _rebuilt(tmp_path / "newest", DOCS, reference(DOCS))
    written, shards = _rebuilt(tmp_path / "change", DOCS, change(DOCS))
    assert written <= 2 * least, f"{written} of {shards} shards written, {least} as the newest"


def test_a_day_grown_past_its_step_writes_about_what_its_bulletins_write(tmp_path, monkeypatch):
    """The step kept at 16 (``HELD`` at 0): the oldest day grown past it takes a block in the
    next tier, and only its own bulletins move: the rebuild writes at most twice what adding
    the same bulletins as the newest writes. Before the tiers, every later id moved and all 322
    shards were written, against 110 for the newest (fixed seed)."""
    monkeypatch.setattr(docids, "HELD", 0.0)
    grown = _crossing(DOCS)
    least, _ = _rebuilt(tmp_path / "newest", DOCS, [*DOCS, *_as_newest(grown[len(DOCS) :])])
    written, shards = _rebuilt(tmp_path / "grown", DOCS, grown)
    assert written <= 2 * least, f"{written} of {shards} shards written, {least} as the newest"


@pytest.mark.parametrize(
    ("oldest", "newest", "step", "size"),
    [
        ("2024-01-01", "2024-01-01", 16, 8192),  # 366 days of 16: 5,856
        ("2023-05-01", "2024-02-01", 16, 16384),  # 731 days: 11,696
        ("2000-01-01", "2024-12-31", 32, 2**19),  # 9,132 days of 32: 292,224
    ],
)
def test_a_tier_holds_a_block_for_every_day_of_the_years(oldest, newest, step, size):
    assert tier_size(oldest, newest, step) == size


def test_a_day_past_its_step_takes_blocks_in_later_tiers_and_moves_no_other_day(monkeypatch):
    """Slot s of a day of first id f has id (s // step) * tier + f + s % step; the ids run tier
    by tier. A day grown past its step moves its own bulletins only."""
    monkeypatch.setattr(docids, "HELD", 0.0)
    rng = random.Random(3)
    keys = [(f"2024-01-0{rng.randint(1, 4)}", url) for url in _urls(rng, 40)]
    crowded = [("2024-01-02", url) for url in _urls(rng, 20)]
    found = order([*keys, *crowded])
    assert (found.step, found.tier) == (16, 8192)
    assert list(found.ids) == sorted(set(found.ids))
    every = [*keys, *crowded]
    for place, doc_id, slot in zip(found.places, found.ids, found.slots):
        first = (dt.date.fromisoformat(every[place][0]) - dt.date(2024, 1, 1)).days * 16
        assert doc_id == slot // 16 * 8192 + first + slot % 16
    assert max(found.slots) >= 16  # the crowded day reaches the second tier
    grown = order([*keys, *crowded, ("2024-01-02", "bulletins/2024/05/grown.html")])
    before = {every[p][1]: i for p, i in zip(found.places, found.ids) if every[p][0] != "2024-01-02"}
    after = {([*every, ("2024-01-02", "")][p][1]): i for p, i in zip(grown.places, grown.ids)}
    assert all(after[url] == doc_id for url, doc_id in before.items())


def test_a_bulletin_of_an_older_year_moves_every_id(tmp_path):
    written, shards = _rebuilt(tmp_path, DOCS, [*DOCS, dict(ADDED, date="2019-06-01")])
    assert written > 0.5 * shards, f"{written} of {shards} shards written"


def test_dense_ids_rewrote_most_shards(tmp_path, monkeypatch):
    """The same removal in steps of one (ids one after another, as before the steps): most
    shards are written again, which is what the steps save. (One tier: in tiers of a step of
    one, a day's bulletins would take an id a tier, and no other day's would move.)"""
    monkeypatch.setattr(docids, "MIN_STEP", 1)
    monkeypatch.setattr(docids, "HELD", 0.0)
    monkeypatch.setattr(docids, "tier_size", lambda *_: docids.ID_LIMIT)  # the second tier past the limit
    written, shards = _rebuilt(tmp_path, DOCS, _without_oldest(DOCS))
    assert written > 0.5 * shards, f"{written} of {shards} shards written"


CORE = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search-core.js"
RANGES = [
    (None, None),
    ("2021-03-01", None),
    (None, "2021-04-15"),
    ("2021-02-10", "2021-05-20"),
    ("2021-03-03", "2021-03-03"),
    ("2019-01-01", "2020-12-31"),
    ("2020-07-01", "2021-01-10"),
]
# DOCS with bulletins in 2019 and 2020 (the ids begin on 2019-01-01, long gaps between) and a
# day of 20 (over 1 % of them on a day past 16: a step of 32)
SPREAD = [
    *DOCS,
    *(
        dict(doc, url=f"https://example.org/old-{i}.html", date=date)
        for i, (doc, date) in enumerate(
            zip(DOCS, ["2019-03-05", "2019-03-05", "2019-11-30", "2020-07-01", "2020-12-31"])
        )
    ),
    *(dict(doc, url=f"https://example.org/busy-{i}.html", date="2021-02-15") for i, doc in enumerate(DOCS[5:25])),
]


def _matching(docs, query: str, start: str | None, end: str | None) -> list[dict]:
    return [
        d for d in docs if (query in d["title"] or query in d["body"]) and (start or "") <= d["date"] <= (end or "9999")
    ]


@pytest.fixture(scope="module", params=[0.99, 0.0], ids=["step-32", "tiers"])
def spread_index(tmp_path_factory, request) -> Path:
    """SPREAD's index; with ``HELD`` at 0 a step of 16, so the day of 20 takes a second tier."""
    out = tmp_path_factory.mktemp("spread") / "search"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(docids, "HELD", request.param)
        _build(SPREAD, out, None)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    step = 32 if request.param else 16
    assert (manifest["days"]["slots"], manifest["days"]["start"]) == (step, 63 * step)  # 63 days of 2019 before 03-05
    assert manifest["days"]["tier"] == 1 << (3 * 366 * step - 1).bit_length()  # 2019-2021
    return out


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_date_ranges_and_newest_first_over_slotted_ids(spread_index, start, end):
    """The engine's date filter and date order read the days' ids as the builder made them: every
    bulletin of the range found, none outside, newest day first (brute force over the texts)."""
    opts = {key: value for key, value in (("from", start), ("to", end)) if value}
    with NodeSearch(CORE, spread_index) as node:
        for query in ("青溪", "会议", "城市更新", "乡村"):
            answer = node.search(query, fresh=True, limit=0, sort="date", snippets=False, **opts)
            want = _matching(SPREAD, query, start, end)
            assert answer["total"] == len(want), (query, start, end)
            assert sorted(r["url"] for r in answer["results"]) == sorted(d["url"] for d in want)
            dates = [r["date"] for r in answer["results"]]
            assert dates == sorted(dates, reverse=True), "newest first"
            ranked = node.search(query, fresh=True, limit=0, snippets=False, **opts)
            assert sorted(r["url"] for r in ranked["results"]) == sorted(d["url"] for d in want)
