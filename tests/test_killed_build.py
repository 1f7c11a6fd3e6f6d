"""A build killed outright (``kill -9``, the machine's power, the out-of-memory killer): no
handler runs, so whatever the build had half-made stays where it was. The next build must
still write a cold build's site, byte for byte, and leave nothing of the killed one behind:
no temporary file in the output (it would be published, and listed in the manifest), none in
the cache (the search index's spilled runs are tens of megabytes at 100,000 bulletins).

The campaign kills a rebuild (one process, so the k-th write is always the same one) at its
k-th file write, at the worst moment for each kind: just after a file is opened for writing
(it is there and empty), or just before a temporary file is renamed into place (it is whole,
beside the file it was to replace).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.site import fixity, leftovers
from support.shared import ROOT
from test_disk_full import WRITE_FLAGS, campaign_sites, change, patch_writes, restore
from test_rebuild_equals_cold import full_build, site_files


class KilledAt:
    """Counts the build's file writes (opened for writing, renamed into place) and kills the
    process with SIGKILL at the AT-th: after the opening, before the renaming."""

    def __init__(self, monkeypatch, at: int | None):
        self.count, self.at = 0, at
        patch_writes(monkeypatch, self._opening, self._os_opening, self._replacing)

    def _tick(self) -> None:
        self.count += 1
        if self.count == self.at:
            os.kill(os.getpid(), signal.SIGKILL)

    def _opening(self, real):
        def opening(file, mode="r", *args, **kwargs):
            opened = real(file, mode, *args, **kwargs)
            if any(c in mode for c in "wax+"):
                self._tick()
            return opened

        return opening

    def _os_opening(self, real):
        def opening(path, flags, *args, **kwargs):
            fd = real(path, flags, *args, **kwargs)
            if flags & WRITE_FLAGS:
                self._tick()
            return fd

        return opening

    def _replacing(self, real):
        def replacing(source, target, *args, **kwargs):
            self._tick()
            return real(source, target, *args, **kwargs)

        return replacing


KILLED_RUN = """
import sys
sys.path[:0] = [{tests!r}]
from pathlib import Path
import pytest
from bulletins.plugins.incremental import forked
from test_killed_build import KilledAt
from test_rebuild_equals_cold import full_build
patch = pytest.MonkeyPatch()
patch.setattr(forked, "can_fork", lambda: False)
KilledAt(patch, {at})
full_build(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def killed_build(case: Path, at: int) -> int:
    """A build of CASE's content killed at its AT-th write: its exit status (-9 when killed)."""
    code = KILLED_RUN.format(tests=str(ROOT / "tests"), at=at)
    command = [sys.executable, "-c", code, str(case / "content"), str(case / "output")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, -signal.SIGKILL), done.stderr[-4000:]
    return done.returncode


def left_behind(case: Path) -> list[str]:
    """What a build should never leave: temporary files and the search index's spill folders."""
    return sorted(
        p.relative_to(case).as_posix()
        for p in case.rglob("*")
        if p.name.endswith(".tmp") or ".tmp." in p.name or p.name.startswith(".search-runs-") or ".part" in p.name
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """As ``test_disk_full``'s, the writes counted as ``KilledAt`` counts them."""
    return campaign_sites(tmp_path_factory, "killed", lambda mp: KilledAt(mp, None))


POINTS = 12


def kill_points(total: int) -> list[int]:
    """POINTS write numbers spread from the first to the last a rebuild makes."""
    return sorted({1 + (total - 1) * i // (POINTS - 1) for i in range(POINTS)})


@pytest.mark.slow
@pytest.mark.parametrize("undo", [False, True], ids=["then-built-again", "then-undone-and-built"])
@pytest.mark.parametrize("at", range(POINTS))
def test_a_rebuild_killed_at_any_write_is_mended_by_the_next(sites, undo, at):
    base, cold_original, cold_edited, total = sites
    case = restore(base)
    texts = {path: (path.read_bytes(), path.stat()) for path in (case / "content").rglob("*.md")}
    change(case / "content")
    assert killed_build(case, kill_points(total)[at]) == -signal.SIGKILL
    if undo:
        for path, (data, stat) in texts.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = site_files(full_build(case / "content", case / "output"))
    expected = cold_original if undo else cold_edited
    assert left_behind(case) == []
    assert sorted(after) == sorted(expected)
    assert [name for name in expected if after[name] != expected[name]] == []


def test_a_killed_builds_temporaries_are_neither_published_nor_kept(tmp_path):
    """What a killed build leaves at the worst moments, put there by hand: a page's temporary
    file beside its page, a folder of spilled search runs and a half-written cache file. The
    next build removes them, and the manifest does not list the page's temporary file."""
    from support.site_build import FIXTURE_CONTENT

    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    output = full_build(tmp_path / "content", tmp_path / "output")
    page = next(output.glob("bulletins/*/*/*.html"))
    left = [
        page.with_name(f".{page.name}.tmp"),
        tmp_path / "cache" / ".search-runs-x1y2z3" / "run-00000",
        tmp_path / "cache" / ".bulletins-pages.marshal.tmp",
        tmp_path / "cache" / ".bulletins-articles.cache.part0-4242",
    ]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.read_bytes()[:100])
    full_build(tmp_path / "content", output)
    assert left_behind(tmp_path) == []
    manifest = (output / fixity.MANIFEST).read_text(encoding="utf-8")
    assert ".tmp" not in manifest and page.name in manifest


@pytest.mark.parametrize(
    ("name", "temporary"),
    [
        (".index.html.tmp", True),
        (".manifest-sha256.txt.tmp", True),
        (".tmp", False),  # no name before it: not one of ours
        ("index.html", False),
        ("report.tmp", False),  # a publisher's file: ours begin with a dot
        (".htaccess", False),
        (".well-known.tmpl", False),
    ],
)
def test_which_output_files_are_a_builds_temporaries(name, temporary):
    assert leftovers.is_output_temporary(name) is temporary


@pytest.mark.parametrize(
    ("name", "is_dir", "leftover"),
    [
        (".search-runs-s1oxkyah", True, True),
        (".search-runs-s1oxkyah", False, False),
        ("search-postings.marshal.run.tmp", False, True),
        (".bulletins-fixity.txt.tmp.0", False, True),
        (".bulletins-fixity.txt.tmp.manifest.1", False, True),
        ("search-tokens-new.tmp", False, True),
        (".bulletins-articles.cache.part1-48213", False, True),
        ("bulletins-articles.cache", False, False),
        (".bulletins-articles.cache.part1", False, False),  # not a fork's: no process id
        (".bulletins-build.lock", False, False),
        ("bulletins-pages.marshal.writing", False, False),  # the page journal: the next build reads it
        ("bulletins-theme-static", True, False),
    ],
)
def test_which_cache_entries_a_build_removes_before_it_starts(name, is_dir, leftover):
    assert leftovers.is_cache_leftover(name, is_dir) is leftover


def test_without_locks_a_build_removes_nothing_from_the_cache(tmp_path, monkeypatch):
    """Where builds cannot be serialised, another may be writing its temporaries."""
    from bulletins.plugins.build_errors import buildlock

    spill = tmp_path / ".search-runs-abc"
    spill.mkdir()
    monkeypatch.setattr(buildlock, "fcntl", None)
    assert buildlock._locked_run(lambda: "built", str(tmp_path))() == "built"
    assert spill.is_dir()
    monkeypatch.undo()
    assert buildlock._locked_run(lambda: "built", str(tmp_path))() == "built"
    assert not spill.exists()
