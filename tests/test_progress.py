"""Build progress: the line of a phase (counts, rate, ETA, unknown totals, very fast and very slow
phases), when anything is shown at all, and the phase log the scale benchmark reads. A fake
clock and fake streams throughout: nothing here depends on the machine's speed."""

from __future__ import annotations

import io
import json
import os
import tracemalloc

import pytest

from bulletins.plugins.progress import phaselog, tracker
from bulletins.site.progress import LineSink, Progress, Snapshot, format_duration, render_line, should_show


@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        pytest.param(
            Snapshot("read", 8123, 11442, 6.6, "articles"),
            "read              8,123/11,442 articles  70%  1,231/s  ETA 2.7 s",
            id="known-total",
        ),
        pytest.param(
            Snapshot("read", 11442, 11442, 9.3, "articles", finished=True),
            "read              11,442 articles  1,230/s  in 9.3 s",
            id="finished",
        ),
        pytest.param(
            Snapshot("write", 12345, None, 6.0, "pages"),
            "write             12,345 pages  2,058/s  6.0 s",
            id="unknown-total",
        ),
        pytest.param(Snapshot("manifest", 0, None, 75.0), "manifest          1:15", id="no-counts-time-so-far"),
        pytest.param(
            Snapshot("search index", 0, None, 0.01, finished=True), "search index      in 0.0 s", id="very-fast-phase"
        ),
        pytest.param(
            Snapshot("read", 3, 100_000, 7200.0, "articles"),
            "read              3/100,000 articles   0%  0.00/s  ETA 66664:40:00",
            id="very-slow-phase",
        ),
        pytest.param(
            Snapshot("read", 0, 500, 1.0, "articles"),
            "read              0/500 articles   0%  1.0 s",
            id="nothing-done-yet",
        ),
        pytest.param(
            Snapshot("write", 300, 260, 2.0, "pages"),
            "write             300 pages  150/s  2.0 s",
            id="estimate-exceeded",
        ),
        pytest.param(
            Snapshot("read", 0, 0, 0.2, "articles"), "read              0/0 articles 100%  0.2 s", id="empty-total"
        ),
        pytest.param(
            Snapshot("open data: SQLite", 0, None, 3.04, finished=True), "open data: SQLite in 3.0 s", id="longest-name"
        ),
        pytest.param(
            Snapshot("write", 29635, 29635, 3725.0, "pages", finished=True),
            "write             29,635 pages  8.0/s  in 1:02:05",
            id="finished-after-an-hour",
        ),
    ],
)
def test_render_line(snapshot, expected):
    assert render_line(snapshot) == expected


