"""Sitemaps past the protocol's limits: an index of parts, each within 50,000 URLs and 50 MB."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from bulletins.site.sitemap import (
    MAX_BYTES,
    MAX_URLS,
    URLSET_HEAD,
    URLSET_TAIL,
    SitemapEntry,
    fits,
    part_name,
    render_index,
    render_sitemap,
    sitemap_parts,
    url_line,
)
from support.site_build import build_fixture_site

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locs(text: str) -> list[str]:
    root = ET.fromstring(text)
    assert root.tag == f"{NS}urlset"
    return [url.find(f"{NS}loc").text for url in root]


@pytest.mark.parametrize(
    "save_as, group, number, expected",
    [
        ("sitemap.xml", "2024", 1, "sitemap-2024.xml"),
        ("sitemap.xml", "2024", 2, "sitemap-2024-2.xml"),
        ("sitemap.xml", "pages", 12, "sitemap-pages-12.xml"),
        ("maps/site.xml", "2001", 1, "maps/site-2001.xml"),
        ("sitemap", "pages", 1, "sitemap-pages"),
        (".xml", "pages", 1, ".xml-pages"),
        ("a.b/map.v2.xml", "1999", 3, "a.b/map.v2-1999-3.xml"),
    ],
)
def test_part_names(save_as, group, number, expected):
    assert part_name(save_as, group, number) == expected


def entries(n: int, year: int = 2024, width: int = 0) -> list[SitemapEntry]:
    return [
        SitemapEntry(f"bulletins/{year}/b-{i:06d}{'x' * width}.html", f"{year}-01-{i % 28 + 1:02d}") for i in range(n)
    ]


@pytest.mark.parametrize(
    "sizes, max_urls, max_bytes, expected",
    [
        # group sizes -> the parts' URL counts, in order
        ({"pages": 3, "2024": 5}, 5, MAX_BYTES, [("sitemap-pages.xml", 3), ("sitemap-2024.xml", 5)]),
        ({"2024": 11}, 5, MAX_BYTES, [("sitemap-2024.xml", 5), ("sitemap-2024-2.xml", 5), ("sitemap-2024-3.xml", 1)]),
        ({"pages": 0, "2023": 2}, 5, MAX_BYTES, [("sitemap-2023.xml", 2)]),
        ({"2024": 1}, 1, MAX_BYTES, [("sitemap-2024.xml", 1)]),
        # an entry larger than the byte limit alone still gets a part of its own
        ({"2024": 2}, 100, 10, [("sitemap-2024.xml", 1), ("sitemap-2024-2.xml", 1)]),
    ],
)  # fmt: skip
def test_parts_keep_within_the_limits(sizes, max_urls, max_bytes, expected):
    groups = {group: entries(n, 2000 + i) for i, (group, n) in enumerate(sizes.items())}
    parts = list(sitemap_parts(groups.items(), "https://a.org", "sitemap.xml", max_urls, max_bytes))
    assert [(p.name, len(locs(p.text))) for p in parts] == expected
    assert [loc for p in parts for loc in locs(p.text)] == [
        f"https://a.org/{e.path}" for group in groups.values() for e in group
    ]
    for part in parts:
        n = len(locs(part.text))
        assert n == 1 or fits(part.text, n, max_urls, max_bytes)


def test_a_part_holds_the_lines_that_fit_its_bytes():
    group = entries(10)
    line = len(url_line(group[0], "https://a.org")) + 1  # every line here is as long
    room = len(URLSET_HEAD) + len(URLSET_TAIL) + 3 * line
    parts = list(sitemap_parts([("2024", group)], "https://a.org", "sitemap.xml", 100, room))
    assert [len(locs(p.text)) for p in parts] == [3, 3, 3, 1]
    assert all(len(p.text.encode("utf-8")) <= room for p in parts)
    assert len(parts[0].text.encode("utf-8")) == room


def test_a_part_s_lastmod_is_its_newest():
    group = [SitemapEntry("a.html", "2020-05-01"), SitemapEntry("b.html"), SitemapEntry("c.html", "2021-01-09")]
    (part,) = sitemap_parts([("2021", group)], "", "sitemap.xml")
    assert part.lastmod == "2021-01-09"
    (bare,) = sitemap_parts([("pages", [SitemapEntry("index.html")])], "", "sitemap.xml")
    assert bare.lastmod == ""


def test_the_index_names_every_part_absolutely():
    text = render_index([("sitemap-pages.xml", ""), ("sitemap-2024.xml", "2024-03-01")], "https://a.org/site/")
    root = ET.fromstring(text)
    assert root.tag == f"{NS}sitemapindex"
    assert [s.find(f"{NS}loc").text for s in root] == [
        "https://a.org/site/sitemap-pages.xml",
        "https://a.org/site/sitemap-2024.xml",
    ]
    assert root[0].find(f"{NS}lastmod") is None and root[1].find(f"{NS}lastmod").text == "2024-03-01"


def test_the_protocol_limits():
    assert (MAX_URLS, MAX_BYTES) == (50_000, 52_428_800)
    at_most = render_sitemap(entries(MAX_URLS), "https://a.org")
    assert fits(at_most, MAX_URLS) and not fits(at_most, MAX_URLS + 1)


@pytest.mark.parametrize("seed", range(6))
def test_hostile_paths_cut_and_escaped(seed):
    """Seeded: paths with markup, quotes, Han and long runs, cut at random limits: every part
    parses, holds its share in order, and stays within the limits."""
    rng = random.Random(seed)
    alphabet = "ab<>&'\"/公告年?=# " + "\u9fa5"

    def path() -> str:
        return "".join(rng.choices(alphabet, k=rng.randint(1, 300)))

    groups = [
        (str(2000 + g), [SitemapEntry(path()) for _ in range(rng.randint(0, 40))]) for g in range(rng.randint(1, 4))
    ]
    max_urls, max_bytes = rng.randint(1, 12), rng.randint(200, 4000)
    parts = list(sitemap_parts(groups, "https://a.org", "sitemap.xml", max_urls, max_bytes))
    assert [loc for p in parts for loc in locs(p.text)] == [
        f"https://a.org/{e.path.lstrip('/')}" for _, g in groups for e in g
    ]
    for part in parts:
        n = len(locs(part.text))
        assert n == 1 or fits(part.text, n, max_urls, max_bytes)
    assert len({p.name for p in parts}) == len(parts)


# --- builds ------------------------------------------------------------------------------------


def urls_of(out) -> list[str]:
    """Every URL the site's sitemap names, through its index when it has one."""
    root = ET.fromstring((out / "sitemap.xml").read_text(encoding="utf-8"))
    if root.tag == f"{NS}urlset":
        return [u.find(f"{NS}loc").text for u in root]
    return [loc for s in root for loc in locs((out / s.find(f"{NS}loc").text).read_text(encoding="utf-8"))]


