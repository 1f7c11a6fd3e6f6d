"""Article bodies left in the article cache (``incremental.bodies``): an article taken from a
record reads its HTML from the cache file when asked, the same text as written, from a file
replaced or unlinked since; a body changed on disk is an error, never another text; Pelican's
content memo keeps one value; at site level a rebuild's pages, static links included, are a
cold build's."""

from __future__ import annotations

import datetime
import os
import random
import shutil
import sys
from pathlib import Path

import pytest
from pelican.contents import Article, Content
from pelican.settings import DEFAULT_CONFIG

from bulletins.plugins.incremental import articlecache, bodies
from bulletins.plugins.incremental.articlecache import FILE, ArticleCache
from support.cache_doubles import generator
from support.site_build import FIXTURE_CONTENT, build_fixture_site

BODIES = ["<p>短</p>", "<p>" + "公报正文" * 400 + "</p>", "a" * 300, "孤\ud800立代理", "含\x00空", "", "行\u2028分隔"]


class Doc:
    """Stands for an article with a body, as Pelican's hold it (``_content``)."""

    def __init__(self, settings, context, body, title="题"):
        self.settings, self.context, self._content, self.title = settings, context, body, title


def build(folder: Path, bodies_by_name: dict, cls=Doc) -> Path:
    gen = generator(folder)
    cache = ArticleCache(gen, folder / FILE, load=True, save=True)
    for name, body in bodies_by_name.items():
        (folder / name).write_text(f"Title: {name}\n\n{name}\n", encoding="utf-8")
        assert cache.get(name) is None
        cache.put(name, cls(gen.settings, gen.context, body))
    cache.save()
    return folder / FILE


def taken(folder: Path, names) -> list:
    cache = ArticleCache(generator(folder), folder / FILE, load=True, save=False)
    got = [cache.get(name) for name in names]
    cache.close()
    return got


NAMED = {f"a{i}.md": body for i, body in enumerate(BODIES)}


def test_a_body_comes_back_from_the_file_and_is_not_held(tmp_path):
    build(tmp_path, NAMED)
    docs = taken(tmp_path, NAMED)
    assert all("_content" not in vars(doc) for doc in docs)
    assert [doc._content for doc in docs] == BODIES
    assert [type(doc).__name__ for doc in docs] == ["Doc"] * len(docs) and all(isinstance(d, Doc) for d in docs)
    with open(tmp_path / FILE, "rb") as fh:
        index = articlecache.read_index(fh.fileno())
    assert [index[name].body for name in NAMED] == [len(b.encode("utf-8", "surrogatepass")) for b in BODIES]


def test_an_article_without_a_text_body_keeps_it_in_its_record(tmp_path):
    build(tmp_path, {"a.md": None})
    (doc,) = taken(tmp_path, ["a.md"])
    assert type(doc) is Doc and doc._content is None


def test_a_body_set_afterwards_is_the_one_read(tmp_path):
    build(tmp_path, NAMED)
    doc, other = taken(tmp_path, list(NAMED)[:2])
    doc._content = "<p>改</p>"
    assert doc._content == "<p>改</p>" and other._content == BODIES[1]
    doc._content = None
    assert doc._content is None


def test_the_article_is_left_as_it_was_when_its_record_is_written(tmp_path):
    gen = generator(tmp_path)
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    doc = Doc(gen.settings, gen.context, "<p>正文</p>")
    state, keys = vars(doc), list(vars(doc))
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    cache.put("a.md", doc)
    doc.title = lambda: None  # cannot be pickled: the record is not written
    cache.put("a.md", doc)
    cache.close()
    assert vars(doc) is state and list(vars(doc)) == keys and doc._content == "<p>正文</p>"


def test_bodies_are_read_from_a_file_replaced_or_removed_since(tmp_path):
    build(tmp_path, NAMED)
    docs = taken(tmp_path, NAMED)
    (tmp_path / FILE).rename(tmp_path / "old")
    (tmp_path / FILE).write_bytes(b"another file")
    (tmp_path / "old").unlink()
    bodies.Body.last = (None, "")
    assert [doc._content for doc in docs] == BODIES


