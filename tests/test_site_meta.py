"""Chinese dates, JSON-LD, sitemap and robots.txt (pure)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment

from bulletins.site.datefmt import iso_date, zh_date, zh_month, zh_year
from bulletins.site.jsonld import BulletinFacts, article_jsonld
from bulletins.site.sitemap import SitemapEntry, join_url, render_robots, render_sitemap


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(dt.date(2022, 2, 28), "2022年2月28日", id="no-leading-zeros"),
        pytest.param(dt.date(2023, 12, 1), "2023年12月1日", id="two-digit-month"),
        pytest.param(
            dt.datetime(2024, 1, 9, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")), "2024年1月9日", id="aware-datetime"
        ),
    ],
)
def test_zh_date(value, expected):
    assert zh_date(value) == expected


def test_other_labels():
    assert zh_month(2022, 2) == "2022年2月"
    assert zh_year(2022) == "2022年"
    assert iso_date(dt.date(2022, 2, 8)) == "2022-02-08"


FACTS = BulletinFacts(
    title="黄茂军主持召开区政府第5次常务会议",
    date="2022-02-28",
    url="https://example.org/bulletins/2022/02/x.html",
    identifier="YZ-2022-0005",
    publisher="重庆市渝中区人民政府",
    doc_number="渝中府纪〔2022〕5号",
    category="常务会议",
    keywords=("常务会议", "数字经济"),
    people=("黄茂军", "黄孝明"),
    documents=("渝中区数字经济规划",),
    summary="会议研究部署近期重点工作。",
    source_url="javascript:alert(1)",
)


def test_jsonld_fields():
    data = article_jsonld(FACTS)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == FACTS.title and data["datePublished"] == "2022-02-28"
    assert data["publisher"] == {"@type": "GovernmentOrganization", "name": "重庆市渝中区人民政府"}
    assert {i["propertyID"]: i["value"] for i in data["identifier"]} == {
        "索引号": "YZ-2022-0005",
        "文号": "渝中府纪〔2022〕5号",
    }
    assert [p["name"] for p in data["mentions"]] == ["黄茂军", "黄孝明"]
    assert data["citation"][0]["name"] == "《渝中区数字经济规划》"
    assert "isBasedOn" not in data  # only http(s) source URLs


def test_jsonld_leaves_out_empty_fields():
    data = article_jsonld(BulletinFacts(title="t", date="2022-01-01"))
    assert set(data) == {"@context", "@type", "headline", "datePublished", "inLanguage"}


def test_jsonld_cannot_close_its_script_block():
    data = article_jsonld(BulletinFacts(title="</script><script>alert(1)</script>", date="2022-01-01"))
    out = Environment(autoescape=True).from_string("{{ d|tojson }}").render(d=data)
    assert "</script" not in out and "<" not in out
    assert json.loads(out)["headline"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize(
    "base, path, expected",
    [
        ("https://a.org", "x.html", "https://a.org/x.html"),
        ("https://a.org/archive/", "/bulletins/2022/index.html", "https://a.org/archive/bulletins/2022/index.html"),
        ("", "x.html", "x.html"),
    ],
)
def test_join_url(base, path, expected):
    assert join_url(base, path) == expected


def test_sitemap_is_valid_xml_with_absolute_urls():
    text = render_sitemap([SitemapEntry("index.html"), SitemapEntry("a&b.html", "2022-02-28")], "https://a.org")
    root = ET.fromstring(text)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(f"{ns}loc").text for u in root]
    assert locs == ["https://a.org/index.html", "https://a.org/a&b.html"]
    assert root[1].find(f"{ns}lastmod").text == "2022-02-28"


@pytest.mark.parametrize(
    "base, sitemap_line",
    [("https://a.org", "Sitemap: https://a.org/sitemap.xml"), ("", None)],
)
def test_robots(base, sitemap_line):
    lines = render_robots(base).splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert (sitemap_line in lines) if sitemap_line else not any(ln.startswith("Sitemap") for ln in lines)
