"""sources: discover (what is read, skipped, reported), context_for (defaults precedence), the reader registry.

Reading each format is tested in test_readers.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bulletins.ingest import readers
from bulletins.ingest.readers.common import on_disk
from bulletins.ingest.sources import context_for, discover
from bulletins.models import Context
from support.sources import SIMPLIFIED, read_all, write


@pytest.fixture
def chdir_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- discover ------------------------------------------------------------------------------


def test_discover_walks_folders_in_a_stable_order(chdir_tmp):
    for rel in ["b/2.txt", "b/10.html", "a/z.jsonl.gz", "a/sub/y.htm", "a/x.jsonl", "c.txt"]:
        write(chdir_tmp, rel, "x")
    for rel in ["a/notes.md", "a/.hidden.txt", "a/.git/config.txt", "b/draft.txt~"]:
        write(chdir_tmp, rel, "x")
    write(chdir_tmp, "a/defaults.toml", "year = 2023\n")
    files, problems = discover([Path("b"), Path("a"), Path("c.txt")])
    assert [f.as_posix() for f in files] == [
        "b/10.html",
        "b/2.txt",
        "a/sub/y.htm",
        "a/x.jsonl",
        "a/z.jsonl.gz",
        "c.txt",
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        pytest.param("missing.txt", "no such file or folder", id="missing-file"),
        pytest.param("missing-folder", "no such file or folder", id="missing-folder"),
        pytest.param("notes.md", "unsupported file type", id="unsupported-named-explicitly"),
    ],
)
def test_discover_reports_bad_arguments_and_goes_on(chdir_tmp, given, reason):
    write(chdir_tmp, "notes.md", "x")
    write(chdir_tmp, "ok.txt", "x")
    files, problems = discover([Path(given), Path("ok.txt")])
    assert files == [Path("ok.txt")]
    assert len(problems) == 1 and problems[0].source == given and reason in problems[0].reason


def test_discover_reads_a_file_named_twice_once(chdir_tmp):
    write(chdir_tmp, "src/a.txt", "x")
    files, _ = discover([Path("src"), Path("src/a.txt")])
    assert files == [Path("src/a.txt")]


@pytest.mark.parametrize(
    ("toml", "reason"),
    [
        pytest.param("year = 2023\nyaer = 2024\n", "unknown key(s) yaer", id="typo-key"),
        pytest.param('year = "2023"\n', "year must be a whole number", id="year-as-string"),
        pytest.param("year = 23\n", "year must be a whole number", id="year-too-small"),
        pytest.param('script = "cyrillic"\n', "script must be one of", id="unknown-script"),
        pytest.param('publisher = ""\n', "publisher must be a non-empty string", id="empty-publisher"),
        pytest.param("year = 2023\nyear = 2024\n", "invalid TOML", id="duplicate-key"),
        pytest.param('publisher = "青溪\n', "invalid TOML", id="unclosed-string"),
    ],
)
def test_invalid_defaults_file_is_one_problem_naming_it(chdir_tmp, toml, reason):
    write(chdir_tmp, "src/defaults.toml", toml)
    write(chdir_tmp, "src/a.txt", "x")
    write(chdir_tmp, "src/b.txt", "x")
    files, problems = discover([Path("src")])
    assert len(files) == 2
    assert len(problems) == 1
    assert problems[0].source.endswith("src/defaults.toml") and reason in problems[0].reason
    assert context_for(files[0], UNSET).year is None  # the bad file contributes nothing


# --- context_for ---------------------------------------------------------------------------

UNSET = Context(script=None)  # what the CLI passes when no option is given
DEFAULTS_OUTER = 'year = 2021\npublisher = "临江市人民政府"\nregion = "临江市"\ncategory = "通知公告"\n'
DEFAULTS_INNER = 'year = 2023\npublisher = "临江市青溪区人民政府"\nscript = "keep"\n'


@pytest.mark.parametrize(
    ("rel", "base", "expected"),
    [
        pytest.param("plain/a.txt", UNSET, Context(), id="nothing-known"),
        pytest.param("2022/a.txt", UNSET, Context(year=2022), id="year-folder"),
        pytest.param("qingxi-2022/03/a.txt", UNSET, Context(year=2022), id="year-in-folder-name"),
        pytest.param("2021-2022/a.txt", UNSET, Context(), id="two-years-in-a-name-is-no-year"),
        pytest.param(
            "outer/2019/a.txt",
            UNSET,
            Context(2021, "临江市人民政府", "临江市", "通知公告"),
            id="defaults-beat-path-year",
        ),
        pytest.param(
            "outer/inner/a.txt",
            UNSET,
            Context(2023, "临江市青溪区人民政府", "临江市", "通知公告", "keep"),
            id="nearest-defaults-win-key-by-key",
        ),
        pytest.param(
            "outer/inner/a.txt",
            Context(year=2024, category="常务会议", script=None),
            Context(2024, "临江市青溪区人民政府", "临江市", "常务会议", "keep"),
            id="cli-beats-defaults-script-none-is-unset",
        ),
        pytest.param(
            "outer/inner/a.txt",
            Context(script="traditional"),
            Context(2023, "临江市青溪区人民政府", "临江市", "通知公告", "traditional"),
            id="cli-script-beats-defaults",
        ),
    ],
)
def test_context_precedence(chdir_tmp, rel, base, expected):
    write(chdir_tmp, "outer/defaults.toml", DEFAULTS_OUTER)
    write(chdir_tmp, "outer/inner/defaults.toml", DEFAULTS_INNER)
    path = write(chdir_tmp, rel, "x")
    assert context_for(path.relative_to(chdir_tmp), base) == expected


def test_record_fields_beat_cli_options(tmp_path):
    record = {
        "id": "r1",
        "date": "2024-05-06",
        "html": "<p>正文</p>",
        "publisher": "记录里的机关",
        "region": "记录里的地区",
    }
    path = write(tmp_path, "c.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    (bulletin,) = read_all(path, Context(year=2020, publisher="命令行机关", category="命令行分类"))
    assert bulletin.context == Context(2024, "记录里的机关", "记录里的地区", "命令行分类")


def test_discover_survives_a_symlink_loop_and_reports_it(chdir_tmp):
    write(chdir_tmp, "src/a.txt", "x")
    (chdir_tmp / "src" / "loop").symlink_to(chdir_tmp / "src", target_is_directory=True)
    files, problems = discover([Path("src")])
    assert files == [Path("src/a.txt")]
    assert [(p.where, p.reason) for p in problems] == [
        ("src/loop", "symlink to a folder already read (a loop), not read again")
    ]


# --- what a walk reads, skips and reports -----------------------------------------------------

PROJECT_TREE = [
    "pelicanconf.py",
    "sources/a.txt",
    "sources/2023/b.html",
    "output/raw/bulletins/2023/03/a.txt",
    "output/bulletins/2023/03/a.html",
    "content/pages/about.html",
    "cache/x.html",
    "node_modules/pkg/README.txt",
    ".venv/lib/site.txt",
    ".cache/c.txt",
    "notes/content/kept.txt",  # not beside a project marker: a folder of sources like any other
]


def test_walking_a_project_skips_its_own_build_and_tool_folders(chdir_tmp):
    for rel in PROJECT_TREE:
        write(chdir_tmp, rel, "x")
    files, problems = discover([Path(".")])
    assert [f.as_posix() for f in files] == ["notes/content/kept.txt", "sources/2023/b.html", "sources/a.txt"]
    assert problems == []


@pytest.mark.parametrize("folder", ["output", "content", "cache", "node_modules", ".venv"])
def test_a_skipped_folder_named_explicitly_is_read(chdir_tmp, folder):
    for rel in PROJECT_TREE:
        write(chdir_tmp, rel, "x")
    files, _ = discover([Path(folder)])
    assert files and all(f.as_posix().startswith(folder + "/") for f in files)


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda tmp: _fifo(tmp / "pipe.txt"), "not a regular file (a FIFO)", id="fifo"),
        pytest.param(lambda tmp: Path("/dev/null"), "not a regular file (a character device)", id="device"),
        pytest.param(lambda tmp: tmp / "missing.txt", "no such file or folder", id="missing"),
    ],
)
def test_a_fifo_or_device_named_explicitly_is_reported_without_blocking(tmp_path, make, reason):
    path = make(tmp_path)
    files, problems = discover([path])
    assert files == [] and [(p.where, p.reason) for p in problems] == [(path.as_posix(), reason)]
    if path.exists() and path.suffix:
        (problem,) = read_all(path)  # opened without blocking, refused before a byte is read
        assert reason in problem.reason


def test_a_fifo_with_a_source_name_inside_a_folder_is_reported(tmp_path):
    write(tmp_path, "src/a.txt", "x")
    _fifo(tmp_path / "src" / "pipe.jsonl")
    files, problems = discover([tmp_path / "src"])
    assert files == [tmp_path / "src" / "a.txt"]
    assert [p.reason for p in problems] == ["not a regular file (a FIFO, socket or device)"]


def test_symlinks_leading_outside_the_folder_are_reported_not_read(chdir_tmp):
    write(chdir_tmp, "outside/secret.txt", "x")
    write(chdir_tmp, "src/real/a.txt", "x")
    (chdir_tmp / "src" / "in.txt").symlink_to(chdir_tmp / "outside" / "secret.txt")
    (chdir_tmp / "src" / "ext").symlink_to(chdir_tmp / "outside", target_is_directory=True)
    (chdir_tmp / "src" / "alias.txt").symlink_to(chdir_tmp / "src" / "real" / "a.txt")
    (chdir_tmp / "src" / "self.txt").symlink_to(chdir_tmp / "src" / "self.txt")
    (chdir_tmp / "src" / "gone.txt").symlink_to(chdir_tmp / "nowhere.txt")
    files, problems = discover([Path("src")])
    assert [f.as_posix() for f in files] == ["src/alias.txt"]  # src/real/a.txt is the same file, read once
    assert sorted(p.where for p in problems) == ["src/ext", "src/gone.txt", "src/in.txt", "src/self.txt"]
    assert all("not read" in p.reason for p in problems)
    assert "outside" in next(p.reason for p in problems if p.source == "src/in.txt")


def test_a_symlink_named_explicitly_is_read(chdir_tmp):
    write(chdir_tmp, "outside/secret.txt", "x")
    (chdir_tmp / "link.txt").symlink_to(chdir_tmp / "outside" / "secret.txt")
    assert discover([Path("link.txt")]) == ([Path("link.txt")], [])


# --- file names that are not UTF-8 (zips made on Chinese Windows) ------------------------------


@pytest.mark.parametrize(
    ("name", "source"),
    [
        pytest.param("青溪区会议纪要.txt".encode("gbk"), "src/青溪区会议纪要.txt", id="gbk-name"),
        pytest.param("2023年第3期.html".encode("gbk"), "src/2023年第3期.html", id="gbk-name-with-digits"),
        pytest.param(b"caf\xe9 r\xe9sum\xe9.txt", "src/café résumé.txt", id="latin1-name"),
        pytest.param("正文.txt".encode(), "src/正文.txt", id="utf8-name-unchanged"),
    ],
)
def test_non_utf8_file_names_are_read_under_a_readable_name(chdir_tmp, name, source):
    (chdir_tmp / "src").mkdir()
    page = (
        "<html><body><p>2023年3月1日，青溪区召开会议。</p></body></html>" if source.endswith("html") else "青溪区会议"
    )
    (chdir_tmp / "src" / os.fsdecode(name)).write_bytes(page.encode("gbk"))
    files, problems = discover([Path("src")])
    (bulletin,) = read_all(files[0])
    assert problems == [] and bulletin.source == source
    assert bulletin.source.encode("utf-8")  # valid text: it goes into headers, messages and hashes
    assert on_disk(bulletin.source) == files[0]


# --- the registry -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "txt"),
        ("A.TXT", "txt"),
        ("a.htm", "html"),
        ("a.html", "html"),
        ("a.jsonl", "jsonl"),
        ("a.JSONL.GZ", "jsonl"),
        ("a.gz", None),
        ("a.json", None),
        ("jsonl", None),
        ("notes.md", None),
    ],
)
def test_kind_of(name, kind):
    assert readers.kind_of(Path(name)) == kind


def test_a_reader_gets_only_the_options_it_takes(tmp_path):
    path = write(tmp_path, "a.txt", SIMPLIFIED)
    (bulletin,) = readers.read(path, Context(), lines=range(1, 2), records=(), max_record_bytes=1 << 20)
    assert bulletin.text == SIMPLIFIED and bulletin.format == "txt"


def test_an_unsupported_file_is_a_problem_not_an_error(tmp_path):
    (problem,) = readers.read(write(tmp_path, "a.docx.bak", b"x"), Context())
    assert "unsupported file type" in problem.reason
