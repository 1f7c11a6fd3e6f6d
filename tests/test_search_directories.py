"""A manifest that names directories of term shards (format 5), past ``direct_shards`` shards.

The same content is built with the manifest naming its shards (format 4) and naming their
directories; the shards are the same files, every answer the same (the Node runner over both,
on a fresh engine per query), and a rebuild after a change equals a cold build, byte for byte.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bulletins.search.build import FORMAT, FORMAT_DIRECTORIES, build_index
from bulletins.search.cli import NodeSearch
from bulletins.search.packer import DIRECTORY_SHARDS
from bulletins.search.write import directory_name, read_script, shard_name
from test_search_incremental import BASE, CASES

SHARD_BYTES = 150  # small shards: BASE makes a few hundred of them
CORE = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search-core.js"
SEED = 20261203


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def entries(text: str) -> list[str]:
    return text.split(" ") if text else []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """BASE built twice: the manifest naming its shards, and naming their directories."""
    root = tmp_path_factory.mktemp("directories")
    flat = build_index(BASE, root / "flat", shard_bytes=SHARD_BYTES)
    listed = build_index(BASE, root / "listed", shard_bytes=SHARD_BYTES, direct_shards=2)
    return root, flat, listed


def test_the_base_has_more_shards_than_a_directory_holds(built):
    _, flat, listed = built
    assert flat.shards == listed.shards > DIRECTORY_SHARDS, "at least two directories, one of them full"


@pytest.mark.parametrize(("offset", "expected"), [(-1, FORMAT_DIRECTORIES), (0, FORMAT), (1, FORMAT)])
def test_directories_only_past_direct_shards(built, tmp_path, offset, expected):
    _, flat, _ = built
    build_index(BASE, tmp_path, shard_bytes=SHARD_BYTES, direct_shards=flat.shards + offset)
    assert manifest(tmp_path)["format"] == expected


def test_directories_list_the_same_shards(built):
    root, _, _ = built
    a, b = tree(root / "flat"), tree(root / "listed")
    shards = entries(manifest(root / "flat")["shards"])
    top = entries(manifest(root / "listed")["shards"])
    assert len(top) == -(-len(shards) // DIRECTORY_SHARDS)
    listed = []
    for entry in top:
        name = directory_name(entry[2:], entry[:2])
        assert read_script(b[name + ".js"])[0] == name
        data = read_script(b[name + ".js"])[1]
        group = entries(data["s"])
        assert group and group[0][2:] == entry[2:], "a directory is entered by its first shard's bound"
        listed += group
    assert listed == shards
    shard_files = {shard_name(e[2:], e[:2]) + ".js" for e in shards}
    assert {n for n in b if n.startswith("t/") and not n.startswith("t/dir-")} == shard_files
    assert all(a[n] == b[n] for n in shard_files), "the shards are the same files"
    assert {n for n in a if a[n] != b.get(n)} == {"manifest.js", "manifest.json"}
    assert len(b) == len(a) + len(top)


def queries(seed: int) -> list[str]:
    """Substrings of the bulletins (one to six characters, Traditional forms among them), a
    category filter, an absent string and a key before every shard's bound."""
    rng = random.Random(seed)
    texts = [d["title"] + d["body"] for d in BASE]
    found = []
    for _ in range(60):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        found.append(text[start : start + rng.randint(1, 6)])
    return [*found, "會議", "區政府", "防汛 工作", "不存在的词语", "\u3000", "0", "~~"]


def test_every_answer_is_the_same(built):
    root, _, _ = built
    with NodeSearch(CORE, root / "flat") as flat, NodeSearch(CORE, root / "listed") as listed:
        for query in queries(SEED):
            a = flat.search(query, fresh=True, limit=0)
            b = listed.search(query, fresh=True, limit=0)
            assert (a["total"], a["results"]) == (b["total"], b["results"]), query
            loaded_a = {name for name, _ in a["loaded"] if name.startswith("t/")}
            loaded_b = {name for name, _ in b["loaded"] if name.startswith("t/")}
            directories = {name for name in loaded_b if name.startswith("t/dir-")}
            assert loaded_b - directories == loaded_a, query
            assert bool(directories) == bool(loaded_a), query


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rebuild_equals_a_cold_build(tmp_path, case):
    warm, cache = tmp_path / "warm", tmp_path / "cache"
    build_index(BASE, warm, cache_dir=cache, shard_bytes=SHARD_BYTES, direct_shards=2)
    build_index(CASES[case], warm, cache_dir=cache, shard_bytes=SHARD_BYTES, direct_shards=2)
    build_index(CASES[case], tmp_path / "cold", shard_bytes=SHARD_BYTES, direct_shards=2)
    assert tree(warm) == tree(tmp_path / "cold")
    assert manifest(warm)["format"] == FORMAT_DIRECTORIES


def test_from_directories_back_to_shards(tmp_path):
    """An archive that shrinks below the limit: its directories go, the manifest names shards."""
    out = tmp_path / "index"
    build_index(BASE, out, shard_bytes=SHARD_BYTES, direct_shards=2)
    build_index(BASE, out, shard_bytes=SHARD_BYTES)
    build_index(BASE, tmp_path / "cold", shard_bytes=SHARD_BYTES)
    assert tree(out) == tree(tmp_path / "cold")
    assert not [n for n in tree(out) if n.startswith("t/dir-")]
