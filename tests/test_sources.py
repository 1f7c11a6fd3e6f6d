"""sources: discover (what is read, what is skipped and reported) and context_for (defaults precedence).

Reading each format is tested in test_readers.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulletins.ingest.sources import context_for, discover
from bulletins.models import Context
from support.sources import read_all, write


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


def test_discover_survives_a_symlink_loop(chdir_tmp):
    write(chdir_tmp, "src/a.txt", "x")
    (chdir_tmp / "src" / "loop").symlink_to(chdir_tmp / "src", target_is_directory=True)
    files, problems = discover([Path("src")])
    assert files == [Path("src/a.txt")] and problems == []
