"""Posting lists spilled to disk under a memory budget give the index that holding every list
in memory gives, byte for byte: cold, on worker processes, and rebuilt from the cache after
every kind of change; and the sorted runs are merged into exactly ``Postings.merge``'s lists."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bulletins.plugins.search_index.generator import is_memory
from bulletins.search import runs, workers
from bulletins.search.build import build_index
from bulletins.search.doctokens import CACHE_FILE, doc_tokens
from bulletins.search.documents import from_dict
from bulletins.search.filerecord import RECORD_FILE
from bulletins.search.foldmap import build_fold_map
from bulletins.search.resume import STATE_FILE
from bulletins.search.shardcuts import MEMO_FILE
from bulletins.search.shards import Postings
from bulletins.search.tokens import FoldTable
from support.search_fixture import FIXTURE_DOCS, generated_docs
from test_search_incremental import BASE, CASES, SHARD_BYTES, varied_docs

ARCHIVES = {
    "varied_and_fixture": BASE,
    "generated": generated_docs(40, seed=21),
    "fixture": FIXTURE_DOCS,
    "one_bulletin": FIXTURE_DOCS[:1],
}
BUDGETS = {"every_bulletin": 1, "a_few_bulletins": 6_000, "default": runs.BUDGET}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders if folder.exists() for p in folder.iterdir() if "search-runs" in p.name]


def spilled_as_held(tmp_path: Path, docs: list[dict], **options):
    """Build DOCS held in memory and under OPTIONS (a budget, jobs) with a cache folder; assert
    the two indexes are the same files; the second build's stats."""
    build_index(docs, tmp_path / "held" / "search", shard_bytes=SHARD_BYTES)
    stats = build_index(
        docs, tmp_path / "spilled" / "search", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, **options
    )
    assert tree(tmp_path / "spilled" / "search") == tree(tmp_path / "held" / "search")
    return stats


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("name", ARCHIVES)
def test_spilled_runs_give_the_index_held_in_memory(tmp_path, name, budget):
    docs = ARCHIVES[name]
    stats = spilled_as_held(tmp_path, docs, memory=BUDGETS[budget])
    spilled = {"every_bulletin": range(len(docs), len(docs) + 1), "a_few_bulletins": range(1, len(docs) + 1)}
    assert stats.runs in spilled.get(budget, range(1)), stats.runs
    assert not leftovers(tmp_path / "cache", tmp_path), "the runs are removed after the merge"


@pytest.mark.parametrize("jobs", [1, 2])
def test_spilling_without_a_cache_folder_stays_out_of_the_output(tmp_path, jobs):
    """Without a cache folder the runs go beside the output folder (the index folder's
    grandparent), never into it, and are removed."""
    site = tmp_path / "site"
    build_index(BASE, tmp_path / "held", shard_bytes=SHARD_BYTES)
    stats = build_index(BASE, site / "output" / "search", shard_bytes=SHARD_BYTES, memory=1, jobs=jobs)
    assert stats.runs > 1
    assert tree(site / "output" / "search") == tree(tmp_path / "held")
    assert sorted(p.name for p in site.iterdir()) == ["output"]


