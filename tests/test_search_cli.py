"""``bulletins search``: the site's own search-core.js under Node, from the terminal."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins import cli
from bulletins.search import cli as search_cli
from bulletins.search.build import build_index
from support.search_fixture import ENGINE_DOCS, generated_docs

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "theme" / "static" / "js"
BULLETINS = [sys.executable, "-m", "bulletins.cli"]
PROTOTYPE_NAMES = ("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf")
GENERATED = 3000  # bulletins with 会议: an answer of about 1.8 MB from the runner

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def built_site(root: Path, docs: list[dict]) -> Path:
    """A built-site layout: search/ from the builder, theme/js/ holding the search scripts as Pelican copies them."""
    build_index(docs, root / "search")
    (root / "theme" / "js").mkdir(parents=True)
    for script in SCRIPTS.glob("search-*.js"):
        shutil.copy(script, root / "theme" / "js" / script.name)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(tmp_path_factory.mktemp("site"), ENGINE_DOCS)


@pytest.fixture(scope="module")
def constructor_site(tmp_path_factory):
    """The fixture plus a bulletin that does contain the word constructor."""
    extra = dict(ENGINE_DOCS[0], url="bulletins/2021/01/constructor.html", source_id="constructor", date="2021-01-01")
    extra.update(title="构造说明", body="文中提到 constructor 一词。")
    return built_site(tmp_path_factory.mktemp("constructor-site"), [*ENGINE_DOCS, extra])


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    return built_site(tmp_path_factory.mktemp("big-site"), [*ENGINE_DOCS, *generated_docs(GENERATED)])


def bulletins(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*BULLETINS, *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env)


def test_json_lists_every_result_with_its_fields(site):
    done = bulletins("search", "--site", str(site), "经济发展", "--json", "--limit", "0")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    expected = {d["source_id"] for d in ENGINE_DOCS if "经济发展" in d["body"] + d["title"]}
    assert answer["total"] == len(answer["results"]) == len(expected | {"traditional-text"})
    assert {r["sourceId"] for r in answer["results"]} == expected | {"traditional-text"}
    for result in answer["results"]:
        assert set(result) >= {"url", "title", "date", "score", "sourceId"}
        assert result["url"].startswith("bulletins/") and result["url"].endswith(".html")


@pytest.mark.parametrize("limit, shown", [("1", 1), ("2", 2), ("0", 3)], ids=["one", "two", "zero_means_all"])
def test_limit(site, limit, shown):
    done = bulletins("search", "--site", str(site), "国内联播快讯", "--json", "--limit", limit)
    answer = json.loads(done.stdout)
    assert answer["total"] == 3 and len(answer["results"]) == shown
    assert answer["results"][0]["sourceId"] == "kuaixun-new"


def test_text_output_marks_the_query(site):
    done = bulletins("search", "--site", str(site), "渝中区", "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("1 bulletins contain '渝中区'")
    assert "[渝中区]" in done.stdout
    assert "bulletins/2022/05/district.html" in done.stdout


def test_filters_pass_through(site):
    done = bulletins(
        "search", "--site", str(site), "会议", "--json", "--limit", "0", "--category", "常务会议", "--sort", "date"
    )
    answer = json.loads(done.stdout)
    assert [r["sourceId"] for r in answer["results"]] == ["comma-between", "people-docs"]


def test_same_answers_as_search_core(site):
    """The CLI adds nothing of its own: its answer is search-core's."""
    with search_cli.NodeSearch(*search_cli.find_index(site)) as node:
        direct = node.search("會議", limit=0)
    done = bulletins("search", "--site", str(site), "會議", "--json", "--limit", "0")
    assert [r["url"] for r in json.loads(done.stdout)["results"]] == [r["url"] for r in direct["results"]]


@pytest.mark.slow
@pytest.mark.parametrize("limit", ["0", "200", "5000"], ids=["zero_means_all", "two_hundred", "more_than_all"])
def test_answers_far_larger_than_a_pipe_arrive_whole(big_site, limit):
    done = bulletins("search", "--site", str(big_site), "会议", "--json", "--limit", limit)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    matching = GENERATED + sum(any(q in d["title"] + d["body"] for q in ("会议", "會議")) for d in ENGINE_DOCS)
    assert answer["total"] == matching
    assert len(answer["results"]) == (matching if limit in ("0", "5000") else int(limit))
    assert len({r["sourceId"] for r in answer["results"]}) == len(answer["results"])


