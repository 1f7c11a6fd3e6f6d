"""Slim articles (``compact.slim``): once every generator has made its context, an article keeps
in its own dict only what is its own; every attribute reads as before (the same object, or an
equal string), an attribute set afterwards is the one read, a property of Pelican's is never
shadowed, and a site built with slim articles is byte for byte the site built without. An
article the article cache gives is slimmed as it is read, and again by the sweep for the keys
set on it since."""

from __future__ import annotations

import datetime
import os
import random
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.settings import DEFAULT_CONFIG

from bulletins.plugins.compact import slim
from support.cache_doubles import CACHE_ON
from support.site_build import FIXTURE_CONTENT, build_fixture_site

SETTINGS = dict(DEFAULT_CONFIG, TIMEZONE="Asia/Shanghai")
CONTEXT = {"localsiteurl": "", "generated_content": {}, "static_content": {}}
PROPERTIES = ("url", "save_as", "summary", "content", "status", "slug", "title", "lang", "template")


def article(index: int, cls=Article, **metadata) -> Content:
    meta = {
        "title": f"第{index}号公告",
        "date": datetime.datetime(2024, 1, 1 + index % 28),
        "slug": f"gonggao-{index}",
        "publisher": "澄川市人民政府",
        "url": f"bulletins/{index}.html",
        "save_as": f"bulletins/{index}.html",
        **metadata,
    }
    made = cls(f"<p>正文{index}</p>", metadata=meta, settings=SETTINGS, context=CONTEXT)
    made.bulletins_people = ()
    made.bulletins_issue = None
    made.bulletins_prev = None
    return made


def seen(obj, names) -> dict:
    """NAME -> what reading it gives (its value, or the error's type)."""
    out = {}
    for name in names:
        try:
            out[name] = getattr(obj, name)
        except Exception as err:  # the error's kind is what is compared
            out[name] = type(err)
    return out


def same(before, after) -> bool:
    if type(before) is list and not before:  # an empty list of translations reads as one empty tuple
        return after == ()
    if type(before) is str:
        return type(after) is str and before == after
    return before is after or (isinstance(before, datetime.date) and before == after and repr(before) == repr(after))


def slimmed(articles) -> list:
    slimmer = slim.Slimmer()
    for a in articles:
        slimmer.slim(a)
    return articles


def test_every_attribute_reads_as_before_with_a_smaller_dict():
    made = [article(i) for i in range(6)]
    names = [sorted({*vars(a), *PROPERTIES, "publisher", "nothing"}) for a in made]
    before = [seen(a, n) for a, n in zip(made, names)]
    sizes = [len(vars(a)) for a in made]
    slimmed(made)
    for a, n, was, size in zip(made, names, before, sizes):
        now = seen(a, n)
        assert all(same(was[k], now[k]) for k in n), [k for k in n if not same(was[k], now[k])]
        assert len(vars(a)) < size - 8 and "publisher" not in vars(a) and "override_url" not in vars(a)
        assert type(a).__name__ == "Article" and isinstance(a, Article)
        assert a.url == a.metadata["url"] and a.save_as == a.metadata["save_as"]


def test_one_days_articles_share_their_date():
    first, same_day, other_day = slimmed([article(0), article(28), article(1)])
    assert first.date == same_day.date and first.date is same_day.date
    assert first.metadata["date"] is same_day.metadata["date"]
    assert first.locale_date is same_day.locale_date and other_day.date is not first.date


def test_empty_translations_are_one_tuple_and_a_translated_articles_are_its_own():
    plain, other, translated = article(1), article(2), article(3)
    for made in (plain, other, translated):
        made.translations = []  # as Pelican's ``process_translations`` leaves an article
    translated.translations = [article(4)]
    slimmed([plain, other, translated])
    assert plain.translations == () and plain.translations is other.translations
    assert "translations" not in vars(plain) and "translations" in vars(translated)
    assert [t.title for t in translated.translations] == ["第4号公告"]
    plain.translations = [translated]  # set afterwards: the article's own again
    assert plain.translations == [translated] and other.translations == ()