def test_a_body_changed_on_disk_is_an_error_never_another_text(tmp_path):
    build(tmp_path, NAMED)
    docs = taken(tmp_path, NAMED)
    bodies.Body.last = (None, "")
    path = tmp_path / FILE
    data = bytearray(path.read_bytes())
    where = data.index("公报正文".encode())
    data[where : where + 3] = "通".encode()
    with open(path, "r+b") as fh:  # in place: the same file the bodies read from
        fh.write(bytes(data))
    with pytest.raises(bodies.BodyChanged, match="changed on disk"):
        _ = docs[1]._content
    assert docs[0]._content == BODIES[0]


def test_random_damage_before_a_build_never_serves_another_body(tmp_path):
    """Seeded: bytes flipped in the file before it is read; each body comes back as written,
    or its article is read from its file (None here)."""
    build(tmp_path, NAMED)
    clean = (tmp_path / FILE).read_bytes()
    rng = random.Random(20261202)
    for _ in range(60):
        data = bytearray(clean)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        (tmp_path / FILE).write_bytes(bytes(data))
        bodies.Body.last = (None, "")
        for doc, body in zip(taken(tmp_path, NAMED), BODIES, strict=True):
            assert doc is None or doc._content == body


def pelican_article(settings, context, body) -> Article:
    date = datetime.datetime(2024, 1, 2)
    return Article(body, metadata={"title": "题", "date": date, "slug": "ti"}, settings=settings, context=context)


