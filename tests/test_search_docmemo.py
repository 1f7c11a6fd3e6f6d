"""The index's memo of each bulletin (``search.docmemo``): a rebuild makes again only the
bulletins whose memo key changed, and the index is byte for byte the cold build's.

The sources here key each bulletin by a digest of its whole record, as the Pelican side keys
an article by its source file's stamp, URL, status and category (``article_memo_key``)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from bulletins import sealed
from bulletins.search import docmemo
from bulletins.search.build import build_index
from bulletins.search.documents import DocSource, article_memo_key, from_dict
from support.search_fixture import FIXTURE_DOCS, _doc, generated_docs

SHARD_BYTES = 400
BASE = [*generated_docs(40, seed=3), *FIXTURE_DOCS]
KEY = "settings-and-code"


def record_key(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Counted:
    """``from_dict``, noting the bulletins made (a bulletin whose text changed is made twice:
    for its result data, then for its tokens)."""

    def __init__(self):
        self.urls: set[str] = set()

    def __call__(self, record: dict):
        self.urls.add(record["url"])
        return from_dict(record)


def source(records: list[dict], make: Counted, keyed: bool = True) -> DocSource:
    return DocSource(records, make, lambda r: (str(r["date"])[:10], r["url"]), record_key if keyed else None)


def build(records: list[dict], out: Path, cache: Path, memo: bool = True, keyed: bool = True):
    made = Counted()
    opened = docmemo.open_memo(cache, KEY) if memo else None
    stats = build_index(source(records, made, keyed), out, cache_dir=cache, shard_bytes=SHARD_BYTES, memo=opened)
    return stats, made.urls


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edited(records: list[dict]) -> list[dict]:
    out = copy.deepcopy(records)
    out[5]["body"] += "会议还研究了其他事项。"
    out[9]["status"] = "已废止"
    out[12]["category"] = "通知公告"
    return out


ADDED = _doc("memo-added", "2024-03-05", "青溪区防汛会议", "部署防汛工作。")
CHANGES = {
    "unchanged": (lambda r: r, set()),
    "edit body, status, category": (edited, {BASE[5]["url"], BASE[9]["url"], BASE[12]["url"]}),
    "add one": (lambda r: [*r, ADDED], {ADDED["url"]}),
    "remove one": (lambda r: r[:7] + r[8:], set()),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_rebuild_with_memo_equals_cold_and_makes_only_changed(tmp_path, change):
    alter, expect_made = CHANGES[change]
    out, cache = tmp_path / "search", tmp_path / "cache"
    first, made_first = build(BASE, out, cache)
    assert len(made_first) == len(BASE) and first.reused == 0
    final = alter(BASE)
    stats, made = build(final, out, cache)
    assert made == expect_made
    assert stats.reused == len(final) - len(expect_made)
    cold_out, cold_cache = tmp_path / "cold" / "search", tmp_path / "cold-cache"
    build(final, cold_out, cold_cache, memo=False)
    assert tree(out) == tree(cold_out)


def test_memo_made_under_another_key_is_not_used(tmp_path):
    out, cache = tmp_path / "search", tmp_path / "cache"
    build(BASE, out, cache)
    memo = docmemo.open_memo(cache, "other settings")
    assert memo.old == {}
    made = Counted()
    stats = build_index(source(BASE, made), out, cache_dir=cache, shard_bytes=SHARD_BYTES, memo=memo)
    assert len(made.urls) == len(BASE) and stats.reused == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal", sealed.seal((docmemo.VERSION + 1, KEY, {})), sealed.seal([1, 2, 3])],
    ids=["empty", "garbage", "other version", "other shape"],
)
def test_damaged_memo_reads_as_empty(tmp_path, content):
    (tmp_path / docmemo.FILE).write_bytes(content)
    assert docmemo.open_memo(tmp_path, KEY).old == {}


GOOD = ("k" * 12, "d" * 32, "2024-01-01", "", "")


def test_memo_drops_entries_of_another_shape(tmp_path):
    held = docmemo.held_key
    memos = {held("a"): GOOD, held("b"): ("short",), "c": GOOD, held("d")[:8]: GOOD}
    (tmp_path / docmemo.FILE).write_bytes(sealed.seal((docmemo.VERSION, KEY, memos)))
    memo = docmemo.open_memo(tmp_path, KEY)
    assert memo.old == {held("a"): GOOD}
    assert memo.get("b") is None and memo.get("c") is None and memo.get("d") is None
    assert memo.get("a") == docmemo.Memo(*GOOD) and memo.hits == 1


def test_a_memo_file_of_the_last_version_is_read_by_its_keys_digests(tmp_path):
    """Version 1 kept the memo keys whole: its memos still stand after an upgrade."""
    (tmp_path / docmemo.FILE).write_bytes(sealed.seal((1, KEY, {"a": GOOD, "b": ("short",)})))
    memo = docmemo.open_memo(tmp_path, KEY)
    assert memo.get("a") == docmemo.Memo(*GOOD) and memo.get("b") is None and memo.hits == 1
    memo.save()
    version, _, saved = sealed.read_sealed(tmp_path / docmemo.FILE)
    assert version == docmemo.VERSION and saved == {docmemo.held_key("a"): GOOD}


MANY_KEYS = [f"token{i}\0u{i}.html\0\0通知" for i in range(500)]


@pytest.mark.parametrize("keys", [["a", "b"], ["é" * 300, "\ud800"], MANY_KEYS])
def test_held_keys_are_16_bytes_and_tell_keys_apart(keys):
    held = [docmemo.held_key(k) for k in keys]
    assert all(len(h) == docmemo.KEY_BYTES for h in held) and len(set(held)) == len(keys)
    assert held == [docmemo.held_key(k) for k in keys]


def test_memos_share_their_dates_categories_and_statuses(tmp_path):
    """A day's bulletins hold one date string between them, and a category one name."""
    memo = docmemo.open_memo(tmp_path, KEY)
    for i in range(4):
        date, category = "".join(["2024-01-0", "1"]), "".join(["通知", "公告"])  # equal strings, not one
        memo.put(f"key{i}", docmemo.Memo(f"row{i}", f"d{i}", date, category, ""))
    held = list(memo.new.values())
    assert len({id(m[2]) for m in held}) == 1 and len({id(m[3]) for m in held}) == 1
    assert [m[0] for m in held] == ["row0", "row1", "row2", "row3"]
    memo.save()
    again = docmemo.open_memo(tmp_path, KEY)
    assert again.get("key2") == docmemo.Memo("row2", "d2", "2024-01-01", "通知公告", "")
    assert len({id(m[2]) for m in again.old.values()}) == 1


