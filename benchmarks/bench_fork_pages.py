"""What a page of memory costs a process that writes it while a fork shares it.

    python benchmarks/bench_fork_pages.py [--objects 100000]

A build at 100,000 bulletins holds some 800 MB of objects and forks helpers beside itself (the
search index, the open data, page writers, the manifest's second half). Until a fork ends, each
page the build writes is first copied by the kernel (copy-on-write), and CPython writes a page
whenever it changes an object's reference count or attribute dict. This script holds OBJECTS
objects of about a build's article shape (50 attributes and a list of 60 short strings each),
twice over, then sets one more attribute on each (its dict grows, as when a plugin sets one on
every article): on one set with no fork, on the other with a sleeping fork. It prints the time,
the minor page faults and the cost of each.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import signal
import time


class Item:
    pass


def held(count: int) -> list[Item]:
    items = []
    for i in range(count):
        item = Item()
        for k in range(50):
            setattr(item, f"k{k}", i * k)
        item.pad = [str(j) for j in range(60)]
        items.append(item)
    return items


def touch(items: list[Item]) -> tuple[float, int]:
    """Seconds and minor faults to set one attribute on every item."""
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    for item in items:
        item.extra = 1
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    count = parser.parse_args().objects
    gc.disable()  # as a build's generators run (``incremental/collector.py``)
    items, other = held(count), held(count)  # the same work on each: the second one with a fork alive
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"2 x {count:,} objects, {rss:,} MB resident")
    alone, alone_faults = touch(other)
    child = os.fork()
    if child == 0:  # the fork only waits, as a fork does while its work reads other pages
        time.sleep(600)
        os._exit(0)
    try:
        shared, faults = touch(items)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    print(f"no fork:   {alone:.3f} s, {alone_faults:,} page faults")
    per_fault = (shared - alone) / faults * 1e6 if faults else 0.0
    print(f"with fork: {shared:.3f} s, {faults:,} page faults, {per_fault:.1f} µs a fault")


if __name__ == "__main__":
    main()
