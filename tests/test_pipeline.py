"""The pipeline: bad input reported and skipped, idempotent and atomic writes, hand edits kept."""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from bulletins.ingest import files, frontmatter, pipeline
from bulletins.models import Context, SourceProblem
from support.frontmatter import html_paragraphs, html_tags, pelican_read
from support.pipeline import (
    GOOD_COUNT,
    HOSTILE_RECORD,
    expected_problem_starts,
    snapshot,
    write_collection,
    write_sources,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (the working folder) with src/ holding good and bad sources."""
    monkeypatch.chdir(tmp_path)
    write_sources(tmp_path)
    return tmp_path


def options(**changes) -> pipeline.Options:
    return replace(pipeline.Options(content=Path("content"), jobs=1, progress=False), **changes)


def articles_in(content: Path) -> dict[str, str]:
    return {p.relative_to(content).as_posix(): p.read_text("utf-8") for p in sorted(content.rglob("*.md"))}


def lines(problems) -> list[str]:
    return sorted(f"{problem.where}: {problem.reason}" for problem in problems)


def test_every_problem_is_one_line_naming_the_file_and_good_bulletins_are_written(project):
    report = pipeline.ingest(["src"], options())
    starts = expected_problem_starts()
    assert all(isinstance(problem, SourceProblem) for problem in report.problems)
    assert len(report.problems) == len(starts)
    for line, start in zip(lines(report.problems), starts):
        assert line.startswith(start) and "\n" not in line and "Traceback" not in line
        assert len(line) > len(start) + 5  # a reason follows the place
    assert len(report.written) == GOOD_COUNT
    written = articles_in(project / "content")
    assert len(written) == GOOD_COUNT
    titles = {frontmatter.parse_article(t)["Title"] for t in written.values()}
    assert {"青溪区召开防汛会议", "青溪区召开安全生产会议"} <= titles


def test_second_run_writes_nothing_and_leaves_bytes_and_mtimes(project):
    first = pipeline.ingest(["src"], options())
    before = snapshot(project / "content")
    second = pipeline.ingest(["src"], options())
    assert second.written == [] and second.kept == []
    assert second.unchanged == len(first.written) == GOOD_COUNT
    assert snapshot(project / "content") == before


def test_same_identity_however_the_sources_are_named(project):
    pipeline.ingest(["src"], options())
    before = snapshot(project / "content")
    again = pipeline.ingest([str(project / "src"), "./src/c.jsonl"], options())
    assert again.written == []
    assert snapshot(project / "content") == before


def test_hand_edit_is_kept_without_force_and_overwritten_with_it(project):
    pipeline.ingest(["src"], options())
    path = next((project / "content").rglob("r1.md"))
    original = path.read_text("utf-8")
    edited = original.replace("Title: 青溪区召开防汛会议", "Title: 青溪区召开防汛工作会议")
    path.write_text(edited, encoding="utf-8")

    kept = pipeline.ingest(["src"], options())
    assert kept.written == []
    assert kept.kept == [SourceProblem(path.relative_to(project).as_posix(), "kept: edited by hand, use --force")]
    assert path.read_text("utf-8") == edited

    forced = pipeline.ingest(["src"], options(force=True))
    assert forced.written == [path.relative_to(project).as_posix()]
    assert path.read_text("utf-8") == original


def test_changed_source_rewrites_its_article_keeping_slug_and_identifier(project):
    pipeline.ingest(["src"], options())
    path = next((project / "content").rglob("meeting.md"))
    before = frontmatter.parse_article(path.read_text("utf-8"))
    (project / "src" / "meeting.txt").write_text(
        "2023年3月1日,青溪区区长张明主持召开区政府第3次常务会议。\n会议指出,要抓好安全。\n", encoding="utf-8"
    )
    report = pipeline.ingest(["src"], options())
    after = frontmatter.parse_article(path.read_text("utf-8"))
    assert report.written == [path.relative_to(project).as_posix()]
    assert (after["Slug"], after["Identifier"]) == (before["Slug"], before["Identifier"])
    assert after["SourceHash"] != before["SourceHash"]


def test_new_date_moves_the_article_and_removes_the_old_file(project):
    pipeline.ingest(["src"], options())
    old = next((project / "content").rglob("meeting.md"))
    (project / "src" / "meeting.txt").write_text("2023年4月9日,青溪区召开会议。\n", encoding="utf-8")
    pipeline.ingest(["src"], options())
    new = next((project / "content").rglob("meeting.md"))
    assert not old.exists()
    assert new.parent.as_posix().endswith("bulletins/2023/04")


def test_no_temp_files_are_left(project):
    pipeline.ingest(["src"], options())
    pipeline.ingest(["src"], options(force=True))
    leftovers = [p.name for p in (project / "content").rglob("*") if p.is_file() and not p.name.endswith(".md")]
    assert leftovers == [files.LOCK_NAME]


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_bytes(b"old")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_hostile_record_renders_as_literal_text(project):
    pipeline.ingest(["src"], options())
    text = next((project / "content").rglob("r5.md")).read_text("utf-8")
    html, meta = pelican_read(text)
    assert meta["title"] == HOSTILE_RECORD["title"]
    assert html_tags(html) == {"p"}
    assert html_paragraphs(html) == [
        "*重要* [点此](javascript:alert(1))",
        "<script>alert(1)</script>",
        "# 标题",
        "1. 第一项",
        "> 引用",
        "---",
        "C:\\路径 `代码` <b>粗",
    ]


def test_parallel_run_writes_the_same_files_as_a_serial_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    write_collection(tmp_path / "src" / "big.jsonl", 130)
    (tmp_path / "src" / "other.jsonl").write_text((tmp_path / "src" / "big.jsonl").read_text("utf-8"), encoding="utf-8")
    serial = pipeline.ingest(["src"], options(content=Path("serial")))
    parallel = pipeline.ingest(["src"], options(content=Path("parallel"), jobs=2))
    assert serial.problems == parallel.problems == []
    assert len(parallel.written) == 260
    assert articles_in(tmp_path / "serial") == articles_in(tmp_path / "parallel")


def test_colliding_record_ids_get_distinct_stable_slugs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    write_collection(tmp_path / "src" / "a.jsonl", 3)
    write_collection(tmp_path / "src" / "b.jsonl", 3)
    pipeline.ingest(["src"], options())
    slugs = sorted(frontmatter.parse_article(t)["Slug"] for t in articles_in(tmp_path / "content").values())
    assert len(set(slugs)) == 6
    assert {"n0000", "n0001", "n0002"} <= set(slugs)
    assert pipeline.ingest(["src"], options()).written == []


def test_duplicate_id_in_one_collection_is_a_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    path = write_collection(tmp_path / "src" / "a.jsonl", 2)
    path.write_text(path.read_text("utf-8") * 2, encoding="utf-8")
    report = pipeline.ingest(["src"], options())
    assert len(report.written) == 2
    assert [p.where for p in report.problems] == ["src/a.jsonl:3", "src/a.jsonl:4"]


def test_context_supplies_the_missing_year(project):
    report = pipeline.ingest(["src/noyear.txt"], options(context=Context(year=2022, script=None)))
    assert report.problems == []
    header = frontmatter.parse_article((project / report.written[0]).read_text("utf-8"))
    assert header["Date"] == "2022-02-28"
    assert header["Slug"] == "noyear"


def test_articles_writes_nothing(project):
    items = list(pipeline.articles(["src"], options()))
    assert sum(isinstance(i, SourceProblem) for i in items) == len(expected_problem_starts())
    assert not (project / "content").exists()


@pytest.mark.parametrize(
    "wanted,shown", [(True, True), (False, False), (None, False)], ids=["asked", "refused", "not-a-tty"]
)
def test_progress_bar_on_stderr_only_when_asked_or_on_a_terminal(project, capsys, wanted, shown):
    pipeline.ingest(["src/c.jsonl"], options(progress=wanted))
    assert ("bulletin" in capsys.readouterr().err) == shown
