"""The search index built in a fork while the pages are written: the same files, bytes and
figures as an index built after the pages, and a fork that fails leaves the build whole."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time

import pytest
from pelican.log import LimitFilter

from bulletins.plugins.incremental import forked
from bulletins.plugins.search_index import generator as search_generator
from bulletins.search.filerecord import RECORD_FILE
from bulletins.search.write import read_script
from bulletins.site.lifecycle import STATUSES_PENDING
from support.forks import break_in_forks
from support.site_build import BASE_PLUGINS, ROOT, build_fixture_site

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs os.fork")

PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.search_index"]


def tree(out) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()
    }


def build(tmp_path, name: str, beside: bool, caplog) -> tuple[dict[str, str], list[str]]:
    caplog.clear()
    LimitFilter._raised_messages.clear()  # Pelican logs a message once per process
    with caplog.at_level(logging.INFO):
        out = build_fixture_site(tmp_path / name / "output", PLUGINS=PLUGINS, SEARCH_INDEX_BESIDE_PAGES=beside)
    figures = [r.getMessage().rsplit(",", 1)[0] for r in caplog.records if r.getMessage().startswith("search index:")]
    return tree(out), figures


def test_a_fork_returns_its_result_and_a_failed_fork_says_so():
    parent = os.getpid()
    child = forked.start(os.getpid)
    assert forked.finish(child) == (True, child[0]) and child[0] != parent
    assert forked.finish(forked.start(lambda: 1 / 0)) == (False, None)
    assert forked.finish(forked.start(lambda: os._exit(3))) == (False, None)


def test_a_fork_the_system_refuses_is_none(monkeypatch):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked.os, "fork", refuse)
    open_before = open_files()
    assert forked.start(os.getpid) is None and not forked._STARTED
    assert open_files() == open_before  # the pipe made for the refused fork is closed
    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    assert forked.run_jobs(list(range(50)), abs, 2) == list(range(50))  # all done here


def open_files() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_a_fork_left_unfinished_is_stopped_when_the_build_ends():
    pid, _fd = forked.start(lambda: time.sleep(60))
    forked._stop_started()
    assert not forked._STARTED
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: it was stopped, not left running


@pytest.mark.parametrize(
    ("setting", "record", "beside"),
    [
        pytest.param(None, False, False, id="cold-build-after-the-pages"),
        pytest.param(None, True, True, id="rebuild-beside-the-pages"),
        pytest.param(True, False, True, id="asked-for-in-a-cold-build"),
        pytest.param(False, True, False, id="declined-in-a-rebuild"),
    ],
)
def test_by_default_only_a_rebuild_builds_the_index_beside_the_pages(tmp_path, monkeypatch, setting, record, beside):
    monkeypatch.setattr(forked, "room_for_a_copy", lambda: True)
    if record:
        (tmp_path / RECORD_FILE).write_text("{}", encoding="utf-8")
    settings = {"CACHE_PATH": str(tmp_path), "SEARCH_INDEX_BESIDE_PAGES": setting}
    assert search_generator.beside_pages(settings) is beside


@pytest.mark.slow
def test_the_index_beside_the_pages_equals_the_index_after_them(tmp_path, caplog):
    before = build(tmp_path, "after", False, caplog)
    beside = build(tmp_path, "beside", True, caplog)
    assert beside == before
    files, figures = beside
    assert any(name.startswith("search/t/") for name in files) and "search/manifest.js" in files
    assert len(figures) == 1  # logged once, by the build, with the fork's figures


@pytest.mark.slow
def test_a_fork_that_fails_has_the_index_built_by_the_build(tmp_path, caplog, monkeypatch):
    calls = break_in_forks(monkeypatch, search_generator, "build_index")
    broken = build(tmp_path, "broken", True, caplog)
    monkeypatch.undo()
    assert calls == [1]
    assert broken == build(tmp_path, "plain", False, caplog)


@pytest.mark.parametrize(("in_fork", "pack_jobs"), [(True, 1), (False, None)])
def test_the_fork_beside_the_pages_packs_its_shards_itself(monkeypatch, tmp_path, in_fork, pack_jobs):
    """Beside the pages both processors are busy already: the index's fork packs its shards
    without a packer process; an index built by the build itself packs as ``SEARCH_INDEX_JOBS`` says."""
    asked = []
    monkeypatch.setattr(search_generator, "build_index", lambda *args, **kwargs: asked.append(kwargs))
    generator = search_generator.SearchIndexGenerator.__new__(search_generator.SearchIndexGenerator)
    generator.context, generator.output_path = {"articles": []}, str(tmp_path)
    generator.settings = {"CACHE_PATH": "", "SEARCH_INDEX_JOBS": 2}
    generator.build_in_fork() if in_fork else generator.build()
    assert [(kwargs["jobs"], kwargs["pack_jobs"]) for kwargs in asked] == [(2, pack_jobs)]


@pytest.mark.parametrize(
    ("meminfo", "status", "room"),
    [
        pytest.param("MemTotal: 24000000 kB\nMemAvailable:  9000000 kB\n", "VmRSS:\t 1400000 kB\n", True, id="room"),
        pytest.param("MemAvailable:  1000000 kB\n", "VmRSS:\t 1400000 kB\n", False, id="no-room-for-a-copy"),
        pytest.param("MemFree: 1 kB\n", "VmRSS:\t 1400000 kB\n", True, id="not-said"),
        pytest.param("MemAvailable: many kB\n", "VmRSS:\t 1 kB\n", True, id="unreadable"),
        pytest.param(None, "VmRSS:\t 1 kB\n", True, id="no-such-file"),
    ],
)
def test_a_fork_beside_the_build_needs_room_for_a_copy_of_it(tmp_path, meminfo, status, room):
    (tmp_path / "status").write_text(status, encoding="ascii")
    if meminfo is not None:
        (tmp_path / "meminfo").write_text(meminfo, encoding="ascii")
    assert forked.room_for_a_copy(str(tmp_path / "meminfo"), str(tmp_path / "status")) is room


def test_without_room_a_rebuild_builds_the_index_after_the_pages(tmp_path, monkeypatch):
    (tmp_path / RECORD_FILE).write_text("{}", encoding="utf-8")
    settings = {"CACHE_PATH": str(tmp_path), "SEARCH_INDEX_BESIDE_PAGES": None}
    monkeypatch.setattr(forked, "room_for_a_copy", lambda: False)
    assert search_generator.beside_pages(settings) is False
    assert search_generator.beside_pages({**settings, "SEARCH_INDEX_BESIDE_PAGES": True}) is True


@pytest.mark.parametrize(
    ("static_links", "static_paths", "early"),
    [
        pytest.param(set(), [], True, id="nothing-static"),
        pytest.param({"images/seal.png"}, [], False, id="an-article-links-a-static-file"),
        pytest.param(set(), ["images"], False, id="static-paths"),
        pytest.param(None, None, True, id="neither-said"),
    ],
)
def test_the_index_begins_early_only_when_no_static_link_is_left_to_settle(static_links, static_paths, early):
    context = {} if static_links is None else {"static_links": static_links}
    settings = {} if static_paths is None else {"STATIC_PATHS": static_paths}
    assert search_generator.settled_early(context, settings) is early


@pytest.mark.parametrize(
    ("context", "early"),
    [
        pytest.param({}, True, id="no-gazette-in-the-build"),
        pytest.param({STATUSES_PENDING: True}, False, id="gazette-made-not-run-yet"),
        pytest.param({STATUSES_PENDING: False}, True, id="gazette-done"),
    ],
)
def test_the_index_begins_early_only_after_the_gazettes_statuses(context, early):
    assert search_generator.settled_early(context, {}) is early


class StandIn:
    """A search index generator as ``begin_when_settled`` sees it: its build's settings and
    context, and whether its fork was begun."""

    def __init__(self, settings, context):
        self.settings, self.context, self.begun = settings, context, 0

    def begin_beside_pages(self):
        self.begun += 1


REBUILD = {"SEARCH_INDEX_BESIDE_PAGES": True}


@pytest.mark.parametrize(
    ("settings", "context", "same_build", "begun"),
    [
        pytest.param(REBUILD, {STATUSES_PENDING: False}, True, 1, id="statuses-set-in-a-rebuild"),
        pytest.param(REBUILD, {STATUSES_PENDING: False}, False, 0, id="another-builds-gazette"),
        pytest.param(REBUILD, {STATUSES_PENDING: True}, True, 0, id="statuses-still-pending"),
        pytest.param({**REBUILD, "STATIC_PATHS": ["images"]}, {STATUSES_PENDING: False}, True, 0, id="static-paths"),
        pytest.param(REBUILD, {STATUSES_PENDING: False, "static_links": {"a.png"}}, True, 0, id="static-links"),
        pytest.param({"SEARCH_INDEX_BESIDE_PAGES": False}, {STATUSES_PENDING: False}, True, 0, id="not-beside"),
    ],
)
def test_the_index_begins_when_the_gazette_has_set_the_statuses(monkeypatch, settings, context, same_build, begun):
    monkeypatch.setattr(forked, "room_for_a_copy", lambda: True)
    index = StandIn(dict(settings), context)
    monkeypatch.setattr(search_generator, "_GENERATORS", [index])
    gazette = StandIn(index.settings if same_build else dict(settings), context if same_build else dict(context))
    search_generator.begin_when_settled(gazette)
    assert index.begun == begun


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "begun_at"),
    [
        # at its own context; or at the statuses, where an earlier test's build registered the
        # gazette in this process (a registered plugin runs in every later build)
        pytest.param({}, ("generate_context", "begin_when_settled"), id="early"),
        pytest.param({"STATIC_PATHS": ["images"]}, ("begin_beside_pages",), id="at-get-writer-with-static-paths"),
        pytest.param({"PLUGINS": [*PLUGINS, "bulletins.plugins.gazette"]}, None, id="gazette-listed-after"),
        pytest.param(
            {"PLUGINS": [*BASE_PLUGINS, "bulletins.plugins.gazette", "bulletins.plugins.search_index"]},
            None,  # in one process the generators run in the order plugins first registered
            id="gazette-listed-before",
        ),
    ],
)
def test_where_the_fork_begins_changes_no_byte(tmp_path, monkeypatch, overrides, begun_at):
    real_start, begun = forked.start, []

    def start(work, name="", **options):
        # below the build, ahead of the other forks beside it (test_site_parallel_write)
        assert options == {"beside": True, "niceness": search_generator.INDEX_NICENESS}
        begun.append(sys._getframe(2).f_code.co_name)  # past the generator's begin_beside_pages
        return real_start(work, name, **options)

    monkeypatch.setattr(forked, "start", start)
    out = {}
    for name, beside in (("after", False), ("beside", True)):
        settings = {"PLUGINS": PLUGINS, **overrides, "SEARCH_INDEX_BESIDE_PAGES": beside}
        settings["BULLETINS_DATA_BESIDE_PAGES"] = False  # the index's fork the only one begun
        out[name] = tree(build_fixture_site(tmp_path / name / "output", **settings))
    # once; with the gazette listed, wherever its statuses are set
    assert len(begun) == 1 and (begun_at is None or begun[0] in begun_at)
    assert out["beside"] == out["after"] and "search/manifest.js" in out["beside"]


@pytest.mark.slow
def test_a_gazette_registered_by_an_earlier_build_is_waited_for(tmp_path):
    """A plugin registered by an earlier build in this process runs in the next ones, listed or
    not, in the order it first registered: here the gazette after the search index. The index
    begun beside the pages still reads the statuses the gazette sets (the sample archive has
    repealed documents), as the index after the pages does."""
    from bulletins.plugins import gazette

    sample = {"PATH": str(ROOT / "content"), "BULLETINS_SOURCE_ROOT": str(ROOT), "PLUGINS": PLUGINS}
    build_fixture_site(tmp_path / "first" / "output", **sample)  # the search index registered
    gazette.register()  # as a build listing it would, after the search index
    out = {}
    for name, beside in (("after", False), ("beside", True)):  # the gazette not listed
        out[name] = build_fixture_site(tmp_path / name / "output", **sample, SEARCH_INDEX_BESIDE_PAGES=beside)
    results = [read_script(p.read_bytes())[1] for p in (out["after"] / "search" / "f").rglob("*.js")]
    assert "已废止" in repr(results)  # the statuses the gazette set are in the index's result data
    assert tree(out["beside"]) == tree(out["after"])
