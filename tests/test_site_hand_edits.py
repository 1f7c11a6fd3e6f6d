"""Hand edits never stop the build: dozens of broken articles beside good ones build with
``--fatal errors`` (exit 0); every good article gets its page; each broken one is skipped or
loses its bad field, named in exactly one log line; nothing leaves the output folder and no
file outside the source roots is published."""

from __future__ import annotations

import pytest

from support.hand_edits import (
    EDITS,
    FOLDER,
    HandEditedSite,
    build_hand_edited_site,
    edited,
    hostile_sources,
    source_settings,
    write_hand_edits,
)
from support.site_build import FIXTURE_CONTENT
from support.sites import pelican

GOOD = sorted(p.relative_to(FIXTURE_CONTENT / "bulletins") for p in (FIXTURE_CONTENT / "bulletins").rglob("*.md"))
SECRETS = ("root:", "PATH=", "HOME=")  # what /etc/passwd, /etc/shadow or an environment would show


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> HandEditedSite:
    return build_hand_edited_site(tmp_path_factory.mktemp("hand-edited"))


@pytest.mark.slow
@pytest.mark.parametrize("article", GOOD, ids=str)
def test_every_good_article_is_built(site, article):
    assert (site.output / "bulletins" / article.with_suffix(".html")).is_file()


@pytest.mark.slow
@pytest.mark.parametrize("case", EDITS, ids=str)
def test_each_hand_edit_is_named_once_and_built_or_skipped(site, case):
    outcome = EDITS[case].outcome
    assert site.mentions(case) == (0 if outcome == "good" else 1), site.log[-3000:]
    assert site.page(case).is_file() == (outcome != "skipped")


@pytest.mark.slow
def test_the_search_index_and_lists_are_written(site):
    for path in ("index.html", "archives.html", "search/manifest.js", "sitemap.xml"):
        assert (site.output / path).is_file(), path
    skipped = sum(1 for e in EDITS.values() if e.outcome == "skipped")
    print(f"hand edits: {len(EDITS)} cases, {skipped} skipped, {len(list(site.output.rglob('*.html')))} pages")


@pytest.mark.slow
def test_nothing_is_written_outside_the_output(site):
    home = site.output.parent
    strays = [p for p in home.rglob("*") if (p.is_file() and p.parent == home) or "pwned" in p.name]
    assert not strays, strays
    index = (site.output / "index.html").read_text(encoding="utf-8")
    assert "主持召开区政府" in index  # the home page is the list, not an article saved over it


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in EDITS if c.startswith("source-") and c != "source-twice"])
def test_no_raw_copy_outside_the_source_roots(site, case):
    page = site.page(case).read_text(encoding="utf-8")
    assert "查看原始文本" not in page
    assert not list((site.output / "raw" / "bulletins" / "2022" / "02").glob(f"{case}.*"))


@pytest.mark.slow
def test_no_secret_reaches_the_output(site):
    for path in (site.output / "raw").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(secret in text for secret in SECRETS), path


@pytest.mark.slow
def test_archive_timeline_stays_small_from_year_1000_to_9999(site):
    archives = site.output / "archives.html"
    assert archives.stat().st_size < 100_000, archives.stat().st_size
    assert "每百年公报数量" in archives.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "changes, expected",
    [
        pytest.param((("set", "Date", "1999-01-01"),), "Date: 1999-01-01", id="set"),
        pytest.param((("add", "People", "甲"),), "People: 林晓东, 何芳, 陈立新\nPeople: 甲", id="add-after"),
        pytest.param((("drop", "Title", ""),), "Date: 2022-02-28", id="drop"),
    ],
)
def test_edited(changes, expected):
    text = edited("Title: 标题\nDate: 2022-02-28\nPeople: 林晓东, 何芳, 陈立新\nSlug: a\n\n正文\n", changes, "b")
    assert expected in text and "Slug: b" in text and text.endswith("\n\n正文\n")


@pytest.mark.slow
def test_a_warm_build_names_the_broken_articles_again(tmp_path):
    """Pelican's content cache replays what was read, not the warnings: they are logged anew."""
    content = tmp_path / "content"
    files = write_hand_edits(content)
    keep = {"date-year-999", "people-twice", "template-nonexistent"}
    for case, path in files.items():
        if case not in keep:
            path.unlink()
    caching = (f'CACHE_PATH="{tmp_path / "cache"}"', "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true")
    caching += source_settings(hostile_sources(tmp_path / "raw"))
    logs = [pelican(content, tmp_path / "output", *caching) for _ in range(2)]
    for log in logs:
        assert all(log.count(f"{FOLDER}/{case}.md") == 1 for case in keep), log[-2000:]
