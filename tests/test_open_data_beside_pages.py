"""Open data written by a fork of the build while the pages are: the same files and state as
written by the build itself, and a fork that fails leaves the build whole."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from bulletins.plugins.incremental import forked
from bulletins.plugins.open_data import generator as data_generator
from bulletins.site import opendata, opendata_state
from support.forks import break_in_forks
from support.site_build import BASE_PLUGINS, build_fixture_site

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs os.fork")

PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.open_data"]
FILES = ("data/bulletins.jsonl", "data/bulletins.csv", "data/bulletins.sqlite", "data.html")


@pytest.mark.parametrize(
    ("setting", "room", "beside"),
    [
        pytest.param(None, True, True, id="by-default-beside-the-pages"),
        pytest.param(None, False, False, id="by-default-here-without-room-for-a-copy"),
        pytest.param(True, False, True, id="asked-for"),
        pytest.param(False, True, False, id="declined"),
    ],
)
def test_the_rows_are_written_beside_the_pages_where_there_is_room(monkeypatch, setting, room, beside):
    monkeypatch.setattr(forked, "room_for_a_copy", lambda: room)
    assert data_generator.beside_pages({"BULLETINS_DATA_BESIDE_PAGES": setting}) is beside


def digests(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in FILES}


def state(out: Path) -> opendata_state.DataState:
    return opendata_state.load(out.parent / "cache" / data_generator.DATA_STATE)


def build(tmp_path: Path, name: str, beside: bool) -> Path:
    return build_fixture_site(tmp_path / name / "output", PLUGINS=PLUGINS, BULLETINS_DATA_BESIDE_PAGES=beside)


@pytest.mark.slow
def test_rows_beside_the_pages_equal_rows_made_by_the_build(tmp_path, monkeypatch):
    held = []  # the rows and sources the build holds as it writes the data page
    write_page = data_generator.OpenDataGenerator._write_page

    def spy(self, *args):
        held.append((len(self.state.rows), len(self.state.sources)))
        return write_page(self, *args)

    monkeypatch.setattr(data_generator.OpenDataGenerator, "_write_page", spy)
    waiting, settle = [], data_generator.OpenDataGenerator._settle  # what the build held while the fork ran
    monkeypatch.setattr(
        data_generator.OpenDataGenerator, "_settle", lambda self: waiting.append(self.pending[1]) or settle(self)
    )
    begun, real_start = [], forked.start
    monkeypatch.setattr(
        forked, "start", lambda work, name="", **kw: begun.append((name, kw)) or real_start(work, name, **kw)
    )
    by_build, beside = build(tmp_path, "build", False), build(tmp_path, "beside", True)
    assert ("open data", {"beside": True}) in begun  # at the forks' lower priority (test_site_parallel_write)
    assert digests(beside) == digests(by_build)
    assert state(beside).rows == state(by_build).rows and state(beside).count == state(by_build).count > 0
    assert state(beside).sources == state(by_build).sources and len(state(beside).sources) > 0
    assert sorted(state(beside).files) == sorted(data_generator.DATA_FILES)
    count = state(beside).count
    assert held == [(count, count), (0, 0)], "the fork saves the state; the build keeps none of its rows"
    made_here, made_beside = waiting  # the build by itself, then the one with the fork
    assert len(made_here) == count and made_beside is None, "nor the rows' sources while the fork makes them"


@pytest.mark.slow
def test_a_fork_that_fails_has_the_rows_made_by_the_build(tmp_path, monkeypatch):
    calls = break_in_forks(monkeypatch, opendata, "write_row_bytes")
    broken = build(tmp_path, "broken", True)
    monkeypatch.undo()
    assert calls == [1]
    plain = build(tmp_path, "plain", False)
    assert digests(broken) == digests(plain) and state(broken).rows == state(plain).rows
    assert state(broken).sources == state(plain).sources and len(state(plain).sources) > 0


class StandIn:
    """An open data generator as ``begin_early`` sees it: its build's context, how often begun."""

    def __init__(self, context):
        self.context, self.begun = context, 0

    def begin(self):
        self.begun += 1


@pytest.mark.parametrize(("same_build", "begun"), [(True, 1), (False, 0)], ids=["its-build", "another-build"])
def test_the_rows_begin_once_the_articles_are_read(monkeypatch, same_build, begun):
    context = {"articles": []}
    made = StandIn(context)
    monkeypatch.setattr(data_generator, "_MADE", [made])
    articles = StandIn(context if same_build else dict(context))  # the article generator: the sender
    data_generator.begin_early(articles)
    data_generator.begin_early(articles)
    assert made.begun == begun, "begun by its own build's articles, and once"


@pytest.mark.slow
def test_the_rows_fork_begins_where_the_articles_are_read(tmp_path, monkeypatch):
    """In a build, the rows' fork begins at ``article_generator_finalized``, before any plugin
    generator makes its context, once only; the files are the ones the build makes itself."""
    begun, real_start = [], forked.start

    def start(work, name="", **kw):
        if name == "open data":
            begun.append(sys._getframe(2).f_code.co_name)  # past OpenDataGenerator.begin
        return real_start(work, name, **kw)

    monkeypatch.setattr(forked, "start", start)
    beside = build(tmp_path, "beside", True)
    assert begun == ["begin_early"]
    monkeypatch.setattr(forked, "start", real_start)
    assert digests(beside) == digests(build(tmp_path, "build", False))
