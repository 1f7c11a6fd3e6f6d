"""The build's manifest made as a stream (``fixity_stream``) equals the one made from every
file's hash (``fixity.render_manifest(fixity.hash_tree(...))``) after any change to the output
or to the cache, and reads only the files whose size or mtime changed."""

from __future__ import annotations

import hashlib
import os
import random

import pytest

from bulletins import sealed
from bulletins.site import fixity, fixity_stream
from bulletins.site.fixity import walk_sorted
from bulletins.site.fixity_stream import TRAILER, update_manifest

# Names whose order as paths differs from a folder-by-folder walk: "-" and "." sort before
# "/", " " before both; a backslash and a line break are escaped in the manifest.
TRICKY = ["a", "a-b", "a.b", "a b", "ab", "ä", "中文", "z", "a\\b", "x\ny", "x\ry", "0"]


def make_tree(root, names=TRICKY):
    for name in names:
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "index.html").write_bytes(f"<p>{name}</p>".encode())
        (root / f"{name}.html").write_bytes(name.encode())
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "a" / "b" / "c" / "d.txt").write_bytes(b"deep")
    (root / "empty").mkdir()


def expected(root) -> str:
    return fixity.render_manifest(fixity.hash_tree(root))


def manifest_text(root) -> str:
    return (root / fixity.MANIFEST).read_bytes().decode("utf-8")


def test_the_walk_comes_out_in_sorted_order(tmp_path):
    make_tree(tmp_path)
    os.symlink(tmp_path / "a.html", tmp_path / "link.html")
    os.symlink(tmp_path / "a", tmp_path / "linked-folder")
    walked = [path for path, _, _ in walk_sorted(tmp_path)]
    assert walked == sorted(fixity.scan_tree(tmp_path)) and len(walked) == 2 * len(TRICKY) + 2
    assert "link.html" in walked and not any(p.startswith("linked-folder") for p in walked)
    stamps = fixity.scan_tree(tmp_path)
    assert all(stamps[p] == (size, mtime) for p, size, mtime in walk_sorted(tmp_path))


def walked_both_ways(root, monkeypatch, **options) -> tuple[list, list]:
    by_fd = list(walk_sorted(root, **options))
    with monkeypatch.context() as patched:
        patched.setattr(fixity._Folders, "BY_FD", False)
        by_path = list(walk_sorted(root, **options))
    return by_fd, by_path


def test_a_walk_by_folder_descriptors_finds_what_a_walk_by_paths_finds(tmp_path, monkeypatch):
    if not fixity._Folders.BY_FD:
        pytest.skip("this system cannot scan a folder by its descriptor")
    make_tree(tmp_path)
    os.symlink(tmp_path / "a.html", tmp_path / "a" / "b" / "link.html")
    os.symlink(tmp_path / "a", tmp_path / "a-b" / "linked-folder")
    os.symlink(tmp_path / "gone", tmp_path / "a.b" / "dangling.html")
    by_fd, by_path = walked_both_ways(tmp_path, monkeypatch)
    assert by_fd == by_path and len(by_fd) == 2 * len(TRICKY) + 2
    assert "a/b/link.html" in [p for p, _, _ in by_fd]
    for name in ("a/b/.page.html.tmp", "z/.other.tmp"):
        (tmp_path / name).write_bytes(b"left by a killed build")
    by_fd = list(walk_sorted(tmp_path, removed=lambda name: name.endswith(".tmp")))
    assert by_fd == by_path
    assert not (tmp_path / "a/b/.page.html.tmp").exists() and not (tmp_path / "z/.other.tmp").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc/self/fd")
def test_a_walk_leaves_no_folder_open_however_it_ends(tmp_path):
    make_tree(tmp_path)
    before = len(os.listdir("/proc/self/fd"))
    assert len(list(walk_sorted(tmp_path))) == 2 * len(TRICKY) + 1
    assert len(list(walk_sorted(tmp_path, stop="a/b/c/d.txt"))) > 0  # returns from inside three folders
    abandoned = walk_sorted(tmp_path)
    assert next(abandoned)[0] == "0.html" and next(abandoned)[0] == "0/index.html"
    abandoned.close()
    with pytest.raises(FileNotFoundError):
        list(walk_sorted(tmp_path / "absent"))
    assert len(os.listdir("/proc/self/fd")) == before


def touch_later(path, data: bytes) -> None:
    path.write_bytes(data)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


