"""The search index's record of its files (``search.filerecord``): a mapping of names to entries
that holds the result-data files a build names in order as numbers, and anything else as a dict
does, and gives back every name and entry as it was set."""

from __future__ import annotations

import random
import sys
import tracemalloc

import pytest

from bulletins import sealed
from bulletins.search import filerecord
from bulletins.search.filerecord import FileRecord, load_record, record_entry, save_record
from bulletins.search.write import fragment_name

KEY = "0a1b2c3d4e"
ENTRY = f"{KEY} 1234 1796691631450968000"

# (name, entry, held as numbers when it is the first one set)
FORMS = [
    ("f/2024/0315-0.js", ENTRY, True),
    ("f/2024/0315-17.js", ENTRY, True),
    ("f/0999/0101-3.js", ENTRY, True),
    ("f/2024/1231-16777215.js", ENTRY, True),  # the largest slot the numbers hold
    ("f/2024/1231-16777216.js", ENTRY, False),
    ("f/2024/0315-07.js", ENTRY, False),  # a slot of another spelling: given back as it was
    ("f/24/0315-7.js", ENTRY, False),
    ("f/2024/0315-7.json", ENTRY, False),
    ("f/٢٠٢٤/0315-7.js", ENTRY, False),  # digits of another script
    ("t/4e004e01", ENTRY, False),
    ("manifest.js", "0123456789 10 1", False),
    ("f/2024/0315-7.js", f"{KEY.upper()} 1234 1", False),  # a key of capitals: kept as a string
    ("f/2024/0315-7.js", f"{KEY} 01234 1", False),
    ("f/2024/0315-7.js", f"{KEY} 4294967296 1", False),  # a size past 32 bits
    ("f/2024/0315-7.js", f"{KEY} 4294967295 9223372036854775807", True),
    ("f/2024/0315-7.js", f"{KEY} 1 9223372036854775808", False),
    ("f/2024/0315-7.js", f"{KEY}0 1 1", False),
    ("f/2024/0315-7.js", f"{KEY} 1 1 ", False),
    ("f/2024/0315-7.js", f"{KEY}  1 1", False),
]


@pytest.mark.parametrize(("name", "entry", "numbers"), FORMS)
def test_each_name_and_entry_is_given_back_as_set(name, entry, numbers):
    record = FileRecord()
    record[name] = entry
    assert (len(record.codes), len(record.others)) == ((1, 0) if numbers else (0, 1))
    assert name in record and record[name] == entry and record.get(name) == entry
    assert list(record.items()) == [(name, entry)] and list(record) == [name] and len(record) == 1
    assert "f/2024/0315-99.js" not in record and record.get("f/2024/0315-99.js") is None


def test_files_out_of_order_are_held_as_a_dict_holds_them():
    """A crowded day's later blocks come after every first block: their files (and any file
    named before the last one held) are kept in the dict, found all the same."""
    record = FileRecord()
    names = ["f/2024/0101-0.js", "f/2024/0102-0.js", "f/2024/0101-32.js", "f/2024/0103-0.js", "f/2023/1231-0.js"]
    for number, name in enumerate(names):
        record[name] = f"{KEY} {number} 1"
    assert record.others == {"f/2024/0101-32.js": f"{KEY} 2 1", "f/2023/1231-0.js": f"{KEY} 4 1"}
    assert dict(record.items()) == {name: f"{KEY} {number} 1" for number, name in enumerate(names)}
    assert record == {name: f"{KEY} {number} 1" for number, name in enumerate(names)}


def test_a_name_set_again_has_its_last_entry():
    record = FileRecord()
    record["f/2024/0101-0.js"] = ENTRY
    record["f/2024/0102-0.js"] = ENTRY
    record["f/2024/0101-0.js"] = f"{KEY} 9 9"  # held as numbers: changed in place
    assert record["f/2024/0101-0.js"] == f"{KEY} 9 9" and len(record.codes) == 2
    record["f/2024/0101-0.js"] = "not an entry of numbers"  # moved to the dict
    assert record["f/2024/0101-0.js"] == "not an entry of numbers" and len(record) == 2
    assert list(record.codes) == [filerecord._code("f/2024/0102-0.js")]
    record["f/2024/0101-0.js"] = ENTRY  # now before the last held: stays in the dict
    assert record.others == {"f/2024/0101-0.js": ENTRY} and len(record) == 2


