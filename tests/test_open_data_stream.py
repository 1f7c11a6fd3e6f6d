"""Open data made one row at a time: the streamed JSONL and CSV files hold the bytes the
whole-table functions render, the database is built from the file, and no build holds every
row at once."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import weakref
from pathlib import Path

import pytest

from bulletins.site import opendata, opendata_rows, opendata_sqlite
from bulletins.site.opendata import Bulletin, RowHead
from bulletins.site.opendata_rows import JsonlRows
from bulletins.site.output_files import replace_if_changed
from support.open_data import OPEN_DATA_PLUGINS
from support.shared import ROOT
from support.site_build import build_fixture_site

PLUGINS = OPEN_DATA_PLUGINS


def bulletin(url, date, ident="", text="正文", **fields) -> Bulletin:
    return Bulletin(url=url, fields={"date": date, "identifier": ident, **fields}, text=text)


TABLES = {
    "one": [bulletin("bulletins/2022/01/a.html", "2022-01-05", "2022-0105-0001", title="青溪区召开常务会议")],
    "sorted-by-date-then-url": [
        bulletin("bulletins/2023/05/b.html", "2023-05-01", "B", title="乙"),
        bulletin("bulletins/2022/05/c.html", "2022-05-01", "C", title="丙"),
        bulletin("bulletins/2022/05/a.html", "2022-05-01", "A", title="甲"),
    ],
    "shared-and-missing-identifiers": [
        bulletin("a.html", "2022-01-01", "X1"),
        bulletin("b.html", "2022-01-01", "X1"),
        bulletin("c.html", "2021-12-31"),
    ],
    "same-date-and-url-keeps-input-order": [
        bulletin("a.html", "2022-01-01", "P", title="先"),
        bulletin("a.html", "2022-01-01", "Q", title="后"),
    ],
    "extra-columns-and-awkward-text": [
        bulletin("a.html", "2022-03-01", "A", status_note="现行有效", text='他说"好", 然后\n第二段'),
        bulletin("b.html", "2022-03-02", "B", presider="周文澜", people="许明远, 周文澜", text="=SUM(A1:A2)"),
        bulletin(
            "c.html", "2022-03-03", "C", documents="《甲规划》《乙方案》", repeals="《丙办法》（青溪府发〔2019〕2号）"
        ),
    ],
}


def heads(bulletins) -> list[RowHead]:
    return [RowHead(b.fields.get("date", ""), b.url, b.fields.get("identifier", ""), list(b.fields)) for b in bulletins]


def streamed_rows(bulletins):
    cols, order = opendata.row_plan(heads(bulletins))
    return cols, (opendata.row_values(cols, row_id, bulletins[index]) for index, row_id in order)


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_row_plan_orders_and_names_rows_as_the_whole_table_does(bulletins):
    cols, rows = opendata.table_rows(bulletins)
    streamed_cols, streamed = streamed_rows(bulletins)
    assert streamed_cols == cols and list(streamed) == rows


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_streamed_files_hold_the_rendered_bytes_and_digests(tmp_path, bulletins):
    cols, rows = opendata.table_rows(bulletins)
    written, digests, count = opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    assert written == {opendata.JSONL: True, opendata.CSV: True} and count == len(rows)
    assert (tmp_path / opendata.JSONL).read_bytes() == opendata.render_jsonl(rows)
    assert (tmp_path / opendata.CSV).read_bytes() == opendata.render_csv(cols, rows)
    assert digests == opendata.row_digests(rows, opendata.jsonl_lines(rows))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([opendata.JSONL, opendata.CSV])


def test_streamed_files_unchanged_keep_their_mtime(tmp_path):
    bulletins = TABLES["extra-columns-and-awkward-text"]
    opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    time.sleep(0.01)
    written, _, _ = opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    assert not any(written.values())
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_a_failing_row_leaves_the_files_and_no_scratch_file(tmp_path):
    bulletins = TABLES["sorted-by-date-then-url"]
    opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    cols, rows = streamed_rows(bulletins)

    def broken():
        yield next(rows)
        raise RuntimeError("unreadable article")

    with pytest.raises(RuntimeError):
        opendata.write_row_files(tmp_path, cols, broken())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    ("old", "new", "written"),
    [
        pytest.param(None, b"a,b\r\n", True, id="new-file"),
        pytest.param(b"a,b\r\n", b"a,b\r\n", False, id="same-bytes"),
        pytest.param(b"a,b\r\n", b"a,c\r\n", True, id="same-size-other-bytes"),
        pytest.param(b"a,b\r\n", b"a,b\r\nc,d\r\n", True, id="longer"),
    ],
)
def test_replace_if_changed(tmp_path, old, new, written):
    path, tmp = tmp_path / "x.csv", tmp_path / ".x.csv.tmp"
    if old is not None:
        path.write_bytes(old)
    stamp = path.stat().st_mtime_ns if old is not None else None
    tmp.write_bytes(new)
    assert replace_if_changed(tmp, path) is written
    assert path.read_bytes() == new and not tmp.exists()
    assert (path.stat().st_mtime_ns == stamp) is (not written)


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_database_from_the_file_is_the_database_from_the_rows(tmp_path, bulletins):
    cols, rows = opendata.table_rows(bulletins)
    _, _, count = opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    from_file = JsonlRows(tmp_path / opendata.JSONL)
    assert len(from_file) == count and list(from_file) == rows == list(from_file)
    opendata_sqlite.build_sqlite(tmp_path / "rows.sqlite", cols, rows)
    opendata_sqlite.build_sqlite(tmp_path / "file.sqlite", cols, from_file)
    assert (tmp_path / "file.sqlite").read_bytes() == (tmp_path / "rows.sqlite").read_bytes()


class Row(dict):
    """A row that can be watched with a weak reference."""


MATCHING = "SELECT id FROM bulletins WHERE rowid IN (SELECT rowid FROM bulletins_fts WHERE bulletins_fts MATCH ?)"


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_the_full_text_index_is_whole_and_merges_as_usual_after(tmp_path, bulletins):
    """``fill_fts``: every row's trigrams found (FTS5's own check of the index against the
    table), substrings of the rows found by MATCH, and FTS5's merging set back to its default
    for the rebuilds that change the database in place."""
    cols, rows = opendata.table_rows(bulletins)
    path = tmp_path / "b.sqlite"
    opendata_sqlite.build_sqlite(path, cols, rows)
    rng = random.Random(20261205)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO bulletins_fts (bulletins_fts) VALUES ('integrity-check')")
        config = dict(conn.execute("SELECT k, v FROM bulletins_fts_config"))
        assert config.get("automerge") == opendata_sqlite.FTS_AUTOMERGE
        for row in rows:
            text = row["title"] + row["text"]
            if len(text) < 3:
                continue
            at = rng.randrange(len(text) - 2)
            query = text[at : at + 3].replace('"', "")
            if len(query) < 3:
                continue
            found = {r[0] for r in conn.execute(MATCHING, (f'"{query}"',))}
            assert found == {r["id"] for r in rows if query in r["title"] or query in r["text"]}, query


def test_a_build_holds_at_most_one_row_at_a_time(tmp_path, monkeypatch):
    alive: list[weakref.ref] = []
    most = []
    make = opendata.row_values

    def watched(cols, row_id, b):
        row = Row(make(cols, row_id, b))
        alive.append(weakref.ref(row))
        most.append(sum(ref() is not None for ref in alive))
        return row

    monkeypatch.setattr(opendata, "row_values", watched)
    settings = {"PATH": str(ROOT / "content"), "BULLETINS_SOURCE_ROOT": str(ROOT)}
    # the rows made in this process, where they can be watched (not in a fork beside the pages)
    out = build_fixture_site(tmp_path / "output", PLUGINS=PLUGINS, BULLETINS_DATA_BESIDE_PAGES=False, **settings)
    rows = (out / "data" / opendata.JSONL).read_bytes().count(b"\n")
    assert len(most) == rows > 10
    assert max(most) <= 2  # the row being written and the one being made


def test_jsonl_rows_counts_lines_when_not_told(tmp_path: Path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "a"}\n{"id": "b"}\n', encoding="utf-8")
    assert len(JsonlRows(path)) == 2 and len(JsonlRows(path, 5)) == 5


HOSTILE_IDS = ["a", 'b"q', "城区-2024-01", "x\\y", "a\u2028b", "tab\there", "é", "cr\rlf\n", "\\", ""]


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_rows_having_ids_are_the_rows_a_full_pass_finds(tmp_path, bulletins):
    _, rows = opendata.table_rows(bulletins)
    opendata.write_row_files(tmp_path, *streamed_rows(bulletins))
    from_file = JsonlRows(tmp_path / opendata.JSONL)
    ids = [row["id"] for row in rows]
    for wanted in ({ids[0]}, set(ids[-2:]), set(ids[::3]), {"no-such-id"}, set(), set(ids)):
        expected = [row for row in rows if row["id"] in wanted]
        assert list(from_file.having(wanted)) == expected
        assert list(opendata_sqlite.rows_having(from_file, wanted)) == expected
        assert list(opendata_sqlite.rows_having(rows, wanted)) == expected


def written_with_sizes(folder, bulletins):
    """The JSONL of BULLETINS written as a build writes it, and the sizes ``write_row_bytes`` gave."""
    cols, rows = streamed_rows(bulletins)
    made = (opendata.row_bytes(cols, row) for row in rows)
    _, _, sizes, count = opendata.write_row_bytes(folder, cols, made)
    assert len(sizes) == count
    return folder / opendata.JSONL, sizes


@pytest.mark.parametrize("bulletins", TABLES.values(), ids=TABLES.keys())
def test_rows_having_ids_read_where_the_sizes_put_them(tmp_path, bulletins, monkeypatch):
    _, rows = opendata.table_rows(bulletins)
    path, sizes = written_with_sizes(tmp_path, bulletins)
    ids = [row["id"] for row in rows]
    placed = JsonlRows(path, len(ids), sizes)
    with monkeypatch.context() as patched:
        patched.setattr(opendata_rows, "_LEADING_ID", None)  # the scan's first step: unreachable
        for wanted in ({ids[0]}, set(ids[-2:]), set(ids[::3]), set(), set(ids)):
            assert list(placed.having(wanted)) == [row for row in rows if row["id"] in wanted]
    for wanted in ({"no-such-id"}, {*ids, "no-such-id"}):  # an id the sizes lack: scanned for
        assert list(placed.having(wanted)) == [row for row in rows if row["id"] in wanted]


def hand_edits(path, sizes):
    """Ways the JSONL could differ from the sizes a build noted: each a function of the file."""
    lines = path.read_bytes().splitlines(keepends=True)
    first, last = next(iter(sizes)), list(sizes)[-1]
    spelled = json.dumps(first, ensure_ascii=False).encode("utf-8")[1:-1]  # as the line holds it
    return {
        "line-grown": lambda: path.write_bytes(b"".join([lines[0].replace(b'"}', b' "}', 1), *lines[1:]])),
        "lines-swapped": lambda: path.write_bytes(b"".join([lines[1], lines[0], *lines[2:]])),
        "same-size-other-id": lambda: path.write_bytes(
            b"".join([lines[0].replace(spelled, b"x" * len(spelled), 1), *lines[1:]])
        ),
        "last-line-cut": lambda: path.write_bytes(b"".join(lines)[:-1]),
        "sizes-of-another-order": lambda: sizes.update({last: sizes.pop(first)}),
    }


@pytest.mark.parametrize(
    "edit", ["line-grown", "lines-swapped", "same-size-other-id", "last-line-cut", "sizes-of-another-order"]
)
def test_rows_having_ids_in_a_file_not_as_the_sizes_say_are_scanned_for(tmp_path, edit):
    """A file that is not as the sizes say (a line grown, two lines swapped, an id changed at
    the same length, the last line cut, the sizes of another order) is scanned: the same rows
    as with no sizes at all."""
    path, sizes = written_with_sizes(tmp_path, TABLES["extra-columns-and-awkward-text"])
    sizes = dict(sizes)
    hand_edits(path, sizes)[edit]()
    scanned = JsonlRows(path)
    ids = [row["id"] for row in scanned]
    for wanted in ({ids[0]}, set(ids[-1:]), set(ids)):
        assert list(JsonlRows(path, len(ids), sizes).having(wanted)) == list(scanned.having(wanted))


def test_rows_having_an_id_that_is_another_rows_value(tmp_path):
    """A row whose other field holds an id (as a whole JSON string, or within its text) is not
    the row of that id; ids that JSON escapes are found."""
    rows = [
        {"id": row_id, "identifier": HOSTILE_IDS[i - 1], "text": f"见{HOSTILE_IDS[i - 2]!r}号"}
        for i, row_id in enumerate(HOSTILE_IDS)
    ]
    path = tmp_path / opendata.JSONL
    path.write_bytes(b"".join(opendata.jsonl_line(row) for row in rows))
    for i, row_id in enumerate(HOSTILE_IDS):
        assert list(JsonlRows(path).having({row_id})) == [rows[i]], row_id


@pytest.mark.parametrize(
    "spell",
    [
        lambda row: json.dumps(row, ensure_ascii=True),  # ids escaped: \\u57ce...
        lambda row: json.dumps(dict(reversed(list(row.items()))), ensure_ascii=False),  # the id last
        lambda row: json.dumps(row, ensure_ascii=False, indent=None, separators=(",", ":")),  # no spaces
    ],
    ids=["ascii_escapes", "id_not_first", "compact"],
)
def test_rows_having_ids_in_a_file_written_otherwise(tmp_path, spell):
    """A line another writer spelled (escapes, another key order, no spaces) is still found."""
    rows = [{"id": row_id, "text": "正文"} for row_id in HOSTILE_IDS]
    path = tmp_path / opendata.JSONL
    path.write_text("".join(spell(row) + "\n" for row in rows), encoding="utf-8")
    for i, row_id in enumerate(HOSTILE_IDS):
        assert list(JsonlRows(path).having({row_id})) == [rows[i]], row_id


HEADER_KEY_TUPLES = [
    ("title", "date", "identifier"),
    ("title", "date", "url", "save_as", "_private", "status", "lang"),
    ("publisher", "wenhao", "organisation", "unknown_field", "date"),
    ("date", "title", "identifier"),  # the same keys in another order: another answer
    (),
]


@pytest.mark.parametrize("keys", HEADER_KEY_TUPLES, ids=lambda keys: ",".join(keys) or "none")
def test_header_names_are_the_header_keys_named_as_columns(keys):
    expected = tuple(opendata.column_name(k) for k in keys if opendata.is_header_key(k))
    assert opendata.header_names(keys) == expected
    assert opendata.header_names(keys) is opendata.header_names(keys), "worked out once"


def test_header_names_stay_right_past_the_number_remembered(monkeypatch):
    monkeypatch.setattr(opendata, "HEADER_NAMES_HELD", 3)
    monkeypatch.setattr(opendata, "_HEADER_NAMES", {})
    rng = random.Random(7)
    pool = ["title", "date", "identifier", "url", "_x", "publisher", "zz"]
    for _ in range(50):
        keys = tuple(rng.sample(pool, rng.randint(0, len(pool))))
        assert opendata.header_names(keys) == tuple(opendata.column_name(k) for k in keys if opendata.is_header_key(k))
        assert len(opendata._HEADER_NAMES) <= 3
