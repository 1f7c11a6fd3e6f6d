"""Rebuilding the search index in place after adding, editing or removing bulletins.

Every case builds an archive cold, changes it, rebuilds into the same folder and compares the
folder with a cold build of the final content, file for file and byte for byte; then checks
that the rebuild wrote exactly the files whose bytes changed, and that those are no more than
the data allows: the term shards that hold a key of a bulletin whose doc id now holds other
content (and the shard on either side, where a cut can move), the result-data files of the
days whose bulletins changed, and the manifest.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bulletins import sealed
from bulletins.search import filerecord, write
from bulletins.search import shards as sh
from bulletins.search.build import CATEGORY, build_index, order
from bulletins.search.doctokens import CACHE_FILE, doc_tokens
from bulletins.search.documents import from_dict
from bulletins.search.filerecord import RECORD_FILE
from bulletins.search.foldmap import build_fold_map
from bulletins.search.resume import STATE_FILE
from bulletins.search.tokens import FoldTable
from bulletins.search.write import read_script, shard_name
from support.search_fixture import FIXTURE_DOCS, _doc, fragment_of, generated_docs

SHARD_BYTES = 400  # small shards, so a small archive has many of them
# Everyday characters of the bulletins; random text of them gives each bulletin its own keys.
CHARS = (
    "区政府召开常务会议研究部署城市更新工作听取营商环境情况汇报审议通过实施方案推进乡村振兴加强安全生产"
    "做好防汛准备优化公共服务落实惠企政策提升基层治理水平青溪县镇街道社区居民企业项目资金建设管理规划"
    "教育卫生健康文化旅游交通水利农业科技人才就业养老医疗住房环境保护生态绿色发展改革创新开放合作市场"
)


def varied_docs(count: int, seed: int) -> list[dict]:
    """``count`` bulletins of random text over ``CHARS`` on 40 days (fixed seed)."""
    rng = random.Random(seed)
    days = sorted({f"20{rng.randint(20, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(40)})
    docs = []
    for i in range(count):
        body = "。".join("".join(rng.choice(CHARS) for _ in range(rng.randint(6, 14))) for _ in range(3)) + "。"
        title = "青溪区" + "".join(rng.choice(CHARS) for _ in range(6))
        docs.append(
            _doc(f"varied-{i:03d}", rng.choice(days), title, body, category=rng.choice(["常务会议", "通知公告"]))
        )
    return docs


BASE = [*varied_docs(90, seed=11), *generated_docs(3, seed=5), *FIXTURE_DOCS]
NEWEST = max(d["date"] for d in BASE)
OLDEST = min(d["date"] for d in BASE)
MIDDLE = sorted(BASE, key=lambda d: (d["date"], d["url"]))[len(BASE) // 2]


def added(date: str, slug: str = "added") -> list[dict]:
    extra = _doc(slug, date, "青溪区召开防汛工作会议", "会议部署防汛抗旱工作。加强值班值守，做好物资储备。")
    return [*BASE, extra]


def edited(field: str, value: str) -> list[dict]:
    return [dict(d, **{field: value}) if d is MIDDLE else d for d in BASE]


def without(doc: dict) -> list[dict]:
    return [d for d in BASE if d is not doc]


CASES = {
    "add_newest": added("2026-03-01"),
    "add_on_the_newest_day": added(NEWEST, slug="zz-added"),
    "add_oldest": added("2001-05-06"),
    "edit_body": edited("body", MIDDLE["body"] + "会后，与会人员实地察看了防汛工作。"),
    "edit_title": edited("title", "青溪区召开区政府常务会议（修订）"),
    "edit_status": edited("status", "已废止"),
    "remove_newest": without(max(BASE, key=lambda d: (d["date"], d["url"]))),
    "remove_middle": without(MIDDLE),
    "remove_oldest": without(min(BASE, key=lambda d: (d["date"], d["url"]))),
}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def keys_of(doc, table: FoldTable, categories: dict[str, int]) -> set[str]:
    entry = doc_tokens(doc, table)
    groups = (entry.one_keys, entry.many_keys, entry.counts_one, entry.counts_many_keys)
    keys = {key for group in groups if group for key in group.split(sh.SEP)}
    return keys | ({CATEGORY + str(categories[doc.category])} if doc.category in categories else set())


def touched_keys(before: list[dict], after: list[dict], final: Path) -> set[str]:
    """Keys of every bulletin whose doc id holds other content after the change (both
    versions), and every category key when the categories changed."""
    old, new = (order(from_dict(d) for d in docs) for docs in (before, after))
    table = FoldTable(build_fold_map())
    categories = {name: i for i, (name, _) in enumerate(manifest(final)["categories"])}
    keys: set[str] = set()
    for i in range(max(len(old), len(new))):
        pair = (old[i] if i < len(old) else None, new[i] if i < len(new) else None)
        if pair[0] != pair[1]:
            keys.update(*(keys_of(doc, table, categories) for doc in pair if doc))
    if {d.category for d in old} != {d.category for d in new}:
        keys.update(CATEGORY + str(i) for i in categories.values())
    return keys


def shards_holding(final: Path, keys: set[str]) -> list[tuple[str, bool]]:
    """Every shard of the index in key order: its file name, and whether it holds (or would
    hold: a key no longer indexed) one of ``keys``. A key no longer indexed marks the shard
    after that one too: it may have been the first key of that shard, which now begins at the
    next key (so it has another name)."""
    entries = manifest(final)["shards"].split(" ")
    bounds = [e[2:] for e in entries]
    names = [shard_name(e[2:], e[:2]) + ".js" for e in entries]
    present: set[str] = set()
    for name in names:
        content = read_script((final / name).read_bytes())[1]
        present.update(*(content.get(kind, {}) for kind in ("p", "d")))
    holding = set()
    for key in keys:
        at = sh.shard_of(bounds, key)
        holding.update((at, at + 1) if key not in present else (at,))
    return [(name, i in holding) for i, name in enumerate(names)]


def stray_shards(shards: list[tuple[str, bool]], changed: set[str]) -> list[str]:
    """Rewritten shards that the data does not explain. A shard that holds no changed key
    changes only when a cut around it moved, and a cut moves only at a changed key (the
    shard before it ends there) or after an earlier moved cut: so every run of consecutive
    rewritten shards must start at a shard holding a changed key, or right before one."""
    stray, start = [], None
    for i, (name, holding) in enumerate(shards):
        if name not in changed:
            start = None
            continue
        if start is None:
            start = i
        run_explained = shards[start][1] or (start + 1 < len(shards) and shards[start + 1][1])
        if not (holding or run_explained):
            stray.append(name)
    return stray


def changed_days(before: list[dict], after: list[dict]) -> set[str]:
    """Days whose bulletins, in id order, are not the same list before and after."""
    days = {d["date"] for d in [*before, *after]}
    by_day = [{day: [x for x in order(from_dict(d) for d in docs) if x.date == day] for day in days}
              for docs in (before, after)]  # fmt: skip
    return {day for day in days if by_day[0][day] != by_day[1][day]}


@pytest.fixture(scope="module")
def cold_build(tmp_path_factory):
    """The cold build of a case's final content, made once for the module: ``(its files, its stats)``.
    A cold build depends on nothing but the content, and each case is compared with it several times."""
    made: dict[str, tuple[dict[str, bytes], object]] = {}

    def cold(case: str) -> tuple[dict[str, bytes], object]:
        if case not in made:
            folder = tmp_path_factory.mktemp(f"cold-{case}")
            stats = build_index(CASES[case], folder, shard_bytes=SHARD_BYTES)
            made[case] = (tree(folder), stats)
        return made[case]

    return cold


@pytest.mark.parametrize(
    "cached", [True, pytest.param(False, marks=pytest.mark.slow)], ids=["with_cache", "without_cache"]
)
@pytest.mark.parametrize("case", sorted(CASES))
def test_rebuild_equals_cold_build_and_writes_only_what_changed(tmp_path, case, cached, cold_build):
    final = CASES[case]
    index, cache = tmp_path / "index", (tmp_path / "cache" if cached else None)
    build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    before = tree(index)
    stats = build_index(final, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    cold_files, cold = cold_build(case)
    after = tree(index)
    assert after == cold_files, "the rebuilt folder is the cold build, file for file"
    assert (stats.files, stats.bytes, stats.shards) == (cold.files, cold.bytes, cold.shards)

    changed = {name for name, data in after.items() if before.get(name) != data}
    assert stats.written == len(changed) and stats.removed == len(set(before) - set(after))
    shards = {name for name in changed if name.startswith("t/")}
    in_order = shards_holding(index, touched_keys(BASE, final, index))
    assert not stray_shards(in_order, changed), case
    days = {name.split("/")[1] + name.split("/")[2][:4] for name in changed if name.startswith("f/")}
    assert days <= {day[:4] + day[5:7] + day[8:10] for day in changed_days(BASE, final)}, case
    assert changed - shards - {n for n in changed if n.startswith("f/")} == {"manifest.js", "manifest.json"}
    assert stats.written < 0.8 * stats.files or case.endswith(("oldest", "middle")), "most files stay as they are"
    if cached:
        assert stats.tokenized == len(texts(final) - texts(BASE)), "only new text is tokenized"


def texts(docs: list[dict]) -> set[tuple[str, str]]:
    return {(doc.title, doc.rest) for doc in map(from_dict, docs)}


def test_adding_the_newest_bulletin_rewrites_one_result_file(tmp_path):
    build_index(BASE, tmp_path, shard_bytes=SHARD_BYTES)
    before = tree(tmp_path)
    build_index(CASES["add_newest"], tmp_path, shard_bytes=SHARD_BYTES)
    after = tree(tmp_path)
    results = [n for n, data in after.items() if n.startswith("f/") and before.get(n) != data]
    assert results == [fragment_of(CASES["add_newest"], "bulletins/2026/03/added.html")]
    assert read_script(after[results[0]])[1][0] == "bulletins/2026/03/added.html"


def test_nothing_changed_writes_nothing(tmp_path):
    build_index(BASE, tmp_path / "index", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES)
    stats = build_index(BASE, tmp_path / "index", cache_dir=tmp_path / "cache", shard_bytes=SHARD_BYTES)
    assert (stats.written, stats.removed, stats.tokenized) == (0, 0, 0)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda cache, index: (cache / CACHE_FILE).write_bytes(b"not marshal"), id="token_cache_garbage"),
        pytest.param(lambda cache, index: _retype_token_cache(cache), id="token_cache_wrong_types"),
        pytest.param(lambda cache, index: (cache / STATE_FILE).write_bytes(b"\0"), id="postings_state_garbage"),
        pytest.param(lambda cache, index: (cache / RECORD_FILE).write_text("[1, 2]"), id="record_garbage"),
        pytest.param(lambda cache, index: _overwrite_a_shard(index), id="shard_edited_by_hand"),
        pytest.param(lambda cache, index: next(index.glob("f/*/*.js")).unlink(), id="result_file_deleted"),
    ],
)
@pytest.mark.parametrize("case", ["add_newest", "edit_body"])
def test_a_damaged_cache_or_folder_still_gives_the_cold_build(tmp_path, damage, case, cold_build):
    index, cache = tmp_path / "index", tmp_path / "cache"
    build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    damage(cache, index)
    build_index(CASES[case], index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    assert tree(index) == cold_build(case)[0]


@pytest.mark.parametrize("case", ["add_newest", "edit_body"])
def test_files_packed_by_the_last_format_are_packed_again(tmp_path, monkeypatch, case, cold_build):
    """A key names a file's data, not its packing: files an older version packed at DEFLATE
    level 9 (record format 2) are made again, so the rebuild is the cold build byte for byte."""
    index, cache = tmp_path / "index", tmp_path / "cache"
    with monkeypatch.context() as old:
        old.setattr(write, "DEFLATE_LEVEL", 9)
        old.setattr(filerecord, "RECORD_FORMAT", 2)
        build_index(BASE, index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    packed_before = tree(index)
    build_index(CASES[case], index, cache_dir=cache, shard_bytes=SHARD_BYTES)
    assert tree(index) == cold_build(case)[0]
    build_index(BASE, tmp_path / "level5", shard_bytes=SHARD_BYTES)
    assert packed_before != tree(tmp_path / "level5"), "the two packings differ, else this test shows nothing"


def _retype_token_cache(cache: Path) -> None:
    data = sealed.unseal((cache / CACHE_FILE).read_bytes())
    data["docs"] = {key: (entry, 0) for key, entry in data["docs"].items()}  # the tuples of format 2
    (cache / CACHE_FILE).write_bytes(sealed.seal(data))


def _overwrite_a_shard(index: Path) -> None:
    path = sorted(index.glob("t/*.js"))[-1]
    path.write_bytes(path.read_bytes()[:-4] + b"xx;\n")


def test_a_cache_from_other_text_is_not_used(tmp_path):
    """Entries are keyed by the text they came from: a cache filled by one archive adds no
    token to another with the same URLs."""
    cache = tmp_path / "cache"
    build_index(BASE, tmp_path / "a", cache_dir=cache, shard_bytes=SHARD_BYTES)
    other = [dict(d, body="完全不同的正文。") for d in BASE]
    stats = build_index(other, tmp_path / "a", cache_dir=cache, shard_bytes=SHARD_BYTES)
    build_index(other, tmp_path / "cold", shard_bytes=SHARD_BYTES)
    assert tree(tmp_path / "a") == tree(tmp_path / "cold")
    assert stats.tokenized == len(texts(other)), "each distinct text once"