def test_a_pelican_article_reads_its_content_links_and_url_as_before(tmp_path):
    settings = dict(DEFAULT_CONFIG, CONTENT_CACHING_LAYER="reader", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    gen = generator(tmp_path)
    gen.settings, gen.context = settings, {"localsiteurl": "", "generated_content": {}, "static_content": {}}
    body = '<p>图：<img alt="图" src="{static}/images/tu.png"></p>'
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    made = pelican_article(settings, gen.context, body)
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    cache.put("a.md", made)
    cache.save()
    again = ArticleCache(gen, tmp_path / FILE, load=True, save=False)
    article = again.get("a.md")
    assert "_content" not in vars(article) and isinstance(article, Article)
    assert article.get_static_links() == made.get_static_links() == {"images/tu.png"}
    assert article.url == made.url and article.save_as == made.save_as
    assert article.content == made.content


def test_pelicans_content_memo_keeps_only_the_last_value(tmp_path):
    bodies.bound_memos()
    settings = dict(DEFAULT_CONFIG)
    context = {"localsiteurl": "", "generated_content": {}, "static_content": {}}
    made = [pelican_article(settings, context, f"<p>第{i}条</p>") for i in range(50)]
    assert [a.content for a in made] == [f"<p>第{i}条</p>" for i in range(50)]
    assert len(Content.__dict__["get_content"].cache) == 1
    assert made[7].content == "<p>第7条</p>"


def test_a_rebuild_from_bodies_in_the_cache_writes_a_cold_builds_pages(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / "images").mkdir()
    (content / "images" / "tu.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    first = sorted((content / "bulletins").rglob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.rstrip("\n") + "\n\n![示意图]({static}/images/tu.png)\n", encoding="utf-8")
    settings = {"PATH": str(content), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cold = build_fixture_site(tmp_path / "cold" / "output", **settings)
    warm = build_fixture_site(tmp_path / "warm" / "output", **settings)  # fills the cache
    shutil.rmtree(warm)
    read = []
    text = bodies.Body.text
    monkeypatch.setattr(bodies.Body, "text", lambda body: read.append(body) or text(body))
    build_fixture_site(warm, **settings)
    assert len({id(body) for body in read}) >= len(list((content / "bulletins").rglob("*.md"))) - 1
    files = sorted(p.relative_to(cold) for p in cold.rglob("*") if p.is_file())
    assert (cold / "images" / "tu.png").is_file() and "images/tu.png" in {str(f) for f in files}
    assert files == sorted(p.relative_to(warm) for p in warm.rglob("*") if p.is_file())
    assert all((cold / f).read_bytes() == (warm / f).read_bytes() for f in files)
    assert os.listdir(tmp_path / "warm" / "cache")


LINKED_BODIES = {
    "none": "<p>无链接</p>",
    "static": '<p><img alt="图" src="{static}/images/tu.png"></p>',
    "attach": '<p><a href="{attach}files/附件一.pdf">附件</a></p>',
    "relative-and-spaced": '<p><a href="{static}../files/a%20b.pdf">甲</a><img src="{static}/images/x.png"></p>',
    "filename-is-not-static": '<p><a href="{filename}/bulletins/2024/01/a.md">另一篇</a></p>',
    "quoted-twice": "<p><a href='{static}/x.pdf'>x</a><a href=\"{static}/x.pdf\">x</a></p>",
}


def _stored_and_made(tmp_path, body, **settings):
    """A Pelican article made from BODY and the same article taken from its record."""
    config = dict(DEFAULT_CONFIG, CONTENT_CACHING_LAYER="reader", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    gen = generator(tmp_path)
    gen.settings, gen.context = config, {"localsiteurl": "", "generated_content": {}, "static_content": {}}
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    made = Article(
        body,
        metadata={"title": "题", "date": datetime.datetime(2024, 1, 2), "slug": "ti"},
        settings=config,
        context=gen.context,
        source_path=str(tmp_path / "bulletins" / "a.md"),
    )
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    cache.put("a.md", made)
    cache.save()
    config.update(settings)
    again = ArticleCache(gen, tmp_path / FILE, load=True, save=False)
    return again.get("a.md"), made


@pytest.mark.parametrize("body", LINKED_BODIES.values(), ids=LINKED_BODIES.keys())
def test_an_article_from_a_record_gives_its_static_links_without_reading_its_body(tmp_path, monkeypatch, body):
    article, made = _stored_and_made(tmp_path, body)
    monkeypatch.setattr(bodies.Body, "text", lambda body: pytest.fail("the body was read"))
    assert article.get_static_links() == made.get_static_links()


def test_static_links_are_found_again_under_another_link_pattern_or_a_new_body(tmp_path):
    body = LINKED_BODIES["static"] + '<a href="[static]/other.pdf">乙</a>'
    article, made = _stored_and_made(tmp_path, body, INTRASITE_LINK_REGEX="[{[](?P<what>.*?)[}\\]]")
    assert article.get_static_links() == made.get_static_links() == {"images/tu.png", "other.pdf"}  # the new pattern
    article._content = made._content = LINKED_BODIES["attach"]
    article.settings["INTRASITE_LINK_REGEX"] = DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]
    found = article.get_static_links()
    assert found == made.get_static_links() and found != {"images/tu.png"}  # the body set since, not the record's
    assert [Path(link).name for link in found] == ["附件一.pdf"]


@pytest.mark.parametrize(
    "kept",
    [None, "{static}", ("{static}",), ("{static}", ["a"]), (1, ()), ("{static}", ("a", 2)), ("a", (), "b")],
    ids=["none", "a-string", "one-item", "a-list", "pattern-not-text", "link-not-text", "three-items"],
)
def test_a_record_without_well_formed_links_has_its_body_scanned(tmp_path, kept):
    article, made = _stored_and_made(tmp_path, LINKED_BODIES["static"])
    body = vars(article)[bodies.BODY]
    assert body.links is not None  # what the record kept, replaced below as an older or damaged record would
    vars(article)[bodies.BODY] = bodies.Body(body.file, body.offset, body.length, body.crc, kept)
    assert article.get_static_links() == made.get_static_links() == {"images/tu.png"}


@pytest.mark.parametrize(
    ("offset", "length", "crc"),
    [(0, 0, 0), (8, 1, 1), (2**36 + 5, 2**40 - 1, 0xFFFFFFFF), (2**62, 123_456, 0x80000000)],
)
def test_a_body_gives_back_its_place_as_given(offset, length, crc):
    """Offset, length and CRC held as one number come back each as it was: the body and its
    number some 105 bytes, where six slots and three numbers took 172."""
    body = bodies.Body(None, offset, length, crc)
    assert (body.offset, body.length, body.crc, body.links, body.pattern) == (offset, length, crc, None, None)
    assert sys.getsizeof(body) + sys.getsizeof(body.where) <= 110  # 172 with six slots and three numbers


@pytest.mark.parametrize(
    ("offset", "length", "crc"), [(-1, 1, 1), (0, 2**40, 1), (0, -1, 1), (0, 1, 2**32), (0, 1, -1)]
)
def test_a_place_no_body_has_is_refused(offset, length, crc):
    with pytest.raises(ValueError, match="not a body's place"):
        bodies.Body(None, offset, length, crc)
