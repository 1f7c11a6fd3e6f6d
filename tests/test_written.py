"""The digests of written files noted for the manifest (``bulletins.site.written``): the journal,
its sort, and a manifest that reads no noted file and still lists every file's true digest."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from pathlib import Path
from xml.sax.saxutils import XMLGenerator

import pytest

from bulletins.site import fixity, fixity_stream, opendata, opendata_sqlite, output_files, written
from support.site_build import BASE_PLUGINS, build_fixture_site


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "cache" / written.JOURNAL
    written.begin(path, tmp_path)
    yield path
    written.end()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.note(path, data)
    return path


def sorted_lines(journal: Path, root: Path) -> list[tuple]:
    target = journal.with_name("sorted.txt")
    assert written.sorted_journal(journal, root, target) == target
    return [fixity_stream.parse_cache_line(line, 0) for line in target.read_text(encoding="utf-8").splitlines(True)]


NAMES = ["b.html", "a/z.html", "a b/c.txt", "back\\slash.txt", "line\nbreak.txt", "人物/周文澜.html", "a/y.json"]


@pytest.mark.parametrize("block", [1, 3, 50_000], ids=["runs-of-1", "runs-of-3", "one-run"])
def test_journal_sorted_by_path_in_the_cache_format(tmp_path, journal, monkeypatch, block):
    monkeypatch.setattr(written, "BLOCK", block)
    root = tmp_path / "out"
    files = {name: write(root / name, f"<p>{name}</p>".encode()) for name in NAMES}
    write(tmp_path / "elsewhere.txt", b"not in the output")
    entries = sorted_lines(journal, root)
    assert [e[0] for e in entries] == sorted(NAMES)
    for name, size, mtime_ns, digest in entries:
        st = files[name].stat()
        assert (size, mtime_ns, digest) == (st.st_size, st.st_mtime_ns, sha(files[name].read_bytes()))
    assert not list(journal.parent.glob(".sorted.txt.run*"))  # the runs are removed


def test_a_path_written_twice_keeps_its_last_entry_only_when_the_bytes_agree(tmp_path, journal):
    root = tmp_path / "out"
    same, other = root / "same.html", root / "other.html"
    write(same, b"one")
    write(other, b"first")
    os.utime(same, ns=(1, 1))  # an earlier entry of the same bytes, noted again below
    write(same, b"one")
    write(other, b"later")
    assert [(e[0], e[3]) for e in sorted_lines(journal, root)] == [("same.html", sha(b"one"))]
    assert sorted_lines(journal, root)[0][2] == same.stat().st_mtime_ns


@pytest.mark.parametrize("name", ["plain.html", "back\\slash.html", "line\nbreak.html", "a b/页 c.html"])
def test_a_path_of_any_name_written_twice_keeps_one_line(tmp_path, journal, monkeypatch, name):
    monkeypatch.setattr(written, "BLOCK", 1)  # each entry in a run of its own: merged across runs
    path = tmp_path / "out" / name
    write(path, b"same")
    os.utime(path, ns=(5, 5))
    write(path, b"same")
    assert sorted_lines(journal, tmp_path / "out") == [(name, 4, path.stat().st_mtime_ns, sha(b"same"))]


def test_nothing_is_noted_without_a_journal_or_when_the_size_is_not_the_files(tmp_path, journal):
    root = tmp_path / "out"
    (root / "x").mkdir(parents=True)
    (root / "x" / "a.txt").write_bytes(b"abc")
    written.note_digest(root / "x" / "a.txt", 4, sha(b"abcd"))  # another size: not these bytes
    written.note(root / "x" / "missing.txt", b"gone")  # no file
    written.end()
    write(root / "x" / "b.txt", b"after the end")
    assert not written.active()
    assert sorted_lines(journal, root) == []


PLACED = [  # (bytes there before or None, bytes put, written?)
    (None, b"@misc{new}", True),
    (b"same bytes", b"same bytes", False),
    (b"a longer text that is cut", b"shorter", True),
    (b"short", "页：较长的内容".encode(), True),
    (b"", b"", False),
]


@pytest.mark.parametrize(("before", "data", "expected"), PLACED)
def test_placed_files_are_noted_with_their_stat_only_when_written(tmp_path, journal, before, data, expected):
    path = tmp_path / "out" / "新目录" / "a.bib"
    if before is not None:
        write(path, before)
        os.utime(path, ns=(7, 7))
        journal.write_bytes(b"")
    changed, st = output_files.place_noted(str(path), data)
    assert (changed, path.read_bytes()) == (expected, data)
    assert (st.st_size, st.st_mtime_ns) == (path.stat().st_size, path.stat().st_mtime_ns)
    assert (path.stat().st_mtime_ns == 7) == (not expected)
    lines = sorted_lines(journal, tmp_path / "out")
    assert lines == ([("新目录/a.bib", len(data), st.st_mtime_ns, sha(data))] if expected else [])


def test_a_fork_notes_into_the_same_journal(tmp_path, journal):
    root = tmp_path / "out"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork
        write(root / "child.html", b"from the fork")
        os._exit(0)
    write(root / "parent.html", b"from the build")
    assert os.waitpid(pid, 0)[1] == 0
    assert [e[0] for e in sorted_lines(journal, root)] == ["child.html", "parent.html"]


def test_noting_file_notes_the_text_it_wrote(tmp_path, journal):
    path = tmp_path / "out" / "页.html"
    path.parent.mkdir(parents=True)
    with written.NotingFile(open(path, "w", encoding="utf-8"), str(path)) as fh:
        fh.write("<p>第一段</p>\n")
        fh.write("<p>第二段</p>\n")
    [(name, size, _, digest)] = sorted_lines(journal, tmp_path / "out")
    assert (name, size, digest) == ("页.html", path.stat().st_size, sha(path.read_bytes()))


def test_an_xml_writer_writes_its_text_through_a_noting_file(tmp_path, journal):
    """Pelican's feeds are written by an XML generator, which wraps anything but a text stream."""
    path = tmp_path / "out" / "feeds" / "all.atom.xml"
    path.parent.mkdir(parents=True)
    with written.NotingFile(open(path, "w", encoding="utf-8"), str(path)) as fh:
        xml = XMLGenerator(fh, "utf-8")
        xml.startDocument()
        xml.startElement("feed", {"title": "青溪区公报"})
        xml.endElement("feed")
    assert path.read_text(encoding="utf-8").endswith('<feed title="青溪区公报"></feed>')
    [(_, size, _, digest)] = sorted_lines(journal, tmp_path / "out")
    assert (size, digest) == (path.stat().st_size, sha(path.read_bytes()))


