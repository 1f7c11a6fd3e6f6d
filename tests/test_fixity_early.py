"""A manifest walk begun early (``fixity_early``) writes what one walk writes, after any change
to the output; a cache changed, damaged or replaced since, a half that died or processes let go
leave the manifest right and no process behind."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bulletins.plugins.incremental import forked
from bulletins.site import fixity_early, fixity_stream, fixity_watch
from bulletins.site.fixity import hash_files
from bulletins.site.fixity_early import EarlyWalk
from bulletins.site.fixity_stream import update_manifest
from test_fixity_stream import BROKEN, STEPS, expected, fork_real, make_tree, manifest_text, without_times


def no_fork(work):
    raise AssertionError("the walk was made again, not by the processes begun early")


@pytest.fixture(autouse=True)
def cut_small(monkeypatch):
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1)
    yield
    assert not forked._STARTED  # every process begun was waited for


def site(tmp_path, name="site"):
    root, cache = tmp_path / name / "site", tmp_path / name / "cache" / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache, fork=fork_real)
    return root, cache


def watched(early) -> list:
    """What EARLY's processes give back once walked (``(done, result)`` each), as they give it."""
    walked: list = []
    if early is not None:
        real = early.walk
        early.walk = lambda noted, meanwhile=None: walked.extend(real(noted, meanwhile)) or list(walked)
    return walked


