"""The 引用 block in Chromium, over http://127.0.0.1 and file://: today's date, the page's own URL,
copy (clipboard, and the select-the-text fallback), print button and layout, no script, axe."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

import pytest

from support.browser import axe_violations, open_context, origin
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ORIGINS = ("http", "file")
# Counts window.print() calls instead of opening a print dialog (runs before the page's scripts).
PRINT_SPY = "window.__printed = 0; window.print = () => { window.__printed += 1; };"
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });"


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


def article(site: Site) -> Path:
    """An article with a publisher and a 文号 (the fullest reference)."""
    for md in site.articles():
        text = md.read_text(encoding="utf-8")
        if "\nPublisher:" in text and "\nDocNumber:" in text:
            return site.page_of(md)
    raise AssertionError("no sample article has a publisher and a 文号")


def cite_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator(".cite-text").inner_text()).strip()


def selected(page) -> str:
    return re.sub(r"\s+", " ", page.evaluate("getSelection().toString()")).strip()


@contextlib.contextmanager
def opened(browser, site, kind, *scripts, **options):
    """``(page, context, recorder, url)`` with the article open and cite.js run, for the block."""
    path = article(site).relative_to(site.output).as_posix()
    with origin(kind, site.output) as where:
        context, record = open_context(browser, where.base, where.root, **options)
        try:
            for script in scripts:
                context.add_init_script(script)
            page = context.new_page()
            page.goto(where.base + path)
            page.wait_for_selector(".cite-copy:not([hidden])")
            yield page, context, record, where.base + path
        finally:
            context.close()


@pytest.mark.parametrize("kind", ORIGINS)
def test_date_url_copy_and_print(browser, site, kind):
    with opened(browser, site, kind, PRINT_SPY) as (page, context, record, url):
        today = dt.date.today().isoformat()
        assert page.locator(".cite-accessed").inner_text() == today
        assert page.locator(".cite-url").inner_text() == url
        assert re.fullmatch(rf".+\[EB/OL\]\. \(\d{{4}}-\d\d-\d\d\)\[{today}\]\. {re.escape(url)}\.", cite_text(page))
        assert not page.locator(".cite-nojs").is_visible()
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.locator(".cite-copy").click()
        page.wait_for_selector(".cite-status:not(:empty)")
        status = page.locator(".cite-status").inner_text()
        if status == "已复制":
            assert page.evaluate("navigator.clipboard.readText()") == cite_text(page)
        else:  # the browser refused the clipboard here: the text is selected instead
            assert status.startswith("已选中"), status
            assert selected(page) == cite_text(page)
        print(f"copy over {kind}: {status}")
        page.locator(".cite-print").click()
        assert page.evaluate("window.__printed") == 1
        record.assert_stayed_inside()
        record.assert_no_errors()


@pytest.mark.parametrize("kind", ORIGINS)
def test_copy_falls_back_to_selecting_the_text(browser, site, kind):
    with opened(browser, site, kind, NO_CLIPBOARD) as (page, _, record, _):
        page.locator(".cite-copy").click()
        page.wait_for_selector(".cite-status:not(:empty)")
        assert page.locator(".cite-status").inner_text().startswith("已选中")
        assert page.locator(".cite-status").get_attribute("aria-live") == "polite"
        assert selected(page) == cite_text(page)
        record.assert_no_errors()


@pytest.mark.parametrize("kind", ORIGINS)
def test_print_layout_keeps_table_and_reference_hides_buttons(browser, site, kind):
    with opened(browser, site, kind) as (page, _, _, url):
        page.emulate_media(media="print")
        assert page.locator("table.meta").is_visible()
        assert page.locator(".cite-text").is_visible() and page.locator(".cite-url").inner_text() == url
        for hidden in (".cite-copy", ".cite-print", ".cite-files", ".site-nav", ".site-search", ".neighbors"):
            assert not page.locator(hidden).first.is_visible(), hidden


def test_without_script_the_placeholder_and_note_show(browser, site):
    path = article(site).relative_to(site.output).as_posix()
    with origin("file", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, java_script_enabled=False)
        page = context.new_page()
        page.goto(where.base + path)
        assert page.locator(".cite-accessed").inner_text() == "引用日期"
        assert page.locator(".cite-url").inner_text() == path
        assert page.locator(".cite-nojs").is_visible()
        assert not page.locator(".cite-copy").is_visible() and not page.locator(".cite-print").is_visible()
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_article_page_has_no_axe_violation(browser, site, scheme):
    with opened(browser, site, "http", bypass_csp=True, color_scheme=scheme) as (page, _, _, _):
        page.locator(".cite-copy").click()  # with the status message shown too
        page.wait_for_selector(".cite-status:not(:empty)")
        assert axe_violations(page) == []
