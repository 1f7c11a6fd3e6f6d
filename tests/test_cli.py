"""The ``bulletins`` command: exit codes, one line per problem, never a traceback."""

import json
import subprocess
import sys
import threading

import pytest

from bulletins import __version__
from bulletins.cli import build_parser, main
from bulletins.ingest.files import content_lock
from support.pipeline import GOOD_COUNT, expected_problem_starts, snapshot, write_sources

INSPECT_KEYS = {
    "title",
    "date",
    "date_precision",
    "date_source",
    "title_source",
    "category",
    "publisher",
    "region",
    "doc_number",
    "presider",
    "people",
    "documents",
    "keywords",
    "summary",
    "date_written",
    "signer",
    "recipients",
    "attachments",
    "note",
    "copy_to",
    "printed_by",
    "date_printed",
    "format",
    "identifier",
    "slug",
    "source",
    "source_id",
    "source_line",
    "url",
    "paragraphs",
    # the gazette's: issue, lifecycle dates, relations and the status a document shows by itself
    *("issue", "date_effective", "date_expires", "repeals", "amends", "interprets", "status"),
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_sources(tmp_path)
    return tmp_path


def run(*args, cwd):
    """The installed console script, as a user runs it."""
    return subprocess.run(["bulletins", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ingest_reports_each_problem_on_one_line_and_exits_1(project, capsys):
    assert main(["ingest", "src", "--jobs", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    problems, summary = err[:-1], err[-1]
    starts = expected_problem_starts()
    assert len(problems) == len(starts)
    assert all(line.startswith(start) for line, start in zip(sorted(problems), starts))
    assert summary == f"ingest: {GOOD_COUNT} written, 0 unchanged, 0 kept, {len(problems)} problems"


def test_console_script_never_prints_a_traceback(project):
    result = run("ingest", "src", "missing.txt", "--jobs", "2", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "missing.txt: no such file or folder" in result.stderr.splitlines()
    assert len(list((project / "content").rglob("*.md"))) == GOOD_COUNT


def test_clean_input_exits_0_and_rerun_changes_nothing(project, capsys):
    assert main(["ingest", "src/meeting.txt", "src/page.html"]) == 0
    before = snapshot(project / "content")
    assert main(["ingest", "src/meeting.txt", "src/page.html"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "ingest: 0 written, 2 unchanged, 0 kept, 0 problems"
    assert snapshot(project / "content") == before


def test_hand_edit_needs_force(project, capsys):
    main(["ingest", "src/meeting.txt"])
    path = next((project / "content").rglob("meeting.md"))
    path.write_text(path.read_text("utf-8").replace("会议指出", "会议强调"), encoding="utf-8")
    assert main(["ingest", "src/meeting.txt"]) == 0
    assert "kept: edited by hand, use --force" in capsys.readouterr().err
    assert "会议强调" in path.read_text("utf-8")
    assert main(["ingest", "src/meeting.txt", "--force"]) == 0
    assert "会议强调" not in path.read_text("utf-8")


@pytest.mark.parametrize(
    "args,message",
    [
        pytest.param(["ingest", "src", "--year", "abc"], "not a year", id="year-not-a-number"),
        pytest.param(["ingest", "src", "--year", "1800"], "year out of range", id="year-out-of-range"),
        pytest.param(["ingest", "src", "--jobs", "0"], "at least 1", id="no-jobs"),
        pytest.param(["ingest", "src", "--script", "cyrillic"], "invalid choice", id="unknown-script"),
        pytest.param(["ingest"], "required", id="no-source"),
        pytest.param(["publish"], "invalid choice", id="unknown-command"),
        pytest.param([], "required", id="no-command"),
    ],
)
def test_usage_errors_exit_2(project, capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        main(args)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "blocked,message",
    [
        pytest.param("content", "bulletins: the content folder content is a file, not a folder", id="content-file"),
        pytest.param(
            "content/bulletins/2023", "src/meeting.txt: cannot write bulletins/2023/03/meeting.md: ", id="month-folder"
        ),
    ],
)
def test_unwritable_content_folder_is_reported(project, capsys, blocked, message):
    (project / blocked).parent.mkdir(parents=True, exist_ok=True)
    (project / blocked).write_text("a file, not a folder")
    assert main(["ingest", "src/meeting.txt"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(message)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.strip() == f"bulletins {__version__}"


def test_inspect_json_one_object_per_bulletin_in_input_order(project, capsys):
    assert main(["inspect", "src/c.jsonl", "src/meeting.txt", "--json"]) == 1  # c.jsonl has bad lines
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source_id"] for r in records] == ["r1", "r5", None]
    assert all(set(r) == INSPECT_KEYS for r in records)
    assert records[0]["source_line"] == 1 and records[0]["date"] == "2023-05-06"
    assert records[2]["paragraphs"] == [
        "2023年3月1日，青溪区区长张明主持召开区政府第3次常务会议，研究部署一季度经济运行工作。",
        "会议指出，要狠抓项目建设。",
    ]
    assert not (project / "content").exists()


def test_inspect_plain_view(project, capsys):
    assert main(["inspect", "src/meeting.txt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2023-03-01  ")
    assert "paragraphs: 2" in out


def test_search_is_a_subcommand():
    result = subprocess.run([sys.executable, "-m", "bulletins.cli", "search", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "--site" in result.stdout


@pytest.mark.parametrize(
    "name,shown",
    [
        pytest.param("bad\nname.txt", "src/bad\\x0aname.txt: ", id="newline"),
        pytest.param("bad\x1b[2J.txt", "src/bad\\x1b[2J.txt: ", id="terminal-escape"),
        pytest.param("bad\u202eevil.txt", "src/bad\\u202eevil.txt: ", id="bidi-override"),
        pytest.param("公告\u3000一.txt", "src/公告\u3000一.txt: ", id="ideographic-space-stays"),
    ],
)
def test_file_names_in_messages_are_escaped(tmp_path, monkeypatch, capsys, name, shown):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / name).write_bytes(b"")  # empty: reported
    assert main(["ingest", "src", "--jobs", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith(shown)
    assert "\x1b" not in err[0] and "\u202e" not in err[0]


def test_inspect_json_survives_a_lone_surrogate(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    record = '{"id": "s\\ud800", "date": "2023-05-06", "title": "青溪区\\ud800会议", "text": "青溪区召开会议。"}'
    (tmp_path / "c.jsonl").write_text(record + "\n", encoding="utf-8")
    assert main(["inspect", "c.jsonl", "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    shown = json.loads(line)
    assert shown["source_id"] == "s\ud800"  # the record's id as it is
    assert shown["title"] == "青溪区会议"  # a title loses what is no character, as the text does
    assert main(["inspect", "c.jsonl"]) == 0
    assert capsys.readouterr().out.startswith("2023-05-06  青溪区会议\n")


@pytest.mark.parametrize(
    "args,code,message",
    [
        pytest.param([], 0, None, id="2023-inside-the-default-range"),
        pytest.param(["--max-year", "2022"], 1, "date 2023-03-01 is outside 1949-2022", id="max-year"),
        pytest.param(
            ["--min-year", "2024", "--max-year", "2030"], 1, "date 2023-03-01 is outside 2024-2030", id="min-year"
        ),
    ],
)
def test_year_range_options(project, capsys, args, code, message):
    assert main(["ingest", "src/meeting.txt", *args]) == code
    err = capsys.readouterr().err
    assert message is None or f"src/meeting.txt: {message}" in err


@pytest.mark.parametrize(
    "args,message",
    [
        pytest.param(
            ["--min-year", "2030", "--max-year", "2020"], "--min-year 2030 is after --max-year 2020", id="min>max"
        ),
        pytest.param(["--max-year", "0"], "year out of range", id="year-zero"),
        pytest.param(["--min-year", "x"], "not a year", id="not-a-year"),
    ],
)
def test_year_range_usage_errors(project, capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        main(["ingest", "src", *args])
    assert exit.value.code == 2 and message in capsys.readouterr().err


def test_a_second_ingest_says_it_waits_for_the_first(project, capsys):
    codes = []
    waiter = threading.Thread(target=lambda: codes.append(main(["ingest", "src/meeting.txt", "--jobs", "1"])))
    try:
        with content_lock(project / "content"):
            waiter.start()
            waiter.join(timeout=1)
            assert waiter.is_alive()
    finally:
        waiter.join(timeout=60)
    assert codes == [0]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "content: another ingest is writing there; waiting for it to finish",
        "ingest: 1 written, 0 unchanged, 0 kept, 0 problems",
    ]


@pytest.mark.parametrize("command", ["ingest", "inspect"])
def test_help_names_every_source_format(command, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for suffix in (".txt", ".html", ".jsonl.gz", ".docx", ".pdf", ".ofd", ".doc"):
        assert suffix in shown, suffix
