"""The gazette in Chromium, over http://127.0.0.1 and file://: the 仅现行有效 box of the search
page, and the banner of a repealed document leading to the document that repealed it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from support.browser import open_context, origin
from support.gazette_site import DOCUMENTS, PLUGINS, build, href_of

pytestmark = pytest.mark.browser
QUERY = "收费管理办法"  # two documents of this title: the 2019 one repealed, the 2023 one in force


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("gazette-browser"), DOCUMENTS, PLUGINS=[*PLUGINS, "bulletins.plugins.search_index"]
    )


@pytest.fixture(params=["http", "file"])
def opened(request, browser, site):
    with origin(request.param, site) as where:
        context, recorder = open_context(browser, where.base, site)
        yield context.new_page(), where.base
        context.close()
        recorder.assert_stayed_inside()
        recorder.assert_no_errors()


def settle(page, query: str) -> None:
    page.wait_for_function(
        "q => { const r = document.getElementById('search-results');"
        " return r && r.dataset.state && r.dataset.query === q && !r.hasAttribute('aria-busy'); }",
        arg=query,
        timeout=20_000,
    )


def results(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#search-list > li",
        "items => items.map(li => [li.querySelector('h2 a').textContent,"
        " (li.querySelector('.search-result-status') || {}).textContent || ''])",
    )


def test_in_force_box_leaves_out_the_repealed_document(opened):
    page, base = opened
    page.goto(base + "search.html?" + urlencode({"q": QUERY}))
    settle(page, QUERY)
    everything = results(page)
    assert ["澄溪区收费管理办法", "已废止"] in everything and ["澄溪区收费管理办法", ""] in everything
    busy_at_once = page.evaluate(
        "() => { document.getElementById('search-inforce').click();"
        " return document.getElementById('search-results').getAttribute('aria-busy'); }"
    )
    assert busy_at_once == "true", "the old list must not look settled while the new answer is due"
    settle(page, QUERY)
    kept = results(page)
    assert len(kept) == len(everything) - 1 and all(status != "已废止" for _, status in kept)
    assert parse_qs(urlsplit(page.url).query).get("inforce") == ["1"]
    page.reload()
    settle(page, QUERY)
    assert page.is_checked("#search-inforce") and results(page) == kept


def test_repealed_page_banner_leads_to_the_repealing_document(opened):
    page, base = opened
    page.goto(base + href_of("fee-2019"))
    banner = page.locator(".lifecycle-banner")
    assert "已废止" in banner.inner_text()
    banner.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "关于废止《澄溪区收费管理办法》的决定"
    assert "澄溪区收费管理办法" in page.locator(".related-repeals").inner_text()