def test_files_outside_the_journals_root_are_not_noted(tmp_path):
    journal = tmp_path / "cache" / written.JOURNAL
    written.begin(journal, tmp_path / "out")
    try:
        write(tmp_path / "cache" / "state.json", b"{}")
        write(tmp_path / "output-2" / "index.html", b"another build's")
        write(tmp_path / "out" / "index.html", b"this build's")
    finally:
        written.end()
    assert journal.read_text(encoding="utf-8").count("\n") == 1
    assert [e[0] for e in sorted_lines(journal, tmp_path / "out")] == ["index.html"]


def test_damaged_journal_lines_are_skipped(tmp_path, journal):
    root = tmp_path / "out"
    write(root / "ok.html", b"ok")
    with open(journal, "ab") as fh:
        fh.write(b"12 not-a-line\n\xff\xfe\n3 4 short /x\n")
    assert [e[0] for e in sorted_lines(journal, root)] == ["ok.html"]


def test_a_file_written_by_another_writer_is_noted_by_reading_it(tmp_path, journal):
    path = tmp_path / "out" / "data" / "bulletins.sqlite"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"SQLite format 3\0" + bytes(range(256)) * 5000)
    written.note_file(path)
    written.note_file(tmp_path / "out" / "absent.sqlite")
    assert written.file_digest(path) == (path.stat().st_size, sha(path.read_bytes()))
    assert [(e[0], e[3]) for e in sorted_lines(journal, tmp_path / "out")] == [
        ("data/bulletins.sqlite", sha(path.read_bytes()))
    ]


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        (f"12 {'a' * 64}\n", (12, "a" * 64)),
        (f"a line before\n7 {'b' * 64}\n", (7, "b" * 64)),
        ("", None),
        ("12 short\n", None),
        (f"x {'a' * 64}", None),
    ],
)
def test_the_sqlite_childs_digest_line(out, expected):
    assert opendata_sqlite._size_and_digest(out) == expected


