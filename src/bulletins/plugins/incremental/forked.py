"""Run a list of independent jobs in this process and forked copies of it.

The pages of a build are independent once the context is complete: each is one template
rendered from objects already in memory and written to its own file. A forked copy of the
process has all of those objects without pickling any of them; it sends back only what each
job returns (small, picklable values). Jobs are taken in chunks from a shared counter, so a
process slowed by other work simply takes fewer chunks; every result lands at its job's index,
so the caller sees the same list whichever process ran which job.

A fork that fails (an exception in a job, a crash) has its unfinished jobs run again in this
process, where the same error surfaces as it would in a single-process build.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bulletins.bound import bound_to
from bulletins.plugins.incremental import collector
from bulletins.plugins.progress.phaselog import fork_record, memory_kb
from bulletins.site.config import Option

CHUNK = 32  # jobs taken at once: a lock round trip per chunk, not per page
MIN_JOBS = 256  # fewer jobs than this run here: a fork costs more than it saves
# The niceness of a fork working beside the build (``start(..., beside=True)``): the build's
# own passes are the longest path of a rebuild, and a fork at the same priority took a share of
# the build's processor (at 100,000 bulletins an unchanged rebuild's pass after the forks
# began took 3.9-4.1 s for 2.3-2.5 s of its CPU, and 2.2-2.4 s with the forks at 19).
BESIDE_NICENESS = 19


def can_fork() -> bool:
    return hasattr(os, "fork")


def run_jobs(jobs: Sequence, run_one: Callable[[Any], Any], workers: int) -> list:
    """``[run_one(job) for job in jobs]``, spread over WORKERS processes (this one included)."""
    if workers <= 1 or len(jobs) < MIN_JOBS or not can_fork():
        return [run_one(job) for job in jobs]
    ctx = multiprocessing.get_context("fork")
    counter, lock = ctx.RawValue("l", 0), ctx.Lock()

    def chunks():
        while True:
            with lock:
                start = counter.value
                counter.value = start + CHUNK
            if start >= len(jobs):
                return
            yield range(start, min(start + CHUNK, len(jobs)))

    results: list = [None] * len(jobs)
    done = [False] * len(jobs)
    children = _fork_children(workers - 1, lambda: [(i, run_one(jobs[i])) for c in chunks() for i in c])
    try:
        for chunk in chunks():
            for i in chunk:
                results[i], done[i] = run_one(jobs[i]), True
    finally:
        for pid, fd in children:
            for i, value in _collect(pid, fd):
                results[i], done[i] = value, True
    for i, finished in enumerate(done):  # a failed fork's jobs: run here, as a plain build would
        if not finished:
            results[i] = run_one(jobs[i])
    return results


def room_for_a_copy(meminfo: str = "/proc/meminfo", status: str = "/proc/self/status") -> bool:
    """Whether the memory still available could hold a whole copy of this process: a fork that
    works beside it shares its pages, but copies each page whose objects it reads (CPython
    writes their reference counts), up to all of them. True where the system does not say."""
    try:
        available = memory_kb("MemAvailable", Path(meminfo).read_text(encoding="ascii"))
        resident = memory_kb("VmRSS", Path(status).read_text(encoding="ascii"))
    except OSError:
        return True
    return available is None or resident is None or available > resident


def beside_option(name: str) -> Option:
    """The setting NAME that says whether a plugin's work is done by a fork beside the pages,
    as ``beside`` reads it: None (the default), True or False."""
    return Option(name, None, lambda v: v is None or isinstance(v, bool), "True, False or None")


def beside(setting: bool | None, rebuild: bool) -> bool:
    """Whether work is done by a fork beside the build: as SETTING says, or when it is None (the
    default), in a REBUILD with room for a copy of the build. A cold build keeps both processors
    busy with its page writers and tokenizers already (a fork there made it slower)."""
    return rebuild and room_for_a_copy() if setting is None else setting


def start(
    work: Callable[[], Any],
    name: str = "",
    *,
    beside: bool = False,
    niceness: int = BESIDE_NICENESS,
    last: bool = False,
) -> tuple[int, int] | None:
    """WORK begun in a forked copy of this process, which goes on with its own work meanwhile;
    ``finish`` takes its result. None where this system cannot fork, or not now (no memory or
    process left for it): the caller then runs WORK itself. A NAME puts the fork's figures in
    the phase log (``phaselog.fork_record``). A fork BESIDE the build's own work runs at
    ``BESIDE_NICENESS``: it takes what processor time the build leaves. LAST: the build makes
    nothing more to let go (its manifest): no collection first (``_fork_children``)."""
    if not can_fork():
        return None
    begun = time.time()
    started = _fork_children(1, lambda: [(0, _lowered(work, niceness)() if beside else work())], last)
    if not started:
        return None
    [child] = started
    _STARTED[child] = (name, begun)
    return child


def finish(child: tuple[int, int]) -> tuple[bool, Any]:
    """``(True, result)`` of a WORK ``start`` began, once it ends; ``(False, None)`` when its
    fork failed (the caller runs WORK itself, where the error surfaces as in a plain build)."""
    name, begun = _STARTED.pop(child, ("", 0.0))
    pairs, usage = _collect_with_usage(*child)
    if name:
        fork_record(name, begun, usage)
    return (True, pairs[0][1]) if pairs else (False, None)


def _lowered(work: Callable[[], Any], niceness: int = BESIDE_NICENESS) -> Callable[[], Any]:
    """WORK, run at NICENESS (as it was where the system refuses)."""

    def run():
        with contextlib.suppress(OSError):
            os.nice(max(0, niceness - os.nice(0)))
        return work()

    return run


_STARTED: dict[tuple[int, int], tuple[str, float]] = {}  # child -> its name and start time


def initialized(pelican) -> None:
    """``initialized``: a build that ends before it took a started fork's result (an error,
    Ctrl-C) stops that fork as it ends, not only when its process exits: ``pelican
    --autoreload`` goes on to the next build, which the stopped build's forks would have written
    beside (and a fork whose result is larger than a pipe holds waited for a reader for ever)."""
    run = pelican.run

    @functools.wraps(run)
    def forks_stopped(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        finally:
            _stop_started()

    pelican.run = forks_stopped


@atexit.register
def _stop_started() -> None:
    """A build that ends before it took a started fork's result (an error, Ctrl-C) stops it."""
    while _STARTED:
        pid, fd = _STARTED.popitem()[0]
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except OSError:
            pass
        os.close(fd)