def test_an_attribute_set_afterwards_is_the_one_read():
    a, b = slimmed([article(1), article(2)])
    lang = b.lang
    a.publisher = "云岭县人民政府"
    a.bulletins_issue = "第3期"
    a.lang = "zh-tw"
    assert (a.publisher, a.bulletins_issue, a.lang) == ("云岭县人民政府", "第3期", "zh-tw")
    assert (b.publisher, b.bulletins_issue, b.lang) == ("澄川市人民政府", None, lang) and lang != "zh-tw"
    assert a.metadata["publisher"] == "澄川市人民政府"
    del a.metadata["title"]
    assert getattr(a, "title", "无") == "无"  # as when an article never had it


def test_a_value_not_the_metadatas_or_the_shared_one_stays_the_articles():
    a, b = article(1), article(2)
    a.title = "改过的标题"  # a plugin changed the attribute, not the metadata
    b.bulletins_people = (("张三", "people/zhangsan.html"),)
    slimmed([a, b])
    assert vars(a)["title"] == "改过的标题" and a.metadata["title"] == "第1号公告"
    assert b.bulletins_people == (("张三", "people/zhangsan.html"),) and "bulletins_people" in vars(b)


def with_path(made, path: str, relative: str):
    made.source_path, made.relative_source_path = path, relative
    return made


def test_the_source_path_reads_as_its_folder_and_the_relative_path():
    """An article's absolute source path is read from its relative one and the content folder;
    one that is not that folder and its relative path stays the article's, as does one set
    afterwards."""
    one = with_path(article(1), "/site/content/bulletins/2024/a.md", "bulletins/2024/a.md")
    two = with_path(article(2), "/site/content/b.md", "b.md")
    elsewhere = with_path(article(3), "/elsewhere/c.md", "c.md")
    odd = with_path(article(4), "/site/content/d.md", "../d.md")
    none = with_path(article(5), None, None)
    slimmed([one, two, elsewhere, odd, none])
    assert (one.source_path, two.source_path) == ("/site/content/bulletins/2024/a.md", "/site/content/b.md")
    assert "source_path" not in vars(one) and "source_path" not in vars(two)
    assert vars(elsewhere)["source_path"] == "/elsewhere/c.md" and vars(odd)["source_path"] == "/site/content/d.md"
    assert none.source_path is None and "source_path" in vars(none)
    assert os.path.relpath(one.source_path, "/site/content") == one.relative_source_path == "bulletins/2024/a.md"
    two.source_path = "/site/other/b.md"
    assert two.source_path == "/site/other/b.md" and one.source_path == "/site/content/bulletins/2024/a.md"


def test_a_class_whose_first_article_has_no_path_keeps_every_articles_own():
    first, second = with_path(article(1), None, None), with_path(article(2), "/site/content/b.md", "b.md")
    slimmed([first, second])
    assert vars(second)["source_path"] == "/site/content/b.md" and first.source_path is None


def test_pages_and_articles_get_classes_of_their_own_names():
    a, p = slimmed([article(1), article(2, cls=Page)])
    assert type(a).__name__ == "Article" and type(p).__name__ == "Page"
    assert isinstance(p, Page) and not isinstance(p, Article)
    assert p.url == "bulletins/2.html"


def test_an_article_without_a_metadata_dict_is_left_alone():
    a = article(1)
    a.metadata = None
    keys = dict(vars(a))
    slimmed([a])
    assert vars(a) == keys and type(a) is Article


