"""The bulletins' text digests held as bytes (``search.digestlist``), and the postings state's
header that saves them as bytes (``search.resume``): the index is the same, a header of the
lists earlier builds saved is still resumed and patched, a damaged one is no state."""

from __future__ import annotations

from array import array

import pytest

from bulletins import sealed
from bulletins.search import posting, resume
from bulletins.search.build import build_index
from bulletins.search.digestlist import SIZE, Digests
from bulletins.search.resume import STATE_FILE
from support.search_fixture import FIXTURE_DOCS, _doc, generated_docs

HEX = [f"{i * 0x9E3779B97F4A7C15:032x}"[-32:] for i in range(7)]


def test_digests_read_back_as_given_sixteen_bytes_each():
    held = Digests.of(HEX)
    assert len(held) == 7 and len(held.raw) == 7 * SIZE == 7 * 16
    assert list(held) == HEX and [held[i] for i in range(7)] == HEX and held[-1] == HEX[-1]
    assert held[2:5] == Digests.of(HEX[2:5]) and list(held[2:5]) == HEX[2:5]
    assert list(held[5:2]) == [] and held[:] == held and held[:0] == Digests()
    assert held != HEX and held != Digests.of(HEX[:6])  # a list is not equal, nor another digest list


@pytest.mark.parametrize(
    "bad",
    ["AB" * 16, "ab" * 15, "ab" * 17, "g" + "a" * 31, "ab " * 10 + "ab", b"ab" * 16, None, 12],
    ids=["upper case", "short", "long", "not hex", "spaces", "bytes", "none", "a number"],
)
def test_anything_but_32_lowercase_hex_digits_is_refused(bad):
    held = Digests.of(HEX[:2])
    with pytest.raises(ValueError):
        held.append(bad)
    assert list(held) == HEX[:2]


@pytest.mark.parametrize("index", [7, -8, 100])
def test_an_index_past_the_digests_is_an_index_error(index):
    with pytest.raises(IndexError):
        Digests.of(HEX)[index]


def test_raw_bytes_not_of_whole_digests_are_refused():
    with pytest.raises(ValueError):
        Digests(b"\0" * 17)
    with pytest.raises(ValueError):
        Digests.of(HEX)[::2]


BASE = [*generated_docs(30, seed=7), *FIXTURE_DOCS]
NEWEST = _doc("digest-newest", "2030-01-02", "青溪区最新公告", "部署防汛工作。")


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def as_lists(cache):
    """The state's header rewritten as builds before ``digestlist`` saved it: lists."""
    state = sealed.read_sealed(cache / STATE_FILE)
    ids = array("q")
    ids.frombytes(state["ids"])
    state.update(digests=list(Digests(state["digests"])), ids=list(ids))
    sealed.write_sealed(cache / STATE_FILE, state)


def test_the_header_saves_digests_and_ids_as_bytes(tmp_path):
    build_index(BASE, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=1)
    state = sealed.read_sealed(tmp_path / "cache" / STATE_FILE)
    assert type(state["digests"]) is bytes and len(state["digests"]) == SIZE * len(BASE)
    assert type(state["ids"]) is bytes and len(state["ids"]) == 8 * len(BASE)


@pytest.mark.parametrize("lists", [False, True], ids=["bytes", "lists of an earlier build"])
@pytest.mark.parametrize("change", ["newest", "edit"])
def test_a_header_of_either_form_is_resumed_or_patched(tmp_path, monkeypatch, lists, change):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_index(BASE, out, cache_dir=cache, shard_bytes=400, jobs=1)
    if lists:
        as_lists(cache)
    final = [*BASE, NEWEST] if change == "newest" else [dict(BASE[3], body=BASE[3]["body"] + "另行通知。"), *BASE[4:]]
    seen = {}
    resumed, spliced = resume.PostingsState.resume, posting._spliced
    monkeypatch.setattr(resume.PostingsState, "resume", lambda *a: seen.setdefault("resumed", resumed(*a)))
    monkeypatch.setattr(posting, "_spliced", lambda *a: seen.setdefault("spliced", spliced(*a)))
    stats = build_index(final, out, cache_dir=cache, shard_bytes=400, jobs=1)
    if change == "newest":  # the last build's lists continued from its last bulletin on
        assert seen["resumed"][1] == len(BASE) and "spliced" not in seen
    else:  # patched
        assert seen["resumed"][1] == 0 and seen["spliced"] is not None
    assert stats.tokenized == 1
    cold = tmp_path / "cold"
    build_index(final, cold, shard_bytes=400, jobs=1)
    assert tree(out) == tree(cold)


@pytest.mark.parametrize(
    "damage",
    [
        {"digests": b"\0" * 17},
        {"ids": b"\0" * 7},
        {"ids": array("q", [0, 5, 5]).tobytes(), "digests": b"\0" * 48},
        {"ids": array("q", [-1, 5]).tobytes(), "digests": b"\0" * 32},
        {"digests": b"\0" * 16},
        {"digests": ["AB" * 16]},
        {"ids": [1.5]},
        {"ids": "0 1 2"},
    ],
    ids=["digest cut", "id cut", "ids not ascending", "a negative id", "counts differ", "upper case", "floats", "text"],
)
def test_a_damaged_header_is_no_state(damage):
    header = {"format": resume.FORMAT, "digests": b"\1" * 32, "ids": array("q", [3, 9]).tobytes()}
    header["run"] = "search-postings-0123abcd.run"
    assert resume._well_formed(dict(header))
    assert not resume._well_formed(header | damage)


def test_comparable_digests_are_equal_where_the_digests_are():
    from bulletins.search.digestlist import comparable

    one, other = Digests.of(HEX), Digests.of([*HEX[:3], HEX[0], *HEX[4:]])
    a, b = comparable(one), comparable(other)
    assert len(a) == len(one) and [x == y for x, y in zip(a, b)] == [h == g for h, g in zip(one, other)]
    assert comparable(HEX) is HEX
