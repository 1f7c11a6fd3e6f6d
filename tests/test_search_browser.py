"""The search page in Chromium, over http://127.0.0.1 and over file://.

Expected results come from the built site's own Markdown articles: a bulletin must be listed
exactly when its title or body contains the query. Every test also checks that the page made
no request outside the site and logged no error; hostile queries and hostile indexed text
must execute nothing (no dialog, no element the UI did not build itself).
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from xml.etree import ElementTree

import pytest

from bulletins.ingest.frontmatter import body_paragraphs, parse_article
from bulletins.search.foldmap import build_fold_map
from bulletins.search.tokens import FoldTable, fold
from support.browser import open_context, origin, screenshots
from support.sites import Site, corpus_site, hostile_site, sample_site

pytestmark = pytest.mark.browser

SMALL_CORPUS = 300
PAGE_SIZE = 10  # results per page in search-ui.js
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# The only elements search-ui.js builds inside the result region.
UI_TAGS = {"P", "OL", "LI", "H2", "A", "TIME", "SPAN", "MARK", "BUTTON"}
# Elements a successful injection would leave behind (the page has no inline script of its own).
COUNT_INJECTED = (
    "document.querySelectorAll('.search-page img, .search-page svg, .search-page iframe,"
    ' .search-page b, script:not([src]):not([type="application/ld+json"])\').length'
)
HOSTILE_QUERIES = {
    "img_onerror": "<img src=x onerror=alert(1)>",
    "attribute_breakout_script": '"><script>alert(1)</script>',
    "svg_onload": "'><svg onload=alert(1)>",
    "javascript_url": "javascript:alert(1)",
    "entity_and_quote": '&lt;b&gt; "<b>粗</b>',
}


@dataclass(frozen=True)
class Bulletin:
    title: str
    date: str
    category: str
    text: str  # title and body, for the substring check


def read_article(path: Path) -> Bulletin:
    """Title, date, category and plain text of one ``content/**/*.md`` article."""
    text = path.read_text(encoding="utf-8")
    header = parse_article(text)
    title = header.get("Title", "")
    body = "\n".join(body_paragraphs(text))
    return Bulletin(title, header.get("Date", "")[:10], header.get("Category", ""), title + "\n" + body)


@cache
def bulletins(site: Site) -> tuple[Bulletin, ...]:
    return tuple(read_article(path) for path in site.articles())


@cache
def folder() -> FoldTable:
    return FoldTable(build_fold_map())


@cache
def folded_texts(site: Site) -> tuple[str, ...]:
    return tuple(fold(b.text, folder()) for b in bulletins(site))


def matching(site: Site, query: str) -> list[Bulletin]:
    """The bulletins whose folded text contains the folded query (the search's contract)."""
    needle = fold(query, folder())
    return [b for b, text in zip(bulletins(site), folded_texts(site)) if needle in text]


def pick_queries(site: Site, count: int, most: int, least: int = 1, seed: int = 4) -> list[str]:
    """COUNT Han substrings of 2-6 characters from the site's bodies with LEAST..MOST hits."""
    rng = random.Random(seed)
    runs = [run for b in bulletins(site) for run in HAN_RUN.findall(b.text)]
    found: list[str] = []
    for _ in range(2000):
        run = rng.choice(runs)
        size = rng.randint(2, min(6, len(run)))
        start = rng.randrange(len(run) - size + 1)
        query = run[start : start + size]
        if query not in found and least <= len(matching(site, query)) <= most:
            found.append(query)
            if len(found) == count:
                return found
    pytest.fail(f"fewer than {count} queries with {least}-{most} hits in the {site.name} site")


# --- the page ------------------------------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def kind(request):
    return request.param


@pytest.fixture
def visit(browser, kind):
    """``visit(site)`` -> ``(page, base)`` opened over KIND; afterwards, every page opened must
    have stayed inside the site, opened no dialog and logged no error."""
    recorders = []
    with contextlib.ExitStack() as stack:

        def open_site(site: Site):
            where = stack.enter_context(origin(kind, site.output))
            context, recorder = open_context(browser, where.base, site.output)
            stack.callback(context.close)
            recorders.append(recorder)
            return context.new_page(), where.base

        yield open_site
        for recorder in recorders:
            recorder.assert_stayed_inside()
            assert not recorder.dialogs, f"a dialog opened: {recorder.dialogs}"
            recorder.assert_no_errors()


def settle(page, query: str) -> None:
    """Wait until the result region shows the outcome for QUERY."""
    page.wait_for_function(
        "q => { const r = document.getElementById('search-results');"
        " return r && r.dataset.state && r.dataset.query === q && !r.hasAttribute('aria-busy'); }",
        arg=query.strip(),
        timeout=20_000,
    )


def search(page, base: str, query: str, **filters) -> None:
    page.goto(base + "search.html?" + urlencode({"q": query, **filters}))
    settle(page, query)


def search_again(page, query: str) -> None:
    """A test's next query through the page's own form (the box, then Enter): no page load. The
    URL path is the first query's (``search``) and test_query_in_the_url's."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    settle(page, query)


def in_turn(page, base: str, queries) -> Iterator[str]:
    """Each query once the page shows its outcome: the first loaded through the URL, the others
    typed into the same page (``search_again``)."""
    for n, query in enumerate(queries):
        if n == 0:
            search(page, base, query)
        else:
            search_again(page, query)
        yield query


def shown(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#search-list > li",
        """items => items.map(li => ({
            title: li.querySelector('h2 a').textContent,
            href: li.querySelector('h2 a').href,
            date: (li.querySelector('time') || {}).textContent || '',
            category: (li.querySelector('.search-result-category') || {}).textContent || '',
            snippet: (li.querySelector('.search-result-snippet') || {}).textContent || '',
            marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
        }))""",
    )


def total(page) -> int:
    return int(page.get_attribute("#search-results", "data-total"))


def foreign_elements(page) -> list[str]:
    """Elements inside the result region that search-ui.js would never build."""
    return page.eval_on_selector_all(
        "#search-results *",
        f"els => els.map(e => e.tagName).filter(t => !{sorted(UI_TAGS)!r}.includes(t))",
    )


def page_path(href: str, root: Path) -> Path:
    """The file a result link points at, for http:// and file:// links alike."""
    path = unquote(urlsplit(href).path)
    return Path(path) if href.startswith("file:") else root / path.lstrip("/")


# --- the sites -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Site:
    return sample_site()


@pytest.fixture(scope="module")
def small_corpus() -> Site:
    return corpus_site(SMALL_CORPUS)


SITES = [
    pytest.param("sample", id="sample"),
    pytest.param("small_corpus", id="corpus", marks=pytest.mark.corpus),
]


@pytest.mark.parametrize("site_name", SITES)
def test_query_in_the_url_lists_exactly_the_matching_bulletins(request, visit, kind, site_name):
    site = request.getfixturevalue(site_name)
    page, base = visit(site)
    for n, query in enumerate(pick_queries(site, 3, most=PAGE_SIZE)):
        search(page, base, query)
        expected = matching(site, query)
        results = shown(page)
        assert total(page) == len(expected), query
        assert sorted(r["title"] for r in results) == sorted(b.title for b in expected), query
        assert parse_qs(urlsplit(page.url).query)["q"] == [query]
        for result in results:
            assert page_path(result["href"], site.output).is_file(), result["href"]
            if query in result["snippet"]:
                assert query in "".join(result["marks"]), result
        assert any(query in r["marks"] for r in results), f"no snippet marks {query!r}"
        if n == 0:
            screenshots(page, f"search-{site_name}-{kind}")


def test_typed_query_is_written_to_the_url_and_survives_a_reload(visit, sample):
    page, base = visit(sample)
    query = pick_queries(sample, 1, most=PAGE_SIZE)[0]
    page.goto(base + "search.html")
    assert page.is_visible("#search-tips")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    settle(page, query)
    assert parse_qs(urlsplit(page.url).query).get("q") == [query]
    before = [r["title"] for r in shown(page)]
    assert before and not page.is_visible("#search-tips")
    search(page, base, query)
    assert [r["title"] for r in shown(page)] == before


def test_results_follow_typing_without_enter(visit, sample):
    page, base = visit(sample)
    query = pick_queries(sample, 1, most=PAGE_SIZE, seed=5)[0]
    page.goto(base + "search.html")
    page.type("#search-q", query, delay=30)
    settle(page, query)
    assert total(page) == len(matching(sample, query))
    assert parse_qs(urlsplit(page.url).query).get("q") == [query]


@pytest.mark.parametrize(
    "page_name, box",
    [("search.html", "search-q"), ("index.html", "site-search-q")],
    ids=["search_page", "any_page"],
)
def test_slash_key_focuses_the_search_box(visit, sample, page_name, box):
    page, base = visit(sample)
    page.goto(base + page_name)
    page.focus("body")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == box
    page.keyboard.type("会议")
    assert page.input_value(f"#{box}") == "会议", "the slash itself must not be typed"


def test_traditional_query_finds_the_same_bulletins(visit, sample):
    opencc = pytest.importorskip("opencc")
    to_traditional = opencc.OpenCC("s2t")
    page, base = visit(sample)
    for query in in_turn(page, base, pick_queries(sample, 5, most=PAGE_SIZE, seed=11)):
        traditional = to_traditional.convert(query)
        # the pages, without the #hl= fragment that carries each query's own form to the article
        simplified = sorted(r["href"].partition("#")[0] for r in shown(page))
        search_again(page, traditional)
        assert sorted(r["href"].partition("#")[0] for r in shown(page)) == simplified, (query, traditional)


def test_no_result_and_empty_states(visit, sample):
    page, base = visit(sample)
    search(page, base, "绝不会出现的词语组合甲乙丙丁")
    assert total(page) == 0 and not shown(page)
    assert page.is_visible("#search-empty")
    assert "绝不会出现的词语组合甲乙丙丁" in page.text_content("#search-status")
    page.fill("#search-q", "")
    page.press("#search-q", "Enter")
    settle(page, "")
    assert page.is_visible("#search-tips") and not page.is_visible("#search-empty")


@pytest.mark.corpus
def test_more_results_appends_the_next_page(visit, small_corpus):
    page, base = visit(small_corpus)
    query = pick_queries(small_corpus, 1, least=PAGE_SIZE + 5, most=10 * PAGE_SIZE)[0]
    search(page, base, query)
    assert total(page) == len(matching(small_corpus, query))
    assert len(shown(page)) == PAGE_SIZE
    page.click("#search-more")
    page.wait_for_function("n => document.querySelectorAll('#search-list > li').length > n", arg=PAGE_SIZE)
    hrefs = [r["href"] for r in shown(page)]
    assert len(hrefs) == min(2 * PAGE_SIZE, total(page)) == len(set(hrefs))
    assert page.evaluate("document.activeElement.href") == hrefs[PAGE_SIZE], "focus moves to the first new result"


@pytest.mark.corpus
def test_filters_narrow_the_results_and_reach_the_url(visit, small_corpus):
    page, base = visit(small_corpus)
    query = pick_queries(small_corpus, 1, least=3 * PAGE_SIZE, most=100_000, seed=7)[0]
    everything = matching(small_corpus, query)
    search(page, base, query)
    kinds = "['search-from', 'search-to'].map((id) => document.getElementById(id).type)"
    assert page.evaluate(kinds) == ["date", "date"], "date pickers once the first answer is shown"
    options = page.eval_on_selector_all("#search-category option", "os => os.map(o => o.value).filter(Boolean)")
    assert set(options) >= {b.category for b in bulletins(small_corpus) if b.category}, "categories from the manifest"

    category = max(options, key=lambda c: sum(b.category == c for b in everything))
    page.select_option("#search-category", category)
    settle(page, query)
    assert total(page) == sum(b.category == category for b in everything)
    assert {r["category"] for r in shown(page)} == {category}
    assert parse_qs(urlsplit(page.url).query).get("category", [category]) == [category]

    dates = sorted(b.date for b in everything)
    start, end = dates[len(dates) // 4], dates[3 * len(dates) // 4]
    search(page, base, query, **{"from": start, "to": end, "sort": "date"})
    assert page.input_value("#search-from") == start and page.input_value("#search-sort") == "date"
    assert page.evaluate(kinds) == ["date", "date"] and page.input_value("#search-to") == end, "the URL's dates kept"
    assert total(page) == sum(start <= b.date <= end for b in everything)
    listed = [r["date"][:10] for r in shown(page)]
    assert listed == sorted(listed, reverse=True) and all(start <= d <= end for d in listed)

    # the same days as people write them in a link: read as days, not compared as text
    search(page, base, query, **{"from": start.replace("-", ""), "to": end.replace("-", "/"), "sort": "date"})
    assert total(page) == sum(start <= b.date <= end for b in everything)
    assert (page.input_value("#search-from"), page.input_value("#search-to")) == (start, end)


@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_hostile_query_executes_nothing(visit, sample, query):
    page, base = visit(sample)
    search(page, base, query)
    page.goto(base + "search.html")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    settle(page, query)
    assert query.strip() in page.text_content("#search-status") or total(page) > 0
    assert foreign_elements(page) == []
    assert page.evaluate(COUNT_INJECTED) == 0


PROTOTYPE_QUERIES = ("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "会议 constructor")


def test_prototype_names_are_ordinary_words(visit, sample):
    page, base = visit(sample)
    for query in in_turn(page, base, PROTOTYPE_QUERIES):
        assert page.get_attribute("#search-results", "data-state") in ("none", "results"), query
        assert total(page) == len(matching(sample, query)), query


HOSTILE_TEXT_QUERIES = ("自查", "城市更新", "防汛", "alert", "点我", "script")


def test_hostile_indexed_text_is_shown_as_text(visit, kind):
    site = hostile_site()
    page, base = visit(site)
    found = 0
    for query in in_turn(page, base, HOSTILE_TEXT_QUERIES):
        found += total(page)
        assert foreign_elements(page) == [], query
        for result in shown(page):
            assert urlsplit(result["href"]).scheme in ("http", "file"), result["href"]
    assert found, "the hostile bulletins were not found at all"
    search_again(page, "城市更新")
    screenshots(page, f"search-hostile-{kind}")
    assert page.evaluate(COUNT_INJECTED) == 0


def test_first_query_starts_with_the_manifest_already_loaded(visit, sample):
    """search.html carries the manifest as a deferred script: one request for it, made by the
    page before any term shard, and the packed (UTF-16) shards and result data decode."""
    page, base = visit(sample)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(unquote(urlsplit(request.url).path)))
    search(page, base, "城市更新")
    index = [path.split("/search/", 1)[1] for path in requested if "/search/" in path]
    assert index.count("manifest.js") == 1, index
    assert index[0] == "manifest.js", index
    assert any(name.startswith("t/") for name in index) and any(name.startswith("f/") for name in index)
    assert total(page) == len(matching(sample, "城市更新")) > 0
    assert all(result["marks"] for result in shown(page)), "every result shows where it matched"


def test_opensearch_description_points_at_the_search_page(sample):
    description = ElementTree.parse(sample.output / "opensearch.xml").getroot()
    url = description.find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert url.get("template").endswith("search.html?q={searchTerms}")
    assert url.get("type") == "text/html"
    link = 'rel="search" type="application/opensearchdescription+xml"'
    for page in ("index.html", "search.html"):
        assert link in (sample.output / page).read_text(encoding="utf-8"), page
