"""The article reader: one Markdown instance reused between articles, and the articles' Markdown
converted ahead over several processes, give what a fresh reader gives for every article."""

from __future__ import annotations

import hashlib

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from bulletins.plugins.article_headers import prefetch, reader
from bulletins.plugins.incremental import forked
from support.shared import ROOT
from support.site_build import build_fixture_site

HEADER = """Title: {title}
Date: 2023-0{month}-1{day}
Category: 工作动态
Tags: 公共文化, 城市更新
Summary: {title}的要点。
Slug: ljq-2023-0{month}1{day}-{slug}
Publisher: 云溪市临江区人民政府
People: 王静, 林晓东
"""
ARTICLES = {
    "plain": ("临江区召开公共文化服务体系建设推进会", "6月1日，临江区召开推进会。\n\n会议要求抓好落实。\n"),
    "escaped": ("关于\\*重要\\*事项的通知", "正文含 \\# 标题、\\<script\\> 与 \\[链接\\]\\(javascript:x\\)。\n"),
    "reference-defined": ("云溪市城市更新规划", "见[规划][gh]。\n\n[gh]: https://example.org/ghj\n"),
    "reference-used": ("城市更新规划解读", "本文引用[规划][gh]，此处无定义。\n"),
    "footnote-like": ("关于老旧小区改造的说明", "改造范围[^1]以公告为准。\n\n    缩进的代码块\n"),
    "bad-date": ("日期有误的公报", "正文。\n"),
    "raw-html": ("含原样标签的公报", "<div>原样标签</div>\n\n其后一段。\n"),
}
ORDER = list(ARTICLES)


def write_articles(folder, names, *, broken=()):
    """One Markdown article per name in NAMES under FOLDER/bulletins; BROKEN ones are not UTF-8."""
    paths = []
    for number, name in enumerate(names):
        path = folder / "bulletins" / f"{number:03d}-{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        title, body = ARTICLES[name]
        text = HEADER.format(title=title, month=1 + number % 9, day=number % 10, slug=name) + "\n" + body
        if name == "bad-date":
            text = text.replace("Date: 2023-", "Date: 2023-13-")
        data = text.encode("utf-8")
        path.write_bytes(b"\xff\xfe\x00" + data if name in broken else data)
        paths.append(str(path))
    return paths


def settings_for(folder, **overrides):
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(folder), **overrides})


def fresh_reads(settings, paths):
    """Each file read by a reader of its own (a new Markdown instance for every article)."""
    return [reader.CheckedMarkdownReader(settings).read(path) for path in paths]


@pytest.mark.parametrize(
    "names, broken, formatted",
    [
        pytest.param(ORDER, (), [], id="every-kind-in-turn"),
        pytest.param(["reference-defined", "reference-used"], (), [], id="a-reference-does-not-leak-to-the-next"),
        pytest.param(["plain", "bad-date", "plain"], (), [], id="after-a-skipped-article"),
        pytest.param(["plain", "escaped", "plain"], ("escaped",), [], id="after-undecodable-bytes"),
        pytest.param(["escaped", "raw-html", "plain"], (), ["summary", "title"], id="formatted-fields"),
    ],
)
def test_one_reader_reads_each_article_as_a_fresh_one(tmp_path, names, broken, formatted):
    settings = settings_for(tmp_path, FORMATTED_FIELDS=formatted)
    paths = write_articles(tmp_path, names, broken=broken)
    shared = reader.CheckedMarkdownReader(settings)
    assert [shared.read(path) for path in paths] == fresh_reads(settings, paths)


