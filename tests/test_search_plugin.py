"""The search-index plugin in a real Pelican build: a rebuild after adding, editing or removing
an article leaves ``output/search/`` exactly as a cold build of the final content makes it,
with Pelican's ``CACHE_PATH`` as the index cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.site_build import FIXTURE_CONTENT, build_fixture_site

pytestmark = pytest.mark.slow

PLUGINS = [
    "bulletins.plugins.article_headers",
    "bulletins.plugins.list_pages",
    "bulletins.plugins.article_urls",
    "bulletins.plugins.site_meta",
    "bulletins.plugins.search_index",
]
ADDED = """Title: 云溪市临江区召开防汛工作会议
Date: 2023-12-30
Category: 常务会议
Slug: ljq-2023-1230-fangxun
Identifier: LJ-20231230-fxhy

会议部署防汛抗旱工作，要求加强值班值守，做好物资储备。
"""


def add_article(content: Path) -> None:
    (content / "bulletins" / "2023" / "12").mkdir(parents=True, exist_ok=True)
    (content / "bulletins" / "2023" / "12" / "ljq-2023-1230-fangxun.md").write_text(ADDED, encoding="utf-8")


def edit_article(content: Path) -> None:
    path = sorted((content / "bulletins").rglob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n会后，与会人员实地察看了防汛工作。\n", encoding="utf-8")


def remove_article(content: Path) -> None:
    sorted((content / "bulletins").rglob("*.md"))[1].unlink()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build(content: Path, output: Path, cache: Path) -> Path:
    return build_fixture_site(output, PATH=str(content), PLUGINS=PLUGINS, CACHE_PATH=str(cache))


@pytest.mark.parametrize("change", [add_article, edit_article, remove_article], ids=["add", "edit", "remove"])
def test_plugin_rebuild_equals_cold_build(tmp_path, change):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    build(content, tmp_path / "site" / "output", tmp_path / "site" / "cache")
    before = tree(tmp_path / "site" / "output" / "search")
    change(content)
    build(content, tmp_path / "site" / "output", tmp_path / "site" / "cache")
    build(content, tmp_path / "cold" / "output", tmp_path / "cold" / "cache")
    after = tree(tmp_path / "site" / "output" / "search")
    assert after == tree(tmp_path / "cold" / "output" / "search")
    assert after != before and (tmp_path / "site" / "cache" / "search-tokens.marshal").is_file()