@pytest.mark.parametrize("seed", range(12))
def test_random_metadata_reads_the_same_after(seed):
    """Metadata keys named like Pelican's properties, non-string values, equal strings under
    different keys, attributes changed or removed after: every name reads as before."""
    rng = random.Random(seed)
    pool = ["url", "save_as", "summary", "content", "status", "lang", "template", "tags", "x", "y", "空"]
    values = ["", "同", "同", None, 0, 1.5, ["列"], ("元",), {"k": 1}, datetime.date(2020, 2, 2)]
    made = []
    for i in range(8):
        meta = {k: rng.choice(values) for k in rng.sample(pool, rng.randint(0, len(pool)))}
        meta.update((k, rng.choice(["zh-cn", "同"])) for k in ("lang", "template") if k in meta)  # Pelican's own checks
        a = article(i, **{k: v for k, v in meta.items() if k not in ("url", "save_as", "status", "content")})
        for name in rng.sample(sorted(vars(a)), 2):
            if name not in ("metadata", "settings", "_context", "_content", "source_path"):
                setattr(a, name, rng.choice(values))
        made.append(a)
    names = [sorted({*vars(a), *a.metadata, *PROPERTIES}) for a in made]
    before = [seen(a, n) for a, n in zip(made, names)]
    slimmed(made)
    for a, n, was in zip(made, names, before):
        now = seen(a, n)
        assert all(same(was[k], now[k]) or was[k] == now[k] for k in n)


def test_a_site_built_with_slim_articles_is_the_site_built_without(tmp_path, monkeypatch):
    from pelicanconf import PLUGINS

    plugins = [p for p in PLUGINS if p != "bulletins.plugins.progress"]
    kept: list[int] = []
    sweep = slim.Slimmer.slim

    def counting(self, a, read=False, again=False):
        sweep(self, a, read, again)
        kept.append(len(vars(a)))

    monkeypatch.setattr(slim.Slimmer, "slim", lambda self, a, read=False, again=False: None)
    plain = build_fixture_site(tmp_path / "plain" / "output", PLUGINS=plugins)
    monkeypatch.setattr(slim.Slimmer, "slim", counting)
    slim_site = build_fixture_site(tmp_path / "slim" / "output", PLUGINS=plugins)
    files = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(slim_site) for p in slim_site.rglob("*") if p.is_file())
    differ = [f for f in files if (plain / f).read_bytes() != (slim_site / f).read_bytes()]
    assert differ == []
    assert len(kept) == len(list(Path(FIXTURE_CONTENT).rglob("*.md"))) - _pages(FIXTURE_CONTENT)
    assert max(kept) <= 21  # a dict of 21 keys or fewer takes 32 slots


def _pages(content: Path) -> int:
    return len(list((Path(content) / "pages").rglob("*.md"))) if (Path(content) / "pages").is_dir() else 0


def sweep_over(*lists, slimmer=None) -> list:
    """``slim_articles`` over generators holding LISTS, the first with SLIMMER (as ``begin`` and
    the article cache leave it)."""
    generators = [SimpleNamespace(articles=list(held)) for held in lists]
    if slimmer is not None:
        setattr(generators[0], slim.SLIMMER, slimmer)
    slim.slim_articles(generators)
    return generators


def test_an_article_slimmed_as_read_is_slimmed_again_for_the_keys_set_since():
    slimmer = slim.Slimmer()
    made = [article(i) for i in range(4)]
    for a in made:  # as the article cache gives them
        slimmer.slim(a)
    classes = [type(a) for a in made]
    for i, a in enumerate(made):  # as Pelican and the plugins then set them
        a.in_default_lang = True
        a.bulletins_status = ""
        a.bulletins_jsonld = None
        a.bulletins_next = made[(i + 1) % 4]
    names = [sorted({*vars(a), *PROPERTIES, "publisher"}) for a in made]
    before = [seen(a, n) for a, n in zip(made, names)]
    sizes = [len(vars(a)) for a in made]
    generators = sweep_over(made, slimmer=slimmer)
    for a, n, was, size, cls in zip(made, names, before, sizes, classes):
        now = seen(a, n)
        assert all(same(was[k], now[k]) for k in n), [k for k in n if not same(was[k], now[k])]
        assert type(a) is cls and len(vars(a)) == size - 3  # no subclass of a subclass
        assert {"bulletins_status", "bulletins_jsonld", "in_default_lang"}.isdisjoint(vars(a))
        assert vars(a)["bulletins_next"] in made
    assert not hasattr(generators[0], slim.SLIMMER)  # the build's slimmer let go with the sweep