def test_no_memo_without_cache_folder_or_key(tmp_path):
    assert docmemo.open_memo(None, KEY) is None
    assert docmemo.open_memo(tmp_path, None) is None


def test_sources_without_memo_keys_make_every_bulletin(tmp_path):
    out, cache = tmp_path / "search", tmp_path / "cache"
    build(BASE, out, cache, keyed=False)
    stats, made = build(BASE, out, cache, keyed=False)
    assert len(made) == len(BASE) and stats.reused == 0


def test_a_fragment_file_lost_is_written_again_from_the_bulletin(tmp_path):
    out, cache = tmp_path / "search", tmp_path / "cache"
    build(BASE, out, cache)
    before = tree(out)
    lost = sorted((out / "f").rglob("*.js"))[3]  # a bulletin's result data (``write.fragment_name``)
    lost.unlink()
    stats, made = build(BASE, out, cache)
    assert tree(out) == before
    assert len(made) == 1 and stats.reused == len(BASE)


class Article:
    """What ``article_memo_key`` reads of a Pelican article."""

    def __init__(self, url="a.html", status="", category="通知公告"):
        self.url, self.bulletins_status, self.category = url, status, category


@pytest.mark.parametrize(
    "token, article",
    [
        ("t2", Article()),
        ("t1", Article(url="b.html")),
        ("t1", Article(status="已废止")),
        ("t1", Article(category="常务会议")),
        ("t1", Article(category=None)),
    ],
    ids=["source file", "url", "status", "category", "no category"],
)
def test_article_memo_key_changes_with_what_decides_the_doc(token, article):
    assert article_memo_key(token, article) != article_memo_key("t1", Article())


def test_a_site_rebuild_makes_no_bulletin_again_until_the_settings_change(tmp_path, caplog):
    """Through Pelican: the memo is written by a build, stands for every unchanged article in
    the next, and is dropped with the content caches when a setting that can change a page
    changes (``readcache.guard``)."""
    import logging

    from pelican.log import LimitFilter

    from support.site_build import BASE_PLUGINS, build_fixture_site

    def build_site(**overrides) -> tuple[int, int]:
        caplog.clear()
        LimitFilter._raised_messages.clear()
        plugins = [*BASE_PLUGINS, "bulletins.plugins.search_index"]
        settings = dict(PLUGINS=plugins, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, **overrides)
        with caplog.at_level(logging.INFO):
            build_fixture_site(tmp_path / "output", **settings)
        [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("search index:")]
        docs, again = line.split(":")[1].split(" bulletins (")
        return int(docs), int(again.split(" made again")[0])

    docs, again = build_site()
    assert docs > 5 and again == docs
    assert (tmp_path / "cache" / docmemo.FILE).is_file()
    assert build_site() == (docs, 0)
    assert build_site(SITENAME="澄川市政务公报（测试）") == (docs, docs)


def test_the_memo_file_is_dropped_with_the_content_caches():
    from bulletins.plugins.incremental import readcache

    assert docmemo.FILE in readcache.PELICAN_CACHES
