"""The manifest's last walk from the kernel's reports (``fixity_watch``) lists what
``walk_sorted`` lists at that moment, after any change made since the folders were watched;
anything unreported makes it give up (the walk is then made whole)."""

from __future__ import annotations

import os
import random
import shutil

import pytest

from bulletins.site import fixity_watch, leftovers
from bulletins.site.fixity import MANIFEST, walk_sorted

pytestmark = pytest.mark.skipif(not fixity_watch.available(), reason="no inotify on this system")

EXCLUDED = (MANIFEST, f".{MANIFEST}.tmp")
REMOVED = leftovers.is_output_temporary
WHOLE = fixity_watch.Span(EXCLUDED, None, None, REMOVED)
RANGES = [(None, None), ("b/", None), (None, "b/m.html"), ("a/b/", "c/"), ("a/b/x.html", "b/k/")]


def make_tree(root):
    for rel in ["index.html", MANIFEST, "a/x.html", "a/b/x.html", "a/b/y.ris", "a/c/z.json", "b/m.html", "b/k/n.html"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"页面 {rel}", encoding="utf-8")
    (root / "c").mkdir()
    (root / "c" / "deep" / "er").mkdir(parents=True)
    (root / "c" / "deep" / "er" / "f.txt").write_text("f", encoding="utf-8")


def _touch(path, text="新的内容，长一些"):
    path.write_text(text, encoding="utf-8")


CHANGES = {
    "nothing": lambda root, outside: None,
    "a page rewritten": lambda root, outside: _touch(root / "a" / "b" / "x.html"),
    "same bytes, new time": lambda root, outside: os.utime(root / "b" / "m.html", ns=(1, 1)),
    "a file added": lambda root, outside: _touch(root / "a" / "b" / "new.html"),
    "a file added at the top": lambda root, outside: _touch(root / "zz.html"),
    "a file removed": lambda root, outside: (root / "a" / "c" / "z.json").unlink(),
    "a file renamed into place": lambda root, outside: (
        _touch(root / "b" / ".m.html.tmp"),
        os.replace(root / "b" / ".m.html.tmp", root / "b" / "m.html"),
    ),
    "a temporary left": lambda root, outside: _touch(root / "a" / ".half.html.tmp"),
    "the manifest's own names": lambda root, outside: (_touch(root / MANIFEST), _touch(root / EXCLUDED[1])),
    "a folder added": lambda root, outside: (
        (root / "a" / "new" / "in").mkdir(parents=True),
        _touch(root / "a" / "new" / "in" / "p.html"),
        _touch(root / "a" / "new" / ".q.tmp"),
    ),
    "a folder removed": lambda root, outside: shutil.rmtree(root / "a" / "b"),
    "a folder renamed": lambda root, outside: os.rename(root / "c" / "deep", root / "c" / "moved"),
    "a folder renamed, then written in": lambda root, outside: (
        os.rename(root / "a" / "b", root / "b" / "was-a-b"),
        _touch(root / "b" / "was-a-b" / "x.html", "后来写的"),
    ),
    "a file becomes a folder": lambda root, outside: (
        (root / "b" / "m.html").unlink(),
        (root / "b" / "m.html").mkdir(),
        _touch(root / "b" / "m.html" / "inner.html"),
    ),
    "a folder becomes a file": lambda root, outside: (shutil.rmtree(root / "b" / "k"), _touch(root / "b" / "k")),
    "a link to a file outside, its target changed": lambda root, outside: _touch(outside, "目标变了，变长了许多"),
    "a link to a folder added": lambda root, outside: os.symlink(root / "a", root / "b" / "linked"),
    "a dangling link": lambda root, outside: os.symlink(root / "gone", root / "a" / "dangling.html"),
    "mode changed": lambda root, outside: os.chmod(root / "index.html", 0o600),
}


def _site(tmp_path):
    root = tmp_path / "site"
    make_tree(root)
    outside = tmp_path / "elsewhere.txt"
    _touch(outside, "目标")
    os.symlink(outside, root / "a" / "link.html")
    return root, outside


def _patched(root, start, stop, change):
    watch = fixity_watch.Watch.start(root)
    try:
        span = fixity_watch.Span(EXCLUDED, start, stop, REMOVED)
        walked = fixity_watch.prewalk(root, watch, span)
        assert list(walked) == list(walk_sorted(root, EXCLUDED, start, stop))  # nothing removed yet
        change()
        found = fixity_watch.patched(root, walked, watch, span)
        return (None if found is None else list(found)), watch
    finally:
        watch.close()


