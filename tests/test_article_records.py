"""Records of the article cache (``incremental.records``): what a record names by the number of
its table instead of carrying a copy, read back as one object shared by every article
(strings, tags, the settings and context), whichever build's table named it; what it cannot
name kept as it was; numbers and table items it did not write refused. At
build level, a rebuild's articles, read from records or from files, share their values as a
compacted cold build's do, and the pages are the cold build's."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican import signals
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

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


def record(obj, table: records.Table) -> tuple[bytes, tuple]:
    """OBJ's record as the article cache writes it (its pickle, then its texts), and the
    lengths of its texts."""
    buffer = io.BytesIO()
    records.pickler(buffer, table.persistent_id).dump(obj)
    texts = table.record_texts()
    return buffer.getvalue() + b"".join(texts), tuple(map(len, texts))


def written(table: records.Table) -> list:
    """TABLE's items as the cache file gives them back."""
    return pickle.loads(pickle.dumps(table.written_items(), protocol=pickle.HIGHEST_PROTOCOL))


def read(made: tuple[bytes, tuple], items: list, shared: Shared, settings=SETTINGS, context=CONTEXT):
    data, texts = made
    objects = records.table_objects(items, settings, context, shared)
    return records.read_record(data, len(data), texts, objects)


def round_trip(obj, shared: Shared, table: records.Table | None = None):
    """OBJ written with TABLE (a new one: another build's) and read back sharing SHARED."""
    table = table or records.Table(SETTINGS, CONTEXT)
    data = record(obj, table)
    return read(data, written(table), shared)


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


@pytest.mark.parametrize("one_table", [True, False], ids=["one-build", "two-builds"])
def test_records_share_strings_and_tags_and_keep_every_text(one_table):
    shared, table = Shared(), records.Table(SETTINGS, CONTEXT)
    made = [thing("澄川市人民政府", ["营商", "交通"], TEXTS) for _ in range(2)]
    first, second = (round_trip(m, shared, table if one_table else None) for m in made)
    assert first.texts == second.texts == TEXTS
    assert first.settings is second.settings is SETTINGS and first.context is CONTEXT
    assert first.metadata["publisher"] is second.metadata["publisher"]
    assert all(k1 is k2 for k1, k2 in zip(first.metadata, second.metadata))
    assert [t.name for t in first.tags] == ["营商", "交通"]
    assert first.tags[0] is second.tags[0] and first.tags[1] is second.tags[1]
    assert first.tags is first.metadata["tags"]
    assert first.tags[0].slug == Tag("营商", SETTINGS).slug  # a shared tag still works as one


def test_a_table_holds_each_value_once_and_no_string_as_the_pickler_writes_it():
    table = records.Table(SETTINGS, CONTEXT)
    day = SafeDatetime(2024, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    made = [thing("澄川市人民政府", ["营商"], ["公报正文" * 60]) for _ in range(3)]
    for m in made:
        m.metadata["date"] = day
        record(m, table)
    items = table.written_items()
    assert len(items) == len(set(map(repr, items)))
    assert not [item for item in items if type(item) is str]  # as UTF-8 bytes, encoded once here
    assert sum(isinstance(item, dt.date) for item in items) == 1
    assert not [i for i in items if type(i) is bytes and len(i.decode()) > SHORT]  # texts follow their records
    back = [read(record(m, table), written(table), Shared()) for m in made]
    assert back[0].metadata["date"] == day and type(back[0].metadata["date"]) is SafeDatetime
    assert back[0].texts == ["公报正文" * 60]


@pytest.mark.parametrize("count", [0, 1, records.TEXT_SLOTS, records.TEXT_SLOTS + 3])
def test_a_records_texts_follow_it_and_those_past_the_slots_go_in_the_table(count):
    texts = [f"第{i}段" + "公报正文" * 60 for i in range(count)]
    plain, table = records.Table(SETTINGS, CONTEXT), records.Table(SETTINGS, CONTEXT)
    record(thing("澄川市人民政府", ["营商"]), plain)
    made = thing("澄川市人民政府", ["营商"], texts)
    made.texts += made.texts[:1]  # the first named twice: one number
    data, lengths = record(made, table)
    assert len(lengths) == min(count, records.TEXT_SLOTS)
    assert len(table.items) == len(plain.items) + max(0, count - records.TEXT_SLOTS)  # past the slots: the table
    assert not table.record_texts()  # the next record begins with none
    back = read((data, lengths), written(table), Shared())
    assert back.texts == texts + texts[:1]
    if count:
        assert back.texts[0] is back.texts[-1]


def test_the_slots_are_emptied_after_each_record():
    table = records.Table(SETTINGS, CONTEXT)
    first = record(thing("甲", [], ["公报正文" * 60]), table)
    objects = records.table_objects(written(table), SETTINGS, CONTEXT, Shared())
    records.read_record(first[0], len(first[0]), first[1], objects)
    assert objects[records.TEXT_FIRST : records.FIXED] == [None] * records.TEXT_SLOTS
    cut = (first[0], (first[1][0] + 1,))  # a text said to be longer than it is: the pickle ends elsewhere
    with pytest.raises((ValueError, pickle.UnpicklingError)):
        records.read_record(cut[0], len(cut[0]), cut[1], objects)
    assert objects[records.TEXT_FIRST : records.FIXED] == [None] * records.TEXT_SLOTS


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
    plain = round_trip(Tag("交通", SETTINGS), shared)
    made = make()
    other = round_trip(made, shared)
    assert (other is plain) is shared_with_plain
    assert type(other) is type(made) and vars(other).keys() == vars(made).keys()
    assert other.name == made.name and other.slug == made.slug


def _with(wrapper, **attributes):
    for name, value in attributes.items():
        setattr(wrapper, name, value)
    return wrapper


@pytest.mark.parametrize(
    "pid",
    [records.FIXED + 1, 99, 1.0, ("s", 1), ("t", b"text"), ("w", dict, "a", None, True), "s", b"s", ["s"]],
)
def test_a_number_its_table_does_not_hold_is_refused(pid):
    class Bad(pickle.Pickler):
        def persistent_id(self, obj):
            return pid if obj == "marker" else None

    buffer = io.BytesIO()
    Bad(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(["marker"])
    with pytest.raises((pickle.UnpicklingError, IndexError, TypeError)):
        read((buffer.getvalue(), ()), [b"one"], Shared())  # numbers 0, 1 and FIXED only


@pytest.mark.parametrize(
    "items",
    [
        ("not", "a list"),
        ["a string as is"],
        [1],
        [("w", dict, b"a", None, True)],
        [("w", Tag, 3, None, True)],
        [("w", Tag, b"a")],
        [("t", b"text")],
    ],
)
def test_a_table_item_of_no_known_kind_is_refused(items):
    with pytest.raises(pickle.UnpicklingError):
        records.table_objects(items, SETTINGS, CONTEXT, Shared())


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
