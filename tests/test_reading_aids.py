"""Reading aids in Chromium, over http:// and file://: text size, theme and line spacing change
the page's computed styles and persist across pages; the keyboard reaches every control with a
visible focus, and the shortcuts never fire while the reader types."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from support.browser import open_context, opened_page, origin
from support.reading import SEARCH_SCRIPTS, STYLES_JS, contrast, stored
from support.sites import Site, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ORIGINS = ("http", "file")
STANDARD = 16.0  # px: the root font size with no setting (the browser's default 100%)
ARTICLE = "bulletins/2023/03/0314-changwu-5-gbk.html"
FOCUSABLE_JS = """() => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
  .filter(e => !e.disabled && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map((e, i) => (e.dataset.tabStop = String(i)))"""
ACTIVE_JS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {stop: e.dataset.tabStop || null, tag: e.tagName, text: (e.textContent || e.id).trim().slice(0, 20),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          page: getComputedStyle(document.documentElement).backgroundColor}; }"""


# What <html> carries when the first frame is drawn (an init script runs before any of the page's).
FIRST_FRAME_JS = """requestAnimationFrame(() => { const h = document.documentElement;
  window.firstFrame = ['data-text-size', 'data-theme', 'data-line-spacing'].map(a => h.getAttribute(a)); });"""


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


@pytest.fixture(params=ORIGINS)
def opened(request, browser, site):
    """A fresh page (empty localStorage) on the sample site over http:// or file://, and its base URL."""
    with opened_page(browser, site.output, request.param) as page_and_base:
        yield page_and_base


def styles(page) -> dict:
    return page.evaluate(STYLES_JS)


def choose(page, name: str, value: str) -> None:
    page.click("#reading-settings > summary")
    page.click(f'button[data-reading="{name}"][data-value="{value}"]')


def check_size(before, after, value):
    ratio = after["fontSize"] / before["fontSize"]
    assert before["fontSize"] == STANDARD
    assert ratio == {"large": 1.25, "xlarge": 1.5}[value] and (value != "xlarge" or ratio >= 1.5), ratio


def check_theme(before, after, value):
    background = {"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)", "contrast": "rgb(255, 255, 255)"}
    assert after["background"] == background[value]
    assert contrast(after["color"], after["background"]) >= (7 if value == "contrast" else 4.5)
    if value == "contrast":
        assert after["color"] == "rgb(0, 0, 0)" and "underline" in after["linkLine"]


def check_spacing(before, after, value):
    assert before["lineHeight"] / before["fontSize"] == pytest.approx(1.8)
    assert after["lineHeight"] / after["fontSize"] == pytest.approx(2.2)


CHOICES = [
    pytest.param("size", "large", "light", check_size, id="size-large"),
    pytest.param("size", "xlarge", "light", check_size, id="size-xlarge"),
    pytest.param("theme", "dark", "light", check_theme, id="theme-dark"),
    pytest.param("theme", "light", "dark", check_theme, id="theme-light-over-dark-system"),
    pytest.param("theme", "contrast", "dark", check_theme, id="theme-contrast"),
    pytest.param("spacing", "loose", "light", check_spacing, id="spacing-loose"),
]


@pytest.mark.parametrize("name, value, system, check", CHOICES)
def test_a_setting_changes_the_page_and_persists_across_pages(browser, site, kind, name, value, system, check):
    with origin(kind, site.output) as where:
        context, recorder = open_context(browser, where.base, where.root, color_scheme=system)
        page = context.new_page()
        page.goto(where.base + "index.html")
        before = styles(page)
        assert f"{name}=" in before["pressed"], "the default is shown as chosen"
        choose(page, name, value)
        after = styles(page)
        check(before, after, value)
        assert f"{name}={value}" in after["pressed"] and f"{name}=" not in after["pressed"]
        page.goto(where.base + ARTICLE)
        again = styles(page)
        assert {k: again[k] for k in ("fontSize", "lineHeight", "color", "background")} == {
            k: after[k] for k in ("fontSize", "lineHeight", "color", "background")
        }
        assert again["pressed"] == after["pressed"], "the controls show the stored choice"
        context.close()
    recorder.assert_no_errors()


@pytest.fixture(params=ORIGINS)
def kind(request):
    return request.param


def head_of(html: str) -> str:
    """HTML up to the end of its ``<head>`` (all of it when there is no ``</head>``): the same
    head, and the same line numbers, for a fraction of the parsing."""
    end = html.find("</head>")
    return html if end < 0 else html[: end + len("</head>")]


HEADS = {
    "whole_head": (
        "<html><head><title>a</title></head><body><p>b</p></body></html>",
        "<html><head><title>a</title></head>",
    ),
    "no_head_end": ("<html><head><title>a</title><body>b", "<html><head><title>a</title><body>b"),
    "empty": ("", ""),
}


@pytest.mark.parametrize("html, expected", HEADS.values(), ids=HEADS.keys())
def test_head_of(html, expected):
    assert head_of(html) == expected


def test_the_settings_script_runs_before_the_first_paint(site):
    """A blocking script in <head>, before the stylesheet, on every page: the stored settings are on
    <html> before anything is painted."""
    pages = site.pages()
    for path in pages:
        head = BeautifulSoup(head_of(path.read_text(encoding="utf-8")), "html.parser").head
        first = head.find("script", src=True)
        assert first is not None and first["src"].endswith("/js/reading.js"), path
        assert not first.has_attr("defer") and not first.has_attr("async"), path
        assert first.sourceline < head.find("link", rel="stylesheet").sourceline, path
    assert len(pages) > 30
    search = BeautifulSoup((site.output / "search.html").read_text(encoding="utf-8"), "html.parser")
    deferred = [s["src"].rsplit("/", 1)[1] for s in search.find_all("script", src=True) if s.has_attr("defer")]
    assert deferred == list(SEARCH_SCRIPTS)


def test_stored_settings_apply_on_arrival(browser, site, kind):
    with origin(kind, site.output) as where:
        context, _ = open_context(browser, where.base, where.root)
        context.add_init_script(stored({"size": "xlarge", "theme": "contrast", "spacing": "loose", "bogus": "x"}))
        context.add_init_script(FIRST_FRAME_JS)
        page = context.new_page()
        page.goto(where.base + "about.html", wait_until="domcontentloaded")
        got = styles(page)
        # The first frame may come after domcontentloaded (CI once read it undrawn, under load): wait for it.
        first_frame = page.wait_for_function("window.firstFrame").json_value()
        context.close()
    assert first_frame == ["xlarge", "contrast", "loose"], "set before the first frame is drawn"
    assert got["fontSize"] == 1.5 * STANDARD and got["background"] == "rgb(255, 255, 255)"
    assert got["lineHeight"] == pytest.approx(2.2 * 1.5 * STANDARD)
    assert sorted(got["pressed"]) == ["shortcuts=", "size=xlarge", "spacing=loose", "theme=contrast"]


@pytest.mark.parametrize("bad", ['{"size": "huge", "theme": 3}', "not json", '["size"]'])
def test_unknown_stored_values_fall_back_to_the_defaults(browser, site, bad):
    with origin("http", site.output) as where:
        context, recorder = open_context(browser, where.base, where.root)
        context.add_init_script(stored(bad))
        page = context.new_page()
        page.goto(where.base + "index.html")
        got = styles(page)
        context.close()
    assert got["fontSize"] == STANDARD and sorted(got["pressed"]) == ["shortcuts=", "size=", "spacing=", "theme="]
    recorder.assert_no_errors()


def test_without_javascript_the_controls_are_hidden(browser, site):
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, java_script_enabled=False)
        page = context.new_page()
        page.goto(where.base + ARTICLE + "#hl=" + "常务会议")
        hidden = [page.is_hidden(s) for s in ("#reading-settings", "#hl-bar", "#reading-settings button")]
        context.close()
    assert hidden == [True, True, True]


