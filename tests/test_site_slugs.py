"""Stable, unique ASCII slugs for Chinese names (categories, tags, persons, documents)."""

from __future__ import annotations

import re

import pytest

from bulletins.site.slugs import romanize, slug_for, unique_slugs

ASCII_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    "name, prefix",
    [
        pytest.param("常务会议", "chang-wu-hui-yi", id="plain-han"),
        pytest.param("万州区", "wan-zhou-qu", id="wan-not-mo"),
        pytest.param("5G基站", "5g-ji-zhan", id="digits-and-latin-kept"),
        pytest.param("工作动态·文化", "gong-zuo-dong-tai-wen-hua", id="middle-dot-dropped"),
        pytest.param("<script>alert(1)</script>", "script-alert-1-script", id="markup-reduced"),
        pytest.param("《》——", "", id="punctuation-only"),
        pytest.param(
            "中华人民共和国国民经济和社会发展第十四个五年规划",
            "zhong-hua-ren-min-gong-he-guo",
            id="long-name-cut-between-syllables",
        ),
    ],
)
def test_romanize(name, prefix):
    assert romanize(name) == prefix


@pytest.mark.parametrize(
    "name",
    ["常务会议", "工作动态·文化", "工作动态•文化", "《》——", "GDP", "黄茂军", '"><img src=x onerror=alert(1)>'],
)
def test_slug_is_ascii_and_stable(name):
    slug = slug_for(name)
    assert ASCII_SLUG.match(slug)
    assert slug == slug_for(name)
    assert slug.endswith(slug_for.__wrapped__(name)[-8:])


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param("工作动态·文化", "工作动态•文化", id="middle-dot-vs-bullet"),
        pytest.param("重庆", "重慶", id="simplified-vs-traditional"),
        pytest.param("张 伟", "张伟", id="space"),
        pytest.param("Gdp", "GDP", id="case"),
    ],
)
def test_names_differing_in_one_mark_get_different_slugs(a, b):
    assert slug_for(a) != slug_for(b)


def test_known_value_never_changes():
    # a published URL: if this changes, every link to the page breaks
    assert slug_for("常务会议") == "chang-wu-hui-yi-6d8394de"


def test_unique_slugs_lengthens_only_colliding_hashes(monkeypatch):
    import bulletins.site.slugs as slugs

    real = slugs.name_hash
    monkeypatch.setattr(slugs, "name_hash", lambda name, length=8: "0" * length if length == 8 else real(name, length))
    slugs.slug_for.cache_clear()
    try:
        result = unique_slugs(["工作动态·文化", "工作动态•文化", "工作动态·文化", "常务会议"])
    finally:
        slugs.slug_for.cache_clear()
    assert result["常务会议"] == "chang-wu-hui-yi-00000000"  # no clash: short form kept
    del result["常务会议"]
    assert len(set(result.values())) == 2
    assert all(len(s.rsplit("-", 1)[1]) == 12 for s in result.values())