@pytest.mark.parametrize("width", [1, 20, 40, 80])
def test_render_line_never_fills_the_terminal_width(width):
    line = render_line(Snapshot("read", 8123, 11442, 6.6, "articles"), width=width)
    assert len(line) <= width - 1


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "0.0 s"),
        (-0.2, "0.0 s"),
        (4.24, "4.2 s"),
        (59.9, "59.9 s"),
        (60.0, "1:00"),
        (3599.4, "59:59"),
        (3600, "1:00:00"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class ClosedStream:
    def isatty(self):
        raise ValueError("I/O operation on closed file")


@pytest.mark.parametrize(
    ("wanted", "stream", "term", "shown"),
    [
        pytest.param(True, FakeStream(tty=True), "xterm-256color", True, id="terminal"),
        pytest.param(True, FakeStream(tty=True), None, True, id="terminal-no-TERM"),
        pytest.param(False, FakeStream(tty=True), "xterm", False, id="quiet-on-a-terminal"),
        pytest.param(True, FakeStream(tty=False), "xterm", False, id="pipe-or-log-file"),
        pytest.param(True, FakeStream(tty=True), "dumb", False, id="dumb-terminal"),
        pytest.param(True, object(), "xterm", False, id="stream-without-isatty"),
        pytest.param(True, ClosedStream(), "xterm", False, id="closed-stream"),
        pytest.param(True, None, "xterm", False, id="no-stream"),
    ],
)
def test_should_show(wanted, stream, term, shown):
    assert should_show(wanted, stream, term) is shown


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class RecordingSink:
    def __init__(self):
        self.events: list[tuple[str, str]] = []

    def update(self, text):
        self.events.append(("update", text))

    def finish(self, text):
        self.events.append(("finish", text))


def _progress(delay=0.5, interval=0.1):
    clock, sink = FakeClock(), RecordingSink()
    return Progress(sink, clock=clock, width=80, delay=delay, interval=interval), clock, sink


# Each step: ("begin", name, unit, total) | ("advance", n) | ("wait", seconds) | ("tick",) | ("end",)
@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param(
            [("begin", "read", "articles", 40), ("wait", 0.2), ("advance", 40), ("end",)],
            [],
            id="fast-phase-prints-nothing",
        ),
        pytest.param(
            [
                ("begin", "read", "articles", 100),
                ("wait", 1.0),
                ("advance", 50),
                ("wait", 1.0),
                ("advance", 50),
                ("end",),
            ],
            [
                ("update", "read              50/100 articles  50%  50.0/s  ETA 1.0 s"),
                ("update", "read              100/100 articles 100%  50.0/s  ETA 0.0 s"),
                ("finish", "read              100 articles  50.0/s  in 2.0 s"),
            ],
            id="slow-phase-updates-then-finishes",
        ),
        pytest.param(
            [
                ("begin", "write", "pages", None),
                ("wait", 1.0),
                ("advance", 1),
                ("wait", 0.01),
                ("advance", 1),
                ("end",),
            ],
            [
                ("update", "write             1 pages  1.0/s  1.0 s"),
                ("finish", "write             2 pages  2.0/s  in 1.0 s"),
            ],
            id="redraws-at-most-every-interval",
        ),
        pytest.param(
            [("begin", "search index", "", None), ("wait", 0.6), ("tick",), ("wait", 0.6), ("tick",), ("end",)],
            [
                ("update", "search index      0.6 s"),
                ("update", "search index      1.2 s"),
                ("finish", "search index      in 1.2 s"),
            ],
            id="ticks-keep-a-countless-phase-moving",
        ),
        pytest.param(
            [
                ("begin", "read", "articles", 10),
                ("wait", 1.0),
                ("begin", "read", "articles", 10),
                ("advance", 5),
                ("end",),
            ],
            [
                ("update", "read              5/10 articles  50%  5.0/s  ETA 1.0 s"),
                ("finish", "read              5 articles  5.0/s  in 1.0 s"),
            ],
            id="same-phase-again-continues",
        ),
        pytest.param(
            [("begin", "read", "articles", 10), ("wait", 1.0), ("tick",), ("begin", "write", "pages", None), ("end",)],
            [
                ("update", "read              0/10 articles   0%  1.0 s"),
                ("finish", "read              0 articles  in 1.0 s"),
            ],
            id="next-phase-ends-the-last-and-starts-unseen",
        ),
    ],
)
def test_progress_feeds_lines_to_the_sink(steps, expected):
    progress, clock, sink = _progress()
    for step in steps:
        if step[0] == "begin":
            progress.begin(step[1], step[2], step[3])
        elif step[0] == "advance":
            progress.advance(step[1])
        elif step[0] == "wait":
            clock.now += step[1]
        else:
            getattr(progress, step[0])()
    assert sink.events == expected


def test_progress_totals_can_grow_while_reading():
    progress, clock, sink = _progress(delay=0)
    progress.begin("read", "articles")
    progress.add_total(30)
    progress.add_total(5)
    clock.now += 1.0
    progress.advance(7)
    assert sink.events == [
        ("update", "read              0.0 s"),
        ("update", "read              7/35 articles  20%  7.0/s  ETA 4.0 s"),
    ]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        pytest.param(["read  1/2"], "\rread  1/2", id="one"),
        pytest.param(["read  10/20", "read  2/20"], "\rread  10/20\rread  2/20 ", id="shorter-line-blanks-the-rest"),
    ],
)
def test_line_sink_redraws_with_a_carriage_return(texts, expected):
    stream = FakeStream(tty=True)
    sink = LineSink(stream)
    for text in texts:
        sink.update(text)
    assert stream.getvalue() == expected
    sink.finish("read  2 in 1.0 s")
    assert stream.getvalue().endswith("\rread  2 in 1.0 s\n")


@pytest.mark.parametrize(
    ("settings", "tty", "shown"),
    [
        pytest.param({}, True, True, id="default-on-a-terminal"),
        pytest.param({"BULLETINS_PROGRESS": False}, True, False, id="quiet"),
        pytest.param({}, False, False, id="not-a-terminal"),
    ],
)
def test_build_display_only_on_a_terminal_and_unless_quiet(settings, tty, shown, monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    stream = FakeStream(tty=tty)
    progress = tracker.display(settings, stream)
    assert (progress is not None) is shown
    if progress is not None:
        progress.delay = 0
        progress.begin("read", "articles", 2)
        progress.advance(1)
        progress.end()
        assert stream.getvalue().startswith("\rread ") and stream.getvalue().endswith("\n")
    else:
        assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("status", "field", "expected"),
    [
        ("Name:\tpelican\nVmHWM:\t  812344 kB\nVmRSS:\t  512000 kB\n", "VmHWM", 812344),
        ("Name:\tpelican\nVmHWM:\t  812344 kB\nVmRSS:\t  512000 kB\n", "VmRSS", 512000),
        ("Name:\tkthreadd\n", "VmHWM", None),
    ],
)
def test_memory_kb(status, field, expected):
    assert phaselog.memory_kb(field, status) == expected


