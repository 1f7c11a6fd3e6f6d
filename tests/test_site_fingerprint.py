"""Page fingerprints: equal inputs describe equal, any change or unknown input differs."""

from __future__ import annotations

import os
from collections import Counter
from types import SimpleNamespace

import pytest

from bulletins.site.fingerprint import describe, digest, settings_digest, source_stamp


def article(path, **extra):
    return SimpleNamespace(source_path=str(path), metadata={}, **extra)


@pytest.fixture()
def sources(tmp_path):
    paths = []
    for name in ("a.md", "b.md"):
        path = tmp_path / name
        path.write_text(f"Title: {name}\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_same_inputs_same_description(sources):
    a, b = article(sources[0]), article(sources[1])
    assert describe({"articles": [a, b], "n": 2}) == describe(
        {"n": 2, "articles": [article(sources[0]), article(sources[1])]}
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.write_text("Title: edited\n", encoding="utf-8"), id="edited"),
        pytest.param(lambda p: os.utime(p, ns=(1, 1)), id="touched"),
        pytest.param(lambda p: p.unlink(), id="deleted"),
    ],
)
def test_source_change_changes_the_stamp(sources, change):
    before = source_stamp(str(sources[0]))
    change(sources[0])
    assert source_stamp(str(sources[0])) != before


@pytest.mark.parametrize(
    "left, right",
    [
        pytest.param([1, 2], [2, 1], id="order"),
        pytest.param({"x": "a"}, {"x": "b"}, id="value"),
        pytest.param(
            SimpleNamespace(name="甲", slug="a", _name="甲"),
            SimpleNamespace(name="甲", slug="b", _name="甲"),
            id="slug",
        ),
        pytest.param(
            SimpleNamespace(name="甲", slug="s", url="u", items=[], count=1, counts=Counter(presided=1)),
            SimpleNamespace(name="甲", slug="s", url="u", items=[], count=1, counts=Counter(attended=1)),
            id="entity-counts",
        ),
    ],
)
def test_different_inputs_differ(left, right):
    assert describe(left) != describe(right)


def test_unknown_objects_never_match():
    thing = object()
    assert describe(thing) != describe(thing)


def test_article_page_sees_its_neighbours(sources):
    a, b = article(sources[0]), article(sources[1])
    alone = describe(article(sources[0], bulletins_prev=None, bulletins_next=None), page=True)
    assert describe(article(sources[0], bulletins_prev=b, bulletins_next=None), page=True) != alone
    assert describe(a) != describe(b)


# Pairs of parts that a joined form could confuse: each pair must digest apart.
DIGEST_APART = [
    ((), ("",)),
    (("",), ("", "")),
    (("a", "b"), ("ab",)),
    (("a\0b",), ("a", "b")),
    (("a\0", "b"), ("a", "\0b")),
    (("\x01'a'",), ("a",)),
    (("\x01'a'",), (repr("a"),)),
    (("1",), (1,)),
    (("None",), (None,)),
    ((None,), ("\x01None",)),
    (("\ud800",), ("\\ud800",)),  # a lone surrogate, as a file name read with surrogateescape can hold
    ((("a", "b"),), ("a", "b")),
    (("[ab,cd]",), ("[ab", "cd]")),
]


@pytest.mark.parametrize(("one", "other"), DIGEST_APART)
def test_digest_tells_parts_apart(one, other):
    assert digest(one) != digest(other)
    assert digest(one) == digest(list(one)) == digest(iter(one))  # any iterable of the same parts
    assert len(digest(one)) == 32 and int(digest(one), 16) >= 0


def test_settings_digest_ignores_cache_settings():
    base = {"SITENAME": "公报档案", "CACHE_PATH": "/tmp/a", "LOAD_CONTENT_CACHE": False}
    assert settings_digest(base) == settings_digest(dict(base, CACHE_PATH="/tmp/b", LOAD_CONTENT_CACHE=True))
    assert settings_digest(base) != settings_digest(dict(base, SITENAME="别的"))
    assert digest(["a", "b"]) != digest(["ab"])


def test_settings_digest_reads_source_roots_as_the_folders_they_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "sources")
    relative = {"SITENAME": "公报档案", "BULLETINS_SOURCE_ROOTS": ["sources"]}
    for same in (str(tmp_path / "sources"), "./sources/", "linked"):
        assert settings_digest(relative) == settings_digest(dict(relative, BULLETINS_SOURCE_ROOTS=[same]))
    other = dict(relative, BULLETINS_SOURCE_ROOTS=["other"])
    assert settings_digest(relative) != settings_digest(other)
    based = dict(relative, BULLETINS_BASE_DIR=str(tmp_path / "elsewhere"))
    assert settings_digest(relative) != settings_digest(based)


def _wrappers():
    from pelican.urlwrappers import Author, Category, Tag

    settings = {"TAG_URL": "tag/{slug}.html", "CATEGORY_URL": "category/{slug}.html", "AUTHOR_URL": "a/{slug}.html"}
    return [cls(name, settings) for cls in (Category, Tag, Author) for name in ("公报", "Notice 2", "a-b")]


def test_pelicans_wrappers_and_dicts_describe_as_the_general_branches_do():
    """The quick branches for Pelican's Category, Tag and Author and for a plain dict give what
    the branches for any URLWrapper and any mapping give (a subclass and a mapping type that
    only the general branches take)."""
    from collections import OrderedDict

    for wrapper in _wrappers():
        kind = type(wrapper)
        sub = type(kind.__name__, (kind,), {})(wrapper.name, wrapper.settings)  # same name, another class
        assert describe(wrapper) == describe(sub) == repr((kind.__name__, wrapper.name, wrapper.slug))
    nested = {"b": [1, "x"], "a": {"tag": _wrappers()[4], "n": None}, 3: 2.5}
    as_ordered = OrderedDict((k, OrderedDict(v) if isinstance(v, dict) else v) for k, v in nested.items())
    assert describe(nested) == describe(as_ordered)
    assert describe({"z": 1, "a": 2}) == describe({"a": 2, "z": 1}) == "{'a':2,'z':1}"


def test_arguments_memo_describes_as_describe_does(sources, monkeypatch):
    """The memo of page arguments gives ``describe``'s answer for every kind of arguments, and
    again after a taxonomy item is renamed, a value changes type (True and 1 are equal keys of
    a dict) or the memo forgets."""
    from bulletins.site.fingerprint import ArgumentsMemo

    wrappers = _wrappers()
    cases = [
        {"category": wrappers[0], "blog": True, "paginated": None},
        {"category": wrappers[1], "blog": True, "paginated": None},
        {"category": wrappers[0], "blog": 1, "paginated": None},
        {"category": wrappers[0], "blog": 1.0, "paginated": None},
        {"tag": wrappers[4], "n": "公报"},
        {"articles": [article(sources[0])], "n": 2},  # a list: described every time
        {},
    ]
    memo = ArgumentsMemo()
    for value in cases * 2:
        assert memo.describe(value) == describe(value)
    wrappers[0].name = "改名"
    assert memo.describe(cases[0]) == describe(cases[0]) != describe(cases[1])
    assert "改名" in memo.describe(cases[0])
    monkeypatch.setattr(ArgumentsMemo, "MOST", 2)
    for value in cases * 2:
        assert memo.describe(value) == describe(value)
    assert len(memo.memo) <= 2
