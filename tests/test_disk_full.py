"""A build the disk stops: one clear line instead of a traceback, and nothing the next build
cannot mend.

The campaign stops a rebuild at its k-th file write, for k spread over every write a rebuild
makes (every write from the k-th on fails with ENOSPC, as on a full disk). The next build, with
the disk's room back, must write the site a cold build writes, byte for byte: with the change
that was being built, and with that change undone (then the last whole build's record says the
pages are already written, while the stopped build may have cut some of them short).
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.plugins.incremental import forked
from support.shared import ROOT
from test_rebuild_equals_cold import EDITED, edit, full_build, site_files


def change(content: Path) -> None:
    """One bulletin edited at its top (its title: its page's first bytes, lists, search) and at
    its end (a sentence added)."""
    edit(content)
    path = content / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("第6次", "第六次", 1), encoding="utf-8")


WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def patch_writes(monkeypatch, opening, os_opening, replacing, pwriting=None) -> None:
    """The build's file writes wrapped: ``open`` (builtins' and io's) by OPENING, ``os.open`` by
    OS_OPENING, ``os.replace`` by REPLACING and, when given, ``os.pwrite`` by PWRITING (each
    wrapper takes the real function and returns its stand-in)."""
    wraps = [(builtins, "open", opening), (io, "open", opening), (os, "open", os_opening), (os, "replace", replacing)]
    if pwriting is not None:
        wraps.append((os, "pwrite", pwriting))
    for owner, name, wrap in wraps:
        monkeypatch.setattr(owner, name, wrap(getattr(owner, name)))


class DiskFills:
    """Counts the build's file writes (opened for writing, written at an offset, renamed into
    place); from the FAIL_AT-th on, each fails as a full disk fails it, leaving what a full disk
    leaves: a file opened to be emptied is empty, a write at an offset got half its bytes down."""

    def __init__(self, monkeypatch, fail_at: int | None, interrupt: bool = False):
        self.count, self.fail_at, self.interrupt = 0, fail_at, interrupt
        patch_writes(monkeypatch, self._opening, self._os_opening, self._replacing, self._pwriting)

    def _full(self) -> bool:
        self.count += 1
        if self.interrupt and self.count == self.fail_at:  # Ctrl-C: once, before the write
            raise KeyboardInterrupt
        return not self.interrupt and self.fail_at is not None and self.count >= self.fail_at

    @staticmethod
    def _error(where=None) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), where if isinstance(where, (str, Path)) else None)

    def _opening(self, real):
        def opening(file, mode="r", *args, **kwargs):
            if any(c in mode for c in "wax+") and self._full():
                if "w" in mode:  # emptied, then nothing written
                    real(file, mode, *args, **kwargs).close()
                raise self._error(file)
            return real(file, mode, *args, **kwargs)

        return opening

    def _os_opening(self, real):
        def opening(path, flags, *args, **kwargs):
            if flags & WRITE_FLAGS and self._full():
                if flags & os.O_TRUNC:
                    os.close(real(path, flags, *args, **kwargs))
                raise self._error(path)
            return real(path, flags, *args, **kwargs)

        return opening

    def _pwriting(self, real):
        def pwriting(fd, data, offset):
            if self._full():
                real(fd, bytes(data[: len(data) // 2]), offset)
                raise self._error()
            return real(fd, data, offset)

        return pwriting

    def _replacing(self, real):
        def replacing(source, target, *args, **kwargs):
            if self._full():
                raise self._error(target)
            return real(source, target, *args, **kwargs)

        return replacing


def campaign_sites(tmp_path_factory, name: str, counter) -> tuple[Path, dict, dict, int]:
    """The fixture archive built whole and kept aside (content, output and cache), the edited
    archive's cold build, the original's cold build, and how many writes a rebuild after the
    edit makes, as COUNTER (``counter(monkeypatch)``, an object with a ``count``) counts them.
    Every case builds in the same folders (``case``): a rebuild reads the paths its last build
    recorded."""
    from support.site_build import FIXTURE_CONTENT

    base = tmp_path_factory.mktemp(name)
    case = base / "case"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(forked, "can_fork", lambda: False)  # one process: the k-th write is always the same one
        shutil.copytree(FIXTURE_CONTENT, case / "content")
        cold_original = site_files(full_build(case / "content", case / "output"))
        shutil.copytree(case, base / "kept", symlinks=True)
        change(case / "content")
        cold_edited = site_files(full_build(case / "content", base / "cold" / "output"))
        restore(base)
        change(case / "content")
        counted = counter(mp)
        full_build(case / "content", case / "output")
    assert counted.count > 20
    return base, cold_original, cold_edited, counted.count


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    return campaign_sites(tmp_path_factory, "disk-full", lambda mp: DiskFills(mp, None))


def restore(base: Path) -> Path:
    """The folders ``case`` as the whole build left them."""
    shutil.rmtree(base / "case")
    shutil.copytree(base / "kept", base / "case", symlinks=True)
    return base / "case"


def points(total: int) -> list[int]:
    """Fourteen write numbers from the first to the last a rebuild makes."""
    return sorted({1 + (total - 1) * i // 13 for i in range(14)})


@pytest.mark.slow
@pytest.mark.parametrize("interrupt", [False, True], ids=["full-disk", "ctrl-c"])
@pytest.mark.parametrize("undo", [False, True], ids=["then-built-again", "then-undone-and-built"])
@pytest.mark.parametrize("at", range(14))
def test_a_rebuild_stopped_by_a_full_disk_is_mended_by_the_next(sites, monkeypatch, undo, at, interrupt):
    """Stopped by a full disk or by Ctrl-C (a ``KeyboardInterrupt`` before the k-th write, which
    a build that is running turns into exit status 130, ``build_errors.interrupt``)."""
    base, cold_original, cold_edited, total = sites
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    case = restore(base)
    texts = {path: (path.read_bytes(), path.stat()) for path in (case / "content").rglob("*.md")}
    change(case / "content")
    with monkeypatch.context() as mp:
        DiskFills(mp, points(total)[at], interrupt)
        with pytest.raises((SystemExit, KeyboardInterrupt) if interrupt else OSError) as stopped:
            full_build(case / "content", case / "output")
    if not interrupt:
        assert stopped.value.errno == errno.ENOSPC
    elif isinstance(stopped.value, SystemExit):  # inside ``Pelican.run``; before it (the
        assert stopped.value.code == 130  # plugins' set-up) Pelican's command says it
    if undo:
        for path, (data, stat) in texts.items():  # as a backup restored with its times (``cp -p``)
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = site_files(full_build(case / "content", case / "output"))
    expected = cold_original if undo else cold_edited
    assert sorted(after) == sorted(expected)
    assert [name for name in expected if after[name] != expected[name]] == []


def test_the_write_points_cover_a_rebuild():
    assert points(100) == [1, 8, 16, 23, 31, 39, 46, 54, 61, 69, 77, 84, 92, 100]
    assert points(14) == list(range(1, 15))


def pelican_command(content: Path, output: Path, *settings: str) -> list[str]:
    overrides = [f"CACHE_PATH={json.dumps(str(output.parent / 'cache'))}", *settings]
    site = ["-o", str(output), "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors"]
    return [sys.executable, "-m", "pelican", str(content), *site, "-e", *overrides]


FILLED_RUN = """
import sys
sys.path[:0] = [{tests!r}]
import pytest
from test_disk_full import DiskFills
DiskFills(pytest.MonkeyPatch(), {fail_at}, {interrupt})
from pelican import main
main(sys.argv[1:])
"""


@pytest.mark.slow
@pytest.mark.parametrize(("fail_at", "handler"), [(40, "plain"), (400, "plain"), (40, "rich")])
def test_the_pelican_command_says_the_disk_is_full_in_one_line(tmp_path, fail_at, handler):
    """A build of the sample archive whose disk fills at its 40th or 400th write: the exit
    status 1 and one critical record naming the folders' room, no traceback; with Pelican's
    plain log handler the record is one line, with its default (rich) one it is laid out in
    columns, wrapped and cut to the terminal's width."""
    code = FILLED_RUN.format(tests=str(ROOT / "tests"), fail_at=fail_at, interrupt=False)
    site = pelican_command(ROOT / "content", tmp_path / "output")[3:]
    command = [sys.executable, "-c", code, *site, "--log-handler", handler]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, COLUMNS="400"))
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "Traceback" not in shown and "OSError" not in shown
    [line] = [line for line in shown.splitlines() if "The build stopped" in line]
    assert "The build stopped: no space left on the disk writing " in line
    assert shown.count("CRITICAL") == (handler == "rich")  # the plain handler shows no level
    if handler == "plain":
        assert f"for output ({tmp_path / 'output'}) and cache ({tmp_path / 'cache'})." in line
        assert line.endswith("what was written is kept, and the next run finishes the rest.")