def test_names_that_are_not_strings_are_kept_too():
    record = FileRecord({("x",): "a", 7: "b"})
    assert record[("x",)] == "a" and record[7] == "b" and 7 in record and ("y",) not in record


def build_like(count: int, seed: int) -> list[tuple[str, str]]:
    """Result-data files as a build names them: days in order, each a few slots in order (a
    day's second block after every first block), and some term shards."""
    rng = random.Random(seed)
    firsts, seconds = [], []
    for day in range(count // 10 + 1):
        date = f"{2000 + day // 336}-{day // 28 % 12 + 1:02d}-{day % 28 + 1:02d}"
        slots = rng.randrange(1, 40)
        firsts += [fragment_name(date, slot) + ".js" for slot in range(min(slots, 32))]
        seconds += [fragment_name(date, slot) + ".js" for slot in range(32, slots)]
    names = (firsts + seconds)[:count] + [f"t/{rng.getrandbits(64):016x}" for _ in range(count // 50)]
    return [
        (name, record_entry(f"{rng.getrandbits(40):010x}", [rng.randrange(1, 9000), rng.getrandbits(60)]))
        for name in names
    ]


@pytest.mark.parametrize("count", [0, 1, 500, 20_000])
def test_a_build_like_record_reads_back_equal(tmp_path, count):
    files = build_like(count, seed=count)
    record = FileRecord()
    for name, entry in files:
        assert name not in record
        record[name] = entry
    assert dict(record.items()) == dict(files) and len(record) == len(files)
    save_record(tmp_path / "cache", tmp_path / "index", record)
    again = load_record(tmp_path / "cache", tmp_path / "index")
    assert again == dict(files)
    assert (len(again.codes), len(again.others)) == (len(record.codes), len(record.others))


def pieces_of(files: dict, root) -> list:
    """What ``save_record`` writes for FILES, as a list to damage."""
    record = FileRecord(files)
    arrays = [record.codes.tobytes(), bytes(record.keys), record.sizes.tobytes(), record.mtimes.tobytes()]
    return [filerecord._head(root), *arrays, dict(record.others)]


def _swap(pieces, at, value):
    return [value if i == at else p for i, p in enumerate(pieces)]


DAMAGED_PIECES = [
    pytest.param(lambda p: _swap(p, 0, {**p[0], "format": 4}), id="another_format"),
    pytest.param(
        lambda p: _swap(p, 0, {**p[0], "order": "big" if sys.byteorder == "little" else "little"}),
        id="another_byte_order",
    ),
    pytest.param(lambda p: _swap(p, 0, {**p[0], "root": "/elsewhere"}), id="another_folder"),
    pytest.param(lambda p: _swap(p, 1, p[1][:-8]), id="a_number_short"),
    pytest.param(lambda p: _swap(p, 2, p[2] + b"\0"), id="a_key_too_many"),
    pytest.param(lambda p: _swap(p, 3, p[3][:-4]), id="a_size_short"),
    pytest.param(lambda p: _swap(p, 1, p[1][8:16] + p[1][:8] + p[1][16:]), id="not_in_order"),
    pytest.param(lambda p: _swap(p, 1, p[1][:-8] + (2**63).to_bytes(8, sys.byteorder)), id="a_day_no_name_has"),
    pytest.param(lambda p: _swap(p, 5, {"t/x": 1}), id="an_entry_not_text"),
    pytest.param(lambda p: _swap(p, 5, [("t/x", "a")]), id="others_not_a_dict"),
    pytest.param(lambda p: _swap(p, 4, list(p[4])), id="an_array_not_bytes"),
    pytest.param(lambda p: p[:-1], id="a_piece_missing"),
]


@pytest.mark.parametrize("damage", DAMAGED_PIECES)
def test_a_record_of_other_pieces_reads_as_empty(tmp_path, damage):
    files = dict(build_like(300, seed=1))
    sealed.write_pieces(tmp_path / filerecord.RECORD_FILE, pieces_of(files, tmp_path / "index"))
    assert load_record(tmp_path, tmp_path / "index") == files  # as written, it reads back
    sealed.write_pieces(tmp_path / filerecord.RECORD_FILE, damage(pieces_of(files, tmp_path / "index")))
    assert load_record(tmp_path, tmp_path / "index") == {}


@pytest.mark.parametrize("cut", [1, 7, 100])
def test_a_record_cut_or_changed_reads_as_empty(tmp_path, cut):
    files = dict(build_like(300, seed=2))
    save_record(tmp_path, tmp_path / "index", files)
    path = tmp_path / filerecord.RECORD_FILE
    data = path.read_bytes()
    path.write_bytes(data[:-cut])
    assert load_record(tmp_path, tmp_path / "index") == {}
    changed = bytearray(data)
    changed[-cut] ^= 1
    path.write_bytes(bytes(changed))
    assert load_record(tmp_path, tmp_path / "index") == {}


def test_saving_removes_the_record_of_the_earlier_format(tmp_path):
    (tmp_path / filerecord.LEGACY_FILE).write_text('{"root": "x", "format": 4, "files": {}}', encoding="utf-8")
    save_record(tmp_path, tmp_path / "index", {})
    assert not (tmp_path / filerecord.LEGACY_FILE).exists() and load_record(tmp_path, tmp_path / "index") == {}


def test_the_writer_puts_and_compares_numbers():
    """``put`` and ``same``/``has_key``, as ``IndexWriter`` uses them, agree with the entries."""
    record = FileRecord()
    record.put("f/2024/0101-0.js", KEY, 10, 20)
    record.put("t/abc", "k1", 30, 40)
    record.put("f/2023/0101-0.js", KEY, 50, 60)  # out of order: the dict
    assert dict(record.items()) == {
        "f/2024/0101-0.js": f"{KEY} 10 20",
        "t/abc": "k1 30 40",
        "f/2023/0101-0.js": f"{KEY} 50 60",
    }
    for name, key, size, mtime in [
        ("f/2024/0101-0.js", KEY, 10, 20),
        ("t/abc", "k1", 30, 40),
        ("f/2023/0101-0.js", KEY, 50, 60),
    ]:
        assert record.same(name, key, size, mtime) and record.has_key(name, key)
        assert not record.same(name, key, size + 1, mtime) and not record.same(name, key, size, mtime + 1)
        assert not record.same(name, "0" * 10, size, mtime) and not record.has_key(name, "0" * 10)
    assert not record.has_key("f/2024/0101-1.js", KEY) and not record.same("t/abd", "k1", 30, 40)
    assert not record.has_key("t/abc", "k") and not record.has_key("f/2024/0101-0.js", KEY.upper())


def test_a_result_data_file_is_held_in_fewer_than_forty_bytes():
    """What the record was for: 100,000 result-data files' names and entries, made in the traced
    span as a build makes them, held in some 26 bytes a file (a dict of strings took some 190)."""
    rng = random.Random(5)
    days = [f"{2000 + d // 336}-{d // 28 % 12 + 1:02d}-{d % 28 + 1:02d}" for d in range(10_000)]
    record = FileRecord()
    tracemalloc.start()
    try:
        for date in days:
            for slot in range(10):
                name = fragment_name(date, slot) + ".js"
                record[name] = record_entry(
                    f"{rng.getrandbits(40):010x}", [rng.randrange(300, 3000), 1796691631450968000]
                )
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(record) == 100_000 and not record.others
    assert held / len(record) < 40
