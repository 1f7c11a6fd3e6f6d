"""Rebuilds skip unchanged pages, and what they produce equals a cold build."""

from __future__ import annotations

import shutil

import pytest

from bulletins.plugins.incremental.writer import LIST_PREFIX
from bulletins.site import output_files
from support.shared import ROOT
from support.site_build import FIXTURE_CONTENT, build_fixture_site

NEW_ARTICLE = """\
Title: 临江区召开新增测试会议
Date: 2023-06-15
Category: 工作动态
Tags: 营商环境
Summary: 新增的一篇公报。
Slug: ljq-2023-0615-new
Identifier: LJ-20230615-new
People: 林晓东

6月15日，临江区召开会议。
"""


def html_files(root):
    return {p.relative_to(root): p for p in root.rglob("*.html")}


def mtimes(root):
    return {rel: p.stat().st_mtime_ns for rel, p in html_files(root).items()}


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


@pytest.mark.parametrize(
    "rebuild",
    [
        pytest.param({}, id="same-settings"),
        pytest.param({"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}, id="content-cache-on"),
    ],
)
def test_unchanged_rebuild_writes_nothing(tmp_path, content, rebuild):
    out = build_fixture_site(tmp_path / "a" / "output", PATH=str(content))
    before = mtimes(out)
    build_fixture_site(out, PATH=str(content), **rebuild)
    assert mtimes(out) == before


CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}  # lists unchanged are taken whole
TWO_PER_PAGE = {
    "DEFAULT_PAGINATION": 2,
    "PAGINATED_TEMPLATES": dict.fromkeys(
        ("index", "category", "tag", "period_archives", "person", "document", "persons", "documents", "tags"), 2
    ),
}


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({}, id="one-page-lists"),
        pytest.param(TWO_PER_PAGE, id="paginated-lists"),
        pytest.param(dict(TWO_PER_PAGE, **CACHED), id="paginated-lists-taken-whole"),
    ],
)
def test_adding_a_bulletin_rerenders_only_what_shows_it(tmp_path, content, settings):
    out = build_fixture_site(tmp_path / "a" / "output", PATH=str(content), **settings)
    before = mtimes(out)
    new = content / "bulletins/2023/06/ljq-2023-0615-new.md"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    build_fixture_site(out, PATH=str(content), **settings)
    after = mtimes(out)
    rewritten = {str(rel) for rel in after if after[rel] != before.get(rel)}
    assert "bulletins/2023/06/ljq-2023-0615-new.html" in rewritten
    assert "bulletins/2023/06/ljq-2023-0602-ggwh.html" in rewritten  # its older neighbour
    assert "index.html" in rewritten and "bulletins/2023/06/index.html" in rewritten
    assert "bulletins/2022/02/ljq-2022-0228-cwhy5.html" not in rewritten  # unrelated
    assert len(rewritten) < len(after) / 2
    if settings:  # lists of two per page (cut by content): the pages before the new item's stay
        older = {str(rel) for rel in before if str(rel).startswith("index-")}
        assert len(older) >= 2 and older <= set(map(str, after))
        assert not older & rewritten

    cold = build_fixture_site(tmp_path / "b" / "output", PATH=str(content), **settings)
    warm_files, cold_files = html_files(out), html_files(cold)
    assert warm_files.keys() == cold_files.keys()
    differ = [str(rel) for rel in cold_files if cold_files[rel].read_bytes() != warm_files[rel].read_bytes()]
    assert differ == []


def test_removing_an_old_bulletin_rewrites_only_the_list_pages_around_it(tmp_path, content):
    """Cut by count, every newer page of the home list moved by one item; cut by content (see
    ``bulletins.site.paging``) only the page that held it and its neighbour's link change."""
    out = build_fixture_site(tmp_path / "a" / "output", PATH=str(content), **TWO_PER_PAGE)
    named = sorted(str(rel) for rel in html_files(out) if str(rel).startswith("index-"))
    before = mtimes(out)
    (content / "bulletins/2022/02/ljq-2022-0228-cwhy5.md").unlink()  # the oldest
    build_fixture_site(out, PATH=str(content), **TWO_PER_PAGE)
    after = mtimes(out)
    rewritten = {str(rel) for rel in after if after[rel] != before.get(rel)}
    untouched = named[2:]  # the oldest page (gone or changed) and its newer neighbour may change
    assert len(untouched) >= 2 and not set(untouched) & rewritten
    cold = build_fixture_site(tmp_path / "b" / "output", PATH=str(content), **TWO_PER_PAGE)
    warm_files, cold_files = html_files(out), html_files(cold)
    assert warm_files.keys() == cold_files.keys()
    assert [str(rel) for rel in cold_files if cold_files[rel].read_bytes() != warm_files[rel].read_bytes()] == []


def test_deleted_output_is_rebuilt(tmp_path, content):
    out = build_fixture_site(tmp_path / "a" / "output", PATH=str(content))
    (out / "persons.html").unlink()
    build_fixture_site(out, PATH=str(content))
    assert (out / "persons.html").is_file()


def list_entries(cache):
    record = output_files.read_table(cache / "bulletins-pages.marshal")
    return {name: entry for name, entry in record.items() if name.startswith(LIST_PREFIX)}


def test_unchanged_lists_are_taken_whole_and_a_template_change_renders_them(tmp_path, content):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = dict(TWO_PER_PAGE, **CACHED, THEME=str(theme))
    out = build_fixture_site(tmp_path / "a" / "output", PATH=str(content), **settings)
    first = list_entries(tmp_path / "a" / "cache")
    assert LIST_PREFIX + "tags.html" in first and len(first) > 10
    before = mtimes(out)
    build_fixture_site(out, PATH=str(content), **settings)
    assert mtimes(out) == before and list_entries(tmp_path / "a" / "cache") == first

    template = theme / "templates" / "tag.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</h1>", " ✓</h1>", 1), encoding="utf-8")
    build_fixture_site(out, PATH=str(content), **settings)
    tag_pages = sorted((out / "tags").glob("*.html"))
    assert tag_pages and all("✓</h1>" in page.read_text(encoding="utf-8") for page in tag_pages)
    after = list_entries(tmp_path / "a" / "cache")
    assert after.keys() == first.keys() and all(after[name] != first[name] for name in first)
