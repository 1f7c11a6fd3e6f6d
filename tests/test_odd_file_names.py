"""File names a header line cannot hold as they are (line breaks, tabs, runs of spaces, ``%``):
re-ingest finds the same article and the build still copies the very file that was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletins.ingest import frontmatter, pipeline
from bulletins.models import Context, quote_path, unquote_path
from support.site_build import build_fixture_site

TEXT = "2023年5月6日，青溪区召开防汛工作会议。\n会议要求各镇街做好汛期值守。\n"
NAMES = {
    "newline": "a\nb.txt",
    "carriage-return": "c\rd.txt",
    "tab": "e\tf.txt",
    "line-separator": "g\u2028h.txt",
    "space-run": "i   j.txt",
    "edge-spaces": " k .txt",
    "percent": "l%20m.txt",
    "plain": "青溪区 防汛.txt",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_quote_path_round_trips_and_is_one_clean_line(name):
    quoted = quote_path(f"sources/{name}")
    assert unquote_path(quoted) == f"sources/{name}"
    assert frontmatter.clean_text(quoted) == quoted  # the header's one-line cleaning keeps it


def test_quote_path_leaves_ordinary_names_alone():
    assert quote_path("sources/2023/青溪区 常务会议.txt") == "sources/2023/青溪区 常务会议.txt"
    assert unquote_path("sources/a.txt") == "sources/a.txt" and unquote_path(None) == ""


def _ingest(root: Path) -> pipeline.Report:
    options = pipeline.Options(content=root / "content", context=Context(year=2023), jobs=1, progress=False)
    return pipeline.ingest([root / "sources"], options)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd-names")
    sources = root / "sources"
    sources.mkdir()
    for i, name in enumerate(NAMES.values()):
        (sources / name).write_text(TEXT.replace("防汛", f"防汛第{i}次"), encoding="utf-8")
    first = _ingest(root)
    second = _ingest(root)
    return root, first, second


def test_reingest_finds_the_same_articles(project):
    root, first, second = project
    articles = sorted((root / "content").rglob("*.md"))
    assert len(articles) == len(NAMES) and not first.problems and not second.problems
    sources = {frontmatter.read_article(p.read_text(encoding="utf-8")).source for p in articles}
    assert sources == {f"sources/{name}" for name in NAMES.values()}


def test_build_copies_every_raw_file(project, tmp_path):
    root, _, _ = project
    output = build_fixture_site(
        tmp_path / "output",
        PATH=str(root / "content"),
        BULLETINS_SOURCE_ROOT=str(root),
        BULLETINS_SOURCE_ROOTS=[str(root / "sources")],
    )
    copies = sorted(p.read_bytes() for p in (output / "raw").rglob("*") if p.is_file())
    assert copies == sorted((root / "sources" / name).read_bytes() for name in NAMES.values())
