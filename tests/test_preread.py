"""Articles read ahead by forks (``incremental.preread``): a cold build whose articles are read
by two or three forked copies writes the same pages and logs the same warnings as a build that
reads them in turn; an article whose reading says anything besides its reader's warning line,
a fork that fails, a part file damaged or a file changed since its fork read it: each is read
in turn. The progress line counts each article once."""

from __future__ import annotations

import collections
import json
import logging
import os
import shutil

import pytest
from pelican.log import LimitFilter

from bulletins.plugins.incremental import articlecache, forked, preread
from bulletins.plugins.incremental.articlecache import FILE, ArticleCache
from bulletins.plugins.progress.tracker import Run
from support.cache_doubles import Thing, generator
from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT, build_fixture_site

CACHE_ON = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "BULLETINS_WRITE_JOBS": 1}
HEADER = "Title: {title}\nDate: 2023-{month:02d}-{day:02d}\nCategory: 工作动态\nTags: 公共文化, 第{n}批\n"
BODIES = {
    "plain": ("临江区召开第{n}次推进会", "{n}月，临江区召开推进会。\n\n会议要求抓好落实。\n"),
    "header-warning": ("字段有误的第{n}号公报", "正文。\n", "People: \n"),
    "bad-date": ("日期有误的第{n}号公报", "正文。\n", "Date: 2023-13-40\n"),
    "empty-alt": ("附图的第{n}号公报", "见下图。\n\n![](images/tu{n}.png)\n"),
    "draft": ("第{n}号草稿", "未定稿。\n", "Status: draft\n"),
    "hidden": ("第{n}号内部通知", "内部。\n", "Status: hidden\n"),
    "undecodable": ("编码有误的第{n}号公报", "正文。\n"),
}
KINDS = list(BODIES)


def write_content(folder, count: int):
    """COUNT articles of every kind in turn under FOLDER/bulletins, the fixture's page beside."""
    shutil.copytree(FIXTURE_CONTENT / "pages", folder / "pages")
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        title, body, *extra = BODIES[kind]
        header = HEADER.format(title=title.format(n=n), month=1 + n % 12, day=1 + n % 28, n=n)
        for line in extra:
            key = line.split(":")[0]
            header = "".join(h + "\n" for h in header.splitlines() if not h.startswith(key + ":")) + line
        text = f"{header}Slug: prr-{n:04d}\n\n{body.format(n=n)}"
        data = text.encode("utf-8")
        path = folder / "bulletins" / f"{n:04d}-{kind}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xfe\x00" + data if kind == "undecodable" else data)
    return folder


