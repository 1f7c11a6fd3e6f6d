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
