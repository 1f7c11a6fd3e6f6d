"""Cache files that tell when they are damaged (``bulletins.sealed``), and a seeded campaign of
damaged search caches: whatever byte of whichever cache file is changed, a rebuild gives the
cold build's index byte for byte, and no read of a damaged file takes long."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest

from bulletins import sealed
from bulletins.search.build import build_index
from support.search_fixture import FIXTURE_DOCS, generated_docs

VALUES = [
    {},
    {"page.html": ["k" * 32, "2024-01-01", 10, 1_700_000_000_000_000_000]},
    (1, "key", {"a": ("x", "y", "2024-01-01", "", "")}),
    {("区", "p"): (4, b"\x00" * 8, (2, 5), (1, 3))},
    ["一", b"\xff", 2**40, None, 1.5],
]


@pytest.mark.parametrize("value", VALUES, ids=[f"value{i}" for i in range(len(VALUES))])
def test_a_sealed_value_reads_back(tmp_path, value):
    path = tmp_path / "cache" / "file.marshal"
    path.parent.mkdir()
    sealed.write_sealed(path, value)
    assert sealed.read_sealed(path) == value
    assert sealed.entry_value(sealed.entry(value)) == value
    assert [p.name for p in path.parent.iterdir()] == ["file.marshal"], "no temporary file left"


@pytest.mark.parametrize("value", VALUES, ids=[f"value{i}" for i in range(len(VALUES))])
def test_every_changed_byte_and_every_cut_is_a_value_error(value):
    """Each byte of a sealed value changed (to a seeded other value), and the bytes cut at each
    length: always a ValueError, never another value, and each read quick."""
    data = sealed.seal(value)
    rng = random.Random(7)
    slowest = 0.0
    for at in range(len(data)):
        damaged = bytearray(data)
        damaged[at] ^= rng.randrange(1, 256)
        for bad in (bytes(damaged), data[:at]):
            start = time.perf_counter()
            with pytest.raises(ValueError):
                sealed.unseal(bad)
            slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 0.05, f"a damaged read took {slowest:.3f} s"


@pytest.mark.parametrize("data", [b"", b"\x00garbage", sealed.MAGIC, sealed.MAGIC + b"\x01" * 12])
def test_bytes_that_were_never_sealed_are_a_value_error(data):
    with pytest.raises(ValueError):
        sealed.unseal(data)


def test_an_entry_read_with_bytes_after_it_is_a_value_error():
    with pytest.raises(ValueError, match="another size"):
        sealed.entry_value(sealed.entry("one") + sealed.entry("two"))


def test_a_file_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "file.marshal"
    path.mkdir()  # a folder where the file goes: the rename fails
    with pytest.raises(OSError):
        sealed.write_sealed(path, {"a": 1})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.marshal"]


READ_DICT = [
    # written (None: no file; bytes: written as they are), wanted, read back
    ({"format": 1, "run": "a.run", "x": [1]}, {"format": 1, "run": "a.run"}, {"format": 1, "run": "a.run", "x": [1]}),
    ({"format": 1, "run": "a.run"}, {}, {"format": 1, "run": "a.run"}),
    ({"format": 1, "run": "a.run"}, {"format": 2}, None),
    ({"format": 1, "run": "a.run"}, {"run": "b.run"}, None),
    ({"format": 1}, {"run": None}, None),  # a key the file lacks is not a None it holds
    ({"format": 1, "run": None}, {"run": None}, {"format": 1, "run": None}),
    ([1, 2], {}, None),
    (None, {"format": 1}, None),
    (b"\0not sealed", {}, None),
]


@pytest.mark.parametrize(("written", "wanted", "read"), READ_DICT)
def test_read_dict_gives_the_dict_made_for_what_is_wanted_or_none(tmp_path, written, wanted, read):
    path = tmp_path / "cache.marshal"
    if isinstance(written, bytes):
        path.write_bytes(written)
    elif written is not None:
        sealed.write_sealed(path, written)
    assert sealed.read_dict(path, **wanted) == read
    assert sealed.read_dict(None, **wanted) is None


SHARD_BYTES = 400
BASE = [*generated_docs(40, seed=3), *FIXTURE_DOCS]
EDITED = [dict(d, body=d["body"] + "会后开展了防汛检查。") if i == 20 else d for i, d in enumerate(BASE)]
ADDED = [*BASE, dict(BASE[5], url="bulletins/2024/01/added.html", source_id="added", title="青溪区追加会议")]
TRIALS = 36


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The index and cache folder of BASE, and the cold builds of the changed archives."""
    root = tmp_path_factory.mktemp("sealed")
    build_index(BASE, root / "index", cache_dir=root / "cache", shard_bytes=SHARD_BYTES)
    cold = {}
    for name, docs in (("edited", EDITED), ("added", ADDED)):
        build_index(docs, root / f"cold-{name}", shard_bytes=SHARD_BYTES)
        cold[name] = tree(root / f"cold-{name}")
    return root, cold


def test_the_campaign_reaches_every_cache_file(built):
    root, _ = built
    names = {p.name.split("-")[0] + "-" + p.suffix for p in (root / "cache").iterdir()}
    assert {"search-.marshal", "search-.data", "search-.run"} <= names, names


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_damaged_search_cache_still_gives_the_cold_build(tmp_path, built, trial):
    """One byte of one cache file (the token cache's index and entries, the postings state, its
    run, the lists' marks) changed at a seeded place; then a rebuild of an edited or a grown
    archive: its index is the cold build's, file for file."""
    root, cold = built
    shutil.copytree(root / "index", tmp_path / "index")
    shutil.copytree(root / "cache", tmp_path / "cache")
    rng = random.Random(1000 + trial)
    files = sorted(p for p in (tmp_path / "cache").iterdir() if p.is_file())
    target = files[trial % len(files)]
    data = bytearray(target.read_bytes())
    at = rng.randrange(len(data))
    data[at] ^= rng.randrange(1, 256)
    target.write_bytes(bytes(data))
    name, docs = rng.choice([("edited", EDITED), ("added", ADDED)])
    build_index(docs, tmp_path / "index", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES)
    assert tree(tmp_path / "index") == cold[name], f"{target.name} byte {at}"