def test_as_read_the_names_read_most_stay_the_articles_until_the_sweep():
    slimmer = slim.Slimmer()
    made = [article(i) for i in (0, 28, 1)]
    names = [sorted({*vars(a), *PROPERTIES, "publisher"}) for a in made]
    before = [seen(a, n) for a, n in zip(made, names)]
    for a in made:
        slimmer.slim(a, read=True)
    assert all({"title", "slug", "override_url"} <= set(vars(a)) and "publisher" not in vars(a) for a in made)
    assert made[0].date is made[1].date and made[0].metadata["date"] is made[1].metadata["date"]  # one day
    sweep_over(made, slimmer=slimmer)
    for a, n, was in zip(made, names, before):
        now = seen(a, n)
        assert now["metadata"] == was["metadata"]  # an equal dict, its keys shared (``keys_shared``)
        assert all(same(was[k], now[k]) for k in n if k != "metadata"), [k for k in n if not same(was[k], now[k])]
        assert {"title", "slug", "override_url", "publisher"}.isdisjoint(vars(a))


def test_the_sweep_slims_an_article_two_generators_hold_once(monkeypatch):
    calls: list[tuple[int, bool]] = []
    sweep = slim.Slimmer.slim

    def counting(self, a, read=False, again=False):
        calls.append((id(a), again))
        sweep(self, a, read, again)

    slimmer = slim.Slimmer()
    read, fresh = article(1), article(2)
    slimmer.slim(read)
    monkeypatch.setattr(slim.Slimmer, "slim", counting)
    sweep_over([read, fresh], [fresh, read], slimmer=slimmer)
    assert sorted(calls) == sorted([(id(read), True), (id(fresh), False)])
    other = article(3)
    slim.Slimmer().slim(other)  # another build's class: left as it is
    calls.clear()
    sweep_over([other])
    assert calls == []


def test_articles_from_the_cache_are_slim_before_the_sweep_and_build_the_same_site(tmp_path):
    from pelicanconf import PLUGINS

    plugins = [p for p in PLUGINS if p != "bulletins.plugins.progress"]
    found: list[tuple[bool, int]] = []

    def look(generator) -> None:
        slimmer = vars(generator).get(slim.SLIMMER)
        found.extend((type(a) in getattr(slimmer, "rules", {}), len(vars(a))) for a in generator.articles)

    signals.article_generator_finalized.connect(look)
    try:
        out = build_fixture_site(tmp_path / "site" / "output", PLUGINS=plugins, **CACHE_ON)
        first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert found and not any(early for early, _ in found)  # read from their files
        found.clear()
        shutil.rmtree(out)  # every page written again, from the cache's articles
        build_fixture_site(out, PLUGINS=plugins, **CACHE_ON)
    finally:
        signals.article_generator_finalized.disconnect(look)
    assert found and all(early for early, _ in found) and max(size for _, size in found) <= 21
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(again) == sorted(first)
    assert [name for name in first if first[name] != again[name]] == []


class _Slotted:
    """A generator of a plugin's own, with slots and no ``__dict__``."""

    __slots__ = ("articles",)

    def __init__(self, articles):
        self.articles = articles


def test_a_generator_without_a_dict_is_swept_too():
    slimmer = slim.Slimmer()
    read, fresh = article(1), article(2)
    slimmer.slim(read, read=True)
    first = SimpleNamespace(articles=[read])
    setattr(first, slim.SLIMMER, slimmer)
    slim.slim_articles([_Slotted([fresh, read]), first])
    assert type(read) is type(fresh) and "title" not in vars(read) and "title" not in vars(fresh)
    assert not hasattr(first, slim.SLIMMER)


