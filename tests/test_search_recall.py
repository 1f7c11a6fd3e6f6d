"""Recall, precision and ranking of the search over all 11,442 real bulletins.

The index is built by the pure builder from the corpus (``support.search_corpus``) and every
query runs through the real ``search-core.js`` in one Node process. "Contains" is checked
on the same folded text the index reads: ``fold(query)`` in ``fold(title)`` or ``fold(rest)``.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import time
from pathlib import Path

import opencc
import pytest

from bulletins import cli
from bulletins.search import tokens
from bulletins.search.build import build_index
from bulletins.search.cli import NodeSearch
from bulletins.search.documents import from_dict
from bulletins.search.foldmap import build_fold_map
from support.search_corpus import corpus_docs

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

SCRIPTS = Path(__file__).resolve().parents[1] / "theme" / "static" / "js"
CORE = SCRIPTS / "search-core.js"
SEED = 20240601
QUERIES = 500
PAIRS = 200
TITLES = 500
CLI_QUERIES = 100
COMMON_BIGRAMS = ("会议", "工作", "合作", "发展")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    docs = [from_dict(d) for d in corpus_docs()]
    out = tmp_path_factory.mktemp("search-recall") / "search"
    started = time.perf_counter()
    # One process: the index is the same bytes whatever the number (test_search_build_parallel), and
    # beside two busy test workers a second tokenizing process costs more CPU than it saves time.
    stats = build_index(docs, out, jobs=1)
    seconds = time.perf_counter() - started
    print(f"\nindex: {stats.docs} bulletins, {stats.files} files, {stats.bytes / 1e6:.1f} MB, built in {seconds:.1f} s")
    table = tokens.FoldTable(build_fold_map())
    folded = [(d.source_id, tokens.fold(d.title, table), tokens.fold(d.rest, table)) for d in docs]
    having: dict[str, set[int]] = {}  # character -> the bulletins whose folded fields hold it
    for i, (_, title, rest) in enumerate(folded):
        for ch in set(title).union(rest):
            having.setdefault(ch, set()).add(i)
    site = out.parent  # laid out as a built site for `bulletins search --site`
    (site / "theme" / "js").mkdir(parents=True)
    for script in SCRIPTS.glob("search-*.js"):
        shutil.copy(script, site / "theme" / "js" / script.name)
    with NodeSearch(CORE, out) as node:
        yield {"docs": docs, "folded": folded, "having": having, "table": table, "node": node, "site": site}


def containing(corpus, query: str) -> set[str]:
    """Every bulletin whose folded title or rest holds the folded query: checked on each
    bulletin that has all of the query's characters (a bulletin without one cannot hold it)."""
    q = tokens.fold(query, corpus["table"])
    having, folded = corpus["having"], corpus["folded"]
    sets = sorted((having.get(ch, set()) for ch in set(q)), key=len)
    candidates = set.intersection(*sets) if sets else range(len(folded))
    return {folded[i][0] for i in candidates if q in folded[i][1] or q in folded[i][2]}


def found(corpus, query: str) -> set[str]:
    cache = corpus.setdefault("found", {})  # a query's answer never changes (see the test below)
    if query not in cache:
        answer = corpus["node"].search(query, limit=0, snippets=False, fields=["sourceId"])  # the ids are checked
        ids = [r["sourceId"] for r in answer["results"]]
        assert answer["total"] == len(ids) == len(set(ids))
        cache[query] = set(ids)
    return cache[query]


def random_substrings(docs, count: int, rng: random.Random) -> list[str]:
    """``count`` substrings of 2-8 Han characters from random bulletin bodies."""
    queries = []
    while len(queries) < count:
        runs = HAN_RUN.findall(rng.choice(docs).body)
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - length)
        queries.append(run[start : start + length])
    return queries


def recall_precision(pairs) -> tuple[float, float, int]:
    """Micro-averaged recall and precision over (expected, found) sets, and exact answers."""
    hits = sum(len(e & f) for e, f in pairs)
    expected = sum(len(e) for e, _ in pairs)
    got = sum(len(f) for _, f in pairs)
    return hits / max(expected, 1), hits / max(got, 1), sum(e == f for e, f in pairs)


def test_exact_substrings(corpus):
    queries = random_substrings(corpus["docs"], QUERIES, random.Random(SEED))
    pairs = [(containing(corpus, q), found(corpus, q)) for q in queries]
    recall, precision, exact = recall_precision(pairs)
    sizes = [len(e) for e, _ in pairs]
    median = statistics.median(sizes)
    print(f"\nsubstrings: {QUERIES} queries, recall {recall:.4f}, precision {precision:.4f}, ", end="")
    print(f"{exact} exact; matching bulletins per query median {median}, max {max(sizes)}")
    wrong = [(q, len(e - f), len(f - e)) for q, (e, f) in zip(queries, pairs) if e != f]
    assert not wrong, f"missed/extra bulletins for: {wrong[:10]}"