@pytest.mark.parametrize(
    ("environ", "enabled", "top"),
    [
        ({}, False, 0),
        ({"BULLETINS_PHASE_LOG": "LOG"}, True, 0),
        ({"BULLETINS_PHASE_LOG": "LOG", "BULLETINS_TRACEMALLOC": "x"}, True, 0),
    ],
)
def test_phase_log_only_when_the_environment_asks(environ, enabled, top, tmp_path):
    environ = {k: str(tmp_path / v) if v == "LOG" else v for k, v in environ.items()}
    log = phaselog.PhaseLog.from_environment(environ)
    assert (log is not None) is enabled
    if log is not None:
        assert log.top == top


def test_run_logs_each_phase_once_with_its_count(tmp_path):
    log = phaselog.PhaseLog(tmp_path / "phases.jsonl", top=3)
    try:
        _run_two_phases(tracker.Run(None, log, {}))
    finally:
        tracemalloc.stop()
    records = [json.loads(line) for line in (tmp_path / "phases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["phase"], r["count"]) for r in records] == [("read", 40), ("write", 3)]
    assert all(r["end"] >= r["start"] and len(r["top"]) <= 3 for r in records)
    assert all(type(r["minor_faults"]) is int and r["minor_faults"] >= 0 for r in records)


@pytest.mark.skipif(phaselog.resource is None, reason="no getrusage here")
def test_a_phase_counts_the_pages_it_touches(tmp_path):
    """``minor_faults``: the pages a phase touched first (or copied from a fork's): a phase that
    fills 32 MB of new memory has some, however large the kernel's pages."""
    log = phaselog.PhaseLog(tmp_path / "phases.jsonl")
    log.begin("write")
    filled = bytearray(32 << 20)
    filled[::4096] = b"\x01" * len(filled[::4096])
    log.end("write", 1)
    [record] = [json.loads(line) for line in (tmp_path / "phases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["minor_faults"] > 0 and filled[4096] == 1


def _run_two_phases(run):
    run.begin("read")
    run.advance("read", 40)
    run.advance("write")  # not the current phase: not counted
    run.begin("read")
    run.begin("write")
    kept = [bytearray(1024) for _ in range(64)]  # something for tracemalloc to find
    run.advance("write", 3)
    run.close()
    assert kept


def _burn(seconds: float) -> int:
    """CPU work for about SECONDS of this process's time."""
    import time

    end, n = time.process_time() + seconds, 0
    while time.process_time() < end:
        n += 1
    return n


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize(("name", "logged"), [("citations", True), ("", False)])
def test_a_named_fork_logs_its_span_cpu_and_peak(tmp_path, monkeypatch, name, logged):
    """A fork begun with a name adds one ``fork: NAME`` line when its result is taken: its own
    CPU seconds (the load of the machine does not inflate them), its span and its peak."""
    from bulletins.plugins.incremental import forked

    log = tmp_path / "phases.jsonl"
    monkeypatch.setenv(phaselog.LOG_ENV, str(log))
    child = forked.start(lambda: _burn(0.3) > 0, name)
    assert forked.finish(child) == (True, True)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    assert len(records) == int(logged)
    for record in records:
        assert record["phase"] == "fork: citations" and record["fork"] is True
        assert 0.25 <= record["cpu_s"] <= record["end"] - record["start"] + 0.05
        assert record["peak_rss_kb"] > 1000


def test_a_fork_line_needs_the_environment(tmp_path):
    class Usage:
        ru_utime, ru_stime, ru_maxrss = 1.0, 0.5, 2048

    phaselog.fork_record("open data", 0.0, Usage(), environ={})
    assert not list(tmp_path.iterdir())
    log = tmp_path / "phases.jsonl"
    phaselog.fork_record("open data", 0.0, Usage(), environ={phaselog.LOG_ENV: str(log)})
    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["phase"], record["cpu_s"], record["peak_rss_kb"], record["fork"]) == (
        "fork: open data",
        1.5,
        2048,
        True,
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_phase_log_that_cannot_be_written_leaves_the_fork_and_the_build_alone(tmp_path, monkeypatch):
    from bulletins.plugins.incremental import forked

    monkeypatch.setenv(phaselog.LOG_ENV, str(tmp_path / "no-such-folder" / "phases.jsonl"))
    assert forked.finish(forked.start(lambda: 42, "citations")) == (True, 42)
