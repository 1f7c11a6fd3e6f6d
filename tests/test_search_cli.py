"""``bulletins search``: the site's own search-core.js under Node, from the terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.search import cli as search_cli
from bulletins.search.build import build_index
from support.search_fixture import FIXTURE_DOCS

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "theme" / "static" / "js" / "search-core.js"
BULLETINS = [sys.executable, "-m", "bulletins.cli"]

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A built-site layout: search/ from the builder, theme/js/search-core.js as Pelican copies it."""
    root = tmp_path_factory.mktemp("site")
    build_index(FIXTURE_DOCS, root / "search")
    (root / "theme" / "js").mkdir(parents=True)
    shutil.copy(CORE, root / "theme" / "js" / "search-core.js")
    return root


def bulletins(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*BULLETINS, *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env)


def test_json_lists_every_result_with_its_fields(site):
    done = bulletins("search", "--site", str(site), "经济发展", "--json", "--limit", "0")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    expected = {d["source_id"] for d in FIXTURE_DOCS if "经济发展" in d["body"] + d["title"]}
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
    with search_cli.NodeSearch(site / "theme" / "js" / "search-core.js", site / "search") as node:
        direct = node.search("會議", limit=0)
    done = bulletins("search", "--site", str(site), "會議", "--json", "--limit", "0")
    assert [r["url"] for r in json.loads(done.stdout)["results"]] == [r["url"] for r in direct["results"]]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--site", "/nonexistent-site"], "no search index in /nonexistent-site"),
        (["--limit", "-1"], "--limit must be 0 (all) or more"),
    ],
    ids=["no_index", "negative_limit"],
)
def test_user_errors_are_one_line(site, args, message):
    done = bulletins("search", "经济", *args)
    assert done.returncode != 0
    assert message in done.stderr
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