@pytest.mark.slow
def test_many_large_answers_through_one_process(big_site):
    with search_cli.NodeSearch(*search_cli.find_index(big_site)) as node:
        for query in ("会议", "青溪区", "纪要"):
            answer = node.search(query, limit=0)
            assert answer["total"] == len(answer["results"]) >= GENERATED, query


QUERY_LINES = ["经济发展", "會議", "国内联播快讯", "constructor", "--jsonl", "渝中区 会议", "绝不会出现的词语"]


def one_by_one(capsys, site: Path, queries: list[str], *options: str) -> list[dict]:
    """The one-query command's ``--json`` answer for each query (in this process: a Node start each)."""
    answers = []
    for query in queries:
        status = cli.main(["search", "--site", str(site), "--json", *options, "--", query])
        out, err = capsys.readouterr()
        assert status == 0 and not err, err
        answers.append(json.loads(out))
    return answers


def test_a_queries_file_gives_each_query_its_one_query_answer(site, tmp_path, capsys):
    options = ("--limit", "0", "--sort", "date")  # --limit 1 in the text form below
    listed = tmp_path / "queries.txt"
    listed.write_text("\n\n".join(QUERY_LINES) + "\n", encoding="utf-8")  # blank lines are skipped
    done = bulletins("search", "--site", str(site), "--json", *options, "--queries", str(listed))
    assert done.returncode == 0 and not done.stderr, done.stderr
    expected = one_by_one(capsys, site, QUERY_LINES, *options)
    assert [json.loads(line) for line in done.stdout.splitlines()] == expected


def test_queries_from_stdin_in_text_form(site):
    done = subprocess.run(
        [*BULLETINS, "search", "--site", str(site), "--limit", "1", "--queries", "-"],
        input="渝中区\n国内联播快讯\n", capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.split("\n\n")
    assert first == bulletins("search", "--site", str(site), "--limit", "1", "渝中区").stdout.rstrip("\n")
    assert second.startswith("3 bulletins contain '国内联播快讯', showing 1:")


@pytest.mark.slow
def test_many_answers_far_larger_than_a_pipe_through_one_command(big_site, tmp_path):
    listed = tmp_path / "queries.txt"
    listed.write_text("会议\n青溪区\n会议\n", encoding="utf-8")
    done = bulletins("search", "--site", str(big_site), "--json", "--limit", "0", "--queries", str(listed))
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["query"] for a in answers] == ["会议", "青溪区", "会议"]
    assert all(a["total"] == len(a["results"]) >= GENERATED for a in answers)
    assert answers[0] == answers[2]


@pytest.mark.parametrize(
    "stdout, message",
    [
        (b'{"total": 3, "results": [{"url": "bulletins/2', "the search answer was cut short"),
        (b'{"total": 1, "results": [{"title": "\xe4\xbc', "the search answer was cut short"),
        (b"", "the search answer was cut short"),
        (b"[1, 2]\n", "garbled"),
        (b'{"id": 1}\n', "garbled"),
        (b'{"total": "3", "results": []}\n', "garbled"),
        (b"\xff\xfe{}\n", "garbled"),
        (b'{"id": 1, "error": "search index: format 2 is not 3"}\n', "search index: format 2 is not 3"),
    ],
    ids=["cut_json", "cut_utf8", "empty", "not_an_object", "no_results", "total_not_number", "not_utf8", "error_reply"],
)
def test_a_broken_answer_is_one_clear_error(stdout, message):
    with pytest.raises(search_cli.SearchError, match=message) as raised:
        search_cli.parse_answer(stdout)
    assert "\n" not in str(raised.value)


PROTOTYPE_CASES = [
    *[("site", name, set() if name == "constructor" else {"prototype-names"}) for name in PROTOTYPE_NAMES],
    ("constructor_site", "constructor", {"constructor"}),
    ("constructor_site", "toString", {"prototype-names"}),
]


