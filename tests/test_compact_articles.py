"""Articles share one copy of the keys, values, tags and categories they repeat, and a build
with the sharing writes the same bytes as one without it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pelican import signals
from pelican.urlwrappers import Category, Tag

from bulletins.plugins.compact import sharing
from support.shared import ROOT
from support.site_build import BASE_PLUGINS, build_fixture_site

SETTINGS = {"TAG_URL": "tags/{slug}.html", "CATEGORY_URL": "categories/{slug}.html"}
PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.open_data"]


def tag(name: str, slug: str | None = None, cls=Tag) -> Tag:
    wrapper = cls(name, SETTINGS)
    if slug:
        wrapper.slug = slug
    return wrapper


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        pytest.param(tag("营商环境", "yingshang"), tag("营商环境", "yingshang"), True, id="equal-tags"),
        pytest.param(tag("营商环境", "yingshang"), tag("营商环境", "yingshang-2"), False, id="other-slug"),
        pytest.param(tag("Python", "python"), tag("python", "python"), False, id="other-name-same-slug"),
        pytest.param(tag("常务会议", "cw"), tag("常务会议", "cw", Category), False, id="tag-and-category"),
        pytest.param("澄川市人民政府", "".join(["澄川市", "人民政府"]), True, id="equal-strings"),
        pytest.param("a" * 201, "".join(["a" * 200, "a"]), False, id="long-strings-kept"),
    ],
)
def test_shared_gives_the_first_equal_value(first, second, same):
    shared = sharing.Shared()
    assert shared.one(first) is first
    assert (shared.one(second) is first) is same
    assert shared.one(second) == second


def test_a_wrapper_with_other_attributes_is_kept():
    first, second = tag("营商环境", "yingshang"), tag("营商环境", "yingshang")
    second.as_dict()  # a template read it: its attribute dict now differs
    shared = sharing.Shared()
    shared.one(first)
    assert shared.one(second) is second


class Article:
    """What Pelican's Content does with metadata: every value is also an attribute."""

    def __init__(self, metadata: dict):
        self.metadata = metadata
        for key, value in metadata.items():
            setattr(self, key.lower(), value)


def read(publisher: str, tags: list[str]) -> Article:
    # Built from parts, as a reader makes them: equal, never the same object.
    return Article(
        {
            "".join(["pub", "lisher"]): "".join(publisher),
            "tags": [tag("".join(t), t) for t in tags],
            "summary": "".join(["会议", "指出"]),
        }
    )


def test_articles_share_keys_values_and_tags_and_keep_them_equal():
    articles = [read("澄川市人民政府", ["营商", "交通"]), read("澄川市人民政府", ["交通", "营商"])]
    before = [(list(a.metadata), [str(v) for v in a.metadata.values()]) for a in articles]
    shared = sharing.Shared()
    for article in articles:
        sharing.compact_metadata(article.metadata, vars(article), shared)
    assert [(list(a.metadata), [str(v) for v in a.metadata.values()]) for a in articles] == before
    first, second = articles
    assert all(k1 is k2 for k1, k2 in zip(first.metadata, second.metadata))
    assert first.publisher is second.publisher is first.metadata["publisher"] is second.metadata["publisher"]
    assert first.tags[0] is second.tags[1] and first.tags[1] is second.tags[0]
    assert second.tags is second.metadata["tags"]


def tree_digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_a_build_with_shared_values_writes_the_same_bytes(tmp_path):
    settings = {"PATH": str(ROOT / "content"), "BULLETINS_SOURCE_ROOT": str(ROOT), "CACHE_CONTENT": True}
    signals.article_generator_finalized.disconnect(sharing.compact_articles)  # registered by an earlier build
    plain = build_fixture_site(tmp_path / "plain" / "output", PLUGINS=PLUGINS, **settings)
    seen = []

    def watch(generator):
        seen.append(generator)

    signals.article_generator_finalized.connect(watch, weak=False)  # after the plugin's own handler
    try:
        compact = build_fixture_site(
            tmp_path / "compact" / "output", PLUGINS=["bulletins.plugins.compact", *PLUGINS], **settings
        )
    finally:
        signals.article_generator_finalized.disconnect(watch)
    assert tree_digests(compact) == tree_digests(plain)
    [generator] = seen
    tags = [t for a in generator.articles for t in getattr(a, "tags", ())]
    assert len({id(t) for t in tags}) == len({(t.name, t.slug) for t in tags}) < len(tags)
    assert generator.readers._cache == {}