def tab_through(page, count: int) -> list[dict]:
    """Press Tab from the top of the page until the focus comes round to the first stop again
    (a date field takes several presses) or 3 × COUNT presses."""
    stops = []
    for _ in range(3 * count):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(ACTIVE_JS))
        if len(stops) > 1 and stops[-1]["stop"] == stops[0]["stop"]:
            break
    return stops


@pytest.mark.parametrize("theme", ["", "dark", "contrast"], ids=["system-light", "dark", "contrast"])
@pytest.mark.parametrize("path", [ARTICLE + "#hl=常务会议", "search.html?q=常务会议"], ids=["article", "search"])
def test_tab_reaches_every_control_with_a_visible_focus(browser, site, theme, path):
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root)
        context.add_init_script(stored({"theme": theme}))
        page = context.new_page()
        page.goto(where.base + path)
        page.wait_for_selector("#hl-bar:not([hidden]), #search-results[data-state=results]")
        page.evaluate("document.getElementById('reading-settings').open = true")
        expected = page.evaluate(FOCUSABLE_JS)
        stops = tab_through(page, len(expected))
        context.close()
    reached = {s["stop"] for s in stops if s["stop"] is not None}
    assert reached == set(expected), f"not reached by Tab: {sorted(set(expected) - reached)}"
    texts = {s["text"] for s in stops}
    assert {"阅读设置", "特大", "高对比度", "加大"} <= texts
    if path.startswith(ARTICLE):
        assert {"上一处", "下一处", "清除"} <= texts
    for stop in stops:
        if stop["stop"] is None:
            continue
        assert stop["style"] != "none" and stop["width"] >= 2, stop
        assert contrast(stop["color"], stop["page"]) >= 3, stop


