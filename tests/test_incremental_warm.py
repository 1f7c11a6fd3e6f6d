"""The fork that reads a rebuild's files ahead (``incremental/warm.py``): what it reads, in what
order, that it follows no link out of a folder, and that the build ends it and reaps it. That a
rebuild with it writes what a cold build writes is ``test_rebuild_equals_cold``'s (it is on by
default there)."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import pytest

from bulletins.plugins.incremental import warm
from bulletins.plugins.incremental.articlecache import FILE as ARTICLE_CACHE
from bulletins.plugins.incremental.forked import can_fork


def _cache(tmp_path, **sizes):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, size in sizes.items():
        (cache / name.replace("_", "-")).write_bytes(b"x" * size)
    return cache


def _settings(tmp_path, cache, **extra):
    content, output = tmp_path / "content", tmp_path / "output"
    content.mkdir(exist_ok=True)
    output.mkdir(exist_ok=True)
    return {"CACHE_PATH": str(cache), "PATH": str(content), "OUTPUT_PATH": str(output), **extra}


def test_plan_reads_the_article_cache_first_then_ours_largest_first(tmp_path):
    cache = _cache(tmp_path, bulletins_pages_marshal=10, bulletins_fixity_txt=30, search_tokens_data=99)
    (cache / ARTICLE_CACHE).write_bytes(b"r" * 5)
    files, folders = warm.plan(_settings(tmp_path, cache))
    assert [os.path.basename(f) for f in files] == [ARTICLE_CACHE, "bulletins-fixity-txt", "bulletins-pages-marshal"]
    assert folders == [str(tmp_path / "content"), str(tmp_path / "output")]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("no article cache (a first build)", None),
        ("turned off", None),
        ("an output folder not made yet", ["content"]),
    ],
)
def test_plan_when_there_is_nothing_to_warm(tmp_path, case, expected):
    cache = _cache(tmp_path, bulletins_pages_marshal=10)
    if case != "no article cache (a first build)":
        (cache / ARTICLE_CACHE).write_bytes(b"r")
    settings = _settings(tmp_path, cache, BULLETINS_WARM_CACHES=case != "turned off")
    if case == "an output folder not made yet":
        os.rmdir(settings["OUTPUT_PATH"])
    planned = warm.plan(settings)
    if expected is None:
        assert planned is None
    else:
        assert [os.path.basename(f) for f in planned[1]] == expected


def test_read_through_reads_every_byte_and_a_missing_file_as_none(tmp_path):
    path = tmp_path / "records"
    path.write_bytes(os.urandom(3 * warm.CHUNK + 17))
    assert warm.read_through(str(path), bytearray(warm.CHUNK)) == 3 * warm.CHUNK + 17
    assert warm.read_through(str(tmp_path / "absent"), bytearray(warm.CHUNK)) == 0


def test_look_up_counts_every_file_and_follows_no_link_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    for i in range(5):
        (outside / f"{i}.html").write_text("x")
    tree = tmp_path / "output"
    (tree / "bulletins" / "2024" / "03").mkdir(parents=True)
    for i in range(7):
        (tree / "bulletins" / "2024" / "03" / f"{i}.html").write_text("x")
    (tree / "index.html").write_text("x")
    (tree / "elsewhere").symlink_to(outside, target_is_directory=True)
    (tree / "dangling.html").symlink_to(tmp_path / "gone.html")
    assert warm.look_up(str(tree)) == 7 + 1 + 2  # the two links looked up as links, not entered
    assert warm.look_up(str(tmp_path / "absent")) == 0


@pytest.mark.skipif(not can_fork(), reason="the warming process is a fork")
def test_a_fork_warms_and_the_build_end_reaps_it(tmp_path):
    cache = _cache(tmp_path, bulletins_pages_marshal=10)
    (cache / ARTICLE_CACHE).write_bytes(b"r" * 100)
    pid = warm.start(SimpleNamespace(settings=_settings(tmp_path, cache)))
    assert isinstance(pid, int) and pid > 0
    warm.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    off = _settings(tmp_path, cache, BULLETINS_WARM_CACHES=False)
    assert warm.start(SimpleNamespace(settings=off)) is None


@pytest.mark.skipif(not can_fork(), reason="the warming process is a fork")
def test_a_fork_still_warming_at_the_build_end_is_stopped(tmp_path, monkeypatch):
    cache = _cache(tmp_path)
    (cache / ARTICLE_CACHE).write_bytes(b"r")
    monkeypatch.setattr(warm, "warm", lambda files, folders: time.sleep(60))
    started = time.monotonic()
    pid = warm.start(SimpleNamespace(settings=_settings(tmp_path, cache)))
    time.sleep(0.2)
    warm.stop()
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


# --- a cold build's articles: their reads queued at once (``will_need``) --------------------


def _files(tmp_path, count: int, size: int = 100) -> list[str]:
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{n:03d}.md"
        path.write_bytes(b"x" * size)
        paths.append(str(path))
    return paths


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this system")
def test_will_need_advises_every_file_it_can_open(tmp_path):
    paths = _files(tmp_path, 5)
    fifo = tmp_path / "content" / "pipe.md"
    os.mkfifo(fifo)  # opened without blocking (a plain open would wait for a writer), not advised
    assert warm.will_need([*paths[:2], str(tmp_path / "gone.md"), str(fifo), *paths[2:]], budget=10**6) == 5


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this system")
@pytest.mark.parametrize(("budget", "advised"), [(0, 0), (99, 0), (100, 1), (250, 2), (10**9, 4)])
def test_will_need_stops_past_its_budget(tmp_path, budget, advised):
    assert warm.will_need(_files(tmp_path, 4, size=100), budget=budget) == advised


def test_will_need_does_nothing_without_posix_fadvise(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "posix_fadvise", raising=False)
    assert warm.will_need(_files(tmp_path, 3), budget=10**6) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MemTotal:       24683540 kB\nMemAvailable:   2048 kB\n", 2048 * 1024),
        ("MemTotal:       24683540 kB\n", 1 << 30),
        ("MemAvailable:   lots kB\n", 1 << 30),
    ],
)
def test_available_bytes_reads_meminfo(tmp_path, text, expected):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(text, encoding="ascii")
    assert warm.available_bytes(str(meminfo)) == expected
    assert warm.available_bytes(str(tmp_path / "absent")) == 1 << 30
