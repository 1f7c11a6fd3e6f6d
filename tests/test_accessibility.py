"""axe-core finds no WCAG 2.1 A/AA violation on the archive's kinds of page, light and dark, with
search results and search-term highlights shown, and in every reading setting (theme: light, dark,
high contrast; text size: standard, large, extra large).

axe is added to every page of these contexts before the page's own scripts run (an init script,
once per context); they also bypass the site's Content-Security-Policy, so the fallback that
injects axe as a script tag works in them too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.browser import WCAG21_AA, axe_violations, goto_fresh, open_context, origin, with_axe
from support.reading import stored
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")
QUERY = "常务会议"
# Pages in a state a script brings about: what to add to the page's URL and what to wait for.
STATES = {
    "search-results": ("search", "?q=" + QUERY, "#search-results[data-state=results]"),
    "article-highlight": ("article", "#hl=" + QUERY, "#hl-bar[data-count]"),
}
# The kinds checked in every reading setting (all kinds are checked in the default setting).
SETTING_KINDS = ("home", "article-highlight", "search-results")
THEMES = ("light", "dark", "contrast")
SIZES = ("", "large", "xlarge")


def first(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert found, f"no page matches {pattern} in {folder}"
    return found[0]


def representative_pages(site: Site) -> dict[str, Path]:
    """One page of each kind: home, archive, year and month archives, article, person, document, 404."""
    out = site.output
    article = max(site.articles(), key=lambda p: (p.read_text(encoding="utf-8").count("\nPeople:"), p.name))
    year = first(out / "bulletins", "[0-9][0-9][0-9][0-9]/index.html")
    return {
        "home": out / "index.html",
        "archives": out / "archives.html",
        "year": year,
        "month": first(year.parent, "[0-9][0-9]/index.html"),
        "article": site.page_of(article),
        "person": first(out / "persons", "*.html"),
        "document": first(out / "documents", "*.html"),
        "category": first(out / "categories", "*.html"),
        "tag": first(out / "tags", "*.html"),
        "search": out / "search.html",
        "about": out / "about.html",
        "404": out / "404.html",
    }


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def page_urls(site: Site, kinds=None) -> dict[str, tuple[str, str | None]]:
    """KINDS (default: every kind and state) as (URL relative to the site, selector to wait for)."""
    pages = representative_pages(site)
    urls = {kind: (path.relative_to(site.output).as_posix(), None) for kind, path in pages.items()}
    for state, (kind, suffix, ready) in STATES.items():
        urls[state] = (urls[kind][0] + suffix, ready)
    return {kind: urls[kind] for kind in kinds or urls}


def axe_failures(page, base: str, urls: dict[str, tuple[str, str | None]], tags=WCAG21_AA) -> dict[str, list[dict]]:
    """axe's violations of TAGS on each of URLS opened in turn in PAGE (of a context prepared
    ``with_axe``), by kind; a kind without violations is left out."""
    failures = {}
    for kind, (url, ready) in urls.items():
        goto_fresh(page, base + url)
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=20_000)
        violations = axe_violations(page, tags)
        if violations:
            failures[f"{kind} ({url})"] = violations
    return failures


def assert_none(failures: dict[str, list[dict]], pages: int, what: str) -> None:
    count = sum(len(v) for v in failures.values())
    print(f"axe ({what}): {pages} pages, {count} violations")
    report = "\n".join(f"{where}:\n{describe(v)}" for where, v in failures.items())
    assert not failures, f"{count} WCAG 2.1 A/AA violations in {what}:\n{report}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_wcag21_aa_violation(browser, site, scheme):
    urls = page_urls(site)
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, bypass_csp=True, color_scheme=scheme)
        page = with_axe(context).new_page()
        failures = axe_failures(page, where.base, urls)
        dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        context.close()
    assert dark is (scheme == "dark"), "the pages were checked in the other colour scheme"
    assert_none(failures, len(urls), f"{scheme} mode")


@pytest.mark.parametrize("size", SIZES, ids=["standard", "large", "xlarge"])
@pytest.mark.parametrize("theme", THEMES)
def test_no_wcag21_aa_violation_in_any_reading_setting(browser, site, theme, size):
    urls = page_urls(site, SETTING_KINDS)
    # the system's scheme is the opposite of the chosen theme's where there is one
    system = "light" if theme == "dark" else "dark"
    settings = {"theme": theme, "size": size, "spacing": "loose" if size == "xlarge" else ""}
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, bypass_csp=True, color_scheme=system)
        with_axe(context).add_init_script(stored(settings))
        failures = axe_failures(context.new_page(), where.base, urls)
        context.close()
    assert_none(failures, len(urls), f"theme {theme}, size {size or 'standard'}")


def test_no_best_practice_violation_with_results_and_highlights(browser, site):
    """axe's best practices too (landmark-unique: the header's search form and the search page's
    form are two search landmarks, told apart by their names) on the pages scripts change."""
    urls = page_urls(site, SETTING_KINDS)
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, bypass_csp=True)
        failures = axe_failures(with_axe(context).new_page(), where.base, urls, ("best-practice",))
        context.close()
    assert_none(failures, len(urls), "best practices")


def test_axe_flags_a_page_without_alt_text_and_language(browser, tmp_path):
    (tmp_path / "bad.html").write_text(
        "<!doctype html><html><head><title>坏</title></head>"
        '<body><img src="x.png"><p style="color:#eee;background:#fff">对比度太低的文字</p></body></html>',
        encoding="utf-8",
    )
    with origin("file", tmp_path) as where:
        context, _ = open_context(browser, where.base, where.root, bypass_csp=True)
        page = context.new_page()
        page.goto(where.base + "bad.html")
        ids = {v["id"] for v in axe_violations(page)}
        context.close()
    assert {"image-alt", "html-has-lang", "color-contrast"} <= ids


def test_representative_pages_cover_every_kind(site):
    pages = representative_pages(site)
    assert {"home", "archives", "article", "person", "document", "404"} <= set(pages)
    assert set(SETTING_KINDS) <= set(page_urls(site))
    missing = [str(p) for p in pages.values() if not p.is_file()]
    assert not missing, missing
    assert re.search(r"bulletins/\d{4}/\d{2}/[^/]+\.html$", pages["article"].as_posix())