def active(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def test_shortcuts_open_settings_and_search_but_not_while_typing(opened):
    page, base = opened
    page.goto(base + "index.html")
    page.keyboard.press("s")
    assert page.evaluate("document.getElementById('reading-settings').open") and active(page) == "SUMMARY"
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('reading-settings').open") and active(page) == "SUMMARY"
    page.keyboard.press("/")
    assert active(page) == "site-search-q"
    page.keyboard.type("s/np")
    assert page.input_value("#site-search-q") == "s/np", "keys typed in a field are text"
    assert not page.evaluate("document.getElementById('reading-settings').open")
    assert active(page) == "site-search-q"


def test_shortcuts_can_be_turned_off(opened):
    page, base = opened
    page.goto(base + "index.html")
    choose(page, "shortcuts", "off")
    page.goto(base + "archives.html")
    page.evaluate("document.activeElement.blur()")
    for key in ("/", "s"):
        page.keyboard.press(key)
        assert active(page) == "BODY", key
    assert not page.evaluate("document.getElementById('reading-settings').open")
    assert page.get_attribute("html", "data-shortcuts") == "off"


def test_search_landmarks_have_distinct_names(site):
    soup = BeautifulSoup((site.output / "search.html").read_text(encoding="utf-8"), "html.parser")
    names = [form.get("aria-label") for form in soup.find_all(attrs={"role": "search"})]
    assert len(names) == 2 and all(names) and len(set(names)) == 2, names
    assert re.search(r"站内搜索", names[0])


@pytest.mark.parametrize("theme", ["dark", "contrast"])
def test_a_printed_page_is_dark_on_white_in_any_theme(browser, site, theme):
    with origin("http", site.output) as where:
        context, _ = open_context(browser, where.base, where.root, color_scheme="dark")
        context.add_init_script(stored({"theme": theme}))
        page = context.new_page()
        page.goto(where.base + ARTICLE + "#hl=常务会议")
        page.wait_for_selector("#hl-bar[data-count]", state="attached")
        page.emulate_media(media="print")
        date = page.evaluate("getComputedStyle(document.querySelector('.bulletin-date')).color")
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        bar_hidden = page.is_hidden("#hl-bar")
        context.close()
    assert background == "rgb(255, 255, 255)" and contrast(date, background) >= 4.5, date
    assert bar_hidden