@pytest.mark.parametrize("ahead", [fixity_early.AHEAD, 2])
@pytest.mark.parametrize(("step", "changed", "hashed", "written"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_an_early_walk_writes_what_one_walk_writes(tmp_path, monkeypatch, ahead, step, changed, hashed, written):
    monkeypatch.setattr(fixity_early, "AHEAD", ahead)  # past AHEAD lines, the rest read as the walk goes
    results = {}
    for name in ("one", "early"):
        root, cache = site(tmp_path, name)
        early = EarlyWalk(root, cache, hash_files, fork_real) if name == "early" else None
        walked = watched(early)
        step(root, cache)
        done = update_manifest(root, cache, rehash_bytes=100, fork=no_fork if early else None, early=early)
        assert early is None or (len(walked) == 2 and all(ok and made for ok, made in walked))
        results[name] = (done, manifest_text(root), without_times(cache.read_text("utf-8")))
        assert manifest_text(root) == expected(root)
        assert sorted(p.name for p in cache.parent.iterdir()) == ["fixity.txt"]
        assert not list(root.glob(".*.tmp*"))
    assert results["early"] == results["one"]
    assert (results["early"][0].changed, results["early"][0].hashed) == (changed, hashed)


def _prewalked_marks(tmp_path, monkeypatch) -> None:
    """Each half's end of its watched listing (``fixity_watch.prewalk``) marked by a file, and
    whether its last walk was made from the reports (``patched`` gave a listing) by another."""
    real_prewalk, real_patched = fixity_watch.prewalk, fixity_watch.patched

    def mark(name: str, value: bool) -> None:  # whole once seen: written aside, then renamed
        (tmp_path / f".{name}").write_text(str(value), encoding="utf-8")
        os.replace(tmp_path / f".{name}", tmp_path / name)

    def prewalk(root, watch, *args):
        walked = real_prewalk(root, watch, *args)
        mark(f"prewalked-{os.getpid()}", walked is not None)
        return walked

    def patched(*args):
        listing = real_patched(*args)
        mark(f"patched-{os.getpid()}", listing is not None)
        return listing

    monkeypatch.setattr(fixity_watch, "prewalk", prewalk)
    monkeypatch.setattr(fixity_watch, "patched", patched)


@pytest.mark.skipif(not fixity_watch.available(), reason="no inotify on this system")
@pytest.mark.parametrize(("step", "changed", "hashed", "written"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_changes_after_the_watched_listing_are_reported(tmp_path, monkeypatch, step, changed, hashed, written):
    """Both halves watched and listed their files before the change: their last walk is made
    from the kernel's reports, and writes what one whole walk writes."""
    _prewalked_marks(tmp_path, monkeypatch)
    root, cache = site(tmp_path)
    early = EarlyWalk(root, cache, hash_files, fork_real)
    try:
        for _ in range(3000):  # the halves list the tree as the build would read its articles
            if len(list(tmp_path.glob("prewalked-*"))) == 2:
                break
            time.sleep(0.01)
        assert sorted(p.read_text("utf-8") for p in tmp_path.glob("prewalked-*")) == ["True", "True"]
        step(root, cache)
    except BaseException:
        early.close()  # the halves let go, not left behind
        raise
    done = update_manifest(root, cache, rehash_bytes=100, fork=no_fork, early=early)
    assert sorted(p.read_text("utf-8") for p in tmp_path.glob("patched-*")) == ["True", "True"]
    assert manifest_text(root) == expected(root)
    assert (done.changed, done.hashed, done.written) == (changed, hashed, written)


def test_files_changed_after_the_start_are_seen(tmp_path):
    """The processes read the cache at the start and walk the output only when told to: a file
    written meanwhile (as the build writes its pages) is hashed, a file removed is gone."""
    root, cache = site(tmp_path)
    early = EarlyWalk(root, cache, hash_files, fork_real)
    (root / "a" / "later.html").write_bytes(b"written after the start")
    (root / "z.html").unlink()
    done = update_manifest(root, cache, fork=no_fork, early=early)
    assert (done.changed, done.hashed) == (True, 1)
    assert manifest_text(root) == expected(root)


@pytest.mark.parametrize("damage", [b[1] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_damaged_cache_read_early_counts_as_none(tmp_path, damage):
    root, cache = site(tmp_path)
    damage(cache)
    early = EarlyWalk(root, cache, hash_files, fork_real)
    again = update_manifest(root, cache, fork=fork_real, early=early)
    assert manifest_text(root) == expected(root)
    assert again.hashed == again.files or not early.parts  # a cache too small to cut begins nothing
    assert update_manifest(root, cache, fork=fork_real).hashed == 0


@pytest.mark.parametrize("replace", ["rewritten", "touched", "removed"])
def test_a_cache_other_than_the_one_read_lets_the_processes_go(tmp_path, replace):
    root, cache = site(tmp_path)
    early = EarlyWalk(root, cache, hash_files, fork_real)
    touch = os.stat(cache).st_mtime_ns + 1_000_000
    if replace == "rewritten":
        data = cache.read_bytes()
        cache.unlink()
        cache.write_bytes(data)
    elif replace == "touched":
        os.utime(cache, ns=(touch, touch))
    else:
        cache.unlink()
    (root / "a.html").write_bytes(b"A")
    done = update_manifest(root, cache, fork=fork_real, early=early)
    assert manifest_text(root) == expected(root) and not early.halves
    assert done.hashed == (1 if replace != "removed" else done.files)


@pytest.mark.parametrize("which", [0, 1])
def test_a_half_whose_process_died_is_walked_by_the_build(tmp_path, which):
    root, cache = site(tmp_path)
    early = EarlyWalk(root, cache, hash_files, fork_real)
    pid = sorted(forked._STARTED)[which][0]
    os.kill(pid, signal.SIGKILL)
    (root / "a.html").write_bytes(b"A")
    done = update_manifest(root, cache, fork=no_fork, early=early)
    assert manifest_text(root) == expected(root) and (done.changed, done.hashed) == (True, 1)


def test_meanwhile_runs_once_while_the_halves_walk(tmp_path):
    """What the build does meanwhile (the page writer's record) runs once both halves were told,
    before they are waited for; without an early walk, before the walk; once whatever happens."""
    root, cache = site(tmp_path)
    seen = []
    early = EarlyWalk(root, cache, hash_files, fork_real)
    update_manifest(root, cache, fork=no_fork, early=early, meanwhile=lambda: seen.append(len(forked._STARTED)))
    assert seen == [2]  # both told, neither waited for yet
    update_manifest(root, cache, fork=fork_real, meanwhile=lambda: seen.append(len(forked._STARTED)))
    assert seen == [2, 0]  # no early walk: before the walk and its fork
    BROKEN[3][1](cache)  # out of order: read early, failed, walked again without the cache
    early = EarlyWalk(root, cache, hash_files, fork_real)
    update_manifest(root, cache, fork=fork_real, early=early, meanwhile=lambda: seen.append("damaged"))
    assert seen == [2, 0, "damaged"] and manifest_text(root) == expected(root)


def test_an_error_meanwhile_still_waits_for_the_halves(tmp_path):
    root, cache = site(tmp_path)
    before = manifest_text(root), cache.read_bytes()
    early = EarlyWalk(root, cache, hash_files, fork_real)

    def fails():
        raise OSError("no room for the page record")

    with pytest.raises(OSError, match="page record"):
        update_manifest(root, cache, fork=no_fork, early=early, meanwhile=fails)
    assert (manifest_text(root), cache.read_bytes()) == before
    assert sorted(p.name for p in cache.parent.iterdir()) == ["fixity.txt"] and not list(root.glob(".*.tmp*"))


def test_processes_let_go_end_without_walking(tmp_path):
    root, cache = site(tmp_path)
    before = manifest_text(root), cache.read_bytes()
    early = EarlyWalk(root, cache, hash_files, fork_real)
    (root / "a.html").write_bytes(b"A")
    early.close()
    assert (manifest_text(root), cache.read_bytes()) == before and not early.halves
    stopped = EarlyWalk(root, cache, hash_files, fork_real)
    forked._stop_started()  # the build stopped before its manifest: its forks with it
    stopped.abandon()  # the next build's start: nothing waited for, the pipes closed
    assert not stopped.halves


def test_nothing_is_begun_without_a_cache_a_cut_or_a_fork(tmp_path, monkeypatch):
    root, cache = site(tmp_path)
    assert not EarlyWalk(root, cache, hash_files, lambda work: None).halves
    assert not EarlyWalk(root, tmp_path / "absent.txt", hash_files, fork_real).halves
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1 << 40)
    assert not EarlyWalk(root, cache, hash_files, fork_real).halves
    refused = iter([fork_real, lambda work: None])  # the second refused: the first let go
    assert not EarlyWalk(root, cache, hash_files, lambda work: next(refused)(work)).halves


def test_a_rebuild_walks_its_manifest_in_the_processes_begun_at_its_start(tmp_path, monkeypatch):
    """The plugin begins the walk at the build's start (``get_generators``) and hands it to the
    manifest's step: a rebuild's manifest lists every file, as ``verify`` checks."""
    from pelican.settings import read_settings

    from bulletins.site import fixity
    from support.shared import ROOT
    from support.site_build import FIXTURE_CONTENT, build_fixture_site

    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    made: list = []
    real_walk = EarlyWalk.walk

    def walk(self, noted, meanwhile=None):
        made.extend(real_walk(self, noted, meanwhile))
        return list(made)

    monkeypatch.setattr(EarlyWalk, "walk", walk)

    def build():
        return build_fixture_site(
            tmp_path / "output",
            PATH=str(FIXTURE_CONTENT),
            PLUGINS=list(plugins),
            CACHE_CONTENT=True,
            LOAD_CONTENT_CACHE=True,
            BULLETINS_WRITE_JOBS=2,
        )

    out = build()
    assert not made  # a cold build: no cache to read early
    (out / "extra.txt").write_bytes(b"a file the build did not make")
    build()
    assert len(made) == 2 and all(ok and result for ok, result in made)
    assert fixity.verify(out).ok
    assert "extra.txt" in (out / fixity.MANIFEST).read_text(encoding="utf-8")
