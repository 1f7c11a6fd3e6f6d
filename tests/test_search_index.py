"""The index builder: codec, shard cutting, fold map, documents, and the files it writes."""

from __future__ import annotations

import datetime
import itertools
import json
import random
import types
import zlib
from pathlib import Path

import pytest

from bulletins.search import shards as sh
from bulletins.search.build import build_index
from bulletins.search.doctokens import encode_doc
from bulletins.search.documents import TITLE_SPAN, article_key, from_dict, html_text, rest_offset
from bulletins.search.foldmap import build_fold_map, fold_pairs
from bulletins.search.write import (
    FINAL_BLOCK,
    PACK_BASE,
    pack_bytes,
    packed,
    packed_shard,
    read_script,
    script_bytes,
    shard_name,
    shard_strategy,
    smaller_in_utf16,
    unpack_bytes,
    unpacked,
)
from support.search_fixture import FIXTURE_DOCS, fragment_of, generated_docs

# --- varints ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**6, 2**31])
def test_varint_round_trip(n):
    assert sh.decode(sh.encode(n)) == [n]


def test_varint_alphabet_needs_no_json_escape():
    alphabet = sh.MORE + sh.LAST
    assert len(set(alphabet)) == 64
    assert json.dumps(alphabet) == f'"{alphabet}"'


def test_varints_concatenate():
    numbers = [5, 0, 40000, 31, 32, 7]
    assert sh.decode("".join(map(sh.encode, numbers))) == numbers


@pytest.mark.parametrize(
    "entries, expected",
    [
        ([(0, {"ab": [3]})], [0 << 1, 3]),
        ([(0, {"ab": [3, 10, 12]})], [0 << 1 | 1, 3, 3, 7, 2]),
        ([(2, {"ab": [0]}), (7, {"ab": [300]})], [2 << 1, 0, 4 << 1, 300]),
    ],
    ids=["single_occurrence", "repeats_as_deltas", "doc_gaps"],
)
def test_positional_postings(entries, expected):
    postings = sh.Postings()
    for doc, grouped in entries:
        postings.add_doc(doc, encode_doc(grouped, {}))
    kind, buf = postings.lists()["ab"]
    assert kind == "p"
    assert sh.decode(buf.decode()) == expected


def test_count_postings():
    postings = sh.Postings()
    for doc, count in ((0, 1), (3, 4)):
        postings.add_doc(doc, encode_doc({}, {"中": count}))
        postings.add_entries(doc, [("@0", b"")], many=False, positional=False)
    lists = postings.lists()
    assert (lists["中"][0], sh.decode(lists["中"][1].decode())) == ("d", [0, 2 << 1 | 1, 4])
    assert sh.decode(lists["@0"][1].decode()) == [0, 2 << 1]


@pytest.mark.parametrize("data", [[], [["a.html", "标题", "2024-01-02", "", "", "正文\n第二段"]], {"k": "é𠀀"}])
def test_packed_round_trip(data):
    assert unpacked(packed(data)) == data
    assert packed(data) == packed(data)
    assert read_script(script_bytes("f/x-0", packed(data))) == ("f/x-0", data)


