"""``FolderStats`` answers as ``os.stat`` of the joined path does, and leaves no folder open."""

from __future__ import annotations

import os

import pytest

from bulletins.site import folderstat
from bulletins.site.folderstat import FolderStats
from bulletins.site.opendata_state import file_stamp


def _answer(look, relpath):
    try:
        st = look(relpath)
    except OSError as err:
        return type(err).__name__
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "page.html").write_text("页面", encoding="utf-8")
    (tmp_path / "a" / "b" / "x.ris").write_text("TY  - GEN", encoding="utf-8")
    (tmp_path / "top.txt").write_text("t", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "far.bib").write_text("@misc{}", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "a" / "link.html").symlink_to(tmp_path / "a" / "page.html")
    (tmp_path / "a" / "dangling.html").symlink_to(tmp_path / "a" / "gone.html")
    return tmp_path


CASES = [
    "a/page.html",
    "a/b/x.ris",
    "top.txt",
    "linked/far.bib",  # a linked folder, followed
    "a/link.html",  # a link to a file, followed
    "a/dangling.html",  # a dangling link
    "a/missing.bib",  # no such file
    "nowhere/x.ris",  # no such folder
    "top.txt/x.ris",  # a file where a folder should be
    "a/b",  # a folder
    "名字/文件.json",
]


@pytest.mark.parametrize("by_fd", [True, False])
def test_answers_are_those_of_stat_by_path(tree, by_fd, monkeypatch):
    monkeypatch.setattr(folderstat, "BY_FD", by_fd and folderstat.BY_FD)
    with FolderStats(str(tree)) as stats:
        for relpath in CASES * 2:  # the second time from the folders already open
            assert _answer(stats.stat, relpath) == _answer(lambda r: os.stat(tree / r), relpath), relpath


def test_no_folder_is_left_open(tree, monkeypatch):
    monkeypatch.setattr(folderstat, "MOST_OPEN", 3)
    for i in range(10):
        (tree / f"d{i}").mkdir()
        (tree / f"d{i}" / "f.html").write_text(str(i), encoding="utf-8")
    before = len(os.listdir("/proc/self/fd"))
    stats = FolderStats(str(tree))
    sizes = [stats.stat(f"d{i}/f.html").st_size for i in range(10)]
    assert sizes == [1] * 10 and len(stats.folders) <= 3
    assert len(os.listdir("/proc/self/fd")) <= before + 3
    stats.close()
    assert len(os.listdir("/proc/self/fd")) == before and not stats.folders
    abandoned = FolderStats(str(tree))
    abandoned.stat("a/page.html")
    del abandoned  # a user that stopped before closing: closed when it goes
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("by_fd", [True, False])
def test_stamps_are_those_of_file_stamp(tree, by_fd, monkeypatch):
    monkeypatch.setattr(folderstat, "BY_FD", by_fd and folderstat.BY_FD)
    cases = [*CASES, "a/nul\0name.md", "/absolute/elsewhere.md"]
    with FolderStats(str(tree)) as stats:
        for relpath in cases * 2:
            try:
                expected = file_stamp(os.path.join(tree, relpath))
            except ValueError:  # a NUL in the path: no such file, never an error
                expected = None
            assert stats.stamp(relpath) == expected, relpath
    assert stats.stamp("a/page.html") == [len("页面".encode()), os.stat(tree / "a" / "page.html").st_mtime_ns]


@pytest.mark.parametrize("by_fd", [True, False])
def test_stamps_ahead_answer_as_stamp_does(tree, by_fd, monkeypatch):
    """Names known beforehand (found or not, asked or not) and names not known: each answered
    as ``stamp`` answers it, the known ones from one pass at the first ask."""
    monkeypatch.setattr(folderstat, "BY_FD", by_fd and folderstat.BY_FD)
    known = ["a/b/x.ris", "top.txt", "a/missing.bib", "a/page.html", "nowhere/x.ris", "a/dangling.html"]
    known.append("never/asked.md")
    asked = [*CASES, "a/nul\0name.md", "a/page.html"]  # a known name asked twice
    with FolderStats(str(tree)) as stats, FolderStats(str(tree)) as plain:
        ahead = folderstat.StampsAhead(stats, known)
        assert [ahead.stamp(name) for name in asked] == [plain.stamp(name) for name in asked]
        assert ahead.found == {"never/asked.md": None}  # the known names asked were let go


def test_stamps_ahead_are_taken_folder_by_folder(tmp_path, monkeypatch):
    """Names given in no order of folders (as Pelican reads its articles, from a set): each
    folder opened once, where asking one by one reopens nearly every time."""
    monkeypatch.setattr(folderstat, "MOST_OPEN", 2)
    names = [f"d{f}/{n}.md" for n in range(20) for f in range(5)]  # folder after folder, over and over
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(folderstat.os, "open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k))
    with FolderStats(str(tmp_path)) as stats:
        ahead = folderstat.StampsAhead(stats, set(names))
        stamps = [ahead.stamp(name) for name in names]
    assert stamps == [file_stamp(str(tmp_path / name)) for name in names]
    assert len(opened) == (5 if folderstat.BY_FD else 0)
    opened.clear()
    with FolderStats(str(tmp_path)) as stats:
        [stats.stamp(name) for name in names]
    assert len(opened) == (100 if folderstat.BY_FD else 0)
