"""The fast article URL formatter agrees with Pelican's own ``article.url``."""

from __future__ import annotations

import pytest
from pelican.contents import Article
from pelican.readers import Readers
from pelican.settings import read_settings

from bulletins.plugins.article_urls.generator import url_formatter
from bulletins.site.urls import first_claims
from support.shared import ROOT
from support.site_build import FIXTURE_CONTENT


def fixture_articles(**overrides):
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(FIXTURE_CONTENT), **overrides})
    readers = Readers(settings)
    paths = sorted((FIXTURE_CONTENT / "bulletins").rglob("*.md"))
    return settings, [
        readers.read_file(base_path=str(FIXTURE_CONTENT), path=str(p), content_class=Article, context={}) for p in paths
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("bulletins/{date:%Y}/{date:%m}/{slug}.html", id="ours"),
        pytest.param("{date:%Y-%m-%d}-{slug}.html", id="flat-dated"),
        pytest.param("{category}/{slug}.html", id="other-fields-go-through-pelican"),
        pytest.param("{lang}/{slug}.html", id="lang"),
    ],
)
def test_url_formatter_matches_pelican(pattern):
    _settings, articles = fixture_articles(ARTICLE_URL=pattern, ARTICLE_SAVE_AS=pattern)
    url_of = url_formatter(pattern)
    assert len(articles) == 8
    assert [url_of(a) for a in articles] == [a.url for a in articles]


@pytest.mark.parametrize(
    "claims, clashes",
    [
        pytest.param([("a.md", "x.html"), ("b.md", "y.html")], [], id="distinct"),
        pytest.param([("b.md", "x.html"), ("a.md", "x.html")], [("b.md", "x.html", "a.md")], id="first-by-source-path"),
        pytest.param(
            [("c.md", "x.html"), ("a.md", "x.html"), ("b.md", "x.html")],
            [("b.md", "x.html", "a.md"), ("c.md", "x.html", "a.md")],
            id="three-on-one-page",
        ),
    ],
)
def test_first_claims(claims, clashes):
    assert first_claims(claims) == clashes
