"""The index built on worker processes is the index one process builds, byte for byte; and the
fast paths of the builder (tokens per run, whole-buffer packing, merged posting lists) give
what the plain per-item code gives."""

from __future__ import annotations

import array
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bulletins.plugins.search_index.generator import is_jobs
from bulletins.search import shards as sh
from bulletins.search import tokens, workers
from bulletins.search.build import build_index
from bulletins.search.doctokens import doc_tokens, text_tokens, title_end
from bulletins.search.documents import DocSource, from_dict, rest_offset
from bulletins.search.foldmap import build_fold_map
from bulletins.search.resume import STATE_FILE
from bulletins.search.write import PACK_BASE, pack_bytes
from support.search_fixture import FIXTURE_DOCS, _doc, generated_docs

WORDS = ("青溪区", "常务会议", "研究部署", "城市更新", "營商環境", "乡村振兴", "安全生产")
WORDS += ("G20", "2024年", "防汛", "。", "，")


def sample_docs(count: int, seed: int) -> list[dict]:
    """``count`` bulletins of shuffled everyday phrases (Traditional ones too) on 30 days."""
    rng = random.Random(seed)
    days = sorted({f"20{rng.randint(21, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(30)})
    docs = []
    for i in range(count):
        body = "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        title = "青溪区" + "".join(rng.choice(WORDS[:7]) for _ in range(2))
        docs.append(_doc(f"sample-{i:03d}", rng.choice(days), title, body, category=rng.choice(["常务会议", "通知"])))
    return docs


ARCHIVES = {
    "samples_and_fixture": [*sample_docs(120, seed=3), *FIXTURE_DOCS],
    "generated": generated_docs(60, seed=9),
    "one_bulletin": FIXTURE_DOCS[:1],
}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ARCHIVES)
@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_write_the_index_one_process_writes(tmp_path, name, jobs):
    docs = ARCHIVES[name]
    one = build_index(docs, tmp_path / "one", cache_dir=tmp_path / "c1", shard_bytes=400, jobs=1)
    many = build_index(docs, tmp_path / "many", cache_dir=tmp_path / "c2", shard_bytes=400, jobs=jobs)
    assert tree(tmp_path / "many") == tree(tmp_path / "one")
    assert (many.files, many.bytes, many.shards, many.tokenized) == (one.files, one.bytes, one.shards, one.tokenized)
    assert (tmp_path / "c2" / STATE_FILE).read_bytes() == (tmp_path / "c1" / STATE_FILE).read_bytes()
    folders = (tmp_path / "c1", tmp_path / "c2")
    token_cache = [{k: v for k, v in tree(c).items() if k.startswith("search-tokens")} for c in folders]
    assert token_cache[1] == token_cache[0] and token_cache[0]  # the workers' entries, copied as bytes


@pytest.mark.parametrize(("jobs", "pack_jobs"), [(2, 1), (1, 2), (3, 1)])
def test_where_the_shards_are_packed_changes_no_byte(tmp_path, jobs, pack_jobs):
    """Shards packed here while workers tokenize (the index's fork beside the pages), or on a
    packer process after one tokenizer: the files of a one-process build."""
    docs = ARCHIVES["samples_and_fixture"]
    one = build_index(docs, tmp_path / "one", shard_bytes=400, jobs=1)
    mixed = build_index(docs, tmp_path / "mixed", shard_bytes=400, jobs=jobs, pack_jobs=pack_jobs)
    assert tree(tmp_path / "mixed") == tree(tmp_path / "one")
    assert (mixed.files, mixed.bytes, mixed.shards) == (one.files, one.bytes, one.shards) and one.shards > 1


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_without_a_cache_folder_count_what_they_tokenized(tmp_path, jobs):
    docs = [*ARCHIVES["samples_and_fixture"], *ARCHIVES["samples_and_fixture"][:5]]  # five texts twice
    one = build_index(docs, tmp_path / "one", shard_bytes=400, jobs=1)
    many = build_index(docs, tmp_path / "many", shard_bytes=400, jobs=jobs)
    assert tree(tmp_path / "many") == tree(tmp_path / "one")
    assert many.tokenized == one.tokenized


def test_rebuild_on_workers_equals_a_cold_build(tmp_path):
    """Cold on two processes with a cache, then an edit in the middle rebuilt on two processes
    (cached tokens sent to the workers): the folder is a one-process cold build's."""
    docs = ARCHIVES["samples_and_fixture"]
    middle = sorted(docs, key=lambda d: (d["date"], d["url"]))[len(docs) // 2]
    edited = [dict(d, body=d["body"] + "会后实地察看防汛工作。") if d is middle else d for d in docs]
    build_index(docs, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=2)
    stats = build_index(edited, tmp_path / "out", cache_dir=tmp_path / "cache", shard_bytes=400, jobs=2)
    build_index(edited, tmp_path / "cold", shard_bytes=400, jobs=1)
    assert tree(tmp_path / "out") == tree(tmp_path / "cold")
    assert stats.tokenized == 1


def _entries(rng: random.Random, doc: int) -> list[tuple[str, bytes]]:
    return [(f"k{key}", sh.encode(rng.randint(0, 40)).encode()) for key in rng.sample(range(12), rng.randint(1, 6))]


@pytest.mark.parametrize(
    "doc_ids, cuts",
    [
        (list(range(40)), [10, 25]),
        (list(range(40)), [1]),
        ([0, 3, 20_000, 20_001, 70_000, 70_002], [2, 4]),  # gaps past the varint table
        ([5, 6, 7], [1, 2]),
    ],
    ids=["three_chunks", "first_alone", "long_gaps", "one_per_chunk"],
)
def test_merged_lists_equal_lists_filled_in_one_go(doc_ids, cuts):
    rng = random.Random(len(doc_ids))
    docs = [(doc, _entries(rng, doc), rng.random() < 0.5) for doc in doc_ids]
    whole = sh.Postings()
    for doc, entries, many in docs:
        whole.add_entries(doc, entries, many=many, positional=True)
        whole.add_entries(doc, entries[:2], many=many, positional=False)
    merged = sh.Postings()
    for lo, hi in zip([0, *cuts], [*cuts, len(docs)]):
        part = sh.Postings()
        for doc, entries, many in docs[lo:hi]:
            part.add_entries(doc, entries, many=many, positional=True)
            part.add_entries(doc, entries[:2], many=many, positional=False)
        merged.merge(part)
    assert merged.lists() == whole.lists()
    assert {k: s[0] for k, s in merged.positional.items()} == {k: s[0] for k, s in whole.positional.items()}


@pytest.mark.parametrize("text", ["gh", "Bg", "BCh", "ghij"])
def test_first_number(text):
    value, size = sh.first_number(text.encode())
    assert value == sh.decode(text)[0]
    assert sh.encode(value) == text[:size]


def reference_pack(raw: bytes) -> str:
    """Packing as first written: one integer of 15 bytes at a time, cut into 8 units."""
    units = array.array("H")
    padded = raw + bytes(-len(raw) % 15)
    for start in range(0, len(padded), 15):
        value = int.from_bytes(padded[start : start + 15], "big")
        units.extend(PACK_BASE + ((value >> shift) & 0x7FFF) for shift in (105, 90, 75, 60, 45, 30, 15, 0))
    return "".join(map(chr, units[: -(-len(raw) * 8 // 15)]))


@pytest.mark.parametrize("size", [0, 1, 2, 14, 15, 16, 29, 30, 31, 44, 45, 46, 119, 120, 121, 4_095, 30_001])
@pytest.mark.parametrize("fill", ["random", "ones", "zeros"])
def test_pack_bytes_matches_the_unit_by_unit_packing(size, fill):
    raw = {"random": random.Random(size).randbytes(size), "ones": b"\xff" * size, "zeros": bytes(size)}[fill]
    assert pack_bytes(raw) == reference_pack(raw)


def reference_tokens(doc, table):
    """``doc_tokens`` as first written: positions grouped per key one token at a time."""
    title, rest = tokens.fold(doc.title, table), tokens.fold(doc.rest, table)
    grouped = defaultdict(list)
    for text, offset in ((title, 0), (rest, rest_offset(title))):
        for key, pos in tokens.positional_tokens(text, offset):
            grouped[key].append(pos)
    marker = title_end(title)
    if marker:
        grouped[marker[0]] = [marker[1]]
    return dict(grouped), Counter(tokens.unigrams(title)) + Counter(tokens.unigrams(rest))


def decoded(entry) -> tuple[dict, dict]:
    """Positions by key and counts by key, read back from a bulletin's ``DocTokens``."""
    positions = {k: sh.decode(t.decode()) for k, t in sh.split(entry.one_keys, entry.one_tails)}
    for key, tail in sh.split(entry.many_keys, entry.many_tails):
        count, *deltas = sh.decode(tail.decode())
        assert count == len(deltas) > 1
        positions[key] = [sum(deltas[: i + 1]) for i in range(count)]
    counts = {k: 1 for k, _ in sh.split(entry.counts_one)}
    counts.update((k, sh.decode(t.decode())[0]) for k, t in sh.split(entry.counts_many_keys, entry.counts_many_tails))
    return positions, counts


LONG = "各地推进改革开放。" * 4_000  # positions past the varint table
TOKEN_DOCS = [*FIXTURE_DOCS, *sample_docs(8, seed=21), _doc("long", "2024-05-06", "长文", LONG)]
TOKEN_DOCS.append(_doc("empty", "2024-05-07", "", ""))


@pytest.mark.parametrize(
    "doc",
    TOKEN_DOCS,
    ids=lambda d: d["url"].rsplit("/", 1)[-1],
)
def test_doc_tokens_match_the_token_by_token_grouping(doc):
    table = tokens.FoldTable(build_fold_map())
    search_doc = from_dict(doc)
    assert decoded(doc_tokens(search_doc, table)) == reference_tokens(search_doc, table)


@pytest.mark.parametrize(
    "requested, work, expected",
    [(1, 100_000, 1), (2, 10, 2), (0, 10, 1), (None, 10, 1), (None, workers.MIN_DOCS_PER_JOB - 1, 1)],
    ids=["one_asked", "two_asked_small_input", "zero_means_one", "default_small", "default_below_threshold"],
)
def test_job_count(requested, work, expected):
    assert workers.job_count(requested, work) == expected


def test_default_job_count_is_capped():
    assert 1 <= workers.job_count(None, 10**7) <= workers.MAX_JOBS


@pytest.mark.parametrize(
    "start, stop, jobs", [(0, 10, 2), (5, 6, 2), (0, 100_001, 2), (3, 40, 4)], ids=["small", "one", "large", "offset"]
)
def test_chunks_cover_the_span_in_order(start, stop, jobs):
    spans = workers.chunks(start, stop, jobs)
    assert [i for lo, hi in spans for i in range(lo, hi)] == list(range(start, stop))
    assert all(hi - lo <= workers.MAX_CHUNK for lo, hi in spans)


@pytest.mark.parametrize(
    "value, ok",
    [(None, True), (1, True), (2, True), (0, False), (-1, False), (True, False), ("2", False), (2.0, False)],
)
def test_search_index_jobs_setting(value, ok):
    assert is_jobs(value) is ok


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cold_build_makes_each_bulletin_once(tmp_path, jobs):
    """Without the last build's lists every bulletin is tokenized, so the pass that writes its
    result data hands its text over: one text extraction (a Pelican article's HTML) each."""
    docs = [from_dict(d) for d in ARCHIVES["samples_and_fixture"]]
    made: Counter = Counter()

    def make(doc):
        made[doc.url] += 1
        return doc

    def index(out: str):
        source = DocSource(docs, make, lambda doc: (doc.date, doc.url))
        return build_index(source, tmp_path / out, cache_dir=tmp_path / "cache", shard_bytes=400, jobs=jobs)

    cold = index("cold")
    assert cold.tokenized == len(docs) and sorted(made.values()) == [1] * len(docs)
    made.clear()
    warm = index("warm")  # the lists kept: resumed whole, nothing tokenized
    assert warm.tokenized == 0 and sorted(made.values()) == [1] * len(docs)
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


@pytest.mark.parametrize(
    "texts",
    [("标题", "正文" * 300), ("", ""), ("孤\ud800立", "代理\udfff对"), ("a\x00b", "行\u2028分"), ("Ｆｕｌｌ", "𠀀𪚥")],
    ids=["han", "empty", "lone-surrogates", "controls", "wide-and-astral"],
)
def test_a_chunk_sent_as_bytes_tokenizes_as_its_texts(texts):
    """What the workers get is the texts' UTF-8 (never the strings, which pickling would leave a
    UTF-8 copy inside): the same entries come out, and a cached entry goes as it is."""
    sent = workers.wire(texts)
    assert all(type(part) is bytes for part in sent) and workers.unwire(sent) == texts
    workers._init(build_fold_map())
    cached = doc_tokens(from_dict(_doc("c", "2024-01-01", "缓存", "已有")), workers._table)
    made, _ = workers.chunk_postings([0, 1], [sent, workers.wire(cached)])
    assert made == [text_tokens(*texts, tokens.FoldTable(build_fold_map())), None]