@pytest.mark.parametrize(("start", "stop"), RANGES)
@pytest.mark.parametrize("name", list(CHANGES))
def test_the_listing_is_the_walks_after_a_change(tmp_path, name, start, stop):
    root, outside = _site(tmp_path)
    found, _ = _patched(root, start, stop, lambda: CHANGES[name](root, outside))
    assert found == list(walk_sorted(root, EXCLUDED, start, stop, REMOVED))
    left = [p.relative_to(root).as_posix() for p in root.rglob("*.tmp") if p.name != EXCLUDED[1]]
    assert not [rel for rel in left if (start is None or rel >= start) and (stop is None or rel < stop)]  # removed


def test_only_what_was_reported_is_looked_up_again(tmp_path, monkeypatch):
    """A page rewritten: its name and the linked file are looked up; no folder is walked."""
    root, _ = _site(tmp_path)
    looked: list[str] = []
    real = fixity_watch._looked_up
    monkeypatch.setattr(fixity_watch, "_looked_up", lambda r, rel, removed: looked.append(rel) or real(r, rel, removed))
    monkeypatch.setattr(fixity_watch, "_walk_tree", lambda *a: pytest.fail("a folder walked whole"))
    found, watch = _patched(root, None, None, lambda: _touch(root / "a" / "b" / "x.html"))
    assert sorted(looked) == ["a/b/x.html", "a/link.html"] and not watch.trees
    assert found == list(walk_sorted(root, EXCLUDED))


OPS = ["write", "append", "remove", "rename", "mkdir", "rmtree", "rename_dir", "temporary", "utime"]


def _random_change(rng: random.Random, root, tick: list[int]) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    folders = sorted(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())
    op, tick[0] = rng.choice(OPS), tick[0] + 1
    folder = rng.choice(folders) if folders else root
    if op == "write" or not files:
        _touch(folder / f"f{rng.randrange(8)}.html", "内容" * rng.randrange(1, 5))
    elif op == "append":
        with open(rng.choice(files), "a", encoding="utf-8") as fh:
            fh.write("又")
    elif op == "remove":
        rng.choice(files).unlink()
    elif op == "rename":
        os.replace(rng.choice(files), folder / f"r{rng.randrange(8)}.json")
    elif op == "mkdir":
        made = folder / f"d{tick[0]}"
        made.mkdir()
        _touch(made / "i.html")
    elif op == "rmtree" and folders:
        shutil.rmtree(rng.choice(folders))
    elif op == "rename_dir" and len(folders) > 1:
        source, target = rng.sample(folders, 2)
        if not str(target).startswith(str(source)):
            os.rename(source, target / f"m{tick[0]}")
    elif op == "temporary":
        _touch(folder / f".t{rng.randrange(4)}.tmp")
    elif files:
        os.utime(rng.choice(files), ns=(tick[0], tick[0]))


@pytest.mark.parametrize("seed", range(40))
def test_a_seeded_campaign_of_changes(tmp_path, monkeypatch, seed):
    """Up to 30 random changes (files and folders written, removed, renamed, temporaries left)
    between the watch and the walk, over each range: the listing is the walk's (held in chunks
    of 1 to 5 files, so that changes fall at a chunk's edges too)."""
    rng = random.Random(seed)
    monkeypatch.setattr(fixity_watch, "CHUNK", 1 + seed % 5)
    for start, stop in RANGES:
        root = tmp_path / f"{seed}-{start}-{stop}".replace("/", "_")
        make_tree(root)
        tick = [0]

        def changes(root=root, tick=tick):
            for _ in range(rng.randrange(1, 31)):
                _random_change(rng, root, tick)

        found, watch = _patched(root, start, stop, changes)
        assert found is not None and not watch.lost
        assert found == list(walk_sorted(root, EXCLUDED, start, stop, REMOVED)), (seed, start, stop)


def test_a_temporary_there_before_the_listing_is_removed_at_the_end(tmp_path):
    """A killed build's temporary, listed ahead and not reported since: removed by the last walk
    as the whole walk removes it, and not listed."""
    root, _ = _site(tmp_path)
    _touch(root / "a" / "b" / ".left.html.tmp")
    found, _ = _patched(root, None, None, lambda: None)
    assert not (root / "a" / "b" / ".left.html.tmp").exists()
    assert found == list(walk_sorted(root, EXCLUDED, None, None, REMOVED))