def test_a_site_past_the_limit_gets_an_index_and_loses_it_again(tmp_path):
    out = tmp_path / "output"
    whole = urls_of(build_fixture_site(out))
    assert not list(out.glob("sitemap-*.xml"))
    build_fixture_site(out, BULLETINS_SITEMAP_MAX_URLS=4)
    parts = sorted(p.name for p in out.glob("sitemap-*.xml"))
    assert {"sitemap-2022.xml", "sitemap-2023.xml", "sitemap-pages.xml"} <= set(parts)
    assert sorted(urls_of(out)) == sorted(whole) and len(urls_of(out)) == len(whole)
    for name in parts:
        assert 1 <= len(locs((out / name).read_text(encoding="utf-8"))) <= 4
    build_fixture_site(out)  # within the limit again: one urlset, the parts removed
    assert urls_of(out) == whole and not list(out.glob("sitemap-*.xml"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BULLETINS_SITEMAP_MAX_URLS", 0),
        ("BULLETINS_SITEMAP_MAX_URLS", 50_001),
        ("BULLETINS_SITEMAP_MAX_URLS", True),
        ("BULLETINS_SITEMAP_MAX_URLS", "100"),
        ("BULLETINS_SITEMAP_MAX_URLS", 2.5),
        ("BULLETINS_SITEMAP_SAVE_AS", "../sitemap.xml"),  # its parts would land beside the output
        ("BULLETINS_SITEMAP_SAVE_AS", "/srv/www/sitemap.xml"),
        ("BULLETINS_SITEMAP_SAVE_AS", "maps/"),
        ("BULLETINS_SITEMAP_SAVE_AS", None),
    ],
)
def test_a_bad_setting_is_refused(tmp_path, name, value):
    with pytest.raises(SystemExit, match=name):
        build_fixture_site(tmp_path / "output", **{name: value})


def test_a_sitemap_in_a_folder_keeps_its_parts_there(tmp_path):
    out = build_fixture_site(
        tmp_path / "output", BULLETINS_SITEMAP_SAVE_AS="maps/site.xml", BULLETINS_SITEMAP_MAX_URLS=4
    )
    root = ET.fromstring((out / "maps/site.xml").read_text(encoding="utf-8"))
    named = [s.find(f"{NS}loc").text for s in root]
    assert named and all(n.startswith("maps/site-") and (out / n).is_file() for n in named)
    assert not (out / "sitemap.xml").exists()
    assert "Sitemap" not in (out / "robots.txt").read_text(encoding="utf-8")  # no public URL: no line