@pytest.mark.parametrize("budget", ["every_bulletin", "a_few_bulletins"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_spilling_rebuild_equals_a_cold_build(tmp_path, case, budget):
    """Cold with spilling and a cache, then each change rebuilt with spilling (a resumed run
    from the cache followed by new runs, or all from the token cache): the folder is the cold
    build held in memory; the cache keeps one run and one token data file."""
    index, cache, memory = tmp_path / "index", tmp_path / "cache", BUDGETS[budget]
    build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES, memory=memory)
    build_index(CASES[case], index, cache_dir=cache, shard_bytes=SHARD_BYTES, memory=memory)
    build_index(CASES[case], tmp_path / "cold", shard_bytes=SHARD_BYTES)
    assert tree(index) == tree(tmp_path / "cold")
    names = sorted(p.name for p in cache.iterdir())
    assert [n for n in names if not n.startswith(("search-postings-", "search-tokens-"))] == sorted(
        [CACHE_FILE, RECORD_FILE, STATE_FILE, MEMO_FILE]
    )
    assert len([n for n in names if n.endswith(".run")]) == len([n for n in names if n.endswith(".data")]) == 1


def test_a_spilling_rebuild_on_workers_equals_a_cold_build(tmp_path):
    docs = [*varied_docs(80, seed=4), *FIXTURE_DOCS]
    edited = [dict(d, body=d["body"] + "会后实地察看防汛工作。") if i == 40 else d for i, d in enumerate(docs)]
    build_index(docs, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, memory=1, jobs=2)
    stats = build_index(
        edited, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, memory=1, jobs=2
    )
    build_index(edited, tmp_path / "cold", shard_bytes=SHARD_BYTES, jobs=1)
    assert tree(tmp_path / "out") == tree(tmp_path / "cold")
    assert stats.tokenized == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_many_runs_are_joined_on_the_way(tmp_path, monkeypatch, jobs):
    """Workers write their chunks' runs, a run per few bulletins here, and past ``MAX_RUNS``
    the runs are joined into one before the merge: the index is still the one held in memory."""
    monkeypatch.setattr(runs, "MAX_RUNS", 3)
    monkeypatch.setattr(workers, "MAX_CHUNK", 4)
    merges, merged = [], runs.merged
    monkeypatch.setattr(runs, "merged", lambda parts, *marks: merges.append(len(parts)) or merged(parts, *marks))
    docs = [*varied_docs(60, seed=5), *FIXTURE_DOCS]
    stats = spilled_as_held(tmp_path, docs, memory=1, jobs=jobs)
    assert stats.runs >= len(docs) // 4  # every bulletin (one process) or chunk (workers) made a run
    assert len(merges) > 2 and max(merges) <= 3  # joined on the way, never more than MAX_RUNS at once
    assert not leftovers(tmp_path / "cache", tmp_path), "the runs are removed after the merge"


def test_runs_written_before_a_failure_are_removed(tmp_path, monkeypatch):
    add_doc = runs.SpillingPostings.add_doc

    added = []

    def fail_at_the_fifth(self, doc, entry):
        added.append(doc)
        if len(added) == 5:
            raise RuntimeError("stopped")
        add_doc(self, doc, entry)

    monkeypatch.setattr(runs.SpillingPostings, "add_doc", fail_at_the_fifth)
    with pytest.raises(RuntimeError, match="stopped"):
        build_index(FIXTURE_DOCS, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES, memory=1)
    assert not leftovers(tmp_path / "cache", tmp_path), "the runs spilled before the failure are removed"


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("pieces", [1, 2, 7])
def test_merged_runs_are_the_lists_one_postings_holds(tmp_path, seed, pieces):
    """The bulletins cut at random places into ``pieces`` runs, each filled from empty lists
    and spilled: merged, every list is the list one ``Postings`` of them all holds."""
    docs = [from_dict(d) for d in varied_docs(50, seed=seed)]
    table = FoldTable(build_fold_map())
    entries = [doc_tokens(doc, table) for doc in docs]
    whole = Postings()
    for doc_id, entry in enumerate(entries):
        whole.add_doc(doc_id, entry)
    cuts = sorted(random.Random(seed).sample(range(1, len(docs)), pieces - 1))
    paths = []
    for n, (lo, hi) in enumerate(zip([0, *cuts], [*cuts, len(docs)])):
        part = Postings()
        for doc_id in range(lo, hi):
            part.add_doc(doc_id, entries[doc_id])
        paths.append(tmp_path / f"run-{n}")
        runs.write_run(paths[-1], part)
        assert not (part.positional or part.counts), "writing a run empties what it wrote"
    got = {(key, kind): (last, buf) for key, kind, last, buf in runs.merged([runs.read_run(p) for p in paths])}
    want = {(key, "p"): (last, bytes(buf)) for key, (last, buf) in whole.positional.items()}
    want.update({(key, "d"): (last, bytes(buf)) for key, (last, buf) in whole.counts.items()})
    assert got == want


@pytest.mark.parametrize(
    ("value", "ok"),
    [(2**20, True), (64 * 2**20, True), (2**20 - 1, False), (True, False), ("64M", False), (None, False)],
)
def test_memory_setting(value, ok):
    assert is_memory(value) is ok
