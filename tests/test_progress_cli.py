"""``-q``/``--quiet``: accepted by ``bulletins ingest`` and by ``./run build``, ``html`` and
``ingest``; it silences progress and the summary line, never a problem."""

from __future__ import annotations

import importlib.util
import json
import shlex

import pytest
from invoke import Context, Result

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


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch):
    """The tasks name their files relative to the project, as ``./run`` runs them there."""
    monkeypatch.chdir(ROOT)


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RecordingContext(Context):
    """An invoke context that records the commands a task would run instead of running them;
    each "exits" with the status ``exits`` gives for its program (default 0)."""

    commands: list[tuple[str, bool]] | None = None  # a real attribute, not a config key
    exits: dict[str, int] | None = None

    def run(self, command, pty=False, **kwargs):
        self.commands.append((command, pty))
        exited = (self.exits or {}).get(command.split()[0], 0)
        if exited and not kwargs.get("warn"):
            raise AssertionError(f"{command!r} failed and the task did not expect it")
        return Result(command=command, exited=exited)


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


INGEST_EXITS = {  # bulletins ingest's exit status -> (pelican runs, the task's own exit status)
    "clean": (0, True, None),
    "a source reported": (1, True, 1),
    "usage error": (2, False, 2),
    "interrupted": (130, False, 130),
}


@pytest.mark.parametrize(("ingest_exit", "built", "task_exit"), INGEST_EXITS.values(), ids=INGEST_EXITS.keys())
def test_build_goes_on_past_a_source_ingest_reported(ingest_exit, built, task_exit):
    """One damaged file in sources/ (ingest exits 1, every good bulletin written) must not cost
    the publisher the archive: the build runs, then says so and exits 1."""
    context = RecordingContext()
    context.commands, context.exits = [], {"bulletins": ingest_exit}
    if task_exit is None:
        _tasks().build(context, quiet=True)
    else:
        with pytest.raises(SystemExit) as stopped:
            _tasks().build(context, quiet=True)
        assert stopped.value.code == task_exit
    assert any(command.startswith("pelican ") for command, _ in context.commands) == built


@pytest.mark.parametrize("ingest_exit", [0, 1, 2])
def test_the_ingest_task_keeps_the_exit_status_of_ingest(ingest_exit):
    context = RecordingContext()
    context.commands, context.exits = [], {"bulletins": ingest_exit}
    if ingest_exit:
        with pytest.raises(SystemExit) as stopped:
            _tasks().ingest(context, quiet=True)
        assert stopped.value.code == ingest_exit
    else:
        _tasks().ingest(context, quiet=True)


ODD = "公报 2024; rm -rf ~ $(id)"  # a space, a separator and a substitution a shell would act on
TASK_ARGS = {  # task, its keyword arguments -> the argument list the command must come to
    "ingest": ("ingest", {"sources": ODD, "content": ODD}, ["bulletins", "ingest", ODD, "--content", ODD]),
    "html": ("html", {"settings": ODD}, ["pelican", "content", "-o", "output", "-s", ODD, "--fatal", "errors"]),
    "pack": ("pack", {"name": ODD}, ["bulletins", "pack", "--site", "output", "--name", ODD]),
    "verify": ("verify", {"site": ODD}, ["bulletins", "verify", ODD]),
    "serve": ("serve", {"port": "8000; id"}, ["pelican", "content", "-o", "output", "-s", "pelicanconf.py",
              "--autoreload", "--listen", "--bind", "127.0.0.1", "--port", "8000; id"]),
    "publish": ("publish", {"target": ODD}, ["rsync", "-avz", "--delete", "output/", ODD]),
}  # fmt: skip


@pytest.mark.parametrize(("task", "kwargs", "argv"), TASK_ARGS.values(), ids=TASK_ARGS.keys())
def test_task_arguments_reach_the_command_as_one_argument_each(task, kwargs, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ODD).write_text("", encoding="utf-8")  # the settings file and content folder html checks for
    (tmp_path / "content").mkdir()
    context = RecordingContext()
    context.commands = []
    try:
        getattr(_tasks(), task)(context, **kwargs)
    except SystemExit as stopped:  # verify exits with the command's status
        assert stopped.code == 0
    assert shlex.split(context.commands[-1][0]) == argv


@pytest.mark.parametrize(
    ("output", "summary"),
    [
        pytest.param("....\n== 5 passed in 1.0s ==\n", "== 5 passed in 1.0s ==\n", id="passed-last-line"),
        pytest.param(
            "..F.\n___ test_x ___\nassert 1 == 2\n"
            "=== short test summary info ===\nFAILED t.py::test_x\n== 1 failed ==\n",
            "=== short test summary info ===\nFAILED t.py::test_x\n== 1 failed ==\n",
            id="failures-from-the-summary",
        ),
        pytest.param("no newline at the end", "no newline at the end", id="one-line"),
        pytest.param("", "", id="nothing-printed"),
    ],
)
def test_the_test_task_says_pytests_summary_again_at_the_end(output, summary):
    assert _tasks()._pytest_summary(output) == summary


def test_html_with_no_such_settings_file_says_so_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    context = RecordingContext()
    context.commands = []
    with pytest.raises(SystemExit) as stopped:
        _tasks().html(context, settings="missing.py")
    assert stopped.value.code == "html: no settings file missing.py (give --settings FILE, e.g. publishconf.py)"
    assert context.commands == []


def test_html_with_no_content_folder_says_so_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pelicanconf.py").write_text("", encoding="utf-8")
    context = RecordingContext()
    context.commands = []
    with pytest.raises(SystemExit) as stopped:
        _tasks().html(context)
    assert stopped.value.code == "html: no content/ folder to build from (./run build ingests sources/ into it first)"
    assert context.commands == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param('SITENAME = "x"\nPLUGINS = [\n', "html: broken.py, line 2: '[' was never closed", id="unclosed"),
        pytest.param("SITENAME = 'x\n", "html: broken.py, line 1: unterminated string literal", id="string"),
        pytest.param("\tif True:\nx = 1\n", "html: broken.py, line 1: unexpected indent", id="indent"),
    ],
)
def test_html_with_a_settings_file_that_is_not_python_says_where_and_runs_nothing(tmp_path, monkeypatch, text, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "broken.py").write_text(text, encoding="utf-8")
    context = RecordingContext()
    context.commands = []
    with pytest.raises(SystemExit) as stopped:
        _tasks().html(context, settings="broken.py")
    assert stopped.value.code.startswith(said) and stopped.value.code.endswith("(the settings file is Python)")
    assert context.commands == []


def test_html_with_good_settings_runs_pelican(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text('SITENAME = "云溪"\n', encoding="utf-8")
    context = RecordingContext()
    context.commands = []
    _tasks().html(context, quiet=True)
    [(command, _)] = context.commands
    assert command.startswith("pelican content -o output -s pelicanconf.py")