@pytest.fixture()
def small_disk(tmp_path):
    """A tmpfs of 1.5 MB mounted at a folder (root only: skipped elsewhere), unmounted after."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here (root only): {mounted.stderr.decode(errors='replace')}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
def test_a_real_full_disk_then_room_made_gives_a_cold_builds_site(tmp_path, small_disk):
    """The sample archive built onto a disk too small for it: the command ends with the one
    line; with the disk grown, the same command writes the site a cold build writes."""
    output = small_disk / "output"
    wide = dict(os.environ, COLUMNS="400")  # the log's lines unwrapped
    stopped = subprocess.run(
        pelican_command(ROOT / "content", output), cwd=ROOT, capture_output=True, text=True, env=wide
    )
    shown = stopped.stdout + stopped.stderr
    assert stopped.returncode == 1, shown
    assert "no space left on the disk" in shown and "Traceback" not in shown
    subprocess.run(["mount", "-o", "remount,size=300m", str(small_disk)], check=True)
    again = subprocess.run(pelican_command(ROOT / "content", output), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    cold = tmp_path / "cold" / "output"
    subprocess.run(pelican_command(ROOT / "content", cold), cwd=ROOT, capture_output=True, check=True)
    after, expected = site_files(output), site_files(cold)
    assert sorted(after) == sorted(expected)
    assert [name for name in expected if after[name] != expected[name]] == []
