"""The search page's first query, over http:// and file://: the page asks for the query's index
files before it is laid out and painted.

search.html preloads its scripts beside the blocking reading.js and marks them render-blocking,
so they run before the first frame and the first query's term shards are already requested
while the page is styled, laid out and painted (see README, Search benchmark).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from support.browser import open_context, origin
from support.reading import SEARCH_SCRIPTS
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERIES = {"two_characters": "会议", "phrase": "城市更新", "traditional": "常務會議"}
# When the first term shard's <script> is added, and when the first frame is painted.
ORDER_JS = """
window.__firstQuery = {shard: null, paint: null};
new MutationObserver((records, observer) => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.tagName === 'SCRIPT' && /\\/search\\/t\\//.test(node.src)) {
      window.__firstQuery.shard = performance.now();
      return observer.disconnect();
    }
  }
}).observe(document, {childList: true, subtree: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.name === 'first-paint' && window.__firstQuery.paint === null) window.__firstQuery.paint = entry.startTime;
  }
}).observe({type: 'paint', buffered: true});
"""


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


def head(site: Site) -> BeautifulSoup:
    return BeautifulSoup((site.output / "search.html").read_text(encoding="utf-8"), "html.parser").head


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.mark.parametrize("script", SEARCH_SCRIPTS)
def test_each_search_script_is_preloaded_before_the_blocking_settings_script(site, script):
    page = head(site)
    reading = page.find("script", src=lambda src: src and src.endswith("/js/reading.js"))
    preloads = [link for link in page.find_all("link", rel="preload") if name_of(link["href"]) == script]
    assert len(preloads) == 1, script
    assert preloads[0]["as"] == "script"
    assert preloads[0].sourceline < reading.sourceline


def test_the_stylesheet_is_preloaded_before_the_blocking_settings_script(site):
    """The deferred scripts run only once the stylesheet is in, and with a CSP <meta> in the head
    Chromium's preload scanner does not request it until reading.js has run."""
    page = head(site)
    reading = page.find("script", src=lambda src: src and src.endswith("/js/reading.js"))
    sheet = page.find("link", rel="stylesheet", media=None)
    (preload,) = [link for link in page.find_all("link", rel="preload") if link["as"] == "style"]
    assert preload["href"] == sheet["href"]
    assert preload.sourceline < reading.sourceline < sheet.sourceline


def test_the_settings_script_and_the_stylesheet_are_requested_first(site):
    """Six connections to a host over HTTP/1.1: the blocking script and the stylesheet the deferred
    scripts wait for are requested before them."""
    preloads = head(site).find_all("link", rel="preload")
    assert [(link["as"], name_of(link["href"])) for link in preloads[:2]] == [
        ("style", "site.css"),
        ("script", "reading.js"),
    ]
    assert [name_of(link["href"]) for link in preloads[2:]] == list(SEARCH_SCRIPTS)


@pytest.mark.parametrize("script", SEARCH_SCRIPTS)
def test_each_search_script_is_deferred_and_render_blocking(site, script):
    (tag,) = [s for s in head(site).find_all("script", src=True) if name_of(s["src"]) == script]
    assert tag.has_attr("defer") and tag.get("blocking") == "render", tag


def test_preloads_and_scripts_name_the_same_files_in_the_same_order(site):
    page = head(site)
    preloaded = [link["href"] for link in page.find_all("link", rel="preload") if link["as"] == "script"][1:]
    deferred = [s["src"] for s in page.find_all("script", src=True) if s.has_attr("defer")]
    assert preloaded == deferred
    assert [name_of(src) for src in deferred] == list(SEARCH_SCRIPTS)


# What the date text boxes take: the forms search-view.js's isoDay reads (tests/js/search-ui.test.mjs).
DAY_PATTERN = r"\d{4}([\-\/.])\d{1,2}\1\d{1,2}|\d{8}|\d{4}年\d{1,2}月\d{1,2}日?"
DAYS_TYPED = {"2023-01-05": True, "2023/1/5": True, "2023.1.5": True, "20230105": True, "2023年1月5日": True,
              "2023/1-5": False, "2023-1": False, "昨天": False}  # fmt: skip


@pytest.mark.parametrize(("typed", "valid"), DAYS_TYPED.items(), ids=DAYS_TYPED.keys())
def test_the_date_pattern_takes_the_forms_the_page_reads(typed, valid):
    assert bool(re.fullmatch(DAY_PATTERN, typed)) == valid


@pytest.mark.parametrize("name", ["from", "to"])
def test_date_fields_arrive_as_text_that_takes_an_iso_date(site, name):
    """Date pickers made at load cost the first query some 10-20 ms of style and layout before its
    results can be fetched (README, Search benchmark): search-ui.js makes them after the first
    answer; the field before that takes YYYY-MM-DD as typed."""
    page = BeautifulSoup((site.output / "search.html").read_text(encoding="utf-8"), "html.parser")
    field = page.find("input", id=f"search-{name}")
    assert field["type"] == "text" and field["name"] == name
    assert field["pattern"] == DAY_PATTERN and page.find("label", attrs={"for": f"search-{name}"})


@pytest.mark.parametrize("kind", ["http", "file"])
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_first_query_requests_its_shards_before_the_first_paint(browser, site, kind, query):
    with origin(kind, site.output) as where:
        context, recorder = open_context(browser, where.base, site.output)
        context.add_init_script(ORDER_JS)
        page = context.new_page()
        page.goto(where.base + "search.html?q=" + query)
        page.wait_for_function(
            "() => { const r = document.getElementById('search-results');"
            " return r && r.dataset.state && !r.hasAttribute('aria-busy') && window.__firstQuery.paint !== null; }",
            timeout=20_000,
        )
        order = page.evaluate("window.__firstQuery")
        assert page.get_attribute("#search-results", "data-state") == "results", query
        context.close()
    recorder.assert_no_errors()
    assert order["shard"] is not None, "no term shard was requested"
    assert order["shard"] < order["paint"], order
