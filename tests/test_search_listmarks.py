"""Marks in long posting lists (``search.listmarks``): a patch's walk may begin at one, finds
what a walk from the list's beginning finds, and the index stays a cold build's."""

from __future__ import annotations

import random

import pytest

from bulletins import sealed
from bulletins.search import listmarks, runs, splice
from bulletins.search.build import build_index
from bulletins.search.listmarks import MARKS_FILE, Marks
from bulletins.search.resume import STATE_FILE
from bulletins.search.runs import read_run
from test_search_splice import BASE, CASES, _added, _encoded, _random_entries, _tree


def _long_entries(rng: random.Random, positional: bool) -> list[tuple[int, list[int]]]:
    entries = [e for _ in range(8) for e in _random_entries(rng)]
    entries = sorted(dict(entries).items())
    if not positional:  # a count list: one value, the count, above 1 when "many"
        entries = [(doc, [values[0] + 2 if len(values) > 1 else 1]) for doc, values in entries]
    return entries


@pytest.mark.parametrize("positional", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_a_walk_begun_at_a_mark_finds_what_a_walk_from_the_start_finds(monkeypatch, positional, seed):
    monkeypatch.setattr(splice, "MARK_NUMBERS", 3)
    rng = random.Random(seed)
    entries = _long_entries(rng, positional)
    buf = _encoded(entries, positional)
    top = (entries[-1][0] if entries else 0) + 3
    _, marks = splice.walk(buf, positional, top, top)
    assert len(marks) >= len(entries) // 4  # a mark every few numbers
    for offset, before in marks:  # each mark: an entry's offset, the id of the entry before it
        assert splice.split(buf, positional, before + 1, before + 1)[:2] == (offset, before)
    for _ in range(30):
        start = rng.randint(0, top)
        end = rng.choice((start, start + 1, rng.randint(start, top)))
        expected = splice.split(buf, positional, start, end)
        for mark in [m for m in marks if m[1] < start][-3:]:
            found, passed = splice.walk(buf, positional, start, end, entries[-1][0], mark)
            assert found == expected, (start, end, mark)
            assert all(m in marks for m in passed)  # the same marks, wherever the walk began


def test_marks_hold_while_the_bytes_before_them_do(tmp_path):
    buf = b"ghij" * 50
    marks = Marks(tmp_path)
    marks.keep("区", "p", buf, [(8, 3), (40, 19)])
    marks.save()
    again = Marks(tmp_path)
    assert again.find("区", "p", buf) == [(8, 3), (40, 19)]
    assert again.find("区", "p", buf[:40] + b"zzzz" * 60) == [(8, 3), (40, 19)]  # changed after the last mark
    assert again.find("县", "p", buf) == []
    assert again.find("区", "d", buf) == []
    assert again.find("区", "p", buf[:30]) == []  # shorter than its marks: dropped
    assert again.find("区", "p", buf) == []
    again.keep("区", "p", buf, [(8, 3)])
    assert again.find("区", "p", b"zz" + buf[2:]) == []  # changed before a mark: dropped


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x00garbage", sealed.seal([1, 2]), sealed.seal({"format": 99, "lists": {}}), None],
    ids=["empty", "garbage", "a list", "another format", "entry of another shape"],
)
def test_a_damaged_marks_file_is_no_marks(tmp_path, damage):
    path = tmp_path / MARKS_FILE
    if damage is None:
        path.write_bytes(sealed.seal({"format": 1, "lists": {("区", "p"): ("x", 1)}}))
    else:
        path.write_bytes(damage)
    assert Marks(tmp_path).find("区", "p", b"ghij" * 10) == []


def test_patched_rebuilds_begin_at_marks_and_stay_cold_builds(tmp_path, monkeypatch):
    monkeypatch.setattr(splice, "MARK_NUMBERS", 4)
    begun = []
    real = splice.walk
    monkeypatch.setattr(splice, "walk", lambda *a: begun.append(a[5] if len(a) > 5 else (0, -1)) or real(*a))
    cache, checked = tmp_path / "cache", 0
    build_index(BASE, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=1)
    names = ("edit_newest", "remove_middle", "add_middle", "edit_middle", "remove_oldest", "add_oldest")
    steps = [step for name in names for step in ((name, CASES[name][0]), ("back", BASE))]  # one change each
    for step, (name, docs) in enumerate(steps):
        build_index(docs, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=1)
        cold = tmp_path / f"cold-{step}"
        build_index(docs, cold, shard_bytes=400, jobs=1)
        assert _tree(tmp_path / "out") == _tree(cold), name
        checked += _marks_hold(cache)
    assert checked > 100  # marks kept below and moved above patches, each one true of its list
    assert any(begin != (0, -1) for begin in begun)  # some walk began at a mark a last build left


