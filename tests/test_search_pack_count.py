"""A patch that moves every later doc id packs the shards on a packer process beside the merge:
nearly every shard changes then, and the build waits for the index with a processor idle."""

from __future__ import annotations

import pytest

from bulletins.search import workers
from bulletins.search.build import build_index
from test_search_incremental import BASE, CASES, SHARD_BYTES, tree


@pytest.mark.parametrize(
    ("requested", "work", "every_shard", "processors", "expected"),
    [
        (1, 100_000, False, 2, 1),  # beside the pages, a change of a few shards: packed here
        (1, 100_000, True, 2, 2),  # every later id moved: a packer
        (1, 100_000, True, 1, 1),  # no second processor: none
        (3, 100_000, False, 4, 3),  # asked for
        (3, 100_000, True, 4, 3),
        (None, 10, True, 2, 2),  # a small archive too
        (None, 10, False, 2, 1),
    ],
)
def test_pack_count(monkeypatch, requested, work, every_shard, processors, expected):
    monkeypatch.setattr(workers, "default_jobs", lambda: processors)
    assert workers.pack_count(requested, work, every_shard) == expected


@pytest.mark.parametrize(
    ("case", "moved"), [("add_oldest", True), ("edit_body", False), ("remove_middle", False), ("add_newest", False)]
)
def test_a_patch_that_moves_ids_asks_for_a_packer_and_gives_the_cold_build(tmp_path, monkeypatch, case, moved):
    asked = []
    count = workers.pack_count

    def recorded(requested, work, every_shard):
        asked.append(every_shard)
        return count(requested, work, every_shard)

    monkeypatch.setattr(workers, "default_jobs", lambda: 2)
    build_index(BASE, tmp_path / "index", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, pack_jobs=1)
    monkeypatch.setattr(workers, "pack_count", recorded)
    build_index(CASES[case], tmp_path / "index", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, pack_jobs=1)
    assert asked == [moved]
    build_index(CASES[case], tmp_path / "cold", shard_bytes=SHARD_BYTES)
    assert tree(tmp_path / "index") == tree(tmp_path / "cold")