def test_a_reader_makes_one_markdown_instance_for_bodies_and_one_for_fields(tmp_path, monkeypatch):
    made = []

    class Counted(reader.Markdown):
        def __init__(self, **kwargs):
            made.append(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(reader, "Markdown", Counted)
    monkeypatch.setattr("pelican.readers.Markdown", Counted)
    settings = settings_for(tmp_path, FORMATTED_FIELDS=["summary"])
    paths = write_articles(tmp_path, ORDER * 3)
    shared = reader.CheckedMarkdownReader(settings)
    for path in paths:
        shared.read(path)
    assert len(made) == 2  # Pelican's own reader makes one per article, two with a formatted field


def test_pelicans_reader_reads_the_same_bodies(tmp_path):
    """The HTML is Markdown's, whichever instance makes it."""
    settings = settings_for(tmp_path)
    paths = write_articles(tmp_path, ["plain", "escaped", "reference-defined", "footnote-like", "raw-html"])
    ours = reader.CheckedMarkdownReader(settings)
    theirs = MarkdownReader(settings)
    assert [ours.read(p)[0] for p in paths] == [theirs.read(p)[0] for p in paths]


@pytest.mark.parametrize(
    "count, workers, min_jobs, broken",
    [
        pytest.param(40, 2, 0, (), id="two-processes"),
        pytest.param(41, 3, 0, ("escaped",), id="three-processes-with-undecodable-files"),
        pytest.param(40, 1, 0, (), id="one-process"),
        pytest.param(40, 2, 256, (), id="too-few-to-fork"),
    ],
)
def test_articles_converted_ahead_read_as_in_turn(tmp_path, monkeypatch, count, workers, min_jobs, broken):
    monkeypatch.setattr(forked, "MIN_JOBS", min_jobs)
    monkeypatch.setattr(forked, "CHUNK", 3)
    settings = settings_for(tmp_path)
    paths = write_articles(tmp_path, [ORDER[i % len(ORDER)] for i in range(count)], broken=broken)
    ahead = reader.CheckedMarkdownReader(settings)
    ahead.prefetch(paths, workers)
    assert [ahead.read(path) for path in paths] == fresh_reads(settings, paths)
    assert ahead._ready == {}  # each result is taken once


def test_a_file_changed_after_it_was_taken_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    settings = settings_for(tmp_path)
    [path] = write_articles(tmp_path, ["plain"])
    ahead = reader.CheckedMarkdownReader(settings)
    ahead.prefetch([path], 2)
    first = ahead.read(path)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n补充一段。\n")
    again = ahead.read(path)
    assert again == fresh_reads(settings, [path])[0]
    assert again[0] != first[0]


@pytest.mark.parametrize(
    "settings, jobs",
    [
        pytest.param({"BULLETINS_READ_JOBS": 3, "BULLETINS_WRITE_JOBS": 1}, 3, id="its-own"),
        pytest.param({"BULLETINS_READ_JOBS": 0, "BULLETINS_WRITE_JOBS": 2}, 2, id="as-the-writer"),
        pytest.param({"BULLETINS_WRITE_JOBS": 1}, 1, id="unset-one-writer"),
        pytest.param({}, 1, id="nothing-set"),
    ],
)
def test_read_jobs(settings, jobs):
    assert prefetch.read_jobs(settings) == jobs


def digests(root):
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_a_site_read_by_two_processes_equals_one(tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)  # the fixture site is small: fork anyway
    monkeypatch.setattr(forked, "CHUNK", 1)
    one = build_fixture_site(tmp_path / "one" / "output", BULLETINS_READ_JOBS=1, BULLETINS_WRITE_JOBS=1)
    two = build_fixture_site(tmp_path / "two" / "output", BULLETINS_READ_JOBS=2, BULLETINS_WRITE_JOBS=1)
    assert digests(two) == digests(one)


@pytest.mark.parametrize("value", [-1, 1.5, True, "2"])
def test_a_bad_read_job_count_stops_the_build(tmp_path, value):
    with pytest.raises(SystemExit, match="BULLETINS_READ_JOBS"):
        build_fixture_site(tmp_path / "output", BULLETINS_READ_JOBS=value)


def test_converting_ahead_leaves_the_read_count_alone(tmp_path, monkeypatch):
    """The progress line's ``read`` counts each article once, however many processes convert."""
    import json

    from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT

    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    log = tmp_path / "phases.jsonl"
    monkeypatch.setenv("BULLETINS_PHASE_LOG", str(log))
    plugins = ["bulletins.plugins.progress", *BASE_PLUGINS]
    build_fixture_site(tmp_path / "output", PLUGINS=plugins, BULLETINS_READ_JOBS=2, BULLETINS_WRITE_JOBS=1)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    articles = len(list(FIXTURE_CONTENT.rglob("*.md")))  # the about page too
    assert sum(r["count"] for r in records if r["phase"] == "read") == articles
