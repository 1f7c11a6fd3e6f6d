"""The names made beside a page without ``pathlib`` are exactly what ``pathlib`` makes; a JSON
table written in batches is exactly ``json.dumps``."""

from __future__ import annotations

import hashlib
import marshal
import os
import random
import zlib
from pathlib import PurePosixPath
from xml.sax.saxutils import XMLGenerator

import pytest

from bulletins.site import citation, output_files, rawcopy, written
from bulletins.site.output_files import with_suffix

EDGES = [
    "bulletins/2019/01/g-003.html",
    "g-003.html",
    "/g-003.html",
    "/a/b.html",
    "a/b",
    "a/.hidden",
    "a/b.",
    "a/b.tar.gz",
    "a//b.html",
    "./a/b.html",
    "a/./b.html",
    "a/../b.html",
    "a/b/",
    "a/..",
    "a/.",
    "..",
    "中文/公报.html",
    "a/b..html",
]
PIECES = ["a", "b", "中", ".", "..", "/", "//", ".html", "x.y", "-", " ", "g-003"]


def campaign(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def pathlib_with_suffix(path: str, suffix: str) -> str:
    """``PurePosixPath(path).with_suffix(suffix)`` as Python 3.11 and 3.12 make it: a name whose
    stem is ``.`` (``..html``) loses its suffix to ``.``, where 3.13 raises instead ("Invalid
    name '.'"); ``with_suffix`` keeps the one answer on every Python."""
    pure = PurePosixPath(path)
    try:
        return str(pure.with_suffix(suffix))
    except ValueError as error:
        if suffix or str(error) != "Invalid name '.'":
            raise
        parent = str(pure.parent)
        return "." if parent == "." else parent + ("." if parent.endswith("/") else "/.")


def pathlib_or_error(path: str, suffix: str) -> str:
    try:
        return pathlib_with_suffix(path, suffix)
    except ValueError as error:
        return f"error: {error}"


def ours_or_error(path: str, suffix: str) -> str:
    try:
        return with_suffix(path, suffix)
    except ValueError as error:
        return f"error: {error}"


@pytest.mark.parametrize("suffix", ["", ".bib", ".json"])
def test_with_suffix_is_pathlibs(suffix):
    paths = EDGES + campaign(5_000)
    assert [ours_or_error(p, suffix) for p in paths] == [pathlib_or_error(p, suffix) for p in paths]


@pytest.mark.parametrize("raw_dir", ["raw", "raw/", "", "/srv/raw", "a/./raw"])
def test_raw_copy_names_are_pathlibs(raw_dir):
    for save_as in EDGES + campaign(2_000, seed=8):
        try:
            want = str(PurePosixPath(raw_dir) / pathlib_with_suffix(save_as, ""))
        except ValueError:
            with pytest.raises(ValueError):
                rawcopy.plan(save_as, "sources/a.jsonl", 1, raw_dir)
            continue
        assert rawcopy.plan(save_as, "sources/a.jsonl", 1, raw_dir).target == f"{want}.json", save_as


def test_citation_keys_keep_their_form():
    assert citation.citation_key("bulletins/2019/01/g-003.html") == "bulletins-2019-01-g-003"
    assert citation.file_path("bulletins/2019/01/g-003.html", "bib") == "bulletins/2019/01/g-003.bib"


TABLES = {
    "empty": {},
    "one": {"a.html": "k"},
    "batch-edge": {f"p{i}.html": [f"k{i}", [f"p{i}.html", f"p{i}-2.html"]] for i in range(4)},
    "past-batch": {f"p{i}.html": i for i in range(5)},
    "non-ascii": {"公报/2024/临江区.html": ["键", ["公报/2024/临江区.html"]], 'q"\\.html': None},
}


@pytest.mark.parametrize("table", TABLES.values(), ids=TABLES)
def test_a_table_written_in_batches_reads_back_whole(tmp_path, table):
    path = tmp_path / "cache" / "table.marshal"
    assert output_files.write_table(path, table, batch=2)
    assert output_files.read_table(path) == table
    pieces = -(-len(table) // 2)  # the magic, then each piece's length and bytes
    data = path.read_bytes()
    assert data.startswith(output_files.TABLE_MAGIC)
    assert len(data) == len(output_files.TABLE_MAGIC) + sum(
        12 + len(marshal.dumps(dict(list(table.items())[i : i + 2]))) for i in range(0, 2 * pieces, 2)
    )


def test_a_table_with_the_same_bytes_is_not_written_again(tmp_path):
    path = tmp_path / "table.marshal"
    assert output_files.write_table(path, {"a": 1})
    os.utime(path, ns=(1, 1))
    assert not output_files.write_table(path, {"a": 1}) and path.stat().st_mtime_ns == 1
    assert output_files.write_table(path, {"a": 2}) and output_files.read_table(path) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["table.marshal"]


def _cut(data: bytes) -> bytes:
    return data[:-3]


def _json(data: bytes) -> bytes:
    return b'{"a": 1}'


def _flipped_length(data: bytes) -> bytes:
    at = len(output_files.TABLE_MAGIC)
    return data[:at] + (10**9).to_bytes(8, "little") + data[at + 8 :]


def _crc_of_another(data: bytes) -> bytes:
    at = len(output_files.TABLE_MAGIC) + 8
    return data[:at] + bytes(b ^ 0xFF for b in data[at : at + 4]) + data[at + 4 :]


def _not_a_dict(data: bytes) -> bytes:
    piece = marshal.dumps(["a", 1])
    return output_files.TABLE_MAGIC + len(piece).to_bytes(8, "little") + zlib.crc32(piece).to_bytes(4, "little") + piece


def _garbage_piece(data: bytes) -> bytes:
    piece = b"\xff\xfe\x00\x01"
    return output_files.TABLE_MAGIC + (4).to_bytes(8, "little") + zlib.crc32(piece).to_bytes(4, "little") + piece


@pytest.mark.parametrize("damage", [_cut, _json, _flipped_length, _crc_of_another, _not_a_dict, _garbage_piece])
def test_a_damaged_table_is_a_value_error(tmp_path, damage):
    """What the page record's reader counts as no record (its pages are all rendered again)."""
    path = tmp_path / "table.marshal"
    output_files.write_table(path, {f"p{i}.html": [f"k{i}", [f"p{i}.html"]] for i in range(9)}, batch=4)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError):
        output_files.read_table(path)


# (bytes already there or None for no file, bytes put, written?)
PUTS = {
    "new file": (None, "<p>青溪区</p>\n".encode(), True),
    "same bytes": ("<p>青溪区</p>\n".encode(), "<p>青溪区</p>\n".encode(), False),
    "same size, other bytes": (b"<p>aaaa</p>", b"<p>bbbb</p>", True),
    "longer": (b"<p>a</p>", b"<p>" + b"b" * 70_000 + b"</p>", True),
    "shorter": (b"<p>" + b"a" * 70_000 + b"</p>", b"<p>b</p>", True),
    "emptied": (b"<p>a</p>", b"", True),
    "from empty": (b"", b"<p>a</p>", True),
}


@pytest.mark.parametrize(("before", "data", "writes"), PUTS.values(), ids=PUTS)
def test_bytes_put_in_place_are_the_bytes_and_unchanged_ones_keep_their_mtime(tmp_path, before, data, writes):
    path = tmp_path / "页.html"
    if before is not None:
        path.write_bytes(before)
        os.utime(path, ns=(7, 7))
    assert output_files.put_in_place(str(path), data) is writes
    assert path.read_bytes() == data
    assert (path.stat().st_mtime_ns == 7) is (not writes)


def test_a_page_file_puts_its_text_and_notes_only_what_it_wrote(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    journal = tmp_path / "cache" / written.JOURNAL
    written.begin(journal, out)
    try:
        for name, text in (("a.html", "第一段\n"), ("b.html", "第二段\n"), ("a.html", "第一段\n")):
            with output_files.PageFile(str(out / name)) as fh:
                fh.write(text[:2])
                fh.write(text[2:])
    finally:
        written.end()
    assert (out / "a.html").read_text(encoding="utf-8") == "第一段\n"
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit("/", 1)[1] for line in lines] == ["a.html", "b.html"]  # the third wrote nothing
    size, _, digest = lines[1].split(" ")[:3]
    assert (int(size), digest) == (len("第二段\n".encode()), hashlib.sha256("第二段\n".encode()).hexdigest())


def test_a_page_file_takes_an_xml_writers_text(tmp_path):
    """Pelican's feeds are written by an XML generator, which wraps anything but a text stream."""
    path = tmp_path / "all.atom.xml"
    with output_files.PageFile(str(path)) as fh:
        xml = XMLGenerator(fh, "utf-8")
        xml.startDocument()
        xml.startElement("feed", {"title": "青溪区公报"})
        xml.endElement("feed")
    assert path.read_text(encoding="utf-8").endswith('<feed title="青溪区公报"></feed>')


def test_the_page_writes_benchmark_leaves_the_bytes_each_way_wrote_and_no_folder(tmp_path, monkeypatch, capsys):
    """benchmarks/bench_page_writes.py, on 20 small files and no settling: every way is timed,
    the last leaves the bytes it was given (not written, as they were there already), and the
    folder goes at the end."""
    import bench_page_writes  # benchmarks/ is on pytest's path (pyproject.toml)

    folder = tmp_path / "writes"
    results = bench_page_writes.run(folder, count=20, size=4_000, settle=0)
    assert results[0][0] == "new files in a new folder" and len(results) == 7
    assert all(ms > 0 for _, ms in results)
    assert {p.read_bytes() for p in folder.iterdir()} == {bench_page_writes.page_bytes(3_000, "丁")}
    monkeypatch.setattr(bench_page_writes, "yardstick", lambda when: f"machine {when}")
    bench_page_writes.main(["--folder", str(folder), "--count", "5", "--size", "100", "--settle", "0"])
    assert not folder.exists()
    assert capsys.readouterr().out.count("\n| ") == 8  # the table's head and its seven ways


def test_randomly_damaged_tables_read_as_a_table_or_a_value_error(tmp_path):
    """Seeded damage (bytes changed, inserted, removed, the file cut): every read gives the
    table whole (the damage missed its pieces) or a ValueError (no record: every page
    rendered), never another error nor a table of other values, and never slowly."""
    path = tmp_path / "table.marshal"
    table = {
        f"bulletins/2024/{i:02d}/a-{i}.html": f"{i:032x}" if i % 3 else [f"k{i}", [f"a{i}.html"]] for i in range(90)
    }
    output_files.write_table(path, table, batch=20)
    good, rng, outcomes = path.read_bytes(), random.Random(7), set()
    for _ in range(600):
        data = bytearray(good)
        at = rng.randrange(len(data))
        kind = rng.randrange(4)
        if kind == 0:
            data[at] = rng.randrange(256)
        elif kind == 1:
            data = data[:at]
        elif kind == 2:
            data[at:at] = rng.randbytes(rng.randint(1, 16))
        else:
            del data[at : at + rng.randint(1, 64)]
        path.write_bytes(bytes(data))
        try:
            found = output_files.read_table(path)
        except ValueError:
            outcomes.add("none")
            continue
        assert found == table
        outcomes.add("same")
    assert "none" in outcomes and outcomes <= {"none", "same"}  # "same": a byte put back as it was
