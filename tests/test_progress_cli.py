"""``-q``/``--quiet``: accepted by ``bulletins ingest`` and by ``./run build``, ``html`` and
``ingest``; it silences progress and the summary line, never a problem."""

from __future__ import annotations

import importlib.util
import json

import pytest
from invoke import Context

from bulletins import cli
from support.shared import ROOT

GOOD = {
    "id": "q-1",
    "date": "2023-03-01",
    "title": "青溪区召开防汛工作会议",
    "text": "3月1日，青溪区召开防汛工作会议。",
}
UNDATED = {"id": "q-2", "text": "青溪区召开会议，研究部署防汛工作。"}


def write_collection(folder, *records):
    source = folder / "src" / "c.jsonl"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("flags", "records", "status", "expected_err"),
    [
        pytest.param([], [GOOD], 0, ["ingest: 1 written"], id="default-summary"),
        pytest.param(["-q"], [GOOD], 0, [], id="short-quiet"),
        pytest.param(["--quiet"], [GOOD], 0, [], id="long-quiet"),
        pytest.param(["--quiet", "--progress"], [GOOD], 0, [], id="quiet-wins-over-progress"),
        pytest.param(["-q"], [GOOD, UNDATED], 1, ["src/c.jsonl:2: "], id="quiet-still-reports-problems"),
    ],
)
def test_ingest_quiet(tmp_path, monkeypatch, capsys, flags, records, status, expected_err):
    monkeypatch.chdir(tmp_path)
    write_collection(tmp_path, *records)
    assert cli.main(["ingest", "src", "--jobs", "1", *flags]) == status
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line] == [
        line for line in err.splitlines() if any(line.startswith(e) for e in expected_err)
    ]
    assert all(any(line.startswith(e) for line in err.splitlines()) for e in expected_err)
    assert "bulletin/s" not in err and "\r" not in err


@pytest.mark.parametrize(("flags", "progress"), [([], None), (["-q"], False), (["--progress"], True)])
def test_ingest_quiet_turns_the_progress_bar_off(flags, progress):
    args = cli.build_parser().parse_args(["ingest", "src", *flags])
    assert cli._options(args).progress is progress


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RecordingContext(Context):
    """An invoke context that records the commands a task would run instead of running them."""

    commands: list[tuple[str, bool]] | None = None  # a real attribute, not a config key

    def run(self, command, pty=False, **kwargs):
        self.commands.append((command, pty))


@pytest.mark.parametrize(
    ("task", "quiet", "expected"),
    [
        pytest.param("html", False, ["pelican content -o output -s pelicanconf.py --fatal errors"], id="html"),
        pytest.param(
            "html",
            True,
            ["pelican content -o output -s pelicanconf.py --fatal errors -e BULLETINS_PROGRESS=false"],
            id="html-quiet",
        ),
        pytest.param("ingest", False, ["bulletins ingest sources --content content"], id="ingest"),
        pytest.param("ingest", True, ["bulletins ingest sources --content content --quiet"], id="ingest-quiet"),
        pytest.param(
            "build",
            True,
            [
                "bulletins ingest sources --content content --quiet",
                "pelican content -o output -s pelicanconf.py --fatal errors -e BULLETINS_PROGRESS=false",
            ],
            id="build-quiet",
        ),
    ],
)
def test_run_tasks_pass_quiet_on(task, quiet, expected):
    context = RecordingContext()
    context.commands = []
    getattr(_tasks(), task)(context, quiet=quiet)
    assert [command for command, _ in context.commands] == expected
    if quiet:  # never on a pseudo-terminal: nothing there could show progress
        assert not any(pty for _, pty in context.commands)


@pytest.mark.parametrize("task", ["build", "html", "ingest"])
@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_run_tasks_accept_quiet(task, flag):
    from invoke import Collection, Parser

    collection = Collection.from_module(_tasks())
    parsed = Parser(contexts=collection.to_contexts())
    result = parsed.parse_argv([task, flag])
    assert result[0].name == task and result[0].args["quiet"].value is True