def _fork_children(count: int, work: Callable[[], list], last: bool = False) -> list[tuple[int, int]]:
    """Start COUNT forks (fewer when the system refuses one), each running WORK and sending
    back its ``(index, result)`` pairs; LAST: see ``start``."""
    children = []
    # While a context is made, what it let go is next to nothing and ``collector.settle``
    # freezes it uncollected anyway: neither a collection nor a count of the frozen objects
    # (``get_freeze_count`` walks them all), some 0.25 s a fork at 100,000 articles. For the
    # LAST fork (the build's end freezes all it holds, uncollected) no collection either.
    if collector.making_context():
        frozen_before = True  # and kept so: ``settle`` freezes all at the context's end
    else:
        frozen_before = gc.get_freeze_count()
        if frozen_before and not last:  # the build froze what it holds: not what it let go since
            gc.collect()
    gc.freeze()  # the forks' collector then leaves the parent's objects (and their pages) alone
    parent = os.getpid()
    try:
        for _ in range(count):
            read_end, write_end = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more forks now (memory, processes): the caller does the rest
                os.close(read_end)
                os.close(write_end)
                break
            if pid == 0:  # pragma: no cover - runs in the fork, reported through the pipe
                os.close(read_end)
                bound_to(parent)  # a build killed outright takes its forks with it
                _child(write_end, work)
            os.close(write_end)
            children.append((pid, read_end))
    finally:
        if not frozen_before:  # else the build keeps them frozen to its end (collector.py)
            gc.unfreeze()
    return children


def _child(fd: int, work: Callable[[], list]) -> None:  # pragma: no cover - runs in the fork
    code = 0
    try:
        payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # anything: the parent runs these jobs again
        payload, code = b"", 1
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(code)


def _collect(pid: int, fd: int) -> list:
    """The ``(index, result)`` pairs a fork sent; [] when it failed."""
    return _collect_with_usage(pid, fd)[0]


def _collect_with_usage(pid: int, fd: int) -> tuple[list, Any]:
    """``_collect``'s pairs, and the fork's resource usage (``os.wait4``: its own and that of the
    processes it waited for)."""
    with os.fdopen(fd, "rb") as pipe:
        payload = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0 or not payload:
        return [], usage
    try:
        return pickle.loads(payload), usage
    except Exception:  # a truncated payload: its jobs run again here
        return [], usage
