"""List pages keep their number and bytes as newer bulletins arrive: a page after the first is
numbered from the oldest page, so a rebuild after adding the newest bulletin rewrites the first
page of its lists and at most the page next to it, never the whole list (numbered from the
newest, every ``per_page``-th addition renumbered every page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.site_build import FIXTURE_CONTENT, build_fixture_site

ARTICLE = """\
Title: 临江区召开第{n}次防汛调度会
Date: 2024-05-{day:02d}
Category: 工作动态
Tags: 防汛
Summary: 临江区召开第{n}次防汛调度会。
Slug: ljq-fx-{n}
Identifier: LJ-FX-{n}
Publisher: 云溪市临江区人民政府

2024年5月{day}日，临江区召开第{n}次防汛调度会，部署汛期值守工作。
"""


def _build(content: Path, output: Path) -> Path:
    return build_fixture_site(
        output, PATH=str(content), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, DEFAULT_PAGINATION=2
    )


def _lists(output: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.glob("index*.html")}


@pytest.mark.slow
def test_adding_the_newest_bulletin_rewrites_only_the_first_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    output = _build(content, tmp_path / "output")
    changed_per_step = []
    for n in range(1, 6):
        before = _lists(output)
        path = content / "bulletins" / "2024" / "05" / f"ljq-fx-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE.format(n=n, day=n), encoding="utf-8")
        _build(content, output)
        after = _lists(output)
        assert set(before) <= set(after)
        older = [name for name in before if name != "index.html"]
        assert len(older) >= 3  # the list has pages enough for a renumbering to show
        changed = [name for name in older if after[name] != before[name]]
        assert len(changed) <= 1, (n, changed)
        changed_per_step.append(changed)
        first = after["index.html"][0].decode("utf-8")
        assert "最新" in first and f"临江区召开第{n}次防汛调度会" in first
    # two additions (with two items a page) made a new chunk: a new page, and its older neighbour changed
    assert sum(1 for changed in changed_per_step if changed) >= 2
