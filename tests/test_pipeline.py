"""The pipeline: bad input reported and skipped, idempotent and atomic writes, hand edits kept."""

import json
import multiprocessing
import os
import stat
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bulletins.ingest import archive, files, frontmatter, keywords, pipeline
from bulletins.ingest.dates import YearRange
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
    assert sorted(leftovers) == sorted([files.LOCK_NAME, archive.CACHE_NAME])  # the lock and the headers' cache


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


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="only forked workers share the parent's model")
def test_parallel_run_loads_the_keyword_model_once_before_forking(tmp_path, monkeypatch):
    # jieba's dictionary costs about 1 CPU s to load: loaded in the parent, the forked workers share it
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    for name in ("a", "b"):
        write_collection(tmp_path / "src" / f"{name}.jsonl", 3)
    keywords._model.cache_clear()
    report = pipeline.ingest(["src"], options(jobs=2))
    assert len(report.written) == 6
    assert keywords._model.cache_info().currsize == 1


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


# --- dates out of range ----------------------------------------------------------------------

_PAGE = (
    "<html><head><meta name='PubDate' content='{}'><title>青溪区召开会议</title></head><body><p>{}</p></body></html>"
)


def _record(record_id: str, date: str, text: str = "青溪区召开会议。") -> str:
    return json.dumps({"id": record_id, "date": date, "title": "青溪区召开会议", "text": text}, ensure_ascii=False)


@pytest.mark.parametrize(
    "name,data,reason",
    [
        pytest.param("c.jsonl", _record("r1", "0999-01-01"), "date 0999-01-01 is outside 1949-", id="jsonl-year-999"),
        pytest.param("c.jsonl", _record("r1", "99999-01-01"), "cannot read the source date", id="jsonl-year-99999"),
        pytest.param("p.html", _PAGE.format("0001-01-01", "会议。"), "date 0001-01-01 is outside", id="html-year-1"),
        pytest.param(
            "p.html", _PAGE.format("99999-01-01", "会议。"), "date 9999-01-01 is outside", id="html-year-99999"
        ),
        pytest.param("t.txt", "1900年3月1日，青溪区召开会议。", "date 1900-03-01 is outside", id="text-year-1900"),
        pytest.param("t.txt", "二〇二三年十十月一日，青溪区召开会议。", "no date", id="chinese-ten-ten"),
    ],
)
def test_bad_date_is_one_problem_and_nothing_is_written(tmp_path, monkeypatch, name, data, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / name).write_text(f"{_record('r0', '2023-05-06')}\n{data}\n" if name.endswith("l") else data)
    report = pipeline.ingest(["src"], options())
    (problem,) = report.problems
    assert problem.source == f"src/{name}" and reason in problem.reason
    assert len(report.written) == (1 if name.endswith(".jsonl") else 0)  # the good record still is


def test_year_range_is_a_setting_and_dates_are_written_with_four_digits(project):
    (project / "src" / "old.jsonl").write_text(_record("r1", "0999-01-01") + "\n", encoding="utf-8")
    wide = options(years=YearRange(1, 9999))
    report = pipeline.ingest(["src/old.jsonl"], wide)
    assert report.problems == []
    assert frontmatter.parse_article((project / report.written[0]).read_text("utf-8"))["Date"] == "0999-01-01"
    narrow = pipeline.ingest(["src/meeting.txt"], options(years=YearRange(2024, 2025)))
    assert [p.reason for p in narrow.problems] == [
        "date 2023-03-01 is outside 2024-2025 (a typo? else widen --min-year/--max-year)"
    ]


