"""Pages known to be in the output by their folder's stamp (``dirstamps``): a folder as the
last build left it holds every file it held; any change to its entries sends its pages back to
a check a file at a time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bulletins.plugins.incremental import dirstamps, writer
from bulletins.site import output_files
from support.site_build import build_fixture_site

HOUR_NS = 3_600 * 10**9


def age(folder: Path, ns: int = HOUR_NS) -> None:
    """FOLDER and every folder below it last changed NS ago."""
    then = time.time_ns() - ns
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        os.utime(path, ns=(then, then))


@pytest.mark.parametrize(
    ("changed_ago_ns", "recorded"),
    [(HOUR_NS, True), (dirstamps.RACY_NS + 10**6, True), (dirstamps.RACY_NS - 10**8, False), (0, False)],
    ids=["an-hour-ago", "just-past-the-racy-window", "inside-the-racy-window", "now"],
)
def test_a_folder_changed_just_before_the_record_is_not_recorded(tmp_path, changed_ago_ns, recorded):
    (tmp_path / "a").mkdir()
    now = time.time_ns()
    os.utime(tmp_path / "a", ns=(now - changed_ago_ns, now - changed_ago_ns))
    found = dirstamps.stamps(str(tmp_path), ["a", "missing"], now)
    assert ("a" in found) is recorded
    assert "missing" not in found


@pytest.mark.parametrize(
    ("change", "unchanged"),
    [
        pytest.param(lambda f: None, True, id="untouched"),
        pytest.param(
            lambda f: (f / "page.html").write_text("new bytes", encoding="utf-8"), True, id="written-in-place"
        ),
        pytest.param(lambda f: (f / "page.html").unlink(), False, id="a-file-removed"),
        pytest.param(lambda f: (f / "other.html").write_text("x", encoding="utf-8"), False, id="a-file-added"),
        pytest.param(lambda f: (f / "page.html").rename(f / "moved.html"), False, id="a-file-renamed"),
        pytest.param(lambda f: os.rename(f, f.with_name("gone")) or f.mkdir(), False, id="the-folder-replaced"),
    ],
)
def test_a_folder_is_unchanged_only_while_its_entries_are(tmp_path, change, unchanged):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    (folder / "page.html").write_text("bytes", encoding="utf-8")
    age(folder)
    recorded = dirstamps.stamps(str(tmp_path), ["bulletins"], time.time_ns())
    change(folder)
    folders = dirstamps.Folders(str(tmp_path), recorded)
    assert folders.unchanged("bulletins") is unchanged
    assert folders.unchanged("bulletins") is unchanged  # asked again: the answer kept
    assert not folders.unchanged("never-recorded")


@pytest.mark.parametrize("recorded", [None, [], {"bulletins": "x"}, {"bulletins": [1]}], ids=str)
def test_a_damaged_record_trusts_no_folder(tmp_path, recorded):
    (tmp_path / "bulletins").mkdir()
    assert not dirstamps.Folders(str(tmp_path), recorded).unchanged("bulletins")


def pages_record(out: Path) -> dict:
    return output_files.read_table(out.parent / "cache" / "bulletins-pages.marshal")


def test_a_page_removed_from_an_unchanged_looking_folder_shows_the_stamp_is_used(tmp_path):
    """Built, its folders aged, built again (which records them); then a page is removed and its
    folder's mtime put back as recorded: the next build trusts the folder and does not write the
    page again (the check a file at a time would have). Removed without putting the mtime back,
    the page is written again."""
    out = build_fixture_site(tmp_path / "output")
    age(out)
    build_fixture_site(out)
    folders = pages_record(out)[writer.FOLDERS_KEY]
    page = next(out.glob("bulletins/*/*/*.html"))
    folder = page.parent.relative_to(out).as_posix()
    assert folder in folders
    stat = page.parent.stat()
    page.unlink()
    os.utime(page.parent, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    build_fixture_site(out)
    assert not page.exists()  # trusted by its stamp, as a racy change would be
    page.parent.joinpath("other.html").write_text("x", encoding="utf-8")  # the folder changes
    build_fixture_site(out)
    assert page.is_file()
