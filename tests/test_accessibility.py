"""axe-core finds no WCAG 2.1 A/AA violation on the archive's kinds of page, light and dark.

axe is injected as a script tag, which the site's Content-Security-Policy (no inline script)
would block: these contexts, and only these, bypass the CSP.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.browser import axe_violations, launch, open_context, origin
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")


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


@pytest.fixture(scope="module")
def browser():
    with launch() as chromium:
        yield chromium


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_wcag21_aa_violation(browser, site, scheme):
    pages = representative_pages(site)
    failures = {}
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, bypass_csp=True, color_scheme=scheme)
        page = context.new_page()
        for kind, path in pages.items():
            page.goto(where.base + path.relative_to(site.output).as_posix())
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark is (scheme == "dark")
            violations = axe_violations(page)
            if violations:
                failures[f"{kind} ({path.relative_to(site.output)})"] = violations
        context.close()
    count = sum(len(v) for v in failures.values())
    print(f"axe ({scheme}): {len(pages)} pages, {count} violations")
    report = "\n".join(f"{where}:\n{describe(v)}" for where, v in failures.items())
    assert not failures, f"{count} WCAG 2.1 A/AA violations in {scheme} mode:\n{report}"


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
    missing = [str(p) for p in pages.values() if not p.is_file()]
    assert not missing, missing
    assert re.search(r"bulletins/\d{4}/\d{2}/[^/]+\.html$", pages["article"].as_posix())