@pytest.mark.parametrize("site_name, name, expected", PROTOTYPE_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_prototype_names_are_ordinary_words(request, site_name, name, expected):
    root = request.getfixturevalue(site_name)
    done = bulletins("search", "--site", str(root), name, "--json", "--limit", "0")
    assert done.returncode == 0, done.stderr
    assert {r["sourceId"] for r in json.loads(done.stdout)["results"]} == expected


@pytest.mark.parametrize("query", ["--jsonl", "-x", "--limit", "-", "--json"], ids=str)
def test_a_query_that_looks_like_a_flag_is_searched(site, query):
    done = subprocess.run(
        [*BULLETINS, "search", "--site", str(site), "--json", "--", query],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["query"] == query
    assert len(answer["results"]) == min(answer["total"], 10)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--site", "/nonexistent-site"], "no search index in /nonexistent-site"),
        (["--limit", "-1"], "--limit must be 0 (all) or more"),
        (["--queries", "-"], "give one query, or --queries FILE, not both"),
    ],
    ids=["no_index", "negative_limit", "query_and_queries"],
)
def test_user_errors_are_one_line(site, args, message):
    done = bulletins("search", "经济", *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("missing", search_cli.CORE_FILES)
def test_a_site_without_one_search_script_is_one_clear_error(site, tmp_path, missing):
    shutil.copytree(site, tmp_path / "site")
    (tmp_path / "site" / "theme" / "js" / missing).unlink()
    done = bulletins("search", "--site", str(tmp_path / "site"), "经济")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"search: incomplete search scripts in {tmp_path / 'site' / 'theme' / 'js'}: " + (
        f"{missing} missing; rebuild the site"
    )


@pytest.mark.parametrize(
    "args, status, message",
    [
        ([], 2, "search: give a query"),
        (["--queries", "/nonexistent-queries.txt"], 1, "search: cannot read the queries in /nonexistent-queries.txt"),
    ],
    ids=["no_query", "unreadable_queries"],
)
def test_without_a_query_the_error_is_one_line(site, args, status, message):
    done = bulletins("search", "--site", str(site), *args)
    assert done.returncode == status and done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_node_missing(site, tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no node on this PATH
    done = subprocess.run(
        [sys.executable, "-m", "bulletins.cli", "search", "--site", str(site), "经济"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    assert done.returncode == 1
    assert "node was not found" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_search_the_built_sample_site():
    """The Pelican plugin indexes every article of a real build, and the CLI finds them."""
    from support.sites import sample_site

    site = sample_site()
    articles = [p for p in site.output.rglob("bulletins/*/*/*.html") if p.name != "index.html"]
    manifest = json.loads((site.output / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["docs"] == len(articles) > 0
    done = bulletins("search", "--site", str(site.output), "常务会议", "--json", "--limit", "0")
    answer = json.loads(done.stdout)
    assert answer["total"] > 0
    for result in answer["results"]:
        assert (site.output / result["url"]).is_file(), result["url"]


@pytest.mark.slow
@pytest.mark.parametrize(("query", "found"), [("市财政局", True), ("2025年9月", True), ("市财政局2025年9月", False)])
def test_a_query_never_matches_across_table_cells(query, found):
    """The sample 公文's table has 市财政局 and 2025年9月 in two cells of one row, never shown together."""
    from support.sites import sample_site

    done = bulletins("search", "--site", str(sample_site().output), query, "--json", "--limit", "0")
    urls = {result["url"] for result in json.loads(done.stdout)["results"]}
    assert ("bulletins/2025/03/chengjiang-007.html" in urls) is found, urls


DAYS = {  # a --from/--to value -> whether it is taken (the index compares dates as text)
    "2023-01-01": True,
    "2024-02-29": True,
    "2023-02-30": False,
    "20230101": False,
    "2023-W01-1": False,
    "2023-1-1": False,
    "0000-00-00": False,
    "yesterday": False,
}


@pytest.mark.parametrize(("value", "taken"), DAYS.items(), ids=DAYS.keys())
def test_date_filters_take_only_real_days(value, taken):
    if taken:
        assert search_cli.iso_day(value) == value
    else:
        with pytest.raises(argparse.ArgumentTypeError, match="not a day written YYYY-MM-DD"):
            search_cli.iso_day(value)


def test_a_date_filter_that_is_no_day_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["search", "--from", "20230101", "经济"])
    assert exit.value.code == 2
    assert "argument --from: not a day written YYYY-MM-DD: '20230101'" in capsys.readouterr().err