def test_the_sqlite_child_prints_its_files_digest(tmp_path, capsys):
    row = {
        "id": "a",
        "url": "a.html",
        "title": "关于防汛的通知",
        "date": "2024-06-01",
        "text": "各街道：做好防汛工作。",
    }
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    database, cols = tmp_path / "bulletins.sqlite", opendata.column_list(set(row) - {"id", "url"})
    assert opendata_sqlite.main([str(rows), str(database), "--columns", json.dumps(cols), "--digest"]) == 0
    assert opendata_sqlite._size_and_digest(capsys.readouterr().out) == written.file_digest(database)


# --- the manifest with noted digests -------------------------------------------------------


class Reads:
    """A ``hash_all`` that hashes by reading and remembers what it read."""

    def __init__(self):
        self.paths: list[str] = []

    def __call__(self, paths):
        self.paths += [os.path.basename(p) for p in paths]
        return fixity.hash_files(list(paths))


def make_site(root: Path, rng: random.Random, count: int) -> dict[str, bytes]:
    files = {f"d{n % 4}/f{n:03d}.html": f"<p>{rng.random()}</p>".encode() * (n % 3 + 1) for n in range(count)}
    for name, data in files.items():
        write(root / name, data)
    return files


def test_a_cold_manifest_reads_only_the_files_not_noted(tmp_path, journal):
    root, rng = tmp_path / "out", random.Random(7)
    make_site(root, rng, 60)
    (root / "static.css").write_bytes(b"body{}")  # copied by a writer that does not note
    changed = write(root / "d1" / "f001.html", b"noted")
    changed.write_bytes(b"other bytes, written after")  # noted, then changed behind the journal
    os.utime(changed, ns=(10**18, 10**18))
    written.end()
    noted = written.sorted_journal(journal, root, tmp_path / "sorted.txt")
    reads = Reads()
    done = fixity_stream.update_manifest(root, tmp_path / "cache.txt", reads, noted=noted)
    assert sorted(reads.paths) == ["f001.html", "static.css"]
    assert (done.files, done.hashed, done.noted) == (61, 2, 59)
    assert fixity.verify(root).ok


def test_a_rebuild_manifest_takes_noted_digests_of_rewritten_files(tmp_path, journal):
    root, rng = tmp_path / "out", random.Random(11)
    files = make_site(root, rng, 40)
    fixity_stream.update_manifest(root, tmp_path / "cache.txt", Reads())
    written.begin(journal, tmp_path)  # the next build: two pages rewritten, one with new bytes
    write(root / "d0/f000.html", files["d0/f000.html"])
    write(root / "d2/f002.html", b"<p>new</p>")
    written.end()
    noted = written.sorted_journal(journal, root, tmp_path / "sorted.txt")
    reads = Reads()
    done = fixity_stream.update_manifest(root, tmp_path / "cache.txt", reads, noted=noted)
    assert reads.paths == [] and (done.noted, done.changed, done.written) == (2, True, True)
    assert fixity.verify(root).ok
    again = fixity_stream.update_manifest(root, tmp_path / "cache.txt", Reads())
    assert (again.hashed, again.changed, again.written) == (0, False, False)  # the cache was saved


def test_noted_digests_give_the_same_manifest_in_two_halves(tmp_path, journal, monkeypatch):
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", 1)
    root, rng = tmp_path / "out", random.Random(3)
    make_site(root, rng, 80)
    fixity_stream.update_manifest(root, tmp_path / "cache.txt", Reads())
    written.begin(journal, tmp_path)
    for n in (5, 41, 77):
        write(root / f"d{n % 4}/f{n:03d}.html", f"<p>changed {n}</p>".encode())
    written.end()
    noted = written.sorted_journal(journal, root, tmp_path / "sorted.txt")
    reads = Reads()

    def fork(work):  # the second half walked "elsewhere": here, after the first
        return lambda: (True, work())

    done = fixity_stream.update_manifest(root, tmp_path / "cache.txt", reads, fork=fork, noted=noted)
    assert reads.paths == [] and done.noted == 3 and done.files == 80
    assert fixity.verify(root).ok


