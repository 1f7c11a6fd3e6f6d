"""Search-term highlight in Chromium, over http:// and file://: a result link of search.html carries
the query (#hl=...), and the article marks every occurrence of its terms in the title and body —
as many <mark>s as the article's HTML holds occurrences (counted here in Python, folded as the
search folds) — with a bar to step through them and to clear them."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

import pytest

from support.browser import goto_fresh, open_context, opened_page, origin
from support.reading import folded, occurrences
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = "bulletins/2023/03/0314-changwu-5-gbk.html"
MARKS_JS = "() => [...document.querySelectorAll('mark.hl-mark')].map(m => m.textContent)"
FOCUS_JS = "() => [...document.querySelectorAll('mark.hl-mark')].indexOf(document.activeElement)"


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


@pytest.fixture(params=("http", "file"))
def opened(request, browser, site):
    with opened_page(browser, site.output, request.param) as page_and_base:
        yield page_and_base


def settle_search(page, query: str) -> None:
    page.wait_for_function(
        "q => { const r = document.getElementById('search-results');"
        " return r && r.dataset.state === 'results' && r.dataset.query === q; }",
        arg=query,
        timeout=20_000,
    )


def settle_marks(page) -> int:
    page.wait_for_selector("#hl-bar[data-count]", state="attached", timeout=20_000)
    return int(page.get_attribute("#hl-bar", "data-count"))


def bar(page) -> str:
    return page.text_content("#hl-status").strip()


def open_highlighted(page, base: str, query: str, path: str = ARTICLE) -> int:
    """Open PATH with QUERY highlighted (a fresh load: a new fragment alone loads nothing)."""
    goto_fresh(page, base + path + "#hl=" + quote(query))
    return settle_marks(page)


QUERIES = [
    pytest.param("常务会议", ["常务会议"], id="simplified"),
    pytest.param("常務會議", ["常务会议"], id="traditional-folds"),
    pytest.param("区政府 会议", ["区政府", "会议"], id="two-terms"),
    pytest.param('"第5次常务会议"', ["第5次常务会议"], id="quoted-phrase"),
]


@pytest.mark.parametrize("query, terms", QUERIES)
def test_following_a_result_marks_every_occurrence(opened, site, query, terms):
    page, base = opened
    page.goto(base + "search.html?q=" + quote(query))
    settle_search(page, query)
    link = page.locator(f'#search-list a[href*="{ARTICLE}"]')
    href = link.get_attribute("href")
    assert unquote(urlsplit(href).fragment.replace("+", " ")) == "hl=" + query, href
    link.click()
    count = settle_marks(page)
    expected = occurrences((site.output / ARTICLE).read_text(encoding="utf-8"), terms)
    marks = page.evaluate(MARKS_JS)
    assert count == len(marks) == expected > 1, (count, len(marks), expected)
    assert {folded(m) for m in marks} <= {folded(t) for t in terms}
    assert page.locator("#bulletin-title mark.hl-mark").count() >= 1, "the title is marked too"
    assert bar(page) == f"第 1 / {count} 处"


def test_next_and_previous_move_the_focus_round_the_marks(opened):
    page, base = opened
    count = open_highlighted(page, base, "会议")
    assert count >= 3
    page.click("#hl-next")
    assert page.evaluate(FOCUS_JS) == 1 and bar(page) == f"第 2 / {count} 处"
    page.keyboard.press("n")
    assert page.evaluate(FOCUS_JS) == 2 and bar(page) == f"第 3 / {count} 处"
    page.keyboard.press("p")
    page.keyboard.press("p")
    assert page.evaluate(FOCUS_JS) == 0
    page.keyboard.press("p")
    assert page.evaluate(FOCUS_JS) == count - 1 and bar(page) == f"第 {count} / {count} 处", "wraps to the last"
    page.click("#hl-next")
    assert page.evaluate(FOCUS_JS) == 0, "and back to the first"
    assert page.locator("mark.hl-current").count() == 1
    in_view = page.evaluate(
        "() => { const r = document.querySelector('mark.hl-current').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert in_view


def test_shortcut_keys_typed_in_a_field_leave_the_marks_alone(opened):
    page, base = opened
    count = open_highlighted(page, base, "会议")
    page.focus("#site-search-q")
    page.keyboard.type("np")
    page.keyboard.press("Escape")
    assert bar(page) == f"第 1 / {count} 处" and len(page.evaluate(MARKS_JS)) == count
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Escape")
    assert page.evaluate(MARKS_JS) == [] and page.is_hidden("#hl-bar")


@pytest.mark.parametrize("how", ["button", "escape"])
def test_clear_removes_every_mark_and_the_terms_from_the_address(opened, how):
    page, base = opened
    page.goto(base + ARTICLE)
    text = page.text_content("article")
    open_highlighted(page, base, "常务会议")
    page.click("#hl-next")
    if how == "button":
        page.click("#hl-clear")
    else:
        page.keyboard.press("Escape")
    assert page.evaluate(MARKS_JS) == [] and page.locator("mark").count() == 0
    assert page.is_hidden("#hl-bar")
    assert urlsplit(page.url).fragment == "" and page.url.endswith(ARTICLE)
    assert page.text_content("article") == text, "the article's text is what it was"
    assert page.evaluate("document.activeElement.id") == "content", "focus does not fall off the page"


HOSTILE = [
    pytest.param('<img src=x onerror="alert(1)">', id="markup"),
    pytest.param("会议</mark><script>alert(1)</script>", id="closing-tag"),
    pytest.param("绝不会出现的词语", id="absent"),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_a_query_is_only_ever_text(opened, query):
    page, base = opened
    count = open_highlighted(page, base, query)
    assert page.locator("article img, article script, main img").count() == 0
    marks = page.evaluate(MARKS_JS)
    assert len(marks) == count and all(folded(m) in folded(query) for m in marks)
    if not count:
        assert bar(page) == f"本页正文中没有「{query}」" and page.is_hidden("#hl-next")


def test_without_the_index_exact_forms_are_still_marked(browser, site):
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root)
        context.route("**/search/manifest.js", lambda route: route.abort())
        page = context.new_page()
        html = (site.output / ARTICLE).read_text(encoding="utf-8")
        exact = open_highlighted(page, where.base, "常务会议")
        traditional = open_highlighted(page, where.base, "常務會議")
        context.close()
    assert exact == occurrences(html, ["常务会议"]) > 1 and traditional == 0
