"""A rebuild takes the term shards the last build made from the same lists without making
their texts again (``shardcuts.ShardMemo``), and the index stays a cold build's, byte for byte:
over every change of ``test_search_incremental``, with the memo saved for another run, with a
memo that names wrong hashes, with a damaged one, and where a list changed inside a shard
whose first key, last key and count stay the same."""

from __future__ import annotations

import random

import pytest

from bulletins import sealed
from bulletins.search import shards as sh
from bulletins.search.build import build_index
from bulletins.search.runs import read_run, sorted_records
from bulletins.search.shardcuts import MEMO_FILE, ShardMemo
from bulletins.search.splice import Splice, spliced
from support.search_fixture import _doc
from test_search_incremental import BASE, CASES, SHARD_BYTES, tree


def _shard_names(index) -> set[str]:
    return {p.name for p in (index / "t").glob("*.js") if not p.name.startswith("dir-")}


def _built(tmp_path, final, tamper=None):
    """BASE built cold with a cache, TAMPER(cache) applied, then FINAL rebuilt: the two builds'
    stats, whether the folder is FINAL's cold build, and how many shard files kept their name
    (their bytes: a name holds the content's hash)."""
    index, cache = tmp_path / "index", tmp_path / "cache"
    first = build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    if tamper is not None:
        tamper(cache)
    before = _shard_names(index)
    stats = build_index(final, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    build_index(final, tmp_path / "cold", shard_bytes=SHARD_BYTES)
    return (first, stats), tree(index) == tree(tmp_path / "cold"), len(before & _shard_names(index))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rebuild_makes_no_text_of_a_shard_whose_lists_it_kept(tmp_path, case):
    """Added and removed bulletins leave the other lists as the run held them: every shard
    whose bytes stay is kept unmade. An edit patches its bulletin's lists, some to the same
    bytes (a count that stays), whose shards are made again to the same name."""
    (first, stats), same, unchanged = _built(tmp_path, CASES[case])
    assert same, "the rebuilt index is the cold build, file for file"
    assert first.shards_kept == 0, "a cold build has no memo"
    if case.startswith("edit"):
        assert unchanged // 2 <= stats.shards_kept <= unchanged
    else:
        assert stats.shards_kept == unchanged


def test_nothing_changed_keeps_every_shard_but_the_categories(tmp_path):
    (_, stats), same, unchanged = _built(tmp_path, BASE)
    assert same and unchanged == stats.shards
    assert stats.shards_kept == stats.shards - 1, "only the first shard, holding the category keys, is made"
    assert stats.written == 0


def _rewrite_memo(change):
    def tamper(cache):
        data = sealed.read_sealed(cache / MEMO_FILE)
        change(data)
        sealed.write_sealed(cache / MEMO_FILE, data)

    return tamper


def _wrong_hashes(data):
    rng = random.Random(7)
    for key, value in data["shards"].items():
        units = "".join(chr(0x4E00 + rng.randrange(1 << 15)) for _ in range(2))
        data["shards"][key] = units + "0123456789" if rng.random() < 0.5 else value[:2] + "deadbeef00"


TAMPERED = {
    "saved_for_another_run": _rewrite_memo(lambda data: data.update(run="search-postings-00000000.run")),
    "another_shard_size": _rewrite_memo(lambda data: data.update(target=SHARD_BYTES * 2)),
    "wrong_hashes": _rewrite_memo(_wrong_hashes),
    "entries_not_strings": _rewrite_memo(lambda data: data.update(shards=dict.fromkeys(data["shards"], 5))),
    "shards_not_a_dict": _rewrite_memo(lambda data: data.update(shards=[1, 2])),
    "garbage": lambda cache: (cache / MEMO_FILE).write_bytes(b"\0garbage"),
    "missing": lambda cache: (cache / MEMO_FILE).unlink(),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_a_memo_of_other_lists_or_damaged_changes_no_byte(tmp_path, name):
    (_, stats), same, _ = _built(tmp_path, CASES["edit_body"], TAMPERED[name])
    assert same, "the rebuilt index is the cold build, file for file"
    assert stats.shards_kept == 0, "a memo not of this run, unreadable, or naming no file as recorded, keeps none"


def test_a_list_changed_inside_a_shard_of_the_same_bounds_is_made_again(tmp_path):
    """One bulletin's text edited to a word all its neighbours' lists hold: the lists change,
    their keys do not, so shards keep their first and last keys and counts."""
    target = sorted(BASE, key=lambda d: (d["date"], d["url"]))[10]
    edited = [dict(d, body=d["body"] + "区政府区政府") if d is target else d for d in BASE]
    (_, stats), same, unchanged = _built(tmp_path, edited)
    assert same
    assert stats.shards_kept < unchanged < stats.shards


def test_a_memo_keeps_nothing_for_a_group_with_a_changed_list():
    memo = ShardMemo(None, "10", 400, None)
    memo.old = {"a\0c\x003": "\u4e00\u4e01abcdefghij"}
    group = [("a", "p", b"g", True), ("b", "p", b"g", True), ("c", "d", b"g", True)]
    assert memo.found(group) == ("\u4e00\u4e01", "abcdefghij")
    assert memo.found([*group[:2], ("c", "d", b"g", False)]) is None
    assert memo.found(group[:2]) is None, "another count"


def test_spliced_names_every_list_it_did_not_pass_on_as_kept(tmp_path):
    """A bulletin added after the last: its new key's list and the kept list it joins are
    in CHANGED; every other list passes on as the run held it, and is not."""
    index, cache = tmp_path / "index", tmp_path / "cache"
    build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    kept = list(read_run(next(cache.glob("search-postings-*.run"))))
    joined = next(r for r in kept if r[1] == "d")
    last, middle = max(r[2] for r in kept), sh.Postings()
    middle.add_entries(last + 5, [("新键", b""), (joined[0], b"")], many=False, positional=False)
    places, changed = len(BASE), set()
    at_the_end = Splice(places, places, places + 1, last + 1, last + 1, last + 1)
    out = list(spliced(iter(kept), sorted_records(middle), at_the_end, set(), None, changed))
    assert changed == {("新键", "d"), joined[:2]}
    passed = [r for r in out if r[:2] not in changed]
    assert len(passed) == len(kept) - 1 and all(r in kept for r in passed)


def test_a_day_of_many_new_bulletins_still_equals_a_cold_build(tmp_path):
    day = max(d["date"] for d in BASE)
    more = [_doc(f"zz-more-{i}", day, f"青溪区防汛会议{i}", "会议部署防汛工作。" * (i + 1)) for i in range(40)]
    (_, stats), same, unchanged = _built(tmp_path, [*BASE, *more])
    assert same
    assert stats.shards_kept == unchanged
