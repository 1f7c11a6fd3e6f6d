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
    assert memo.old == {} and memo.records == b""
    made = Counted()
    stats = build_index(source(BASE, made), out, cache_dir=cache, shard_bytes=SHARD_BYTES, memo=memo)
    assert len(made.urls) == len(BASE) and stats.reused == 0


GOOD = ("0123456789", "ab" * 16, "2024-01-01", "通知公告", "")
RECORD = docmemo.RECORD.pack(docmemo.held_key("a"), bytes.fromhex(GOOD[0]), bytes.fromhex(GOOD[1]), 0, 1, 2)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal",
        sealed.seal((docmemo.VERSION + 1, KEY, list(GOOD[2:]), RECORD)),
        sealed.seal((2, KEY, {docmemo.held_key("a"): GOOD})),  # the last version's dict of tuples
        sealed.seal([1, 2, 3]),
        sealed.seal((docmemo.VERSION, KEY, list(GOOD[2:]), RECORD[:-1])),  # a record cut short
        sealed.seal((docmemo.VERSION, KEY, ["2024-01-01", "2024-01-01", ""], RECORD)),  # a name twice
        sealed.seal((docmemo.VERSION, KEY, [[1], "x", ""], RECORD)),  # a name not a string
        sealed.seal((docmemo.VERSION, KEY, list(GOOD[2:]), bytearray(RECORD).hex())),
    ],
    ids=["empty", "garbage", "next version", "version 2", "other shape", "cut", "name twice", "name list", "text"],
)
def test_damaged_memo_reads_as_empty(tmp_path, content):
    (tmp_path / docmemo.FILE).write_bytes(content)
    memo = docmemo.open_memo(tmp_path, KEY)
    assert memo.old == {} and memo.get("a") is None and memo.hits == 0


def test_a_record_naming_past_the_table_is_left_out(tmp_path):
    beyond = docmemo.RECORD.pack(docmemo.held_key("b"), b"\0" * 5, b"\0" * 16, 0, 1, 3)
    (tmp_path / docmemo.FILE).write_bytes(sealed.seal((docmemo.VERSION, KEY, list(GOOD[2:]), RECORD + beyond)))
    memo = docmemo.open_memo(tmp_path, KEY)
    assert memo.get("b") is None
    assert memo.get("a") == docmemo.Memo(*GOOD) and memo.hits == 1


@pytest.mark.parametrize(
    "memo",
    [
        ("012345678", *GOOD[1:]),  # a row key a digit short
        ("0123456789A"[1:], *GOOD[1:]),  # upper case: would read back otherwise
        (GOOD[0], "g" * 32, *GOOD[2:]),  # not hex
        (GOOD[0], GOOD[1], None, "", ""),  # a date not a string
        (1234567890, *GOOD[1:]),
    ],
    ids=["short", "upper case", "not hex", "no date", "a number"],
)
def test_a_memo_no_record_holds_as_it_is_is_not_kept(tmp_path, memo):
    """Such a memo is not one the builder makes; were it given, the bulletin is made again."""
    held = docmemo.open_memo(tmp_path, KEY)
    held.put("a", docmemo.Memo(*memo))
    held.put("b", docmemo.Memo(*GOOD))
    assert len(held) == 1 and list(held.memos().values()) == [docmemo.Memo(*GOOD)]


def test_memos_are_records_of_49_bytes_saved_and_read_back(tmp_path):
    memo = docmemo.open_memo(tmp_path, KEY)
    made = [docmemo.Memo(f"{i:010x}", f"{i * 7919:032x}", f"2024-01-0{i % 3 + 1}", "通知", "") for i in range(6)]
    for i, m in enumerate(made):
        memo.put(f"key{i}", m)
    assert len(memo.new) == 6 * 49 == 6 * docmemo.RECORD.size and len(memo) == 6
    assert memo.listed == ["2024-01-01", "通知", "", "2024-01-02", "2024-01-03"]
    memo.save()
    again = docmemo.open_memo(tmp_path, KEY)
    assert [again.get(f"key{i}") for i in range(6)] == made and again.hits == 6
    assert again.get("key6") is None and bytes(again.new) == again.records
    again.put("key6", docmemo.Memo("f" * 10, "e" * 32, "2024-02-01", "新闻", "已废止"))
    assert again.listed[:5] == memo.listed and again.listed[5:] == ["2024-02-01", "新闻", "已废止"]


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
        memo.put(f"key{i}", docmemo.Memo(f"{i:010x}", f"{i:032x}", date, category, ""))
    held = list(memo.memos().values())
    assert len({id(m[2]) for m in held}) == 1 and len({id(m[3]) for m in held}) == 1
    assert [m[0] for m in held] == ["0000000000", "0000000001", "0000000002", "0000000003"]
    memo.save()
    again = docmemo.open_memo(tmp_path, KEY)
    assert again.get("key2") == docmemo.Memo("0000000002", f"{2:032x}", "2024-01-01", "通知公告", "")
    assert len({id(again.get(f"key{i}").date) for i in range(4)}) == 1


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
