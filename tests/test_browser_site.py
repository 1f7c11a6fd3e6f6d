"""The sample archive in a real browser (Debian's Chromium), over http://127.0.0.1 and file://.

A reader's path through the site, by clicking links: home → archive → year → article →
person → (back to the article through the person's list) → document → browser back. Each
page is checked against the Markdown articles ingest wrote (and, with BULLETINS_SCREENSHOTS=1,
screenshotted at 1280 and 375 px into test-artifacts/). Separately, every page of the site is opened to check that the
browser requested nothing outside the site and logged no error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from bulletins.ingest.frontmatter import body_paragraphs, split_file
from bulletins.models import split_documents, split_names
from support import browser as browser_support
from support.browser import (
    file_base,
    is_inside,
    open_context,
    origin,
    screenshots,
    screenshots_wanted,
)
from support.sites import Site, sample_site

ORIGINS = ("http", "file")

INSIDE_CASES = {
    "same_server_page": ("http://127.0.0.1:8000/a/b.html", True),
    "same_server_asset_with_query": ("http://127.0.0.1:8000/theme/css/site.css?v=1", True),
    "other_port": ("http://127.0.0.1:9000/a.html", False),
    "other_host": ("https://fonts.example.com/x.woff2", False),
    "https_same_host": ("https://127.0.0.1:8000/a.html", False),
    "file_under_root": ("file:///srv/site/bulletins/2023/a.html", True),
    "file_outside_root": ("file:///etc/passwd", False),
    "file_escaping_with_dots": ("file:///srv/site/../secret.html", False),
    "file_sibling_with_same_prefix": ("file:///srv/site-other/a.html", False),
    "data_uri": ("data:image/svg+xml,<svg/>", True),
    "blob": ("blob:http://127.0.0.1:8000/1234", True),
    "websocket": ("ws://127.0.0.1:8000/livereload", False),
}


@pytest.mark.parametrize("url, inside", INSIDE_CASES.values(), ids=INSIDE_CASES.keys())
def test_is_inside(url, inside):
    assert is_inside(url, "http://127.0.0.1:8000/", Path("/srv/site")) is inside


@dataclass(frozen=True)
class Bulletin:
    """What the site should show for one Markdown article."""

    path: Path
    header: dict
    paragraphs: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.header["Title"]

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.header["Date"][:10])

    @property
    def people(self) -> tuple[str, ...]:
        return split_names(self.header.get("People"))

    @property
    def documents(self) -> tuple[str, ...]:
        return split_documents(self.header.get("Documents"))


def read_bulletins(site: Site) -> list[Bulletin]:
    found = []
    for path in site.articles():
        text = path.read_text(encoding="utf-8")
        found.append(Bulletin(path, split_file(text)[0], body_paragraphs(text)))
    return found


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


@pytest.fixture(scope="module")
def bulletins(site) -> list[Bulletin]:
    found = read_bulletins(site)
    assert found, "the sample site has no article"
    return found


def well_connected(bulletins: list[Bulletin]) -> Bulletin:
    """The article with the most people and documents, unique title in its year: the walk's target."""

    def unique(b):
        return sum(o.title == b.title and o.date.year == b.date.year for o in bulletins) == 1

    candidates = [b for b in bulletins if b.people and b.documents and unique(b)]
    assert candidates, "no sample article has people, documents and a unique title"
    return max(candidates, key=lambda b: (len(b.people), len(b.documents), b.header["Slug"]))


def heading(page) -> str:
    return page.locator("main h1").first.inner_text().strip()


def listed_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("main .bulletin-list .item-title a").all_inner_texts()]


def meta_cell(page, name: str) -> str:
    return page.locator(f"table.meta td.meta-{name}").inner_text().strip()


def click(page, locator) -> None:
    """Click LOCATOR (which must be a link) and wait for the new page to load."""
    assert locator.count() >= 1, f"no link to click on {page.url}"
    with page.expect_navigation():
        locator.first.click()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", ORIGINS)
def test_reader_walks_from_home_to_a_document_and_back(browser, site, bulletins, kind):
    target = well_connected(bulletins)
    newest = max(bulletins, key=lambda b: (b.date, b.header["Slug"]))
    in_year = [b for b in bulletins if b.date.year == target.date.year]
    with origin(kind, site.output) as where:
        context, record = open_context(browser, where.base, where.root)
        page = context.new_page()
        walk_from_home_to_the_year(page, where.base, kind, newest, target, in_year)
        walk_from_the_article_to_a_document(page, kind, target)
        page.go_back()
        assert_article_page(page, target)
        assert page.url.endswith(site.page_of(target.path).relative_to(site.output).as_posix())
        context.close()
        record.assert_stayed_inside()
        record.assert_no_errors()


def walk_from_home_to_the_year(page, base: str, kind: str, newest, target, in_year) -> None:
    """Home, then the archive with its timeline, then TARGET's year listing it."""
    page.goto(base + "index.html")
    assert "公报档案" in page.title()
    assert heading(page) == "最新公报"
    assert newest.title in listed_titles(page)[:3]
    screenshots(page, f"{kind}-1-home")

    click(page, page.get_by_role("navigation", name="主导航").get_by_role("link", name="归档", exact=True))
    assert heading(page) == "归档"
    assert page.locator("main svg.timeline[role=img]").count() >= 1
    screenshots(page, f"{kind}-2-archives")

    click(page, page.locator("main").get_by_role("link", name=f"{target.date.year}年", exact=True))
    assert heading(page) == f"{target.date.year}年公报"
    assert f"共 {len(in_year)} 篇" in page.locator("main").inner_text()
    assert target.title in listed_titles(page)
    screenshots(page, f"{kind}-3-year")


