"""Records of the article cache (``incremental.records``): what a record names instead of
carrying a copy, read back as one object shared by every article (strings, tags, the settings
and context); what it cannot name kept as it was; references it did not write refused. At
build level, a rebuild's articles, read from records or from files, share their values as a
compacted cold build's do, and the pages are the cold build's."""

from __future__ import annotations

import hashlib
import io
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pelican import signals
from pelican.urlwrappers import Category, Tag

from bulletins.plugins.compact.sharing import SHORT, Shared
from bulletins.plugins.incremental import records
from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT, build_fixture_site

SETTINGS = {"TAG_URL": "tags/{slug}.html", "SLUGIFY_SOURCE": "title"}
CONTEXT = {"articles": []}


@dataclass
class Thing:
    """Stands for an article: its settings, context, metadata, tags and texts."""

    settings: dict
    context: dict
    metadata: dict
    tags: list
    texts: list = field(default_factory=list)


def fresh(text: str) -> str:
    """TEXT as a reader makes it: equal, never the same object."""
    return "".join([text[:1], text[1:]]) if len(text) > 1 else text


def thing(publisher: str, tag_names: list[str], texts: list[str] = ()) -> Thing:
    tags = [Tag(fresh(name), SETTINGS) for name in tag_names]
    metadata = {fresh("publisher"): fresh(publisher), fresh("tags"): tags}
    return Thing(SETTINGS, CONTEXT, metadata, tags, [fresh(t) for t in texts])


def record(obj, settings=SETTINGS, context=CONTEXT) -> bytes:
    buffer = io.BytesIO()
    records.pickler(buffer, records.reference(settings, context)).dump(obj)
    return buffer.getvalue()


def read(data: bytes, shared: Shared, settings=SETTINGS, context=CONTEXT):
    return records.unpickler(io.BytesIO(data), records.loader(settings, context, shared)).load()


TEXTS = [
    "",
    "短",
    "公报正文" * 40,
    "a" * (SHORT + 1),
    "孤\ud800立代理",
    "含\x00空字符" * 20,
    "行\u2028分隔" * 30,
    "x" * SHORT,
]


def test_records_share_strings_and_tags_and_keep_every_text():
    shared = Shared()
    first, second = (read(record(thing("澄川市人民政府", ["营商", "交通"], TEXTS)), shared) for _ in range(2))
    assert first.texts == second.texts == TEXTS
    assert first.settings is second.settings is SETTINGS and first.context is CONTEXT
    assert first.metadata["publisher"] is second.metadata["publisher"]
    assert all(k1 is k2 for k1, k2 in zip(first.metadata, second.metadata))
    assert [t.name for t in first.tags] == ["营商", "交通"]
    assert first.tags[0] is second.tags[0] and first.tags[1] is second.tags[1]
    assert first.tags is first.metadata["tags"]
    assert first.tags[0].slug == Tag("营商", SETTINGS).slug  # a shared tag still works as one


@pytest.mark.parametrize(
    ("make", "shared_with_plain"),
    [
        pytest.param(lambda: Tag("交通", SETTINGS), True, id="plain-tag"),
        pytest.param(lambda: Category("交通", SETTINGS), False, id="category-not-tag"),
        pytest.param(lambda: Tag("交通", dict(SETTINGS)), False, id="other-settings"),
        pytest.param(lambda: _with(Tag("交通", SETTINGS), note="首页"), False, id="extra-attribute"),
        pytest.param(lambda: _with(Tag("交通", SETTINGS), slug="jt"), False, id="slug-set"),
    ],
)
def test_a_wrapper_is_shared_only_with_one_indistinguishable_from_it(make, shared_with_plain):
    shared = Shared()
    plain = read(record(Tag("交通", SETTINGS)), shared)
    made = make()
    other = read(record(made), shared)
    assert (other is plain) is shared_with_plain
    assert type(other) is type(made) and vars(other).keys() == vars(made).keys()
    assert other.name == made.name and other.slug == made.slug


def _with(wrapper, **attributes):
    for name, value in attributes.items():
        setattr(wrapper, name, value)
    return wrapper


@pytest.mark.parametrize(
    "pid",
    [0, 1, 1.0, ("s", 1), ("t", "text"), ("t", b"a", b"b"), ("w", dict, "a", None, True), ("w", Tag), b"s", ["s"]],
)
def test_a_reference_it_did_not_write_is_refused(pid):
    class Bad(pickle.Pickler):
        def persistent_id(self, obj):
            return pid if obj == "marker" else None

    buffer = io.BytesIO()
    Bad(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(["marker"])
    with pytest.raises(TypeError if type(pid) is list else pickle.UnpicklingError):  # a list is no key
        read(buffer.getvalue(), Shared())


def tree_digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_a_rebuild_shares_values_between_cached_and_read_articles(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    plugins = ["bulletins.plugins.compact", *BASE_PLUGINS]
    settings = {"PATH": str(content), "PLUGINS": plugins, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    site = tmp_path / "site" / "output"
    build_fixture_site(site, **settings)
    edited = content / "bulletins" / "2023" / "01" / "ljq-2023-0106-cwhy1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    seen = []
    signals.article_generator_finalized.connect(seen.append, weak=False)  # after compaction
    try:
        build_fixture_site(site, **settings)
    finally:
        signals.article_generator_finalized.disconnect(seen.append)
    articles = seen[0].articles
    tags = [t for a in articles for t in getattr(a, "tags", ())]
    assert len({id(t) for t in tags}) == len({(t.name, t.slug) for t in tags}) < len(tags)
    [changed] = [a for a in articles if a.source_path == str(edited)]
    others = [a for a in articles if a is not changed and a.category.name == changed.category.name]
    assert others and all(a.category is changed.category for a in others)
    assert any(a.metadata.get("publisher") is changed.metadata["publisher"] for a in others)
    cold = build_fixture_site(tmp_path / "cold" / "output", **{**settings, "CACHE_CONTENT": False})
    assert tree_digests(site) == tree_digests(cold)
