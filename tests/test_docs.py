"""The README documents every command and option there is, and only those.

Every ``bulletins`` subcommand and option (read from the argparse parser) and every ``./run``
task (read from tasks.py through invoke) appears in README.md; every ``./run X [--opt]`` and
``bulletins X --opt`` the README writes exists.
"""

from __future__ import annotations

import argparse
import importlib.util
import re

import pytest

from bulletins.cli import build_parser
from support.shared import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_SPAN = re.compile(r"`([^`\n]+)`")
_OPTION = re.compile(r"(?<![\w-])(--?[a-z][\w-]*)")


def _code(markdown: str) -> list[str]:
    """The lines of every fenced block and every inline code span of MARKDOWN."""
    blocks = _FENCE.findall(markdown)
    spans = _SPAN.findall(_FENCE.sub("", markdown))
    return [line for block in blocks for line in block.splitlines()] + spans


CODE = _code(README)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """Subcommand name -> (its parser, its one-line help)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            return {name: (sub, helps.get(name) or "") for name, sub in action.choices.items()}
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]


PARSER = build_parser()
COMMANDS = _subparsers(PARSER)
GLOBAL_OPTIONS = _options(PARSER)


def _tasks() -> dict[str, list[str]]:
    """``./run`` task name -> its ``--options``, as invoke reads tasks.py."""
    from invoke import Collection

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    collection = Collection.from_module(module)
    return {
        name: ["--" + arg.name.replace("_", "-") for arg in collection[name].get_arguments()]
        for name in collection.task_names
    }


TASKS = _tasks()


def mentioned(word: str, text: str = README) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_is_documented(command):
    assert mentioned(f"bulletins {command}"), f"README.md never shows `bulletins {command}`"
    assert COMMANDS[command][1], f"`bulletins {command}` has no help line"


@pytest.mark.parametrize(
    ("command", "option"),
    [(name, option) for name, (sub, _) in sorted(COMMANDS.items()) for option in _options(sub)]
    + [("(any)", option) for option in GLOBAL_OPTIONS],
)
def test_option_is_documented(command, option):
    assert mentioned(option), f"README.md never mentions {option} of `bulletins {command}`"


@pytest.mark.parametrize("task", sorted(TASKS))
def test_task_is_documented(task):
    assert mentioned(f"./run {task}"), f"README.md never shows `./run {task}`"


def _written(prefix: str) -> list:
    """``(name, --options)`` of every ``PREFIX name ...`` the README's code writes, as test params."""
    found = []
    for line in CODE:
        for match in re.finditer(rf"(?<![\w/-]){re.escape(prefix)} +([a-z][\w-]*)([^|`#]*)", line):
            name, options = match.group(1), _OPTION.findall(match.group(2))
            found.append(pytest.param(name, options, id=" ".join([name, *options])))
    return found


@pytest.mark.parametrize(("task", "options"), _written("./run"))
def test_written_task_exists(task, options):
    assert task in TASKS, f"README.md shows `./run {task}`, but tasks.py has no such task"
    unknown = [o for o in options if o.startswith("--") and o not in TASKS[task]]
    assert not unknown, f"`./run {task}` has no option {unknown} (it has {TASKS[task]})"


@pytest.mark.parametrize(("command", "options"), _written("bulletins"))
def test_written_command_exists(command, options):
    assert command in COMMANDS, f"README.md shows `bulletins {command}`, but there is no such subcommand"
    known = set(_options(COMMANDS[command][0])) | set(GLOBAL_OPTIONS)
    unknown = [o for o in options if o.startswith("--") and o not in known]
    assert not unknown, f"`bulletins {command}` has no option {unknown}"


def test_readme_shows_commands():
    assert _written("./run") and _written("bulletins"), "the README's command examples were not found"