@pytest.mark.parametrize("cache", ["none", "small"])
def test_a_first_manifest_is_walked_in_halves_cut_at_the_noted_files_middle(tmp_path, journal, monkeypatch, cache):
    """No cache (a cold build): the walk is cut where the noted files' middle line is, and the
    two halves make what one walk makes. A cache too small to cut is not cut by the noted file
    (its lines would be read from the wrong place)."""
    root, rng = tmp_path / "out", random.Random(5)
    root.mkdir()
    (root / "static.css").write_bytes(b"body{}")  # copied by a writer that does not note
    if cache == "small":  # the last build's: one file
        fixity_stream.update_manifest(root, tmp_path / "cache.txt", Reads())
    make_site(root, rng, 80)
    written.begin(journal, tmp_path)
    for n in range(80):
        path = root / f"d{n % 4}/f{n:03d}.html"
        write(path, path.read_bytes())
    written.end()
    noted = written.sorted_journal(journal, root, tmp_path / "sorted.txt")
    monkeypatch.setattr(fixity_stream, "SPLIT_BYTES", noted.stat().st_size)
    halves, reads = [], Reads()

    def fork(work):  # the second half walked "elsewhere": here, after the first
        halves.append(work)
        return lambda: (True, work())

    done = fixity_stream.update_manifest(root, tmp_path / "cache.txt", reads, fork=fork, noted=noted)
    assert len(halves) == (1 if cache == "none" else 0)
    assert (done.files, done.noted, reads.paths) == (81, 80, ["static.css"] if cache == "none" else [])
    assert fixity.verify(root).ok
    whole = tmp_path / "whole"
    shutil.copytree(root, whole)
    fixity_stream.update_manifest(whole, tmp_path / "whole-cache.txt", Reads())
    assert (root / fixity.MANIFEST).read_bytes() == (whole / fixity.MANIFEST).read_bytes()


def test_a_build_notes_its_pages_and_its_manifest_is_true(tmp_path, monkeypatch):
    outcomes, read = [], []
    update = fixity_stream.update_manifest

    def spy(root, cache, hash_all, *args, **kwargs):
        def reading(paths):
            read.extend(os.path.relpath(p, root) for p in paths)
            return hash_all(paths)

        outcomes.append(update(root, cache, reading, *args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(fixity_stream, "update_manifest", spy)
    # the pages are noted by the incremental plugin's writer
    plugins = [*BASE_PLUGINS, "bulletins.plugins.citations", "bulletins.plugins.open_data"]
    out = build_fixture_site(tmp_path / "output", PLUGINS=plugins)
    [done] = outcomes
    pages = sum(1 for _ in out.rglob("*.html"))
    assert done.noted >= pages and done.noted + done.hashed == done.files
    # read back: only what Pelican copies (the theme's files) and the raw copies of source files
    assert read and all(p.startswith(("theme/", "raw/", "originals/")) for p in read), read
    assert fixity.verify(out).ok
    assert not (tmp_path / "cache" / written.JOURNAL).exists()


def test_pages_rendered_again_with_the_same_bytes_are_not_written(tmp_path):
    """A setting no page shows (a new key) renders every page again: the bytes that did not
    change stay where they were (mtime kept, nothing read back by the manifest)."""
    plugins = [*BASE_PLUGINS, "bulletins.plugins.open_data"]
    out = build_fixture_site(tmp_path / "output", PLUGINS=plugins)
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        os.utime(page, ns=(1, 1))
    build_fixture_site(tmp_path / "output", PLUGINS=plugins, BULLETINS_PROBE_SETTING=1)
    assert pages and [p for p in pages if p.stat().st_mtime_ns != 1] == []
    assert fixity.verify(out).ok
    build_fixture_site(tmp_path / "output", PLUGINS=plugins, SITENAME="青溪区政府公报（新）")
    assert all("青溪区政府公报（新）" in p.read_text(encoding="utf-8") for p in pages if p.stat().st_mtime_ns != 1)
    assert (out / "index.html").stat().st_mtime_ns != 1
    assert fixity.verify(out).ok