@pytest.mark.parametrize("most", [4, 8])
def test_too_many_files_to_hold_give_the_walk_back(tmp_path, monkeypatch, most):
    """The site has 9 files the whole walk lists: 4 or 8 at most held is too few."""
    monkeypatch.setattr(fixity_watch, "MOST_LISTED", most)
    root, _ = _site(tmp_path)
    assert len(list(walk_sorted(root, EXCLUDED))) == 9
    watch = fixity_watch.Watch.start(root)
    assert fixity_watch.prewalk(root, watch, WHOLE) is None
    watch.close()


def test_as_many_files_as_may_be_held_are_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(fixity_watch, "MOST_LISTED", 9)
    root, _ = _site(tmp_path)
    watch = fixity_watch.Watch.start(root)
    walked = fixity_watch.prewalk(root, watch, WHOLE)
    assert walked is not None and len(walked) == 9
    assert list(walked) == list(walk_sorted(root, EXCLUDED))
    watch.close()


ENTRIES = [
    ("a/b.html", 0, 0),
    ("a/页面 一.html", 2**40, -(10**18)),  # a name of Han and a space, a time before 1970
    ("a/c\udcff.json", 7, 2**63 - 1),  # a name of undecodable bytes (surrogateescape), the last time
    ("a/d\n.html", 1, 1),  # a line break in a name
    ("b/𠀀.txt", 3, 1_700_000_000_123_456_789),
    ("c.html", 5, 5),
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 4096])
def test_a_listing_gives_back_every_entry_as_it_was_appended(monkeypatch, chunk):
    monkeypatch.setattr(fixity_watch, "CHUNK", chunk)
    listing = fixity_watch.Listing()
    for entry in ENTRIES:
        listing.append(*entry)
    assert len(listing) == len(ENTRIES)
    assert list(listing) == ENTRIES
    assert list(listing) == ENTRIES  # iterated again: the same
    listing.append("d.html", 9, 9)  # appended after it was iterated
    assert list(listing) == [*ENTRIES, ("d.html", 9, 9)] and len(listing) == len(ENTRIES) + 1


def test_an_empty_listing_gives_nothing():
    assert list(fixity_watch.Listing()) == [] and len(fixity_watch.Listing()) == 0


def test_too_many_changes_give_the_walk_back(tmp_path, monkeypatch):
    monkeypatch.setattr(fixity_watch, "MOST_CHANGED", 3)
    root, _ = _site(tmp_path)
    found, watch = _patched(root, None, None, lambda: [_touch(root / f"n{i}.html") for i in range(5)])
    assert found is None and watch.lost


def test_a_folder_that_cannot_be_watched_gives_the_walk_back(tmp_path):
    root, _ = _site(tmp_path)
    watch = fixity_watch.Watch.start(root)
    real = watch.libc

    class Refusing:
        def __getattr__(self, name):
            return getattr(real, name)

        def inotify_add_watch(self, fd, path, mask):
            return -1 if path.endswith(b"/b/") else real.inotify_add_watch(fd, path, mask)

    watch.libc = Refusing()
    assert fixity_watch.prewalk(root, watch, WHOLE) is None
    watch.close()


def test_a_lost_report_gives_the_walk_back(tmp_path):
    """The kernel's queue overflowed (an event of no watch): nothing is trusted."""
    root, _ = _site(tmp_path)
    watch = fixity_watch.Watch.start(root)
    walked = fixity_watch.prewalk(root, watch, WHOLE)
    watch._parse(fixity_watch._EVENT.pack(-1, fixity_watch.OVERFLOW, 0, 0))
    assert fixity_watch.patched(root, walked, watch, WHOLE) is None
    watch.close()


def test_the_output_folder_itself_removed_gives_the_walk_back(tmp_path):
    root, _ = _site(tmp_path)
    found, watch = _patched(root, None, None, lambda: shutil.rmtree(root))
    assert found is None and watch.lost


def test_no_inotify_no_watch(monkeypatch):
    monkeypatch.setattr(fixity_watch, "_libc", lambda: None)
    assert not fixity_watch.available()