SHARED_CASES = {
    "none": {},
    "an article's own": {f"name_{i}": i for i in range(17)},
    "metadata, Han values": {f"key{i}": f"值{i}" for i in range(23)},
    "past the shared table's room": {f"k{i}": i for i in range(60)},
    "a key not a string": {"title": "标题", 7: "七", ("a", 1): None},
}


@pytest.mark.parametrize("items", SHARED_CASES.values(), ids=SHARED_CASES.keys())
def test_a_dict_of_shared_keys_is_a_dict_of_the_same_items_in_their_order(items):
    cls = type("Holder", (), {})
    made, other = slim.keys_shared(cls, items), slim.keys_shared(cls, items)
    assert type(made) is dict and made == items and list(made.items()) == list(items.items())
    made["新键"] = "新值"
    made.pop(next(iter(items), None), None)
    assert "新键" not in other and other == items  # each its own values
    assert list(made)[-1] == "新键" and len(made) == max(len(items), 1)


@pytest.mark.parametrize("seed", range(8))
def test_dicts_of_shared_keys_behave_as_dicts_under_random_changes(seed):
    rng = random.Random(seed)
    cls = type("Holder", (), {})
    names = [f"n{i}" for i in range(40)] + ["标题", "日期"]
    pairs = []
    for _ in range(30):
        items = {name: rng.random() for name in rng.sample(names, rng.randint(0, 35))}
        pairs.append((slim.keys_shared(cls, items), dict(items)))
    for _ in range(600):
        made, oracle = rng.choice(pairs)
        key = rng.choice(names)
        action = rng.random()
        if action < 0.5:
            made[key] = oracle[key] = rng.random()
        elif action < 0.8:
            assert made.pop(key, None) == oracle.pop(key, None)
        else:
            assert made.get(key) == oracle.get(key) and (key in made) == (key in oracle)
    assert all(list(m.items()) == list(o.items()) for m, o in pairs)


cpython = pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's split tables")


@cpython
def test_a_swept_article_and_one_read_from_the_cache_hold_smaller_dicts():
    slimmer = slim.Slimmer()
    read = [article(i) for i in range(20)]
    metadata = [dict(a.metadata) for a in read]
    for a in read:
        slimmer.slim(a, read=True)
    assert [a.metadata for a in read] == metadata
    assert all(sys.getsizeof(a.metadata) < sys.getsizeof(dict(a.metadata)) for a in read)
    sweep_over(read, slimmer=slimmer)
    fresh = slimmed([article(i) for i in range(20, 40)])
    for a in read + fresh:
        assert sys.getsizeof(vars(a)) < sys.getsizeof(dict(vars(a))), len(vars(a))
    assert all(a.title == a.metadata["title"] for a in read + fresh)


@cpython
@pytest.mark.parametrize(("tables", "small"), [(slim.METADATA_TABLES, 3), (1, 2)], ids=["a-table-each", "past-the-cap"])
def test_metadata_of_other_keys_shares_a_table_of_its_own(monkeypatch, tables, small):
    """Articles whose metadata hold other keys (a presider, documents, official fields) share a
    key table with the articles of the same keys: one table for all filled at CPython's 30 keys
    and gave the later ones dicts of their own. Past ``METADATA_TABLES`` orders of keys, the
    rest share one table; every dict holds its items, in their order, either way."""
    monkeypatch.setattr(slim, "METADATA_TABLES", tables)
    slimmer = slim.Slimmer()
    kinds = [{f"{kind}{k}": k for k in range(18)} for kind in ("first", "second", "presider")]
    made = [article(i, **kinds[i % 3]) for i in range(9)]
    expected = [list(a.metadata.items()) for a in made]
    for a in made:
        slimmer.slim(a, read=True)
    assert [list(a.metadata.items()) for a in made] == expected
    plain = sys.getsizeof(dict(made[0].metadata))
    assert sum(sys.getsizeof(a.metadata) < plain / 2 for a in made[:3]) == small
    assert len(slimmer.metadata_classes) == min(tables, 3)
