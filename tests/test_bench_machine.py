"""The benchmarks' yardstick (benchmarks/machine.py): the line each benchmark prints with its
figures, so that figures from a quiet and a slow hour can be told apart."""

from __future__ import annotations

import re

import pytest

import machine  # benchmarks/ is on pytest's path (pyproject.toml)

LINE = re.compile(
    r"^machine (?P<when>.+): a fixed Python loop (?P<seconds>\d+\.\d\d) s \(0\.47-0\.56 s quiet\)"
    r"(?:, load average (?P<load>\d+\.\d))?, (?P<cpus>\d+) CPUs$"
)
# Statements timed instead of the real loop, so the test takes milliseconds.
QUICK = "sum(range(1000))"


def test_the_loop_is_the_one_the_history_measured_by_hand():
    """HISTORY.md's "fixed Python loop": the sum of i*i for i below 10**7."""
    namespace: dict = {}
    exec("result = " + machine.LOOP, namespace)
    n = 10**7
    assert namespace["result"] == (n - 1) * n * (2 * n - 1) // 6  # the sum of the squares below n


def test_the_best_of_the_runs_is_kept(monkeypatch):
    runs = [0.9, 0.5, 0.7]
    monkeypatch.setattr(machine.timeit, "repeat", lambda statement, number, repeat: runs[:repeat])
    assert machine.loop_seconds(3) == 0.5
    assert machine.loop_seconds(1) == 0.9


@pytest.mark.parametrize("when", ["before cold", "at the end", "before edit-one"])
def test_the_line_names_when_the_loop_the_load_and_the_cpus(when):
    match = LINE.match(machine.yardstick(when, repeat=2, statement=QUICK))
    assert match, machine.yardstick(when, repeat=2, statement=QUICK)
    assert match["when"] == when and float(match["seconds"]) < 1.0
    assert int(match["cpus"]) >= 1


def test_without_a_load_average_the_line_leaves_it_out(monkeypatch):
    def no_load():
        raise OSError("no load average here")

    monkeypatch.setattr(machine.os, "getloadavg", no_load)
    line = machine.yardstick("before", repeat=1, statement=QUICK)
    match = LINE.match(line)
    assert match and match["load"] is None and "load average" not in line


MEMINFO = {
    "a busy disk": ("MemTotal:       24000000 kB\nDirty:            276156 kB\nWriteback:  16 kB\n", 269.68),
    "nothing waiting": ("Dirty:                 0 kB\n", 0.0),
    "no such line": ("MemTotal:       24000000 kB\n", None),
    "a damaged line": ("Dirty: lots\n", None),
}


@pytest.mark.parametrize(("text", "expected"), MEMINFO.values(), ids=MEMINFO.keys())
def test_the_dirty_pages_are_read_from_meminfo(monkeypatch, tmp_path, text, expected):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(text, encoding="ascii")
    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda path, *a, **k: real_open(meminfo if path == "/proc/meminfo" else path, *a, **k)
    )
    found = machine.dirty_mb()
    assert found == pytest.approx(expected, abs=0.01) if expected is not None else found is None


def test_settle_writes_the_pages_out_before_a_timed_build(monkeypatch):
    synced: list[bool] = []
    fields = {"Dirty": 1234.4, "MemFree": 1830.6, "Cached": 16929.0}
    monkeypatch.setattr(machine.os, "sync", lambda: synced.append(True))
    monkeypatch.setattr(machine, "meminfo_mb", fields.get)
    line = machine.settle()
    assert synced == [True]
    expected = (
        r"writeback before it: 1,234 MB dirty, written out in \d+\.\d s; memory free 1,831 MB, page cache 16,929 MB"
    )
    assert re.fullmatch(expected, line), line


def test_settle_without_meminfo_says_what_it_knows(monkeypatch):
    monkeypatch.setattr(machine.os, "sync", lambda: None)
    monkeypatch.setattr(machine, "meminfo_mb", lambda field: None)
    line = machine.settle()
    assert re.fullmatch(r"writeback before it: 0 MB dirty, written out in \d+\.\d s", line), line


@pytest.mark.parametrize(
    ("field", "expected"), [("MemFree", 8713.0), ("Cached", 11197.0), ("Dirty", 0.0), ("SwapTotal", None)]
)
def test_meminfo_fields(monkeypatch, tmp_path, field, expected):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemFree:         8921912 kB\nCached:         11465728 kB\nDirty:  0 kB\n", encoding="ascii")
    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda path, *a, **k: real_open(meminfo if path == "/proc/meminfo" else path, *a, **k)
    )
    found = machine.meminfo_mb(field)
    assert found == pytest.approx(expected, abs=0.5) if expected is not None else found is None