def walk_from_the_article_to_a_document(page, kind: str, target) -> None:
    """TARGET's page, one of its people and back, then one of its documents."""
    click(page, page.locator("main .bulletin-list .item-title a", has_text=target.title))
    assert_article_page(page, target)
    screenshots(page, f"{kind}-4-article")

    person = target.people[0]
    click(page, page.locator("table.meta td.meta-people").get_by_role("link", name=person, exact=True))
    assert heading(page) == person
    assert target.title in listed_titles(page)
    screenshots(page, f"{kind}-5-person")

    click(page, page.locator("main .bulletin-list .item-title a", has_text=target.title))
    assert heading(page) == target.title

    document = target.documents[0]
    click(page, page.locator("table.meta td.meta-documents").get_by_role("link", name=f"《{document}》", exact=True))
    assert heading(page) == f"《{document}》"
    assert target.title in listed_titles(page)
    screenshots(page, f"{kind}-6-document")


def assert_article_page(page, bulletin: Bulletin) -> None:
    header = bulletin.header
    assert heading(page) == bulletin.title
    assert meta_cell(page, "publisher") == header.get("Publisher", "—")
    assert meta_cell(page, "date") == zh_date(bulletin.date)
    assert meta_cell(page, "identifier") == header["Identifier"]
    assert meta_cell(page, "docnumber") == header.get("DocNumber", "—")
    assert meta_cell(page, "category") == header.get("Category", "—")
    people = page.locator("table.meta td.meta-people a").all_inner_texts()
    assert people == list(bulletin.people)
    documents = page.locator("table.meta td.meta-documents a").all_inner_texts()
    assert documents == [f"《{d}》" for d in bulletin.documents]
    body = page.locator("article .bulletin-body p").all_inner_texts()
    assert [p.strip() for p in body] == list(bulletin.paragraphs)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", ORIGINS)
def test_no_page_requests_anything_outside_the_site(browser, site, kind):
    pages = site.pages()
    with origin(kind, site.output) as where:
        context, record = open_context(browser, where.base, where.root)
        page = context.new_page()
        for path in pages:
            page.goto(where.base + path.relative_to(site.output).as_posix(), wait_until="load")
        context.close()
    print(
        f"{kind}: {len(pages)} pages opened, {len(record.requests)} requests, "
        f"{len(record.outside())} outside the site, {len(record.console_errors) + len(record.page_errors)} errors"
    )
    assert len(record.requests) >= len(pages)
    record.assert_stayed_inside()
    record.assert_no_errors()


def test_file_base_is_a_folder_url(tmp_path):
    assert file_base(tmp_path) == tmp_path.resolve().as_uri() + "/"


SCREENSHOT_SWITCH = {"unset": (None, False), "one": ("1", True), "yes": ("yes", True), "zero": ("0", False)}


@pytest.mark.parametrize("value, wanted", SCREENSHOT_SWITCH.values(), ids=SCREENSHOT_SWITCH.keys())
def test_screenshots_are_taken_only_when_asked_for(monkeypatch, value, wanted):
    class Page:  # records what a real page would be asked to do
        def __init__(self):
            self.viewport_size = {"width": 1280, "height": 900}
            self.calls: list[str] = []

        def set_viewport_size(self, size):
            self.calls.append(f"viewport {size['width']}")

        def screenshot(self, path, full_page):
            self.calls.append(f"shot {Path(path).name}")

    if value is None:
        monkeypatch.delenv("BULLETINS_SCREENSHOTS", raising=False)
    else:
        monkeypatch.setenv("BULLETINS_SCREENSHOTS", value)
    page = Page()
    saved = screenshots(page, "switch")
    assert screenshots_wanted() is wanted
    assert [p.name for p in saved] == (["switch-1280.png", "switch-375.png"] if wanted else [])
    assert ("shot switch-375.png" in page.calls) is wanted


# (BULLETINS_CHROMIUM, PYTEST_VERSION, headless shell installed) -> the browser launch() runs
CHROMIUM_CHOICES = {
    "tests_run_the_shell": (None, "9.2.0", True, "shell"),
    "tests_fall_back_to_chromium": (None, "9.2.0", False, "chromium"),
    "scripts_run_chromium": (None, None, True, "chromium"),
    "override_wins_in_tests": ("/opt/chrome/chrome", "9.2.0", True, "/opt/chrome/chrome"),
    "override_wins_in_scripts": ("/opt/chrome/chrome", None, False, "/opt/chrome/chrome"),
    "blank_override_is_unset": ("  ", "9.2.0", True, "shell"),
}


@pytest.mark.parametrize("override, pytest_version, shell, wanted", CHROMIUM_CHOICES.values(), ids=CHROMIUM_CHOICES)
def test_chromium_path(monkeypatch, tmp_path, override, pytest_version, shell, wanted):
    installed = tmp_path / "chromium-headless-shell"
    if shell:
        installed.write_text("", encoding="utf-8")
    monkeypatch.setattr(browser_support, "HEADLESS_SHELL", installed)
    for name, value in ((browser_support.CHROMIUM_ENV, override), ("PYTEST_VERSION", pytest_version)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    expected = {"shell": installed, "chromium": browser_support.CHROMIUM}.get(wanted, Path(wanted))
    assert browser_support.chromium_path() == expected
