"""Sources that try to inject markup or script build into pages that show the text literally
and run nothing.

The fixture corpus (tests/fixtures/hostile/: a .txt, an .html page and a .jsonl collection)
puts ``<script>``, ``"><img src=x onerror=...>``, ``javascript:`` links and Markdown tricks
into titles, publishers, categories, people lines, 《》 document titles and bodies.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from bulletins.ingest.frontmatter import body_paragraphs, split_file
from support.browser import open_context, origin
from support.fidelity import assert_nothing_lost
from support.sites import HOSTILE, Site, hostile_site

# Strings the fixtures carry; each must reach at least one article and show literally there.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click here](javascript:alert(1))",
    '<a href="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "{{ 7*7 }}",
)
# Where our own scripts live in the output; anything else executable came from a source.
OUR_SCRIPT_FOLDERS = ("theme/", "search/")
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")
FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "frameset")
# Runs before any page script: any of these being called counts as executed script.
TRAP = """
window.__called = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__called.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture(scope="module")
def site() -> Site:
    return hostile_site()


def markup_problems(html: str, page: Path, root: Path) -> list[str]:
    """Everything on a built page that could run script or load something a source chose."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.lower().startswith("on"):
                problems.append(f"<{tag.name} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES and "".join(value.split()).lower().startswith(
                ("javascript:", "vbscript:")
            ):
                problems.append(f"<{tag.name} {name}={value!r}>")
        if tag.name in FORBIDDEN_TAGS:
            problems.append(f"<{tag.name}> element")
        if tag.name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
    for script in soup.find_all("script"):
        if script.get("type", "").lower() in DATA_SCRIPT_TYPES and not script.get("src"):
            json.loads(script.string or "null")  # data only, and it must parse
            continue
        src = script.get("src")
        if not src:
            problems.append(f"inline script: {str(script)[:80]}")
            continue
        target = (page.parent / urlsplit(src).path).resolve()
        relative = target.relative_to(root.resolve()).as_posix() if root.resolve() in target.parents else src
        if not relative.startswith(OUR_SCRIPT_FOLDERS) or not target.is_file():
            problems.append(f"script from {src}")
    return problems


def article_text(article: Path) -> str:
    """An article's header values and body paragraphs as plain text."""
    header, _ = split_file(article.read_text(encoding="utf-8"))
    return "\n".join([*header.values(), *body_paragraphs(article.read_text(encoding="utf-8"))])


def test_every_hostile_source_became_an_article(site):
    articles = site.articles()
    records = sum(1 for line in (HOSTILE / "collection_with_markup.jsonl").open(encoding="utf-8") if line.strip())
    expected = records + len(list(HOSTILE.glob("*.txt"))) + len(list(HOSTILE.glob("*.html")))
    print(f"hostile: {len(articles)} articles from {expected} sources, {len(site.pages())} pages")
    assert len(articles) == expected


def test_payloads_reach_the_articles(site):
    texts = [article_text(a) for a in site.articles()]
    missing = [p for p in PAYLOADS if not any(p in t for t in texts)]
    assert not missing, f"payloads that no article carries (the fixture or ingest dropped them): {missing}"


def test_no_page_carries_script_or_markup_from_a_source(site):
    problems = {}
    for page in site.pages():
        found = markup_problems(page.read_text(encoding="utf-8"), page, site.output)
        if found:
            problems[str(page.relative_to(site.output))] = found
    assert not problems, f"{len(problems)} pages carry markup from sources: {dict(list(problems.items())[:5])}"


def test_header_injection_changes_no_setting(site):
    """A title or publisher carrying ``Save_as:``/``Template:``/``Status:`` lines stays one value."""
    home = site.output.parent
    strays = [
        p
        for p in home.rglob("*")
        if p.is_file()
        and site.output not in p.parents
        and site.content not in p.parents
        and p.parent != home
        and "cache" not in p.parts
    ]
    assert not strays, strays
    assert not list(home.rglob("pwned.html"))
    assert all(site.page_of(a).is_file() for a in site.articles()), "an article became a draft or moved"


def test_every_article_links_a_raw_copy_from_the_source_roots(site):
    """Sources inside the roots the build was given are still copied, never as HTML."""
    for article in site.articles():
        page = site.page_of(article).read_text(encoding="utf-8")
        href = BeautifulSoup(page, "html.parser").select_one("a.raw-link")["href"]
        copy = (site.page_of(article).parent / href).resolve()
        assert copy.is_file() and site.output.resolve() in copy.parents, href
        assert copy.suffix in (".txt", ".json"), href


def test_hostile_site_loses_nothing(site):
    assert_nothing_lost(site)


MARKUP_CASES = {
    "clean_page": ('<p>文字</p><script src="theme/js/a.js"></script>', []),
    "event_handler": ('<img src="a.png" onerror="alert(1)" alt="">', ["<img onerror='alert(1)'>"]),
    "javascript_href": ('<a href=" java\nscript:alert(1)">x</a>', ["<a href=' java\\nscript:alert(1)'>"]),
    "inline_script": ("<script>alert(1)</script>", ["inline script: <script>alert(1)</script>"]),
    "json_ld_data": ('<script type="application/ld+json">{"a": "</p>"}</script>', []),
    "foreign_script": ('<script src="raw/evil.js"></script>', ["script from raw/evil.js"]),
    "iframe": ('<iframe src="a.html"></iframe>', ["<iframe> element"]),
}


@pytest.mark.parametrize("html, expected", MARKUP_CASES.values(), ids=MARKUP_CASES.keys())
def test_markup_problems(tmp_path, html, expected):
    (tmp_path / "theme" / "js").mkdir(parents=True)
    (tmp_path / "theme" / "js" / "a.js").write_text("", encoding="utf-8")
    assert markup_problems(html, tmp_path / "index.html", tmp_path) == expected


def shown_literally(page, article: Path, text: str) -> list[str]:
    """The payloads of ARTICLE's TEXT that its open PAGE shows literally (asserting each is)."""
    title = split_file(article.read_text(encoding="utf-8"))[0]["Title"]
    assert page.locator("main h1").first.inner_text().strip() == title
    visible = page.locator("body").inner_text()
    shown = []
    for payload in PAYLOADS:
        if payload in text:
            assert payload in visible, f"{article.name}: {payload!r} is not shown literally"
            shown.append(payload)
    return shown


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_runs_no_source_script_and_shows_payloads_literally(browser, site):
    articles = {site.page_of(a): (a, article_text(a)) for a in site.articles()}
    pages = site.pages()
    assert len(articles) == len(site.articles()) and set(articles) <= set(pages), "an article without its own page"
    shown, executed = [], []
    with origin("http", site.output) as where:
        context, record = open_context(browser, where.base, where.root)
        context.add_init_script(TRAP)
        page = context.new_page()
        for path in pages:
            page.goto(where.base + path.relative_to(site.output).as_posix())
            executed += page.evaluate("window.__called")
            handlers = page.evaluate(
                "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
            )
            assert not handlers, f"{path.name}: elements with event handlers {handlers}"
            if path in articles:  # an article's page: its title and payloads, as text
                shown += shown_literally(page, *articles[path])
        context.close()
    print(
        f"hostile: {len(pages)} pages opened, {len(shown)} payloads shown literally, "
        f"{len(executed)} script calls, {len(record.dialogs)} dialogs"
    )
    assert not executed and not record.dialogs, executed + record.dialogs
    assert not record.page_errors, record.page_errors
    record.assert_stayed_inside()
    assert set(shown) == set(PAYLOADS)
