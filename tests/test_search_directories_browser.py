"""The search page in Chromium, over http://127.0.0.1 and file://, on the sample site rebuilt
with a manifest that names directories of term shards (``SEARCH_INDEX_DIRECT_SHARDS=0``,
index format 5): a bulletin is listed exactly when its text contains the query."""

from __future__ import annotations

import json
import shutil

import pytest

from bulletins.search.build import FORMAT_DIRECTORIES
from support.sites import ONE_PROCESS, ROOT, Site, pelican, sample_site, source_roots
from test_search_browser import PAGE_SIZE, kind, matching, pick_queries, search, shown, total, visit  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> Site:
    """The sample site's output copied and rebuilt in place with every shard behind a directory."""
    sample = sample_site()
    home = tmp_path_factory.mktemp("listed")
    shutil.copytree(sample.output, home / "output")
    overrides = (f'CACHE_PATH="{home / "cache"}"', "SEARCH_INDEX_DIRECT_SHARDS=0", source_roots((ROOT / "sources",)))
    pelican(sample.content, home / "output", *overrides, *ONE_PROCESS)
    return Site("sample-listed", sample.content, home / "output")


def test_every_query_lists_exactly_the_matching_bulletins(visit, kind, listed):  # noqa: F811
    manifest = json.loads((listed.output / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == FORMAT_DIRECTORIES
    assert any(listed.output.glob("search/t/dir-*.js"))
    page, base = visit(listed)
    for query in [*pick_queries(listed, 4, most=PAGE_SIZE), "會議", "不存在的词语"]:
        search(page, base, query)
        expected = matching(listed, query)
        assert total(page) == len(expected), query
        titles, wanted = [r["title"] for r in shown(page)], sorted(b.title for b in expected)
        if len(expected) <= PAGE_SIZE:
            assert sorted(titles) == wanted, query
        else:  # the first page of many
            assert len(titles) == PAGE_SIZE and set(titles) <= set(wanted), query
