"""Tags and categories: every wrapper object gets its name's slug, and the tag lists group by
name, whether the articles share one object per name or each holds its own."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from pelican.urlwrappers import Category, Tag

from bulletins.plugins.list_pages.generator import EntityPagesGenerator, prepare_articles
from bulletins.site.slugs import unique_slugs

SETTINGS = {"TAG_URL": "tags/{slug}.html", "CATEGORY_URL": "categories/{slug}.html"}
NAMES = ["公报", "常务会议", "Notice", "公报", "人事任免"]


def articles(shared: bool):
    made = {}

    def tag(name):
        if not shared:
            return Tag(name, SETTINGS)
        return made.setdefault(name, Tag(name, SETTINGS))

    out = []
    for i in range(12):
        names = [NAMES[(i + k) % len(NAMES)] for k in range(1 + i % 3)]
        out.append(
            SimpleNamespace(
                date=dt.datetime(2024, 1, 1 + i, tzinfo=dt.UTC),
                slug=f"a{i:02d}",
                category=Category("通知" if i % 2 else "决定", SETTINGS),
                tags=[tag(n) for n in names],
            )
        )
    return out


@pytest.mark.parametrize("shared", [True, False], ids=["shared-objects", "an-object-each"])
def test_every_wrapper_gets_its_names_slug_and_lists_group_by_name(shared):
    items = articles(shared)
    generator = SimpleNamespace(
        articles=list(items),
        translations=[],
        hidden_articles=[],
        hidden_translations=[],
        drafts=[],
        drafts_translations=[],
    )
    prepare_articles(generator)
    slugs = unique_slugs([*NAMES, "通知", "决定"])
    for article in items:
        assert article.category.slug == slugs[article.category.name]
        assert all(tag.slug == slugs[tag.name] for tag in article.tags)
    groups = EntityPagesGenerator._group_taxonomy((a, a.tags) for a in generator.articles)
    expected = {name: [a for a in generator.articles for t in a.tags if t.name == name] for name in set(NAMES)}
    assert {g.name: g.items for g in groups} == expected
    assert all(g.slug == slugs[g.name] and g.wrapper.name == g.name for g in groups)