STEPS = [
    # (id, step, changed, hashed, manifest written)
    ("nothing", lambda root, cache: None, False, 0, False),
    ("same-bytes-rewritten", lambda root, cache: touch_later(root / "a.html", b"a"), False, 1, False),
    ("bytes-changed", lambda root, cache: touch_later(root / "a.html", b"A"), True, 1, True),
    ("same-size-other-bytes", lambda root, cache: touch_later(root / "z.html", b"Z"), True, 1, True),
    ("file-added", lambda root, cache: (root / "a-b" / "new.html").write_bytes(b"n"), True, 1, True),
    ("file-added-first", lambda root, cache: (root / "!.html").write_bytes(b"n"), True, 1, True),
    ("file-added-last", lambda root, cache: (root / "zz" / "x").mkdir(parents=True), False, 0, False),
    ("last-file-removed", lambda root, cache: (root / "中文.html").unlink(), True, 0, True),
    ("first-file-removed", lambda root, cache: (root / "0.html").unlink(), True, 0, True),
    ("folder-removed", lambda root, cache: [p.unlink() for p in (root / "a" / "b" / "c").iterdir()], True, 0, True),
    ("manifest-edited", lambda root, cache: (root / fixity.MANIFEST).write_text("x"), False, 0, True),
    ("manifest-removed", lambda root, cache: (root / fixity.MANIFEST).unlink(), False, 0, True),
]


