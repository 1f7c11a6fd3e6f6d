"""One tiny build of the fixture articles: key files, links, escaping, CSP."""

from __future__ import annotations

import re

import pytest

from support.links import check_site
from support.site_build import FIXTURE_CONTENT, FIXTURE_RAW, build_fixture_site
from support.sites import pelican

HOSTILE = "bulletins/2023/07/ljq-2023-0701-hostile.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_fixture_site(tmp_path_factory.mktemp("site") / "output")


def html_pages(site):
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "archives.html",
        "categories.html",
        "tags.html",
        "persons.html",
        "documents.html",
        "about.html",
        "404.html",
        "bulletins/2022/index.html",
        "bulletins/2022/02/index.html",
        "bulletins/2022/02/ljq-2022-0228-cwhy5.html",
        "sitemap.xml",
        "robots.txt",
        "theme/css/site.css",
        "theme/css/print.css",
        # raw copies: a file source, and one record of a JSONL collection
        "raw/bulletins/2022/02/ljq-2022-0228-cwhy5.txt",
        "raw/bulletins/2022/03/ljq-2022-0315-cwhy6.json",
        # an HTML source is never served as HTML
        "raw/bulletins/2023/07/ljq-2023-0701-hostile.html.txt",
    ],
)
def test_key_file_exists(site, path):
    assert (site / path).is_file()


def test_person_and_document_pages_exist(site):
    assert len(list((site / "persons").glob("zhou-ming-yuan-*.html"))) == 1
    assert len(list((site / "documents").glob("lin-jiang-qu-shu-zi-jing-ji-*.html"))) == 1


def test_record_copy_is_the_original_line(site):
    copy = (site / "raw/bulletins/2022/03/ljq-2022-0315-cwhy6.json").read_text(encoding="utf-8")
    assert '"id": "rec-0002"' in copy and copy.count("\n") == 1


def test_every_internal_link_resolves(site):
    report = check_site(site)
    # search.html and what it loads belong to the search index plugin, left out of this build
    broken = [b for b in report.broken if b.page != "search.html"]
    assert report.pages > 40
    assert broken == [], "\n".join(map(str, broken[:20]))


def test_links_name_html_files_not_folders(site):
    hrefs = re.findall(r'href="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    internal = [h for h in hrefs if ":" not in h and not h.startswith("#")]
    assert internal and all(h.endswith((".html", ".css", ".xml")) for h in internal)


def test_hostile_markup_is_shown_as_text(site):
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<img src=x" not in text, page
        assert 'href="javascript:' not in text.lower(), page
    article = (site / HOSTILE).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;临江区" in article  # title, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;会议通报了有关情况。" in article  # body


def test_csp_meta_and_no_inline_script_or_style(site):
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert csp and "unsafe-inline" not in csp.group(1), page
        assert " style=" not in text and "<style" not in text, page
        for attrs in re.findall(r"<script([^>]*)>", text):
            assert "src=" in attrs or 'type="application/ld+json"' in attrs, (page, attrs)


def test_article_metadata_table(site):
    text = (site / "bulletins/2022/02/ljq-2022-0228-cwhy5.html").read_text(encoding="utf-8")
    for label in ("发布机构", "发布日期", "索引号", "文号", "主题分类", "主题词", "主持", "参加人员", "文件"):
        assert f'<th scope="row">{label}</th>' in text
    assert "2022年2月28日" in text
    assert "临府纪〔2022〕5号" in text
    assert 'rel="next"' in text and 'type="application/ld+json"' in text


def test_publish_settings_write_feeds_with_absolute_links(tmp_path):
    public = "https://bulletins.example.org"
    out = build_fixture_site(
        tmp_path / "output",
        SITEURL=public,
        FEED_DOMAIN=public,
        FEED_ALL_ATOM="feeds/all.atom.xml",
        CATEGORY_FEED_ATOM="feeds/{slug}.atom.xml",
        BULLETINS_PUBLIC_URL=public,
    )
    feed = (out / "feeds/all.atom.xml").read_text(encoding="utf-8")
    links = re.findall(r'<link href="([^"]+)"', feed)
    assert links and all(link.startswith(public + "/") for link in links)
    assert f"{public}/bulletins/2022/02/ljq-2022-0228-cwhy5.html" in links
    category_feeds = sorted(p.name for p in (out / "feeds").glob("*.atom.xml") if p.name != "all.atom.xml")
    assert "chang-wu-hui-yi-6d8394de.atom.xml" in category_feeds and len(category_feeds) == 5
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{public}/feeds/all.atom.xml"' in index  # feed links stay absolute
    assert 'href="./archives.html"' in index  # while pages keep relative links
    assert f"Sitemap: {public}/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    # a web server shows 404.html for any missing path: its links must not be relative
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert f'href="{public}/index.html"' in not_found and 'href="./' not in not_found


def test_navigation_leaves_out_a_missing_about_page(tmp_path):
    out = build_fixture_site(tmp_path / "output", PAGE_PATHS=["no-such-folder"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "about.html" not in index
    assert [b for b in check_site(out).broken if b.page != "search.html"] == []


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_builds_in_processes_with_different_hash_seeds_are_identical(tmp_path):
    """Every file, search index included, is the same whatever order sets and dicts hash in."""
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        pelican(
            FIXTURE_CONTENT,
            out / "output",
            f'CACHE_PATH="{out / "cache"}"',
            f'BULLETINS_SOURCE_ROOT="{FIXTURE_RAW}"',
            f'BULLETINS_SOURCE_ROOTS=["{FIXTURE_RAW / "sources"}"]',
            hash_seed=seed,
        )
        trees.append(_tree(out / "output"))
    assert len(trees[0]) > 40 and trees[0].keys() == trees[1].keys()
    assert [name for name in trees[0] if trees[0][name] != trees[1][name]] == []
