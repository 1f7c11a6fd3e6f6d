"""The whole archive: no broken internal link, and nothing of any bulletin lost on its page.

The corpus tests share one build of all 11,442 real bulletins (``corpus_site()``, minutes);
the same checks run first over the small sample site. The link check and the "nothing lost"
check of a site share one parse of its pages (``support.survey``).
"""

from __future__ import annotations

import pytest

from support.fidelity import assert_none_lost, lost_on_page
from support.links import broken_reason, is_internal, references
from support.pagetext import page_text
from support.sites import corpus_site, sample_site
from support.survey import survey

REFERENCE_CASES = {
    "anchor_href": ('<a href="../2022/index.html">2022</a>', ["../2022/index.html"]),
    "stylesheet_and_script": (
        '<link rel="stylesheet" href="theme/css/site.css"><script src="a.js"></script>',
        ["theme/css/site.css", "a.js"],
    ),
    "image_srcset": ('<img src="a.png" srcset="a-2x.png 2x, a-3x.png 3x" alt="">', ["a.png", "a-2x.png", "a-3x.png"]),
    "entity_in_url": ('<a href="p.html?a=1&amp;b=2">x</a>', ["p.html?a=1&b=2"]),
    "attribute_without_value": ("<input disabled><a>no href</a>", []),
    "form_action": ('<form action="search.html"><input name="q"></form>', ["search.html"]),
}


@pytest.mark.parametrize("html, expected", REFERENCE_CASES.values(), ids=REFERENCE_CASES.keys())
def test_references_finds_every_url_attribute(html, expected):
    assert references(html) == expected


INTERNAL_CASES = {
    "relative_page": ("../a.html", True),
    "fragment_only": ("#main", True),
    "query_only": ("?q=1", True),
    "http_url": ("http://example.org/a.html", False),
    "protocol_relative": ("//cdn.example.org/x.js", False),
    "mailto": ("mailto:office@example.org", False),
    "data_uri": ("data:,", False),
    "javascript_url": ("javascript:alert(1)", False),
}


@pytest.mark.parametrize("ref, internal", INTERNAL_CASES.values(), ids=INTERNAL_CASES.keys())
def test_is_internal(ref, internal):
    assert is_internal(ref) is internal


BROKEN_CASES = {
    "existing_page": ("a.html", None),
    "existing_page_with_fragment": ("a.html#top", None),
    "percent_encoded_name": ("b%20c.html", None),
    "parent_of_nested_page": ("../index.html", "leaves the site"),
    "missing_page": ("nope.html", "missing"),
    "folder_target": ("sub/", "names a folder (breaks on file://)"),
    "root_absolute": ("/a.html", "root-absolute (breaks on file://)"),
    "fragment_only": ("#main", None),
}


@pytest.mark.parametrize("ref, reason", BROKEN_CASES.values(), ids=BROKEN_CASES.keys())
def test_broken_reason(tmp_path, ref, reason):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    for name in ("index.html", "a.html", "b c.html"):
        (site / name).write_text("<p>x</p>", encoding="utf-8")
    assert broken_reason(site / "index.html", ref, site) == reason


def assert_no_broken_links(site) -> None:
    report = survey(site).links
    print(
        f"links: {report.pages} pages, {report.internal} internal references, "
        f"{report.external} external, {len(report.broken)} broken"
    )
    assert report.pages and report.internal
    shown = "\n".join(map(str, report.broken[:20]))
    assert not report.broken, f"{len(report.broken)} broken internal links; first ones:\n{shown}"


@pytest.mark.slow
def test_sample_site_has_no_broken_links():
    assert_no_broken_links(sample_site())


@pytest.mark.corpus
@pytest.mark.slow
def test_full_corpus_site_has_no_broken_links():
    assert_no_broken_links(corpus_site())


PAGE_TEXT_CASES = {
    "body_part_and_whole": (
        '<body><h1>题</h1><div class="bulletin-body"><p>一</p><p>二</p></div></body>',
        "题\n一\n二",
        "一\n二",
    ),
    "entities_decoded": ('<div class="bulletin-body"><p>&lt;script&gt; &amp;</p></div>', "<script> &", "<script> &"),
    "script_and_style_hidden": (
        "<head><title>t</title><style>p{}</style></head><body><script>x()</script><p>文</p></body>",
        "文",
        "",
    ),
    "nested_divs_in_part": (
        '<div class="a bulletin-body"><div><p>甲</p></div><p>乙</p></div><p>外</p>',
        "甲\n乙\n外",
        "甲\n乙",
    ),
    "void_elements": ('<div class="bulletin-body"><p>上<br>下<img src="a.png" alt=""></p></div>', "上\n下", "上\n下"),
}


@pytest.mark.parametrize("html, text, part", PAGE_TEXT_CASES.values(), ids=PAGE_TEXT_CASES.keys())
def test_page_text(html, text, part):
    shown = page_text(html)
    assert (shown.text, shown.part) == (text, part)


def test_lost_on_page_names_what_is_missing(tmp_path):
    article = tmp_path / "x-1.md"
    article.write_text(
        "Title: 标题\nDate: 2022-02-28\nSlug: x-1\nPeople: 甲, 乙\n\n第一段\n\n第二段\n", encoding="utf-8"
    )
    page = tmp_path / "x-1.html"
    page.write_text(
        '<h1>标题</h1><p>2022年2月28日 甲</p><div class="bulletin-body"><p>第一段</p></div>', encoding="utf-8"
    )
    assert lost_on_page(article, page) == ["body text differs", "People '乙' not shown"]
    page.write_text(
        '<h1>标题</h1><p>2022年2月28日 甲、乙</p><div class="bulletin-body"><p>第一段</p>\n<p>第 二段</p></div>',
        encoding="utf-8",
    )
    assert lost_on_page(article, page) == []


@pytest.mark.slow
def test_sample_site_loses_nothing():
    site = sample_site()
    assert_none_lost(survey(site).losses, site)


@pytest.mark.corpus
@pytest.mark.slow
def test_full_corpus_site_loses_nothing():
    site = corpus_site()
    assert_none_lost(survey(site).losses, site)
