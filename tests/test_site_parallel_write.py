"""Pages rendered over several processes: the same files, bytes and page cache as one process."""

from __future__ import annotations

import gc
import hashlib
import os
import weakref

import pytest

from bulletins.plugins.incremental import collector, dirstamps, forked, writer
from bulletins.plugins.search_index import generator as search_index
from bulletins.site import output_files
from support.site_build import BASE_PLUGINS, build_fixture_site

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs os.fork")


def square(n):
    return n * n


@pytest.mark.parametrize(
    ("count", "workers", "min_jobs"),
    [
        pytest.param(0, 2, 0, id="no-jobs"),
        pytest.param(1, 2, 0, id="one-job"),
        pytest.param(300, 1, 0, id="one-process"),
        pytest.param(300, 2, 0, id="two-processes"),
        pytest.param(301, 3, 0, id="three-processes-uneven"),
        pytest.param(100, 2, 256, id="too-few-to-fork"),
    ],
)
def test_results_come_back_in_job_order(monkeypatch, count, workers, min_jobs):
    monkeypatch.setattr(forked, "MIN_JOBS", min_jobs)
    monkeypatch.setattr(forked, "CHUNK", 7)
    assert forked.run_jobs(list(range(count)), square, workers) == [n * n for n in range(count)]


def test_a_fork_runs_its_work_and_sends_the_results_back():
    parent = os.getpid()
    [(pid, fd)] = forked._fork_children(1, lambda: [(0, os.getpid())])
    [(index, child)] = forked._collect(pid, fd)
    assert index == 0 and child == pid != parent


LOWERED = [  # (beside, niceness asked for or None for the default, niceness expected before max with ours)
    (False, None, 0),
    (True, None, forked.BESIDE_NICENESS),
    (True, search_index.INDEX_NICENESS, search_index.INDEX_NICENESS),
    (False, search_index.INDEX_NICENESS, 0),
]


@pytest.mark.parametrize(("beside", "niceness", "expected"), LOWERED)
def test_a_fork_beside_the_build_runs_at_a_lower_priority(beside, niceness, expected):
    """A fork working beside the build takes what processor time the build leaves (the search
    index's fork ahead of the others); the build's own priority is unchanged, and a fork it
    waits for keeps the build's."""
    ours = os.nice(0)
    asked = {} if niceness is None else {"niceness": niceness}
    child = forked.start(lambda: os.nice(0), "", beside=beside, **asked)
    assert forked.finish(child) == (True, max(ours, expected))
    assert os.nice(0) == ours


class Cycle:
    def __init__(self):
        self.me = self


@pytest.mark.parametrize("frozen", [False, True], ids=["plain", "in-a-frozen-build"])
def test_forking_freezes_no_garbage_and_keeps_the_builds_state(monkeypatch, frozen):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    gc.unfreeze()
    if frozen:
        gc.freeze()  # as a build does once a generator's context is made (collector.settle)
    garbage = weakref.ref(Cycle())  # let go after that: only the collector frees a cycle
    try:
        assert forked.run_jobs(list(range(40)), square, 2) == [n * n for n in range(40)]
        assert (gc.get_freeze_count() > 0) is frozen  # the build's objects stay frozen
        gc.collect()
        assert garbage() is None  # collected, not frozen for the rest of the build
    finally:
        gc.unfreeze()


def test_a_fork_begun_while_a_context_is_made_neither_collects_nor_counts(monkeypatch):
    """Inside a context's making (``collector.uncollected``) what was let go is frozen
    uncollected by ``collector.settle`` anyway: a fork begun there (the index's, the open
    data's, the citations') neither collects nor walks the frozen objects to count them, and
    leaves what it froze frozen, as ``settle`` would."""
    calls = []
    monkeypatch.setattr(forked.gc, "collect", lambda *a: calls.append("collect"))
    monkeypatch.setattr(forked.gc, "get_freeze_count", lambda: calls.append("count") or 0)
    gc.unfreeze()
    try:
        with collector.uncollected():
            kept = [Cycle() for _ in range(10)]
            child = forked.start(lambda: len(kept), "")
            assert forked.finish(child) == (True, 10)
        assert calls == []
        monkeypatch.undo()
        assert gc.get_freeze_count() > 0
        child = forked.start(lambda: 1, "")  # outside a context: as before
        assert forked.finish(child) == (True, 1)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(("last", "collected"), [(False, True), (True, False)], ids=["a-fork", "the-last-fork"])
