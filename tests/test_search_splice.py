"""Patching the kept posting lists (``search.splice``) after a small change.

A rebuild after an edit, a removal or an older bulletin added takes the last build's lists and
patches the keys the changed bulletins hold, instead of posting every bulletin again: the index
must be byte for byte a cold build's, and only the changed bulletins may be posted.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from pathlib import Path

import pytest

from bulletins.search import docids, splice
from bulletins.search import shards as sh
from bulletins.search.build import build_index, order
from bulletins.search.posting import SPLICE_MIN, SPLICE_SHARE
from bulletins.search.runs import merge_few, record_order
from support.search_fixture import FIXTURE_DOCS, _doc, generated_docs

CHARS = "区政府召开常务会议研究部署城市更新工作听取营商环境情况汇报审议通过实施方案推进乡村振兴加强安全生产青溪县镇"


def varied_docs(count: int, seed: int) -> list[dict]:
    """``count`` bulletins of random text on 30 days (fixed seed), a few keys each their own."""
    rng = random.Random(seed)
    days = sorted({f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(30)})
    docs = []
    for i in range(count):
        body = "。".join("".join(rng.choice(CHARS) for _ in range(rng.randint(6, 14))) for _ in range(3)) + "。"
        docs.append(_doc(f"splice-{i:03d}", rng.choice(days), "青溪区" + body[:6], body, category="通知公告"))
    return docs


BASE = [*varied_docs(120, seed=7), *generated_docs(3, seed=2), *FIXTURE_DOCS]
BY_DATE = order(BASE)


def _nth(n: int):
    url = BY_DATE[n].url
    return next(d for d in BASE if d["url"] == url)


def _edited(n: int, extra: str) -> list[dict]:
    target = _nth(n)
    return [dict(d, body=d["body"] + extra) if d is target else d for d in BASE]


def _without(*ns: int) -> list[dict]:
    gone = {id(_nth(n)) for n in ns}
    return [d for d in BASE if id(d) not in gone]


def _added(date: str, slug: str) -> list[dict]:
    return [*BASE, _doc(slug, date, "青溪区召开防汛工作会议", "会议部署防汛抗旱工作。独有词语翠微湖畔。")]


MIDDLE, THIRD = len(BASE) // 2, len(BASE) // 3
# (the bulletins after the change, the most a patch may post: the changed ones, and one more
# for an addition or removal, whose slot another bulletin of its day may take or give up: ``docids``)
CASES = {
    "edit_oldest": (_edited(0, "会后实地察看了翠微湖畔。"), 1),
    "edit_middle": (_edited(MIDDLE, "编辑补充：本条信息已于次日更正。"), 1),
    "edit_newest": (_edited(len(BASE) - 1, "编辑补充。"), 1),
    "edit_removes_words": ([dict(d, body="会议。") if d is _nth(7) else d for d in BASE], 1),
    "remove_oldest": (_without(0), 1),
    "remove_middle": (_without(MIDDLE), 1),
    "remove_two_neighbours": (_without(40, 41), 2),
    "add_oldest": (_added("2001-05-06", "added-oldest"), 1),
    "add_middle": (_added(BY_DATE[THIRD].date, "added-middle"), 2),
    # three stretches at once: each patched in its own pass, the bulletins between not posted
    "edit_three_apart": (
        [dict(d, body=d["body"] + "更正。") if d in [_nth(3), _nth(MIDDLE), _nth(-3)] else d for d in BASE],
        3,
    ),
    "remove_one_add_one_apart": (
        [*_without(5), _doc("added-far", BY_DATE[-4].date, "青溪区召开会议", "会议。翠微湖畔。")],
        4,
    ),
}


def _tree(root: Path) -> dict[str, str]:
    files = (p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.parametrize("name", list(CASES))
def test_patched_rebuild_is_the_cold_build(tmp_path, monkeypatch, name):
    docs, posted_at_most = CASES[name]
    build_index(BASE, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)
    posted = _rebuilt_as_cold(docs, tmp_path, monkeypatch)
    assert len(posted) <= posted_at_most  # the changed bulletins only, not the archive


def _rebuilt_as_cold(docs: list[dict], tmp_path: Path, monkeypatch) -> list:
    """DOCS built over the last build in TMP_PATH (its ``out`` and ``cache``), then cold: the two
    indexes are the same files; the doc ids the rebuild posted."""
    posted = []
    real = sh.Postings.add_doc
    with monkeypatch.context() as patch:
        patch.setattr(sh.Postings, "add_doc", lambda self, doc, entry: posted.append(doc) or real(self, doc, entry))
        build_index(docs, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)
    build_index(docs, tmp_path / "cold", shard_bytes=400, jobs=1)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")
    return posted


def _dense(digests: str) -> tuple[list[str], list[int]]:
    return list(digests), list(range(len(digests)))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # ids one after another: the places are the ids
        (_dense("abcde"), _dense("abXde"), splice.Splice(2, 3, 3, 2, 3, 3)),
        (_dense("abcde"), _dense("bcde"), splice.Splice(0, 1, 0, 0, 1, 0)),
        (_dense("abcde"), _dense("abcXde"), splice.Splice(3, 3, 4, 3, 3, 4)),
        (_dense("abcde"), _dense("abcde"), splice.Splice(5, 5, 5, 5, 5, 5)),
        (_dense("aaaa"), _dense("aaa"), splice.Splice(3, 4, 3, 3, 4, 3)),
        (_dense("abc"), _dense("xyz"), splice.Splice(0, 3, 3, 0, 3, 3)),
        (_dense(""), _dense("ab"), splice.Splice(0, 0, 2, 0, 0, 2)),
        # days in steps of 16: b (day 1) removed, c renumbered, day 2 (d, e) unmoved
        ((list("abcde"), [0, 1, 2, 16, 17]), (list("acde"), [0, 1, 16, 17]), splice.Splice(1, 3, 2, 1, 16, 16)),
        # X added to day 1: c renumbered; the first id of the middle is b's next
        ((list("abcde"), [0, 1, 2, 16, 17]), (list("abXcde"), [0, 1, 2, 3, 16, 17]), splice.Splice(2, 3, 4, 2, 16, 16)),
        # day 1 grown past 16 bulletins: every later id moves by 16
        ((list("abd"), [0, 1, 16]), (list("abcd"), [0, 1, 2, 32]), splice.Splice(2, 2, 3, 2, 16, 32)),
        # the same digests at other ids: not the same bulletins' entries
        ((list("ab"), [0, 1]), (list("ab"), [0, 16]), splice.Splice(1, 1, 1, 1, 1, 16)),
        # the last bulletin removed from the newest day
        ((list("abc"), [0, 16, 17]), (list("ab"), [0, 16]), splice.Splice(2, 3, 2, 17, 18, 17)),
    ],
)
def test_plan(old, new, expected):
    assert splice.plan(old, new) == expected


def _patch(first: int, end: int, old: tuple[int, int], new: tuple[int, int]) -> splice.Patch:
    n0 = new[0]
    return splice.Patch(splice.Splice(n0, n0 + old[1] - old[0], new[1], first, end, end), old, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # two days of 16 apart edited: two patches, the day between untouched
        (
            (list("abcdef"), [0, 1, 16, 17, 32, 33]),
            (list("aXcdeY"), [0, 1, 16, 17, 32, 33]),
            [_patch(1, 16, (1, 2), (1, 2)), _patch(33, 34, (5, 6), (5, 6))],
        ),
        # a day (ids 16-31) grown past its step into the second tier (ids 1,040-1,055): its two
        # blocks patched, the days between them (ids 32-1,039) kept, no id moved
        (
            (list("abcd"), [0, 16, 17, 32]),
            (list("abXcdZ"), [0, 16, 18, 20, 32, 1040]),
            [_patch(17, 32, (2, 3), (2, 4)), _patch(33, 1041, (4, 4), (5, 6))],
        ),
        # every id moved alike (a bulletin of an older year): plan's one patch
        ((list("abc"), [0, 1, 2]), (list("Xabc"), [0, 16, 17, 18]), [_patch(0, 0, (0, 0), (0, 1))]),
    ],
)
def test_patches(old, new, expected):
    found = splice.patches(old, new, near=1)
    if len(expected) == 1 and expected[0].new == (0, 1):
        assert [(p.old, p.new, p.splice.shift) for p in found] == [((0, 0), (0, 1), 16)]
    else:
        assert found == expected


def test_runs_close_together_are_one_patch():
    """Edits a few bulletins apart (a day's block) are one patch; 40 apart, two."""
    ids = list(range(100))
    old = [f"d{i}" for i in ids]
    new = [f"e{i}" if i in (10, 14, 20, 60) else f"d{i}" for i in ids]
    found = splice.patches((old, ids), (new, ids))
    assert [(p.new, p.splice.first_id, p.splice.old_end_id) for p in found] == [((10, 21), 10, 21), ((60, 61), 60, 61)]


def test_patches_past_the_most_join_the_nearest():
    """Twelve edits, one every 16 bulletins but for two pairs close together: joined into
    ``MAX_PATCHES`` patches, the closest first, covering every edit."""
    ids = list(range(0, 200))
    old = [f"d{i}" for i in ids]
    edited = [*range(0, 200, 20), 21, 42]
    new = [f"e{i}" if i in edited else f"d{i}" for i in ids]
    found = splice.patches((old, ids), (new, ids), near=1)
    assert len(found) == splice.MAX_PATCHES
    covered = {i for p in found for i in range(*p.new)}
    assert set(edited) <= covered and all(p.old == p.new and p.splice.shift == 0 for p in found)
    assert sum(p.changed for p in found) < 2 * 200 // 4


def _encoded(entries: list[tuple[int, list[int]]], positional: bool) -> bytes:
    """A list of ``(doc id, positions or [count])`` entries, as ``shards.Postings`` writes it."""
    postings = sh.Postings()
    for doc, values in entries:
        many = len(values) > 1 if positional else values[0] > 1
        if positional:
            tail = "".join(sh.encode(v) for v in ([len(values), *values] if many else values))
        else:
            tail = sh.encode(values[0]) if many else ""
        postings.add_entries(doc, [("k", tail.encode("ascii"))], many=many, positional=positional)
    return bytes((postings.positional if positional else postings.counts)["k"][1])


ENTRIES = [(0, [3]), (4, [1, 2, 40]), (5, [7]), (9, [2, 5]), (40, [1]), (1200, [9, 1, 1])]


@pytest.mark.parametrize("positional", [True, False])
@pytest.mark.parametrize(("start", "end"), [(0, 0), (0, 1), (4, 5), (5, 9), (6, 40), (41, 1200), (1201, 1300)])
def test_split_finds_entry_offsets(positional, start, end):
    buf = _encoded(ENTRIES, positional)
    cut, before, rest, first_after = splice.split(buf, positional, start, end)
    ids = [doc for doc, _ in ENTRIES]
    below = [doc for doc in ids if doc < start]
    assert before == (below[-1] if below else -1)
    assert cut == (len(_encoded(ENTRIES[: len(below)], positional)) if below else 0)
    after = [doc for doc in ids if doc >= end]
    assert first_after == (after[0] if after else None)
    assert rest == (len(_encoded(ENTRIES[: len(ids) - len(after)], positional)) if len(after) < len(ids) else 0)


def _random_entries(rng: random.Random) -> list[tuple[int, list[int]]]:
    """Entries of random ids (gaps up to 40,000: numbers of one to four characters) and random
    positions or counts (up to 70,000)."""
    entries, doc = [], -1
    for _ in range(rng.randint(0, 40)):
        doc += 1 + rng.choice((0, 0, 1, rng.randint(0, 600), rng.randint(0, 40_000)))
        many = rng.random() < 0.4
        size = rng.randint(2, 6) if many else 1
        entries.append((doc, [rng.choice((rng.randint(0, 30), rng.randint(0, 70_000))) for _ in range(size)]))
    return entries


@pytest.mark.parametrize("positional", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_split_finds_entry_offsets_in_random_lists(positional, seed):
    rng = random.Random(seed)
    entries = _random_entries(rng)
    if not positional:  # a count list: one value, the count, above 1 when "many"
        entries = [(doc, [values[0] + 2 if len(values) > 1 else 1]) for doc, values in entries]
    buf = _encoded(entries, positional)
    ids = [doc for doc, _ in entries]
    top = (ids[-1] if ids else 0) + 3
    for _ in range(25):
        start = rng.randint(0, top)
        end = rng.choice((start, start + 1, rng.randint(start, top)))
        below = sum(doc < start for doc in ids)
        kept = sum(doc < end for doc in ids)
        expected = (
            len(_encoded(entries[:below], positional)),
            ids[below - 1] if below else -1,
            len(_encoded(entries[:kept], positional)),
            ids[kept] if kept < len(ids) else None,
        )
        assert splice.split(buf, positional, start, end) == expected, (start, end)
        if ids:  # the first window sized from the list's last id: the same answer
            assert splice.split(buf, positional, start, end, ids[-1]) == expected, (start, end)


def _records(keys: str) -> list[tuple[str, str, int, bytes]]:
    return sorted(((key, kind, 0, b"g") for key, kind in zip(keys[::2], keys[1::2])), key=record_order)


@pytest.mark.parametrize(
    ("stream", "few"),
    [
        ("1d2p区p县d", "@d"),
        ("1d2p区p县d", ""),
        ("", "@d"),
        ("区p县d", "@d0d"),
        ("@d区p", "@dzd"),
        ("0p1p", "@d"),
    ],
)
def test_merge_few_is_heapq_merge(stream, few):
    a, b = _records(stream), _records(few)
    assert list(merge_few(a, b)) == list(heapq.merge(a, b, key=record_order))


@pytest.mark.parametrize("name", ["edit_middle", "remove_middle", "remove_two_neighbours"])
def test_a_patch_stopped_before_its_lists_are_saved_is_patched_again(tmp_path, monkeypatch, name):
    """A rebuild stopped after the token cache was saved but before the new lists were (Ctrl-C,
    a kill): the next build patches the last saved lists again, which needs the tokens of the
    bulletins they still hold and the stopped build had let go of. Before, it found them gone and
    posted every bulletin again (at 100,000 bulletins the next build's index took 79.7 s, against
    some 15 s for a removal)."""
    from bulletins.search.resume import PostingsState

    docs, posted_at_most = CASES[name]
    build_index(BASE, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as mp:
        mp.setattr(PostingsState, "saving", stopped)
        with pytest.raises(KeyboardInterrupt):
            build_index(docs, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)
    assert len(_rebuilt_as_cold(docs, tmp_path, monkeypatch)) <= posted_at_most


def _crowded(seed: int) -> list[dict]:
    """``varied_docs`` on five days of 15-17 or 31-33 bulletins: at a step of 16, one change
    from a day's next block or its last (fixed seed)."""
    rng = random.Random(seed)
    days = [f"2023-0{m}-1{rng.randint(0, 9)}" for m in range(3, 8)]
    counts = [rng.choice([15, 16, 16, 17, 32, 33]) for _ in days]
    docs = varied_docs(sum(counts), seed=seed)
    dates = [day for day, count in zip(days, counts) for _ in range(count)]
    return [dict(d, date=date) for d, date in zip(docs, dates)]


def _batch(docs: list[dict], rng: random.Random) -> list[dict]:
    """One to four changes at once: bulletins added to a day, removed, or edited."""
    docs = list(docs)
    for n in range(rng.randint(1, 4)):
        kind, target = rng.choice(["add", "add", "remove", "edit"]), rng.randrange(len(docs))
        if kind == "add":
            docs.append(dict(docs[target], url=f"https://example.org/batch-{n}.html", body=f"补充{n}。翠微湖畔。"))
        elif kind == "remove":
            docs.pop(target)
        else:
            docs[target] = dict(docs[target], body=docs[target]["body"] + "更正。")
    return docs


@pytest.mark.parametrize("seed", range(16))
def test_batches_of_changes_on_crowded_days_patch_to_the_cold_build(tmp_path, monkeypatch, seed):
    """A step of 16 (``HELD`` at 0) and days around a multiple of it, so changes grow days past it
    (a block in the next tier) and shrink them back: the patched rebuild is the cold build, file
    for file, and posts the bulletins of the changed days at most; it makes the lists again only
    when those days hold too many bulletins for a patch."""
    monkeypatch.setattr(docids, "HELD", 0.0)
    docs = _crowded(seed)
    changed = _batch(docs, random.Random(seed))
    build_index(docs, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)
    patched, real = [], splice.spliced
    monkeypatch.setattr(splice, "spliced", lambda *args: patched.append(args[2]) or real(*args))
    posted = _rebuilt_as_cold(changed, tmp_path, monkeypatch)
    before = {(d["url"], d["date"], d["body"]) for d in docs}
    days = {d["date"] for d in changed if (d["url"], d["date"], d["body"]) not in before}
    days |= {d["date"] for d in docs if d["url"] not in {c["url"] for c in changed}}
    new, old = (sum(1 for d in found if d["date"] in days) for found in (changed, docs))
    if patched:
        assert len(posted) <= new, (seed, len(posted))
    else:
        assert new + old > max(SPLICE_MIN, len(changed) // SPLICE_SHARE), (seed, new, old)