# --- identity of awkward names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "odd",
    [
        pytest.param("a\nb", id="newline"),
        pytest.param("a\rb", id="carriage-return"),
        pytest.param("a\tb", id="tab"),
        pytest.param("a\u2028b", id="line-separator"),
        pytest.param("a   b", id="run-of-spaces"),
        pytest.param(" a b ", id="padded"),
    ],
)
@pytest.mark.parametrize("where", ["record-id", "file-name"])
def test_reingest_of_odd_names_writes_nothing_new(tmp_path, monkeypatch, odd, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    if where == "record-id":
        (tmp_path / "src" / "c.jsonl").write_text(_record(odd, "2023-05-06") + "\n", encoding="utf-8")
    else:
        (tmp_path / "src" / f"{odd}.txt").write_text("2023年5月6日，青溪区召开会议。", encoding="utf-8")
    first = pipeline.ingest(["src"], options())
    assert first.problems == [] and len(first.written) == 1
    again = pipeline.ingest(["src"], options())
    assert (again.written, again.unchanged) == ([], 1)
    assert len(articles_in(tmp_path / "content")) == 1


# --- the content folder: lock, file modes, stale temp files -------------------------------------


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_articles_get_the_mode_the_umask_gives(project, umask, mode):
    old = os.umask(umask)
    try:
        report = pipeline.ingest(["src/meeting.txt"], options())
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / report.written[0]).stat().st_mode) == mode


def test_stale_temp_files_of_a_killed_run_are_removed_and_others_kept(project):
    folder = project / "content" / "bulletins" / "2023" / "03"
    folder.mkdir(parents=True)
    ours = folder / ".meeting.md.k3j_9x0a.tmp"
    theirs = [folder / ".notes.tmp", folder / "meeting.md.tmp", folder / ".draft.md.swp"]
    for path in (ours, *theirs):
        path.write_text("half an article")
    pipeline.ingest(["src/meeting.txt"], options())
    assert not ours.exists()
    assert all(path.exists() for path in theirs)


def _ingest_here(folder: Path, source: str, sender) -> None:
    """In a child process: ingest SOURCE from FOLDER into FOLDER/content; send how many articles were written."""
    os.chdir(folder)
    report = pipeline.ingest([source], pipeline.Options(content=Path("content"), jobs=1, progress=False))
    sender.send(len(report.written))


def _warm(folder: Path) -> None:
    """One ingest in this process, so the forked runs find the dictionaries loaded (about 2 CPU s each)."""
    (folder / "warm.txt").write_text("2023年3月1日，青溪区召开会议。", encoding="utf-8")
    pipeline.ingest([folder / "warm.txt"], pipeline.Options(content=folder / "content", jobs=1, progress=False))


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(2))
def test_concurrent_runs_into_one_content_folder_keep_both_articles(tmp_path, trial):
    """Two processes ingest into one content folder at once (forked from this one, which has
    ingested before, rather than started afresh: they run the same code)."""
    for folder in ("A", "B"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notice.txt").write_text(f"2023年3月{trial + 1}日，{folder}区召开会议。", encoding="utf-8")
    (tmp_path / "warm").mkdir()
    _warm(tmp_path / "warm")
    fork = multiprocessing.get_context("fork")
    pipes = [fork.Pipe(duplex=False) for _ in ("A", "B")]
    runs = [
        fork.Process(target=_ingest_here, args=(tmp_path, f"{folder}/notice.txt", sender))
        for folder, (_, sender) in zip(("A", "B"), pipes)
    ]
    for run in runs:
        run.start()
    counts = [receiver.recv() if receiver.poll(120) else None for receiver, _ in pipes]
    for run in runs:
        run.join(timeout=120)
    assert [run.exitcode for run in runs] == [0, 0]
    assert counts == [1, 1]
    written = articles_in(tmp_path / "content")
    assert len(written) == 2
    sources = sorted(frontmatter.parse_article(text)["Source"] for text in written.values())
    assert sources == ["A/notice.txt", "B/notice.txt"]


def test_a_second_run_waits_for_the_lock(project):
    content, told = project / "content", []
    run = options(content=content)
    waiter = threading.Thread(
        target=lambda: told.append(pipeline.ingest([project / "src/meeting.txt"], run, told.append))
    )
    try:
        with files.content_lock(content):
            waiter.start()
            waiter.join(timeout=1)
            assert waiter.is_alive() and told == [content]  # told once, and still waiting
            assert not list(content.rglob("*.md"))
    finally:
        waiter.join(timeout=60)
    assert len(told[1].written) == 1