@pytest.mark.parametrize("size", [0, 1, 2, 14, 15, 16, 29, 30, 31, 1000])
def test_pack_bytes_round_trip(size):
    raw = random.Random(size).randbytes(size)
    text = pack_bytes(raw)
    assert len(text) == -(-8 * size // 15), "15 bits per unit, no spare unit"
    assert all(PACK_BASE <= ord(ch) < PACK_BASE + (1 << 15) for ch in text), "no escape, no surrogate"
    assert unpack_bytes(text, size) == raw


def test_packed_payloads_concatenate_into_one_stream():
    """What search-core.js's unpackAll relies on: payloads end with a sync flush, so end to
    end plus one empty final block they inflate in one go, cut at the "u" byte counts."""
    rows = [{"p": {"中国": "gh" * 400}}, [["a.html", "标题", "正文" * 300]], {"d": {}}]
    items = [packed(r) for r in rows]
    stream = b"".join(unpack_bytes(i["z"], i["n"]) for i in items) + FINAL_BLOCK
    text, cuts = zlib.decompress(stream, -15), [0]
    for item in items:
        cuts.append(cuts[-1] + item["u"])
    assert len(text) == cuts[-1]
    assert [json.loads(text[a:b]) for a, b in itertools.pairwise(cuts)] == rows


LONG = sh.encode(40_000) * 60  # a list of long gaps: some 200 characters
SHORT = sh.encode(3) * 4


@pytest.mark.parametrize(
    ("shard", "strategy"),
    [
        ({"p": {"中国": LONG, "中央": LONG}}, zlib.Z_HUFFMAN_ONLY),  # lists of 200 characters and more
        ({"p": {"中国": LONG}, "d": {"中央": LONG}}, zlib.Z_HUFFMAN_ONLY),
        ({"p": {"中国": SHORT, "中央": SHORT, "中文": LONG}}, zlib.Z_DEFAULT_STRATEGY),  # short ones: keys repeat
        ({"p": {}, "d": {}}, zlib.Z_DEFAULT_STRATEGY),
        ({"p": {f"键{i:03d}": SHORT for i in range(300)}}, zlib.Z_DEFAULT_STRATEGY),
    ],
    ids=["long", "long-both-kinds", "short", "empty", "many-keys"],
)
def test_a_shard_of_long_lists_is_packed_by_huffman_coding_alone(shard, strategy):
    """Posting numbers barely repeat, so a shard of long lists skips LZ77 (3.7 times as fast at
    100,000 bulletins, 0.36 % larger); a shard of short lists, mostly keys, is packed as the
    result data are. Either inflates as one stream with the other files a query loads."""
    text = json.dumps(shard, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert shard_strategy(text) == strategy
    data = packed_shard(text)
    assert unpacked(data) == shard and packed_shard(text) == data
    deflate = zlib.compressobj(5, zlib.DEFLATED, -15, 8, strategy)
    assert unpack_bytes(data["z"], data["n"]) == deflate.compress(text.encode()) + deflate.flush(zlib.Z_SYNC_FLUSH)
    stream = unpack_bytes(data["z"], data["n"]) + unpack_bytes(packed([1])["z"], packed([1])["n"]) + FINAL_BLOCK
    assert zlib.decompress(stream, -15) == text.encode() + b"[1]"


@pytest.mark.parametrize(
    "bound, key_hex",
    [
        ("", ""),
        ("中国", "4e2d56fd"),
        ("^个", "005e4e2a"),
        ("\U00020000" * 13, "d840dc00" * 12),  # 24 UTF-16 units: the surrogates of 12 characters
        ("2023" * 10, "0032003000320033" * 6),
    ],
    ids=["first_shard", "bigram", "edge", "beyond_the_bmp", "long_word"],
)
def test_shard_names_are_hex_of_utf16_units(bound, key_hex):
    """search-index.js builds the same name from the manifest (unitsHex over UTF-16 units)."""
    assert shard_name(bound, "\u4e00\u4e01") == f"t/4e004e01{key_hex}"


def test_packed_files_are_utf16_with_bom():
    data = script_bytes("t/x-0", packed({"p": {"中国": "gh"}}))
    assert data.startswith(b"\xff\xfe") and data[2:].decode("utf-16-le").startswith('BulletinSearch.register("t/x-0",')
    assert script_bytes("manifest", {"docs": 1}).decode("utf-8").startswith('BulletinSearch.register("manifest",')


# --- shards -------------------------------------------------------------------------------


def test_js_order_is_utf16_order():
    # U+FF01 is one UTF-16 unit above the surrogates that encode U+20000
    assert sh.js_order("\U00020000") < sh.js_order("\uff01")
    assert "\U00020000" > "\uff01"  # Python's code-point order differs


def test_cut_by_volume():
    volumes = [("a", 10), ("b", 10), ("c", 500), ("d", 10), ("e", 10)]
    groups = sh.cut(volumes, target=40)
    assert [k for g in groups for k in g] == ["a", "b", "c", "d", "e"]
    assert ["c"] in groups  # a list bigger than the target gets a shard of its own


def test_every_key_finds_its_shard():
    rng = random.Random(7)
    alphabet = "的一是国中经济发展" + "abz09^$#@" + "\U00020000\U0002a700\uff01\uf900"
    keys = sorted(
        {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(3000)}, key=sh.js_order
    )
    groups = sh.cut(((k, rng.randint(1, 50)) for k in keys), target=200)
    bounds = sh.boundaries(groups)
    assert len(bounds) == len(groups) > 10
    for i, group in enumerate(groups):
        for key in group:
            assert sh.shard_of(bounds, key) == i, key
    assert all(len(b) <= 4 for b in bounds)


# --- fold map -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trad, simp",
    [("經", "经"), ("裡", "里"), ("裏", "里"), ("乾", "干"), ("後", "后"), ("髮", "发"), ("覆", "复"), ("臺", "台")],
    ids=["common", "li_variant_1", "li_variant_2", "phrase_only_qian", "hou", "fa_hair", "fu_cover", "tai"],
)
def test_fold_map_rows(trad, simp):
    assert build_fold_map()[trad] == simp


def test_fold_map_is_single_characters_and_idempotent():
    fold = build_fold_map()
    assert len(fold) > 3000
    assert all(len(t) == len(s) == 1 for t, s in fold.items())
    assert not [s for s in fold.values() if s in fold]  # folding twice changes nothing


def test_fold_map_keeps_simplified_text():
    fold = build_fold_map()
    text = "中华人民共和国国务院关于推进经济社会高质量发展的意见"
    assert "".join(fold.get(c, c) for c in text) == text


def test_fold_pairs_from_dictionary_rows():
    ts = [("乾", ["干", "乾"]), ("後", ["后"]), ("著", ["著"])]
    st = [("干", ["幹", "乾", "干"]), ("着", ["著", "着"]), ("表", ["表", "錶"])]
    assert fold_pairs(ts, st) == {"乾": "干", "後": "后", "幹": "干", "著": "着", "錶": "表"}


# --- documents ----------------------------------------------------------------------------


def test_rest_holds_body_people_and_documents():
    doc = from_dict({"url": "a.html", "title": "t", "date": "2024-01-02", "body": "正文\n第二段",
                     "people": ["张三", "李四"], "documents": ["甲方案"]})  # fmt: skip
    assert doc.rest == "正文\n第二段\n张三、李四\n《甲方案》"


@pytest.mark.parametrize("title_length, offset", [(0, 256), (10, 256), (255, 256), (256, 512), (600, 768)])
def test_rest_starts_past_the_title(title_length, offset):
    assert rest_offset("字" * title_length) == offset
    assert TITLE_SPAN == 256


@pytest.mark.parametrize(
    ("date", "day"),
    [
        (datetime.datetime(2024, 3, 4, 23, 59), "2024-03-04"),
        (datetime.datetime(2024, 3, 4, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), "2024-03-04"),
        (datetime.date(2024, 3, 4), "2024-03-04"),
        (datetime.datetime(5, 3, 4), "0005-03-04"),  # strftime's %Y gave "5-03-04", not a day fromisoformat reads
        ("2024-03-04T08:00:00", "2024-03-04"),
    ],
    ids=["datetime", "aware", "date", "first-century", "text"],
)
def test_an_articles_key_is_its_iso_day_and_url(date, day):
    article = types.SimpleNamespace(date=date, url="bulletins/a.html")
    assert article_key(article) == (day, "bulletins/a.html")
    datetime.date.fromisoformat(day)


def test_dates_must_be_iso():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        from_dict({"url": "a.html", "title": "t", "date": "2024年1月2日", "body": ""})


@pytest.mark.parametrize(
    "markup, text",
    [
        ("<p>第一段&lt;b&gt;</p><p>第二<strong>段</strong></p>", "第一段<b>\n第二段"),
        ("<p>a<br>b</p><ul><li>一</li><li>二</li></ul>", "a\nb\n一\n二"),
        ("<p>正文</p><script>alert(1)</script><style>p{}</style>", "正文"),
        ("<p>&amp;&nbsp;x &#x4e2d;</p>", "&\xa0x 中"),
        ("<p>  </p><p>\n</p>", ""),
        (
            '<table class="doc-table"><tr><th>牵头单位</th><th>完成时限</th></tr>'
            "<tr><td>市财政局</td><td>2025年9月</td></tr></table>",
            "牵头单位\n完成时限\n市财政局\n2025年9月",
        ),
    ],
    ids=[
        "escaped_markup_and_inline_tags",
        "br_and_lists",
        "scripts_dropped",
        "entities",
        "blank_paragraphs",
        "table_cells",
    ],
)
def test_html_text(markup, text):
    assert html_text(markup) == text


# --- the written index --------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def test_same_content_same_bytes(tmp_path):
    build_index(FIXTURE_DOCS, tmp_path / "a")
    build_index(list(reversed(FIXTURE_DOCS)), tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_name_changes_with_its_content(tmp_path):
    """A term shard keeps its name exactly while its bytes stay; result data is named by day
    and place, so the edited bulletin's file keeps its name and changes its bytes."""
    build_index(FIXTURE_DOCS, tmp_path / "a")
    edited = [dict(FIXTURE_DOCS[0], body=FIXTURE_DOCS[0]["body"] + "新增一句。"), *FIXTURE_DOCS[1:]]
    build_index(edited, tmp_path / "b")
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    shards_a, shards_b = ({n for n in t if n.startswith("t/")} for t in (a, b))
    assert shards_a != shards_b
    assert all(a[n] == b[n] for n in shards_a & shards_b)
    changed = [n for n in set(a) & set(b) if n.startswith("f/") and a[n] != b[n]]
    assert changed == [fragment_of(edited, edited[0]["url"])]


def shard_entries(m: dict) -> list[str]:
    return m["shards"].split(" ") if m["shards"] else []


def test_files_and_manifest(tmp_path):
    stats = build_index(FIXTURE_DOCS, tmp_path)
    m = manifest(tmp_path)
    files = tree(tmp_path)
    assert stats.files == len(files) and stats.bytes == sum(map(len, files.values()))
    assert stats.written == len(files) and stats.removed == 0
    assert m["docs"] == len(FIXTURE_DOCS) == stats.docs
    assert dict(m["categories"]) == {"新闻": 8, "常务会议": 2, "通知公告": 1, "工作动态": 1}
    assert len(sh.decode(m["fold"]["codes"])) == len(m["fold"]["to"]) > 0, "the fold map ships in the manifest"
    codes = list(itertools.accumulate(sh.decode(m["fold"]["codes"])))
    assert codes == sorted(set(codes)), "Traditional code points ascending"
    assert dict(zip(map(chr, codes), m["fold"]["to"])).items() <= build_fold_map().items()
    assert not [n for n in files if n.startswith("fold-")]
    entries = shard_entries(m)
    assert sorted(n for n in files if n.startswith("t/")) == sorted(shard_name(e[2:], e[:2]) + ".js" for e in entries)
    assert len([n for n in files if n.startswith("f/")]) == len(FIXTURE_DOCS)
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8").strip()
    assert files["manifest.js"].startswith(b"\xff\xfe") == smaller_in_utf16(text), "the smaller encoding"
    for name, data in files.items():
        if name.endswith(".js"):
            assert read_script(data)[0] == name[: -len(".js")], name


def test_manifest_stored_in_the_smaller_encoding(tmp_path):
    """Bulletins over many days make a manifest of mostly ASCII day runs: it is stored as UTF-8,
    smaller than the UTF-16 a few days' mostly Han manifest takes; both read back the same."""
    dates = (f"{1990 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(600))
    docs = [dict(d, date=date) for d, date in zip(generated_docs(600), dates)]
    build_index(docs, tmp_path)
    raw = (tmp_path / "manifest.js").read_bytes()
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8").strip()
    assert not raw.startswith(b"\xff\xfe") and len(raw) < 2 * len(text)
    assert read_script(raw) == ("manifest", json.loads(text))


@pytest.mark.parametrize(
    "text, utf16",
    [
        ("", False),
        ("国务院常务会议", True),
        ("ab国", False),
        ("国务院常务 x", True),
        ("国务院 x", False),
        ('{"runs":"gAhB"}', False),
        ("𠀀𠀁", False),
    ],
)
def test_smaller_in_utf16(text, utf16):
    assert smaller_in_utf16(text) is utf16
    assert (2 + len(text.encode("utf-16-le")) < len(text.encode("utf-8"))) is utf16


def test_result_data_in_date_order(tmp_path):
    """Each bulletin's result data under its day and slot; the ids (days in steps) oldest first."""
    build_index(FIXTURE_DOCS, tmp_path)
    names = sorted(fragment_of(FIXTURE_DOCS, d["url"]) for d in FIXTURE_DOCS)
    assert names == sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "f").rglob("*.js"))
    rows = [read_script((tmp_path / name).read_bytes())[1] for name in names]
    assert [r[2] for r in rows] == sorted(d["date"] for d in FIXTURE_DOCS), "ids run oldest first"
    assert {r[4] for r in rows} == {d["source_id"] for d in FIXTURE_DOCS}


def test_rebuild_removes_stale_files_only(tmp_path):
    index = tmp_path / "index"
    build_index(FIXTURE_DOCS, index)
    (index / "README.txt").write_text("kept")
    (index / "fold-0123456789.js").write_text("format 1")
    stats = build_index(FIXTURE_DOCS[:3], index)
    build_index(FIXTURE_DOCS[:3], tmp_path / "cold")
    assert (index / "README.txt").read_text() == "kept"
    assert stats.removed > 0
    assert tree(index) == {**tree(tmp_path / "cold"), "README.txt": b"kept"}


def test_empty_archive(tmp_path):
    stats = build_index([], tmp_path)
    assert stats.docs == 0 and manifest(tmp_path)["shards"] == ""
