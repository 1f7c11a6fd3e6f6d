"""The search index's token cache on disk: a rebuild adds its new entries at the end of the data
file and leaves the others where they are, rewrites the file once more than half of it is
unused, and ignores bytes a stopped build left at its end. Each case checks the index against a
cold build of the same bulletins."""

from __future__ import annotations

from pathlib import Path

from bulletins import sealed
from bulletins.search.build import build_index
from bulletins.search.doctokens import CACHE_FILE, DATA_PREFIX, place_parts
from support.search_fixture import FIXTURE_DOCS, _doc, generated_docs

SHARD_BYTES = 400
BASE = [*generated_docs(30, seed=9), *FIXTURE_DOCS]
ADDED = [_doc(f"tc-added-{i}", "2024-03-05", f"青溪区第{i}次防汛会议", f"部署第{i}批防汛工作。") for i in range(3)]


def build(docs: list[dict], root: Path):
    return build_index(docs, root / "search", cache_dir=root / "cache", shard_bytes=SHARD_BYTES)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def header(root: Path) -> dict:
    return sealed.unseal((root / "cache" / CACHE_FILE).read_bytes())


def data_files(root: Path) -> list[Path]:
    return sorted((root / "cache").glob(DATA_PREFIX + "*.data"))


def same_as_cold(docs: list[dict], root: Path, tmp_path: Path) -> bool:
    cold = tmp_path / "cold"
    build(docs, cold)
    return tree(root / "search") == tree(cold / "search")


def test_new_entries_are_added_at_the_end_and_the_old_stay_in_place(tmp_path):
    root = tmp_path / "warm"
    build(BASE, root)
    [data] = data_files(root)
    before, old_index = data.read_bytes(), header(root)["docs"]
    stats = build([*BASE, *ADDED], root)
    assert stats.tokenized == len(ADDED)
    assert data_files(root) == [data]  # the same file, grown
    after, new_index = data.read_bytes(), header(root)["docs"]
    assert after[: len(before)] == before
    assert {k: v for k, v in new_index.items() if k in old_index} == old_index
    added = [v for k, v in new_index.items() if k not in old_index]
    assert len(added) == len(ADDED) and all(place_parts(v)[0] >= len(before) for v in added)
    assert len(after) == len(before) + sum(place_parts(v)[1] for v in added)
    assert same_as_cold([*BASE, *ADDED], root, tmp_path)


def test_a_file_more_than_half_unused_is_written_anew(tmp_path):
    root = tmp_path / "warm"
    build(BASE, root)
    [old] = data_files(root)
    old_size = old.stat().st_size
    kept = BASE[: len(BASE) // 3]
    build(kept, root)  # the lists patched: the gone bulletins' tokens stay one build more
    assert data_files(root) == [old] and len(header(root)["docs"]) == len(BASE)
    build(kept, root)
    [new] = data_files(root)
    used = sum(place_parts(v)[1] for v in header(root)["docs"].values())
    assert new != old and not old.exists()
    assert new.stat().st_size == used < old_size // 2
    assert same_as_cold(kept, root, tmp_path)


def test_bytes_a_stopped_build_left_at_the_end_are_never_read(tmp_path):
    root = tmp_path / "warm"
    build(BASE, root)
    [data] = data_files(root)
    with data.open("ab") as fh:  # a build stopped after adding its entries, before its index
        fh.write(b"\x00garbage of a stopped build" * 40)
    build([*BASE, *ADDED], root)
    assert data_files(root) == [data]
    assert same_as_cold([*BASE, *ADDED], root, tmp_path)
    rebuilt = tmp_path / "again"
    (rebuilt / "cache").mkdir(parents=True)
    for path in (root / "cache").iterdir():  # every entry read back from the grown file
        (rebuilt / "cache" / path.name).write_bytes(path.read_bytes())
    (rebuilt / "search").mkdir()
    assert build([*BASE, *ADDED], rebuilt).tokenized == 0
