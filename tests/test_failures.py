"""What a publisher is told when the machine stops a build or an ingest (``failures.explain``)."""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys

import pytest

from bulletins.plugins.build_errors import logfilter
from bulletins.site import failures

FOLDERS = {"output": "site/output", "cache": "site/cache"}


def free_of(table: dict[str, int | None]):
    return lambda path: table[path]


@pytest.mark.parametrize(
    ("error", "said", "unsaid"),
    [
        pytest.param(
            OSError(errno.ENOSPC, "No space left on device", "site/output/a.html"),
            ["The build stopped: no space left on the disk writing site/output/a.html.", "Free now: 0 bytes for"],
            ["Traceback", "write access"],
            id="disk-full-with-a-file",
        ),
        pytest.param(
            OSError(errno.ENOSPC, "No space left on device"),
            ["no space left on the disk.", "Make room"],
            ["writing"],
            id="disk-full-without-a-file",
        ),
        pytest.param(
            OSError(errno.EDQUOT, "Disk quota exceeded", "site/cache/x"),
            ["the disk quota is used up writing site/cache/x", "Make room"],
            [],
            id="quota",
        ),
        pytest.param(
            sqlite3.OperationalError("database or disk is full"),
            ["no space left on the disk", "Make room"],
            [],
            id="sqlite-full",
        ),
        pytest.param(
            OSError(errno.EROFS, "Read-only file system", "site/output"),
            ["the file system is read-only writing site/output", "write access"],
            ["Free now", "Make room"],
            id="read-only",
        ),
        pytest.param(
            PermissionError(errno.EACCES, "Permission denied", "site/output/x"),
            ["permission denied writing site/output/x", "write access"],
            ["Free now"],
            id="forbidden",
        ),
    ],
)
def test_machine_errors_are_one_line_saying_what_to_do(error, said, unsaid):
    line = failures.explain(error, FOLDERS, free_of({"site/output": 0, "site/cache": 0}))
    assert line is not None and "\n" not in line
    assert line.endswith("what was written is kept, and the next run finishes the rest.")
    for text in said:
        assert text in line
    for text in unsaid:
        assert text not in line


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug of ours"),
        OSError(errno.EIO, "Input/output error"),
        FileNotFoundError(errno.ENOENT, "No such file or directory", "x"),
        sqlite3.OperationalError("no such table: documents"),
        KeyError("title"),
    ],
    ids=["value-error", "io-error", "missing-file", "sqlite-other", "key-error"],
)
def test_other_errors_keep_their_traceback(error):
    assert failures.explain(error, FOLDERS, free_of({})) is None


ONE_DISK = {"site/output": 7, "site/cache": 7}.get
TWO_DISKS = {"site/output": 7, "site/cache": 8}.get


@pytest.mark.parametrize(
    ("free", "disk", "shown"),
    [
        ({"site/output": 5_300_000}, ONE_DISK, "Free now: 5.3 MB for output (site/output) and cache (site/cache)."),
        # one disk, its room read once: another process writing between two readings changes nothing
        (
            {"site/output": 5_300_000, "site/cache": 5_200_000},
            ONE_DISK,
            "Free now: 5.3 MB for output (site/output) and cache (site/cache).",
        ),
        (
            {"site/output": 1_536, "site/cache": 2_000_000_000},
            TWO_DISKS,
            "Free now: 1.5 KB for output (site/output); 2.0 GB for cache (site/cache).",
        ),
        # a disk that cannot be asked: each folder its own figure
        (
            {"site/output": 1_536, "site/cache": 1_536},
            lambda path: None,
            "Free now: 1.5 KB for output (site/output); 1.5 KB for cache (site/cache).",
        ),
        ({"site/output": 1_536, "site/cache": None}, TWO_DISKS, "Free now: 1.5 KB for output (site/output). Make"),
    ],
)
def test_folders_on_one_disk_share_a_figure(free, disk, shown):
    error = OSError(errno.ENOSPC, "No space left on device")
    assert shown in failures.explain(error, FOLDERS, free_of(free), disk=disk)


def test_unknown_room_is_left_out():
    error = OSError(errno.ENOSPC, "No space left on device")
    unknown = failures.explain(error, FOLDERS, free_of({"site/output": None, "site/cache": None}))
    assert "Free now" not in unknown and "Make room" in unknown


def test_disk_of_asks_the_nearest_folder_that_exists(tmp_path):
    assert failures.disk_of(str(tmp_path / "not" / "made")) == failures.disk_of(str(tmp_path)) is not None


def test_the_ingest_names_itself():
    line = failures.explain(OSError(errno.ENOSPC, "full"), {}, free_of({}), doing="bulletins ingest")
    assert line.startswith("bulletins ingest stopped: no space left on the disk.")


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1_000, "1.0 KB"),
        (1_536, "1.5 KB"),
        (2_500_000, "2.5 MB"),
        (7 * 10**12, "7000.0 GB"),
    ],
)
def test_sizes_read_as_a_file_manager_shows_them(count, shown):
    assert failures.format_bytes(count) == shown


def test_free_bytes_asks_the_nearest_folder_that_exists(tmp_path, monkeypatch):
    """The folder asked, not two readings of the disk compared: other processes (the suite's
    other worker) write between two readings."""
    assert failures.free_bytes(str(tmp_path)) > 0
    asked = []
    real = failures.shutil.disk_usage
    monkeypatch.setattr(failures.shutil, "disk_usage", lambda path: asked.append(path) or real(path))
    assert failures.free_bytes(str(tmp_path / "not" / "made" / "yet")) > 0
    assert asked == [str(tmp_path)]


def record_of(error: BaseException, level: int = logging.CRITICAL) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord("pelican", level, "pelican/__init__.py", 683, "%s: %s", ("OSError", error), info)


@pytest.mark.parametrize(
    ("error", "level", "rewritten"),
    [
        pytest.param(OSError(errno.ENOSPC, "No space left on device"), logging.CRITICAL, True, id="full-disk"),
        pytest.param(OSError(errno.ENOSPC, "No space left on device"), logging.ERROR, False, id="not-the-end"),
        pytest.param(ValueError("a bug"), logging.CRITICAL, False, id="a-bug"),
    ],
)
def test_the_log_filter_rewrites_only_what_ended_a_build_for_the_machine(error, level, rewritten):
    machine = logfilter.MachineErrors()
    machine.folders = {"output": "/nonexistent/output"}
    record = record_of(error, level)
    assert machine.filter(record) is True  # never drops a record
    assert (record.exc_info is None) is rewritten
    assert record.getMessage().startswith("The build stopped") is rewritten


def test_a_copy_names_the_file_it_was_writing():
    error = OSError(errno.ENOSPC, "No space left on device", "site/output/a.html", None, "bag/data/a.html")
    assert "writing bag/data/a.html." in failures.explain(error, {}, free_of({}))