def test_the_builds_last_fork_does_not_collect_first(monkeypatch, last, collected):
    """In a frozen build, a fork collects first (what was let go is not frozen with the rest),
    but for the last fork (the manifest's) the build's end freezes everything uncollected anyway."""
    calls = []
    real_collect = forked.gc.collect
    monkeypatch.setattr(forked.gc, "collect", lambda *a: calls.append("collect") or real_collect(*a))
    gc.unfreeze()
    gc.freeze()  # as the build does once a generator's context is made (collector.settle)
    try:
        child = forked.start(lambda: 1, "", last=last)
        assert forked.finish(child) == (True, 1)
        assert (calls == ["collect"]) is collected
        assert gc.get_freeze_count() > 0  # the build's objects stay frozen either way
    finally:
        gc.unfreeze()


def test_a_failing_fork_has_its_jobs_run_here(monkeypatch):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    monkeypatch.setattr(forked, "CHUNK", 1)
    parent = os.getpid()

    def only_here(n):
        if os.getpid() != parent:
            raise RuntimeError("fails in a fork")
        return -n

    assert forked.run_jobs(list(range(300)), only_here, 2) == [-n for n in range(300)]


def test_an_error_here_is_raised_after_the_forks_end(monkeypatch):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)

    def broken(n):
        raise ValueError(f"job {n}")

    with pytest.raises(ValueError, match="job"):
        forked.run_jobs(list(range(300)), broken, 2)


def digests(root):
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def page_record(site):
    """The pages' record a build of SITE left, less its folders' stamps: those are each output's
    own, and a folder is stamped only once it has been still for ``dirstamps.RACY_NS``, which a
    slow build may reach in one output and not in the other."""
    record = output_files.read_table(site / "cache" / "bulletins-pages.marshal")
    assert isinstance(record.pop(writer.FOLDERS_KEY), dict)
    return record


MORE_PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.gazette", "bulletins.plugins.citations"]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({}, id="fixture-site"),
        pytest.param({"PLUGINS": MORE_PLUGINS, "DEFAULT_PAGINATION": 2}, id="gazette-citations-paginated"),
    ],
)
def test_pages_written_by_two_processes_equal_one(tmp_path, monkeypatch, settings):
    monkeypatch.setattr(forked, "MIN_JOBS", 0)  # the fixture site is small: fork for every batch
    monkeypatch.setattr(forked, "CHUNK", 1)
    one = build_fixture_site(tmp_path / "one" / "output", BULLETINS_WRITE_JOBS=1, **settings)
    two = build_fixture_site(tmp_path / "two" / "output", BULLETINS_WRITE_JOBS=2, **settings)
    assert digests(two) == digests(one)
    assert page_record(tmp_path / "two") == page_record(tmp_path / "one")
    before = {p: p.stat().st_mtime_ns for p in two.rglob("*.html")}
    build_fixture_site(two, BULLETINS_WRITE_JOBS=2, **settings)  # warm: nothing is rendered again
    assert {p: p.stat().st_mtime_ns for p in two.rglob("*.html")} == before


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "2"])
def test_a_bad_job_count_stops_the_build(tmp_path, value):
    with pytest.raises(SystemExit, match="BULLETINS_WRITE_JOBS"):
        build_fixture_site(tmp_path / "output", BULLETINS_WRITE_JOBS=value)


def test_pages_rendered_a_few_at_a_time_equal_all_at_once(tmp_path, monkeypatch):
    """At most ``BATCH_PAGES`` pages wait: the batches of a build are cut into many, in one
    process or two, and the pages and their record are the same."""
    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    monkeypatch.setattr(dirstamps, "RACY_NS", 0)  # every folder stamped, as in a build slow enough
    one = build_fixture_site(tmp_path / "one" / "output", BULLETINS_WRITE_JOBS=1)
    waited = []
    flush = writer.SkippingWriter.flush
    monkeypatch.setattr(
        writer.SkippingWriter, "flush", lambda self: waited.append(len(self._batch or ())) or flush(self)
    )
    monkeypatch.setattr(writer, "BATCH_PAGES", 3)
    for jobs in (1, 2):
        cut = build_fixture_site(tmp_path / f"cut{jobs}" / "output", BULLETINS_WRITE_JOBS=jobs)
        assert digests(cut) == digests(one)
        assert page_record(tmp_path / f"cut{jobs}") == page_record(tmp_path / "one")
    assert max(waited) == 3 and waited.count(3) >= 6
