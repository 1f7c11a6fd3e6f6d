"""The scale benchmark's memory of a process tree (benchmarks/scale_measure.py): resident memory
counts the pages a fork shares with its parent once in each, proportional memory once in all."""

from __future__ import annotations

import os
import time

import pytest

import scale_measure  # benchmarks/ is on pytest's path (pyproject.toml)

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="needs Linux's /proc")


def test_a_fork_sharing_its_parents_pages_counts_them_once_in_the_proportional_memory():
    held = bytearray(os.urandom(1 << 20)) * 64  # 64 MB written: resident in this process
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork: holds the same pages, touches none
        os.close(read_end)
        os.write(write_end, b"x")
        time.sleep(30)
        os._exit(0)
    try:
        os.close(write_end)
        os.read(read_end, 1)
        rss, pss = scale_measure.tree_rss_kb(os.getpid()), scale_measure.tree_pss_kb(os.getpid())
        assert {os.getpid(), pid} <= set(scale_measure.tree_rss(os.getpid()))
        assert rss >= 2 * 64 * 1024  # the 64 MB counted in both processes
        assert pss < rss - 48 * 1024  # and about once here
        assert pss >= 64 * 1024
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(read_end)
    assert len(held) == 64 << 20