def _marks_hold(cache) -> int:
    """Every mark the marks file holds for a list of the kept run is an entry's offset and the
    id before it; how many were checked."""
    marks, checked = Marks(cache), 0
    state = sealed.unseal((cache / STATE_FILE).read_bytes())
    for key, kind, _, buf in read_run(cache / state["run"]):
        for offset, before in marks.find(key, kind, buf):
            assert splice.split(buf, kind == "p", before + 1, before + 1)[:2] == (offset, before), key
            checked += 1
    return checked


@pytest.mark.parametrize("max_runs", [128, 3], ids=["one_merge", "runs_joined_on_the_way"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cold_build_marks_where_its_runs_join_and_the_next_walks_begin_there(tmp_path, monkeypatch, jobs, max_runs):
    """A cold build that spills notes where each run's piece of a list begins (runs joined on
    the way keep theirs); every such mark is an entry's offset and the id before it, the first
    patches after it begin at them, and each patched index is a cold build's."""
    monkeypatch.setattr(runs, "PIECE_BYTES", 16)
    monkeypatch.setattr(runs, "MAX_RUNS", max_runs)
    begun = []
    real = splice.walk
    monkeypatch.setattr(splice, "walk", lambda *a: begun.append(a[5] if len(a) > 5 else (0, -1)) or real(*a))
    cache = tmp_path / "cache"
    stats = build_index(BASE, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=jobs, memory=6000)
    assert stats.runs > 3
    assert _marks_hold(cache) > 50  # no walk yet: these are the runs' joins
    for name in ("remove_middle", "edit_middle", "add_oldest"):
        docs = CASES[name][0]
        build_index(docs, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=jobs, memory=6000)
        build_index(docs, tmp_path / f"cold-{name}", shard_bytes=400, jobs=1)
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"cold-{name}"), name
        assert _marks_hold(cache) > 50, name
        build_index(BASE, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=jobs, memory=6000)
    assert sum(begin != (0, -1) for begin in begun) > 20


@pytest.mark.parametrize("max_runs", [128, 3], ids=["one_merge", "runs_joined_on_the_way"])
def test_a_continued_build_keeps_its_marks_and_adds_the_join(tmp_path, monkeypatch, max_runs):
    """Bulletins added after the last one continue the lists: every list's marks stay (the new
    runs joined on the way or not), and the join of the old list and the new pieces is one more."""
    monkeypatch.setattr(runs, "PIECE_BYTES", 16)
    monkeypatch.setattr(runs, "MAX_RUNS", max_runs)
    cache = tmp_path / "cache"
    newest = [*BASE, *(_added(f"2031-06-{day:02d}", f"added-{day}")[-1] for day in range(1, 6))]
    build_index(BASE, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=1, memory=6000)
    before = dict(Marks(cache).lists)
    build_index(newest, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=1, memory=1)
    build_index(newest, tmp_path / "cold", shard_bytes=400, jobs=1)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")
    after = Marks(cache).lists
    assert before and all(after[k][2][: len(before[k][2])] == before[k][2] for k in before)
    assert any(len(after[k][2]) > len(before[k][2]) for k in before)
    assert _marks_hold(cache) > 50


def test_a_cold_build_without_joins_leaves_no_marks_file(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / MARKS_FILE).write_bytes(sealed.seal({"format": 1, "lists": {("区", "p"): (4, b"x" * 8, (2,), (1,))}}))
    build_index(BASE, tmp_path / "out", cache_dir=cache, shard_bytes=400, jobs=1)  # one run, no join
    assert not (cache / MARKS_FILE).exists()


def test_marks_are_held_packed_and_read_back(tmp_path):
    """A list's offsets and ids are held and saved as 4 bytes a number, little-endian whatever
    the machine, and read back as the marks kept; bytes of no whole number are no marks."""
    buf = bytes(range(256)) * 8
    kept = [(16, -1), (1024, 99), (2000, 2**31 - 2)]
    marks = Marks(tmp_path, fresh=True)
    marks.keep("区", "p", buf, kept)
    length, digest, offsets, ids = marks.lists[("区", "p")]
    assert (type(offsets), len(offsets), len(ids)) == (bytes, 12, 12)
    assert listmarks.packed([1, -1]) == b"\x01" + bytes(3) + b"\xff" * 4
    marks.save()
    assert Marks(tmp_path).find("区", "p", buf) == kept
    broken = Marks(tmp_path)
    broken.lists[("区", "p")] = (length, digest, offsets[:-1], ids)
    assert broken.find("区", "p", buf) == [] and ("区", "p") not in broken.lists


def test_a_list_of_marks_past_4_bytes_keeps_none(tmp_path):
    """An offset or id past a 4-byte number (a list of 2 GiB) keeps no marks for its list, and
    drops the ones it had: its walk starts at its beginning."""
    buf = bytes(64)
    marks = Marks(tmp_path, fresh=True)
    marks.keep("区", "p", buf, [(16, 3)])
    marks.keep("江", "p", buf, [(16, 3)])
    marks.keep("区", "p", buf, [(16, 3), (2**31, 9)])
    marks.keep("江", "d", buf, [(16, 2**31)])
    assert list(marks.lists) == [("江", "p")]
    marks.save()
    assert Marks(tmp_path).find("区", "p", buf) == [] and Marks(tmp_path).find("江", "p", buf) == [(16, 3)]


def test_a_marks_file_of_format_2_is_no_marks(tmp_path):
    """Format 2 held 8-byte numbers: read as 4-byte ones they would be other marks."""
    packed8 = (1).to_bytes(8, "little")
    (tmp_path / MARKS_FILE).write_bytes(
        sealed.seal({"format": 2, "lists": {("区", "p"): (4, b"x" * 8, packed8, packed8)}})
    )
    assert Marks(tmp_path).lists == {}


def test_a_marks_file_of_format_1_is_no_marks(tmp_path):
    (tmp_path / MARKS_FILE).write_bytes(sealed.seal({"format": 1, "lists": {("区", "p"): (4, b"x" * 8, (2,), (1,))}}))
    assert Marks(tmp_path).lists == {}


def test_marks_are_saved_in_pieces_and_read_back_whole(tmp_path, monkeypatch):
    """The marks file holds its lists a few at a time (format 4), so saving holds one piece's
    bytes at a time; read back, every list's marks are the ones kept."""
    monkeypatch.setattr(listmarks, "PIECE_LISTS", 3)
    buf = bytes(range(256)) * 8
    marks = Marks(tmp_path, fresh=True)
    for i in range(10):
        marks.keep(f"键{i}", "p", buf, [(16 + i, i - 1), (1024, 99 + i)])
    marks.save()
    pieces = sealed.read_pieces(tmp_path / MARKS_FILE)
    assert pieces[0] == {"format": listmarks.FORMAT} and [len(p) for p in pieces[1:]] == [3, 3, 3, 1]
    again = Marks(tmp_path)
    assert again.lists == marks.lists
    assert again.find("键7", "p", buf) == [(23, 6), (1024, 106)]


def test_a_marks_file_of_format_3_in_one_piece_is_read(tmp_path):
    buf = bytes(range(256)) * 8
    one = (1024, listmarks.prefix_digest(buf, 1024), listmarks.packed([16, 1024]), listmarks.packed([-1, 99]))
    (tmp_path / MARKS_FILE).write_bytes(sealed.seal({"format": 3, "lists": {("区", "p"): one}}))
    assert Marks(tmp_path).find("区", "p", buf) == [(16, -1), (1024, 99)]


@pytest.mark.parametrize(
    "pieces",
    [[{"format": 4}, {("区", "p"): 1}, ["not a dict"]], [{"format": 5}, {}], [["format", 4]], []],
    ids=["a piece not a dict", "another format", "no head", "empty"],
)
def test_a_marks_file_of_another_shape_is_no_marks(tmp_path, pieces):
    sealed.write_pieces(tmp_path / MARKS_FILE, pieces)
    assert Marks(tmp_path).lists == {}