def site_digests(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def build(tmp_path, content, name, monkeypatch, caplog, **settings):
    """A cold build of CONTENT: its files and the warnings it logged (a multiset)."""
    caplog.clear()
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())  # Pelican logs a line once per process
    monkeypatch.setattr(LimitFilter, "_ignore", set())
    monkeypatch.setattr(LimitFilter, "_group_count", collections.defaultdict(int))
    with caplog.at_level(logging.WARNING):
        out = build_fixture_site(tmp_path / name / "output", PATH=str(content), **CACHE_ON, **settings)
    logged = collections.Counter(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    return site_digests(out), logged


@pytest.fixture()
def content(tmp_path):
    return write_content(tmp_path / "content", 42)


@pytest.fixture()
def in_turn(tmp_path, content, monkeypatch, caplog):
    """The site and warnings of a build that reads every article in this process."""
    return build(tmp_path, content, "in-turn", monkeypatch, caplog, BULLETINS_READ_JOBS=1)


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_site_read_ahead_equals_one_read_in_turn(tmp_path, content, in_turn, monkeypatch, caplog, jobs):
    monkeypatch.setattr(forked, "MIN_JOBS", 8)
    taken = []
    add_part = ArticleCache.add_part
    monkeypatch.setattr(ArticleCache, "add_part", lambda self, path: taken.append(add_part(self, path)) or taken[-1])
    site, logged = build(tmp_path, content, f"ahead-{jobs}", monkeypatch, caplog, BULLETINS_READ_JOBS=jobs)
    assert len(taken) == jobs
    kept = sum(1 for n in range(42) if KINDS[n % len(KINDS)] in ("plain", "header-warning", "draft", "hidden"))
    assert sum(taken) == kept  # the skipped, the undecodable and those with an unexpected warning: read in turn
    assert site == in_turn[0]
    assert logged == in_turn[1]
    assert any("images/tu3.png" in line or "empty" in line.lower() for line in logged)  # the alt warning, once
    assert not list((tmp_path / f"ahead-{jobs}" / "cache").glob(".*part*"))


def test_a_rebuild_from_the_records_equals_the_cold_build(tmp_path, content, in_turn, monkeypatch, caplog):
    """Drafts included: a draft's tags, shared with published articles' when read from records,
    take the same slugs as when read from their files. (Pelican's own warnings about an
    article, such as an image without alt text, are not logged again from a record.)"""
    assert build(tmp_path, content, "in-turn", monkeypatch, caplog, BULLETINS_READ_JOBS=1)[0] == in_turn[0]
    assert any(name.startswith("drafts/") for name in in_turn[0])


def test_too_few_missing_articles_are_read_in_turn(tmp_path, content, in_turn, monkeypatch, caplog):
    monkeypatch.setattr(forked, "MIN_JOBS", 43)
    monkeypatch.setattr(preread, "read_share", lambda *a: pytest.fail("read ahead"))
    assert build(tmp_path, content, "few", monkeypatch, caplog, BULLETINS_READ_JOBS=2) == in_turn


def test_a_failed_fork_leaves_its_share_to_be_read_in_turn(tmp_path, content, in_turn, monkeypatch, caplog):
    monkeypatch.setattr(forked, "MIN_JOBS", 8)
    read_share = preread.read_share

    def failing(generator, names, path, done, slot):
        if slot == 0:  # a crash while writing: a part begun, no payload
            articlecache.tmp_path(path).write_bytes(articlecache.MAGIC + b"cut short")
            os._exit(3)
        return read_share(generator, names, path, done, slot)

    monkeypatch.setattr(preread, "read_share", failing)
    assert build(tmp_path, content, "failed", monkeypatch, caplog, BULLETINS_READ_JOBS=2) == in_turn
    assert not list((tmp_path / "failed" / "cache").glob(".*part*"))


def test_the_read_count_counts_each_article_once(tmp_path, content, monkeypatch):
    monkeypatch.setattr(forked, "MIN_JOBS", 8)
    log = tmp_path / "phases.jsonl"
    monkeypatch.setenv("BULLETINS_PHASE_LOG", str(log))
    plugins = ["bulletins.plugins.progress", *BASE_PLUGINS]
    build_fixture_site(
        tmp_path / "out" / "output", PATH=str(content), PLUGINS=plugins, BULLETINS_READ_JOBS=2, **CACHE_ON
    )
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sum(r["count"] for r in records if r["phase"] == "read") == len(list(content.rglob("*.md")))


@pytest.mark.parametrize(
    "ahead, advances, shown",
    [(5, 7, 7), (5, 3, 5), (0, 4, 4), (-2, 1, 1)],
    ids=["some-ahead", "fewer-in-turn", "none-ahead", "a-negative-count"],
)
def test_articles_told_ahead_are_not_counted_again(ahead, advances, shown):
    run = Run(None, None, {})
    run.begin("read")
    run.ahead("read", ahead)
    run.ahead("write", 9)  # another phase's: ignored
    for _ in range(advances):
        run.advance("read")
    assert run.counts["read"] == shown


def part_with(tmp_path, names):
    """A cache file at tmp_path/part holding a record for each of NAMES (files made here)."""
    gen = generator(tmp_path)
    part = ArticleCache(gen, tmp_path / "part", load=False, save=True)
    for name in names:
        (tmp_path / name).write_text(f"Title: {name}\n", encoding="utf-8")
        part.put(name, Thing(gen.settings, gen.context, f"正文 {name}"))
    part.save()
    return tmp_path / "part"


@pytest.mark.parametrize(
    "damage, taken",
    [
        (lambda p: None, 2),
        (lambda p: p.unlink(), 0),
        (lambda p: p.write_bytes(p.read_bytes()[:-3]), 0),
        (lambda p: p.write_bytes(b"not a cache at all"), 0),
    ],
    ids=["whole", "missing", "cut-short", "garbage"],
)
def test_a_part_is_served_unless_damaged_and_is_removed_at_once(tmp_path, damage, taken):
    path = part_with(tmp_path, ["a.md", "b.md"])
    damage(path)
    cache = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    assert cache.add_part(path) == taken
    assert not path.exists()
    assert (cache.get("a.md", "read") != "read") is bool(taken)
    cache.save()
    if taken:  # the records taken are kept in the build's own cache file
        with open(tmp_path / FILE, "rb") as fh:
            assert set(articlecache.read_index(fh.fileno())) == {"a.md"}


def test_a_file_changed_after_its_fork_read_it_is_read_again(tmp_path):
    path = part_with(tmp_path, ["a.md", "b.md"])
    cache = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    cache.add_part(path)
    (tmp_path / "b.md").write_text("Title: 改过\n", encoding="utf-8")
    assert cache.fresh("a.md") and not cache.fresh("b.md")
    assert cache.get("b.md", "read") == "read"
    assert cache.get("a.md").text == "正文 a.md"
    cache.close()
