"""A tiny archive of related documents built with the gazette plugin: banners and links on
both pages, issue contents, previous/next issue, series gaps; an archive without issue data
has no issue pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support.gazette_site import DOCUMENTS, PLUGINS, build, href_of
from support.links import check_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("gazette"), DOCUMENTS)


def page(site: Path, slug: str) -> str:
    date = next(d for s, d, _, _ in DOCUMENTS if s == slug)
    return (site / f"bulletins/{date[:4]}/{date[5:7]}/g-{slug}.html").read_text(encoding="utf-8")


def text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(
    "slug, status",
    [
        ("old", "已废止"),
        ("new", "现行有效"),
        ("parking", "已修改"),
        ("amend", "现行有效"),
        ("fee-2019", "已废止"),
        ("fee-2023", "现行有效"),
        ("hand", "已失效"),
    ],
)
def test_status_row(site, slug, status):
    assert f"效力状态{status}（截至2025年6月1日）" in text(page(site, slug))


@pytest.mark.parametrize("slug", ["reading", "cites", "m3"])
def test_no_status_where_there_is_no_legal_life(site, slug):
    assert "效力状态" not in page(site, slug) and "lifecycle-banner" not in page(site, slug)


def test_repealed_banner_links_the_repealing_document(site):
    html = page(site, "old")
    banner = re.search(r'<div class="lifecycle-banner[^"]*".*?</div>', html, re.S).group(0)
    assert "已废止" in banner and href_of("new") in banner
    assert "已废止—被《澄溪区河道管理办法》（澄府发〔2024〕3号）废止，2024年3月1日起" in text(banner)


@pytest.mark.parametrize(
    "slug, related_class, other",
    [
        ("new", "related-repeals", "old"),
        ("old", "related-repealed_by", "new"),
        ("parking", "related-amended_by", "amend"),
        ("amend", "related-amends", "parking"),
        ("new", "related-interpretations", "reading"),
        ("reading", "related-interprets", "new"),
        ("fee-2019", "related-repealed_by", "fee-repeal"),
    ],
)
def test_relation_on_both_pages(site, slug, related_class, other):
    items = re.findall(rf'<li class="{related_class}">.*?</li>', page(site, slug), re.S)
    assert any(href_of(other) in item for item in items)


@pytest.mark.parametrize("slug", ["fee-2023", "cites", "m3"])
def test_not_related_by_citation_or_same_title(site, slug):
    assert "related-repealed_by" not in page(site, slug) and "related-amended_by" not in page(site, slug)


def test_issue_contents_in_source_order_with_neighbours(site):
    html = (site / "issues/2024-04.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li class="item">\s*<a href="[^"]*?(bulletins/[^"]+)"', html)
    assert listed == [href_of("cites"), href_of("amend")]
    assert "总第28期" in html and "澄府发〔2024〕5号" in html
    assert re.search(r'rel="prev" href="[^"]*issues/2024-03.html"', html)
    assert re.search(r'rel="next" href="[^"]*issues/2024-05.html"', html)


def test_issue_index_by_year(site):
    html = (site / "issues.html").read_text(encoding="utf-8")
    assert re.findall(r"issues/(2024-\d\d).html", html) == ["2024-03", "2024-04", "2024-05"]
    assert "期刊" in (site / "index.html").read_text(encoding="utf-8")


def test_article_links_its_issue(site):
    html = page(site, "reading")
    assert re.search(r'刊登于</th><td class="meta-issue"><a href="[^"]*issues/2024-03.html">2024年第3期</a>', html)


def test_series_page_shows_the_gap(site):
    (series,) = (site / "series").glob("*.html")
    html = series.read_text(encoding="utf-8")
    assert "第4次</span> — 未收录" in html
    assert re.findall(r"第(\d)次</span> <a", html) == ["3", "5", "6"]
    assert series.name in page(site, "m5")


def test_jsonld_relations(site):
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page(site, "new")).group(1))
    assert data["legislationLegalForce"] == "https://schema.org/InForce"
    assert [d["legislationIdentifier"] for d in data["legislationRepeals"]] == ["澄府发〔2020〕12号"]
    old = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page(site, "old")).group(1))
    assert old["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert old["@reverse"]["legislationRepeals"][0]["legislationIdentifier"] == "澄府发〔2024〕3号"
    reading = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page(site, "reading")).group(1)
    )
    assert reading["isPartOf"] == {"@type": "PublicationIssue", "name": "2024年第3期", "issueNumber": "3"}
    assert reading["about"][0]["name"] == "《澄溪区河道管理办法》" and reading["@type"] == "NewsArticle"


def test_every_internal_link_resolves(site):
    broken = [b for b in check_site(site).broken if b.page != "search.html"]
    assert broken == [], "\n".join(map(str, broken[:20]))


def test_archive_without_issue_data_has_no_issue_pages(tmp_path):
    plain = [(s, d, t, {k: v for k, v in extra.items() if k != "Issue"}) for s, d, t, extra in DOCUMENTS[:4]]
    site = build(tmp_path, plain)
    assert not (site / "issues.html").exists() and not (site / "issues").exists()
    assert "期刊" not in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_adding_a_repeal_rerenders_the_repealed_page(tmp_path):
    without = [d for d in DOCUMENTS if d[0] != "fee-repeal"]
    out = build(tmp_path / "warm", without)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    out = build(tmp_path / "warm", DOCUMENTS)
    rewritten = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if before.get(p) != p.stat().st_mtime_ns}
    assert href_of("fee-2019") in rewritten and "已废止" in page(out, "fee-2019")
    assert href_of("fee-2023") not in rewritten
    assert "issues/2019-01.html" in rewritten  # its contents page marks it repealed
    assert "已废止" in (out / "issues/2019-01.html").read_text(encoding="utf-8")
    cold = build(tmp_path / "cold", DOCUMENTS)
    differ = [
        p.relative_to(cold).as_posix()
        for p in cold.rglob("*.html")
        if p.read_bytes() != (out / p.relative_to(cold)).read_bytes()
    ]
    assert differ == []


def test_sitemap_lists_issue_and_series_pages(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "issues.html" in sitemap and "issues/2024-03.html" in sitemap and "series/" in sitemap


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("searchable")
    return build(tmp, DOCUMENTS, PLUGINS=[*PLUGINS, "bulletins.plugins.search_index"])


@pytest.mark.parametrize(
    "options, never",
    [
        pytest.param({"inForce": True}, {"g-old", "g-fee-2019", "g-hand"}, id="in-force"),
        pytest.param({}, set(), id="all"),
    ],
)
def test_search_in_force_never_returns_a_repealed_document(searchable, options, never):
    from bulletins.search.cli import search_once

    answer = search_once(searchable, "正文", {"limit": 0, **options})
    slugs = {Path(r["url"]).stem for r in answer["results"]}
    assert not slugs & never
    assert len(slugs) == len(DOCUMENTS) - len(never)
    statuses = {Path(r["url"]).stem: r["status"] for r in answer["results"]}
    assert statuses.get("g-parking") == "已修改" and statuses.get("g-new") == ""


def test_search_cli_in_force_option(searchable, capsys):
    from bulletins.cli import main

    assert main(["search", "正文", "--site", str(searchable), "--in-force", "--json", "--limit", "0"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all(r["status"] not in ("已废止", "已失效") for r in results)
    assert main(["search", "收费管理办法", "--site", str(searchable)]) == 0
    assert "[已废止]" in capsys.readouterr().out


@pytest.mark.slow
def test_the_first_issue_adds_the_navigation_link_to_every_page_of_a_warm_build(tmp_path):
    without = [(s, d, t, {k: v for k, v in extra.items() if k != "Issue"}) for s, d, t, extra in DOCUMENTS]
    build(tmp_path / "warm", without)
    warm = build(tmp_path / "warm", DOCUMENTS)
    assert "期刊" in (warm / href_of("m3")).read_text(encoding="utf-8")  # a page that did not change
    cold = build(tmp_path / "cold", DOCUMENTS)
    differ = [
        p.relative_to(cold).as_posix()
        for p in cold.rglob("*.html")
        if p.read_bytes() != (warm / p.relative_to(cold)).read_bytes()
    ]
    assert differ == []
