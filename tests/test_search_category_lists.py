"""The category keys' lists made in one pass: the lists ``Postings`` makes a bulletin at a time."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bulletins.search import build, runs
from bulletins.search import shards as sh


def reference(heads: build.Heads, ids, per_category: Counter) -> list:
    """The records as the index made them before: each bulletin's key added to ``Postings``."""
    numbers = {name: i for i, name in enumerate(sorted(per_category))}
    postings = sh.Postings()
    for doc_id, head in zip(ids, heads):
        if head.category:
            key = build.CATEGORY + str(numbers[head.category])
            postings.add_entries(doc_id, [(key, b"")], many=False, positional=False)
    return list(runs.sorted_records(postings))


def heads_of(rows) -> build.Heads:
    heads = build.Heads()
    for category, status in rows:
        heads.append(build.Head("2024-05-01", category, status))
    return heads


CASES = {
    "none": ([], []),
    "one bulletin": ([("通知", "")], [0]),
    "no category at all": ([("", ""), ("", "已废止")], [3, 9]),
    "a status named like a category": ([("已废止", ""), ("政策", "已废止"), ("", "已废止")], [0, 1, 2]),
    "ids past the varint table": ([("会议", ""), ("会议", ""), ("通知", "")], [5, 70_000, 2**31 + 7]),
    "eleven categories (@10 sorts before @2)": ([(f"类{i}", "") for i in range(11)] * 2, list(range(0, 44, 2))),
}


@pytest.mark.parametrize(("rows", "ids"), CASES.values(), ids=CASES.keys())
def test_the_category_lists_are_the_postings_ones(rows, ids):
    heads = heads_of(rows)
    per_category = heads.category_counts()
    assert per_category == Counter(h.category for h in heads if h.category)
    assert list(build._category_records(heads, ids, per_category)) == reference(heads, ids, per_category)


@pytest.mark.parametrize("seed", range(8))
def test_a_seeded_campaign_of_archives(seed):
    rng = random.Random(seed)
    names = ["", "通知公告", "政策文件", "人事任免", "已修改", *(f"专题{i}" for i in range(rng.randint(0, 14)))]
    count = rng.randint(0, 3000)
    rows = [(rng.choice(names), rng.choice(["", "已废止", "已修改"])) for _ in range(count)]
    ids = sorted(rng.sample(range(count * rng.choice([1, 2, 40, 5000]) + 1), count))
    heads = heads_of(rows)
    per_category = heads.category_counts()
    assert per_category == Counter(h.category for h in heads if h.category)
    assert list(build._category_records(heads, ids, per_category)) == reference(heads, ids, per_category)


@pytest.mark.parametrize(
    ("ids", "numbers"), [([], []), ([0], [0]), ([4], [8]), ([0, 1, 2], [0, 0, 0]), ([3, 10, 40_000], [6, 12, 79_978])]
)
def test_once_list_heads(ids, numbers):
    assert sh.decode(sh.once_list(ids).decode("ascii")) == numbers