@pytest.mark.parametrize(("step", "changed", "hashed", "written"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_a_rebuild_reads_only_what_changed_and_writes_the_same_manifest(tmp_path, step, changed, hashed, written):
    root, cache = tmp_path / "site", tmp_path / "cache" / "fixity.txt"
    make_tree(root)
    first = update_manifest(root, cache)
    assert (first.files, first.hashed, first.changed, first.written) == (2 * len(TRICKY) + 1, first.files, True, True)
    assert manifest_text(root) == expected(root) and cache.read_text("utf-8").endswith("\n")
    before = cache.read_bytes()
    step(root, cache)
    again = update_manifest(root, cache, rehash_bytes=100)  # a small file read again: the cache is kept
    assert manifest_text(root) == expected(root)
    assert (again.changed, again.hashed, again.written) == (changed, hashed, written)
    assert (cache.read_bytes() == before) is not (changed or written)
    if hashed and not changed:  # past REHASH_BYTES the cache is saved, so the file is not read again
        touch_later(root / "a.html", b"a")
        assert update_manifest(root, cache, rehash_bytes=0).hashed == 1
        assert update_manifest(root, cache, rehash_bytes=0).hashed == 0
    assert not list(root.glob(".*.tmp")) and not list(cache.parent.glob(".*.tmp"))


def rewrite_cache(transform):
    def step(cache):
        lines = cache.read_text("utf-8").splitlines(keepends=True)
        cache.write_text("".join(transform(lines)), "utf-8", newline="\n")

    return step


BROKEN = [
    ("garbage", lambda cache: cache.write_bytes(b"\xff\xfe not a cache")),
    ("empty", lambda cache: cache.write_bytes(b"")),
    ("no-trailer", rewrite_cache(lambda lines: lines[:-1])),
    ("out-of-order", rewrite_cache(lambda lines: [lines[1], lines[0], *lines[2:]])),
    ("bad-digest", rewrite_cache(lambda lines: [lines[0].replace(lines[0].split()[3], "x" * 64), *lines[1:]])),
    # another hash of the same form: only the line's CRC-32 tells (it went into the manifest before)
    ("other-digest", rewrite_cache(lambda lines: [lines[0].replace(lines[0].split()[3], "0" * 64), *lines[1:]])),
    ("bad-trailer", rewrite_cache(lambda lines: [*lines[:-1], TRAILER + "big small\n"])),
    # a size in other digits, its CRC-32 made again: only the line's form tells (int() took it,
    # and a line written again as read is cut where its ASCII digits end)
    ("other-digits", rewrite_cache(lambda lines: [in_other_digits(lines[0]), *lines[1:]])),
]


def in_other_digits(line: str) -> str:
    """LINE (a cache line, CRC-32 first) with its size in Arabic-Indic digits, sealed again."""
    _, size, rest = line.split(" ", 2)
    wide = size.translate(str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"))
    return sealed.line(f"{wide} {rest}")


@pytest.mark.parametrize("damage", [b[1] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_damaged_cache_counts_as_none(tmp_path, damage):
    root, cache = tmp_path / "site", tmp_path / "cache" / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache)
    touch_later(root / "a.html", b"A")
    damage(cache)
    again = update_manifest(root, cache)
    assert again.hashed == again.files == 2 * len(TRICKY) + 1
    assert manifest_text(root) == expected(root)
    assert update_manifest(root, cache).hashed == 0


def test_another_hash_in_the_cache_for_an_unchanged_file_is_not_copied_into_the_manifest(tmp_path):
    """A hash in the cache changed for another of its form, on a file whose size and mtime still
    match (the damage a reader cannot tell by its syntax): the cache is none, the manifest right
    (before the cache's lines carried their CRC-32, the other hash went into the manifest)."""
    root, cache = tmp_path / "site", tmp_path / "cache" / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache)
    digest = hashlib.sha256((root / "a.html").read_bytes()).hexdigest()
    text = cache.read_text("utf-8")
    assert text.count(digest) == 1
    cache.write_text(text.replace(digest, "0" * 64), "utf-8", newline="\n")
    again = update_manifest(root, cache)
    assert manifest_text(root) == expected(root)
    assert again.hashed == again.files


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_over_processes_give_the_same_manifest(tmp_path, monkeypatch, workers):
    from bulletins.plugins.incremental import forked
    from bulletins.plugins.open_data.manifest import _hashed_over

    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    monkeypatch.setattr(fixity_stream, "BATCH", 7)
    sizes = []

    def hashed(paths):
        sizes.append(len(paths))
        return _hashed_over(workers)(paths)

    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache, hashed)
    assert manifest_text(root) == expected(root)
    assert max(sizes) <= 7 and sum(sizes) == 2 * len(TRICKY) + 1


@pytest.mark.parametrize("hold", [1, 3, 1000])
def test_a_rebuild_holds_few_entries_whose_hash_is_known(tmp_path, monkeypatch, hold):
    """Entries hashed before are written once HOLD of them wait; entries to hash still go in
    batches of BATCH (one batch: hashed over processes)."""
    monkeypatch.setattr(fixity_stream, "HOLD", hold)
    held, sizes = [], []
    flush = fixity_stream._Lines.flush

    def spy(self):
        held.append(len(self.pending))
        flush(self)

    def hashed(paths):
        sizes.append(len(paths))
        return [fixity.sha256_file(p) for p in paths]

    monkeypatch.setattr(fixity_stream._Lines, "flush", spy)
    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache, hashed)
    assert sizes == [2 * len(TRICKY) + 1], "a cold walk hashes its files in one batch"
    touch_later(root / "a-b.html", b"changed")
    held.clear()
    update_manifest(root, cache, hashed)
    assert manifest_text(root) == expected(root)
    assert max(held) <= hold + 1 and sum(held) == 2 * len(TRICKY) + 1
    assert sum(sizes[1:]) == 1


def test_random_changes_keep_the_manifest_equal_to_a_full_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(fixity_stream, "BATCH", 5)
    rng = random.Random(20261201)
    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    root.mkdir()
    alphabet = ["a", "b", "-", ".", " ", "中", "\\", "_", "0"]
    files: set[str] = set()
    for round_ in range(25):
        for _ in range(rng.randint(1, 8)):
            action = rng.choice(["add", "add", "edit", "remove"])
            if action == "add" or not files:
                parts = ["".join(rng.choices(alphabet, k=rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
                path = root.joinpath(*parts)
                if any(p.exists() and not p.is_dir() for p in path.parents) or path.is_dir():
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(rng.randbytes(rng.randint(0, 40)))
                files.add(str(path))
            elif action == "edit":
                touch_later(root / sorted(files)[rng.randrange(len(files))], rng.randbytes(3))
            else:
                victim = sorted(files)[rng.randrange(len(files))]
                os.unlink(victim)
                files.discard(victim)
        done = update_manifest(root, cache)
        assert manifest_text(root) == expected(root), f"round {round_}"
        assert done.files == len(files)
    assert update_manifest(root, cache).hashed == 0


def test_one_damaged_byte_of_the_cache_never_reaches_the_manifest(tmp_path):
    """A seeded campaign: one byte of the cache changed to any other value, anywhere (a line's
    CRC-32, its digits, its hash, its path, its newline, the trailer). An unchanged file's lines
    are copied from the cache as they were read, so a damaged line taken for a good one would go
    into the published manifest as it is: every rebuild must give the manifest of a full hash, and
    the one after it read nothing."""
    rng = random.Random(20261206)
    root, cache = tmp_path / "site", tmp_path / "cache" / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache)
    good, want = cache.read_bytes(), expected(root)
    for trial in range(120):
        at = rng.randrange(len(good))
        damaged = bytearray(good)
        damaged[at] = rng.choice([b for b in range(256) if b != good[at]])
        cache.write_bytes(bytes(damaged))
        update_manifest(root, cache)
        assert manifest_text(root) == want, f"trial {trial}: byte {at} of {len(good)}"
        assert update_manifest(root, cache).hashed == 0, f"trial {trial}"
        cache.write_bytes(good)


def without_times(cache_text: str) -> list[str]:
    """The cache's lines without the modification times and the CRC-32s over them (two trees made
    one after the other)."""
    return [" ".join(line.split(" ", 3)[1::2]) for line in cache_text.splitlines()[:-1]]


def fork_here(work):
    """A ``Fork`` that does WORK at once, in this process."""
    result = work()
    return lambda: (True, result)


def fork_failing(work):
    return lambda: (False, None)


def fork_real(work):
    from bulletins.plugins.incremental import forked

    child = forked.start(work)
    return None if child is None else (lambda: forked.finish(child))


FORKS = [
    pytest.param(fork_here, id="halves-here"),
    pytest.param(fork_failing, id="halves-fork-failed"),
    pytest.param(lambda work: None, id="halves-no-fork"),
    pytest.param(fork_real, id="halves-forked"),
]


def test_a_walk_from_start_to_stop_is_that_slice_of_the_whole_walk(tmp_path):
    make_tree(tmp_path)
    whole = [path for path, _, _ in walk_sorted(tmp_path)]
    bounds = [None, "", "a/", "a/b", "a/b/c/d.txt", "a-b.html", "ä", "中文.html", "zzz", *whole[::3]]
    for start in bounds:
        for stop in bounds:
            got = [path for path, _, _ in walk_sorted(tmp_path, start=start, stop=stop)]
            within = [p for p in whole if (start is None or p >= start) and (stop is None or p < stop)]
            assert got == within, (start, stop)


def test_the_cache_is_cut_at_a_whole_line_past_its_middle(tmp_path):
    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache)
    data = cache.read_bytes()
    offset, path = fixity_stream.split_point(cache, 1)
    assert offset > len(data) // 2 and data[offset - 1 : offset] == b"\n"
    assert next(fixity_stream.read_cache(cache, [], offset))[0] == path
    assert fixity_stream.split_point(cache, len(data) + 1) is None  # smaller than asked
    assert fixity_stream.split_point(tmp_path / "absent.txt", 1) is None
    (tmp_path / "short.txt").write_text("1 2 x\n# manifest -\n", encoding="utf-8")
    assert fixity_stream.split_point(tmp_path / "short.txt", 1) is None  # the trailer, no line past the middle


@pytest.mark.parametrize("fork", FORKS)
@pytest.mark.parametrize(("step", "changed", "hashed", "written"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_a_walk_in_halves_writes_what_one_walk_writes(tmp_path, monkeypatch, fork, step, changed, hashed, written):
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1)
    results = {}
    for name, given in (("one", None), ("halves", fork)):
        root, cache = tmp_path / name / "site", tmp_path / name / "cache" / "fixity.txt"
        make_tree(root)
        update_manifest(root, cache, fork=given)
        step(root, cache)
        done = update_manifest(root, cache, rehash_bytes=100, fork=given)
        results[name] = (done, manifest_text(root), without_times(cache.read_text("utf-8")))
        assert manifest_text(root) == expected(root)
        assert sorted(p.name for p in cache.parent.iterdir()) == ["fixity.txt"]  # no half left behind
        assert not list(root.glob(".*.tmp*"))
    assert results["halves"] == results["one"]
    assert (results["halves"][0].changed, results["halves"][0].hashed) == (changed, hashed)


@pytest.mark.parametrize("fork", FORKS)
def test_random_changes_walked_in_halves_keep_the_manifest_equal_to_a_full_hash(tmp_path, monkeypatch, fork):
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1)
    rng = random.Random(20261202)
    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    for round_ in range(12):
        for _ in range(rng.randint(1, 12)):
            names = ["".join(rng.choices("ab-.中0", k=2)) for _ in range(rng.randint(1, 3))]
            path = root.joinpath(*names)
            if ".." in names or any(p.is_file() for p in path.parents) or path.is_dir():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and rng.random() < 0.4:
                path.unlink()
            else:
                touch_later(path, rng.randbytes(rng.randint(0, 30)))
        update_manifest(root, cache, fork=fork)
        assert manifest_text(root) == expected(root), f"round {round_}"
    assert update_manifest(root, cache, fork=fork).hashed == 0


def test_a_damaged_cache_walked_in_halves_counts_as_none(tmp_path, monkeypatch):
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1)
    root, cache = tmp_path / "site", tmp_path / "fixity.txt"
    make_tree(root)
    update_manifest(root, cache, fork=fork_real)
    lines = cache.read_text("utf-8").splitlines(keepends=True)
    lines[-2] = lines[-2].replace(lines[-2].split()[3], "0" * 64)  # in the second half, of the same form
    cache.write_text("".join(lines), "utf-8", newline="\n")
    again = update_manifest(root, cache, fork=fork_real)
    assert again.hashed == again.files == 2 * len(TRICKY) + 1
    assert manifest_text(root) == expected(root)
