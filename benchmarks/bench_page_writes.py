"""Page writes: what writing a page of the site costs the file system, by the way it is written.

A rebuild that renders every page again (a setting or a template changed) writes every page
over the last build's. Pelican opens each with ``open(path, "w")``, which empties the file
first; the page writer now puts the bytes in place (``output_files.put_in_place``). This times,
on N files of SIZE bytes in a folder of the file system the site is built on (``--folder``,
default ``benchmarks/out/page-writes``, removed at the end), each way of writing them:

- new files in a new folder (a cold build);
- emptied then written (``open(path, "w")``, Pelican's);
- written to a temporary name, then renamed over (``output_files.write_if_changed``);
- ``put_in_place`` with other bytes of the same size, longer and shorter;
- ``put_in_place`` with the same bytes (read and compared, nothing written).

The file system's pending work is flushed (``os.sync``) and left to settle between ways, so one
way's freed blocks do not slow the next. Prints milliseconds a file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bulletins.site.output_files import put_in_place  # noqa: E402
from machine import yardstick  # noqa: E402


def emptied(path: str, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def renamed(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def page_bytes(size: int, mark: str) -> bytes:
    line = f"<p>{mark}青溪区人民政府办公室关于印发工作要点的通知</p>\n".encode()
    return (line * (size // len(line) + 1))[:size]


def timed(files: list[str], data: bytes, write: Callable[[str, bytes], object], settle: float) -> float:
    """Milliseconds a file for WRITE of DATA over FILES, after the file system settled."""
    os.sync()
    time.sleep(settle)
    started = time.perf_counter()
    for path in files:
        write(path, data)
    return (time.perf_counter() - started) / len(files) * 1e3


def run(folder: Path, count: int, size: int, settle: float) -> list[tuple[str, float]]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = [str(folder / f"{i:06d}.html") for i in range(count)]
    first, other, shorter = page_bytes(size, "甲"), page_bytes(size, "乙"), page_bytes(size - size // 4, "丁")
    ways = [
        ("new files in a new folder", first, emptied),
        ("emptied, then written (Pelican's open 'w')", other, emptied),
        ("temporary file renamed over", first, renamed),
        ("put in place, other bytes, same size", other, put_in_place),
        ("put in place, longer", page_bytes(size + size // 8, "丙"), put_in_place),
        ("put in place, shorter", shorter, put_in_place),
        ("put in place, the same bytes (not written)", shorter, put_in_place),
    ]
    return [(name, timed(files, data, write, settle)) for name, data, write in ways]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "benchmarks" / "out" / "page-writes")
    parser.add_argument("--count", type=int, default=5_000, help="files (default 5000)")
    parser.add_argument("--size", type=int, default=29_000, help="bytes a file (default 29000, a page's)")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds left to the file system between ways")
    options = parser.parse_args(argv)
    print(yardstick("before"), flush=True)
    try:
        results = run(options.folder, options.count, options.size, options.settle)
    finally:
        shutil.rmtree(options.folder, ignore_errors=True)
    print(f"\n{options.count:,} files of {options.size:,} bytes in {options.folder}\n")
    print("| way | ms a file |\n|---|---|")
    for name, ms in results:
        print(f"| {name} | {ms:.3f} |")
    print(yardstick("at the end"))


if __name__ == "__main__":
    main()