def test_traditional_queries_find_the_same(corpus):
    s2t = opencc.OpenCC("s2t")
    queries = random_substrings(corpus["docs"], QUERIES, random.Random(SEED))
    changed = differing = 0
    for q in queries:
        t = s2t.convert(q)
        changed += t != q
        if found(corpus, t) != found(corpus, q):
            differing += 1
    print(f"\ntraditional: {changed} of {QUERIES} queries change under s2t, {differing} give other results")
    assert differing == 0


def test_two_part_queries(corpus):
    rng = random.Random(SEED + 1)
    pairs, queries = [], []
    for _ in range(PAIRS):
        doc = rng.choice(corpus["docs"])
        a, b = random_substrings([doc], 2, rng)
        expected = containing(corpus, a) & containing(corpus, b)
        pairs.append((expected, found(corpus, f"{a} {b}")))
        queries.append(f"{a} {b}")
    recall, precision, exact = recall_precision(pairs)
    print(f"\ntwo-part: {PAIRS} queries, recall {recall:.4f}, precision {precision:.4f}, {exact} exact")
    assert exact == PAIRS, [q for q, (e, f) in zip(queries, pairs) if e != f][:10]


def test_results_do_not_depend_on_earlier_queries(corpus):
    rng = random.Random(SEED + 2)
    queries = random_substrings(corpus["docs"], 60, rng)
    first = [corpus["node"].search(q, limit=20) for q in queries]
    shuffled = list(range(len(queries)))
    rng.shuffle(shuffled)
    with NodeSearch(CORE, corpus["node"].process.args[3]) as other:
        again = {i: other.search(queries[i], limit=20) for i in shuffled}
    for i, q in enumerate(queries):
        assert {k: again[i][k] for k in ("total", "results")} == {k: first[i][k] for k in ("total", "results")}, q


def test_full_title_ranks_that_title_first(corpus):
    docs = corpus["docs"]
    rng = random.Random(SEED + 3)
    newest: dict[str, str] = {}
    for d in docs:
        newest[d.title] = max(newest.get(d.title, ""), d.date)
    sample = rng.sample([d for d in docs if d.title], TITLES)
    first_exact = first_newest = 0
    misses = []
    for d in sample:
        top = corpus["node"].search(d.title, limit=1)["results"]
        if top and top[0]["title"] == d.title:
            first_exact += 1
            first_newest += top[0]["date"] == newest[d.title]
        else:
            misses.append((d.title, top[0]["title"] if top else None))
    repeated = sum(1 for d in sample if sum(1 for x in docs if x.title == d.title) > 1)
    print(f"\nranking: {first_exact}/{TITLES} full-title searches put that title first "
          f"({first_newest} with the newest such bulletin); {repeated} sampled titles repeat")  # fmt: skip
    assert first_exact >= 0.99 * TITLES, misses[:10]
    assert first_newest == first_exact


def test_cold_query_bytes(corpus):
    """Bytes one fresh page load reads for a query (manifest, fold map, shards, 10 results)."""
    queries = random_substrings(corpus["docs"], 100, random.Random(SEED + 4))
    loads = [corpus["node"].search(q, limit=10, fresh=True)["loaded"] for q in queries]
    totals = sorted(sum(size for _, size in loaded) for loaded in loads)
    files = statistics.median(len(loaded) for loaded in loads)
    print(f"\ncold query: median {statistics.median(totals) / 1000:.0f} KB in {files:.0f} files, "
          f"p90 {totals[89] / 1000:.0f} KB, max {totals[-1] / 1000:.0f} KB")  # fmt: skip
    assert all(any(name == "manifest.js" for name, _ in loaded) for loaded in loads)


def test_terminal_search_finds_every_bulletin(corpus, capsys, tmp_path):
    """``bulletins search --json --limit 0 --queries FILE``, the real command, every answer parsed
    whole: the common bigrams' answers are megabytes. One command answers all the queries (one
    Node start); tests/test_search_cli.py runs the one-query form, big answers included."""
    queries = [*COMMON_BIGRAMS, *random_substrings(corpus["docs"], CLI_QUERIES, random.Random(SEED + 5))]
    listed = tmp_path / "queries.txt"
    listed.write_text("".join(f"{query}\n" for query in queries), encoding="utf-8")
    status = cli.main(["search", "--site", str(corpus["site"]), "--json", "--limit", "0", "--queries", str(listed)])
    out, err = capsys.readouterr()
    assert status == 0 and not err, err
    lines = out.splitlines()
    assert len(lines) == len(queries)
    pairs, largest = [], 0
    for query, line in zip(queries, lines):
        answer = json.loads(line)
        ids = [r["sourceId"] for r in answer["results"]]
        assert answer["query"] == query and answer["total"] == len(ids) == len(set(ids)), query
        pairs.append((containing(corpus, query), set(ids)))
        largest = max(largest, len(line.encode("utf-8")))
    recall, precision, exact = recall_precision(pairs)
    most = max(len(e) for e, _ in pairs)
    with capsys.disabled():
        print(f"\nterminal search: {len(queries)} queries, recall {recall:.4f}, precision {precision:.4f}, "
              f"{exact} exact; largest answer {largest / 1e6:.1f} MB ({most} bulletins)")  # fmt: skip
    assert exact == len(queries), [q for q, (e, f) in zip(queries, pairs) if e != f][:10]
    assert recall == precision == 1.0
