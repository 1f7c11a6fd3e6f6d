"""Rebuilds of data/ and the manifest: what a rebuild writes equals a cold build of the same
content, the database is changed in place for a few rows, and a rebuild where nothing changed
writes nothing at all."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from bulletins.site import fixity, opendata, opendata_sqlite, opendata_state
from bulletins.site.opendata_state import RowChanges
from support.open_data import read_jsonl, substring_queries
from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT, cached_build

PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.open_data"]
DATA = Path("data")
NEW_ARTICLE = """\
Title: 临江区召开防汛工作推进会
Date: 2023-06-20
Category: 工作动态
Tags: 防汛, 安全生产
Summary: 6月20日，临江区召开防汛工作推进会。
Slug: ljq-2023-0620-fxtj
Identifier: {identifier}
Publisher: 云溪市临江区人民政府
Region: 云溪市临江区
Presider: 周明远
People: 林晓东, 陈思远
Documents: 《临江区防汛应急预案》
{extra}
6月20日，临江区召开防汛工作推进会，部署汛期安全生产工作。

会议要求，各街道要落实《临江区防汛应急预案》，做好值班值守。
"""
CWHY6 = Path("bulletins/2022/03/ljq-2022-0315-cwhy6.md")
GGWH = Path("bulletins/2023/06/ljq-2023-0601-ggwh.md")


def add_one(content: Path) -> None:
    (content / "bulletins/2023/06/ljq-2023-0620-fxtj.md").write_text(
        NEW_ARTICLE.format(identifier="LJ-20230620-fxtj", extra=""), encoding="utf-8"
    )


def edit_one_remove_one(content: Path) -> None:
    path = content / CWHY6
    text = path.read_text(encoding="utf-8").replace("People: 林晓东, 王静", "People: 林晓东, 陈思远")
    path.write_text(text + "\n会议还研究了数字经济园区建设有关事项。\n", encoding="utf-8")
    (content / GGWH).unlink()


def add_one_sharing_an_identifier(content: Path) -> None:
    """Two articles with one identifier: both rows change their id to their URL."""
    (content / "bulletins/2023/06/ljq-2023-0620-fxtj.md").write_text(
        NEW_ARTICLE.format(identifier="LJ-20220315-why6", extra=""), encoding="utf-8"
    )


def add_one_with_a_new_field(content: Path) -> None:
    """A header field no other article has: a new column, so the database is built afresh."""
    (content / "bulletins/2023/06/ljq-2023-0620-fxtj.md").write_text(
        NEW_ARTICLE.format(identifier="LJ-20230620-fxtj", extra="Issue: 2023年第6期\n"), encoding="utf-8"
    )


CHANGES = [
    pytest.param(add_one, True, id="add-one"),
    pytest.param(edit_one_remove_one, True, id="edit-one-remove-one"),
    pytest.param(add_one_sharing_an_identifier, True, id="add-one-sharing-an-identifier"),
    pytest.param(add_one_with_a_new_field, False, id="add-one-with-a-new-column"),
]


# --- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param({"A": "1"}, {"A": "1"}, RowChanges(), id="same"),
        pytest.param({"A": "1"}, {"A": "1", "B": "2"}, RowChanges(insert=("B",)), id="added"),
        pytest.param({"A": "1", "B": "2"}, {"B": "2"}, RowChanges(remove=("A",)), id="removed"),
        pytest.param({"A": "1"}, {"A": "9"}, RowChanges(remove=("A",), insert=("A",)), id="changed"),
        pytest.param(
            {"LJ-1": "1", "b.html": "2"},
            {"a.html": "3", "b.html": "4"},
            RowChanges(remove=("LJ-1", "b.html"), insert=("a.html", "b.html")),
            id="identifier-now-shared",
        ),
        pytest.param({}, {"A": "1"}, RowChanges(insert=("A",)), id="first-build"),
    ],
)
def test_row_changes(old, new, expected):
    assert opendata_state.row_changes(old, new) == expected


@pytest.mark.parametrize(
    ("changed", "total", "in_place"),
    [
        pytest.param(None, 10, False, id="database-unknown"),
        pytest.param(0, 11_442, True, id="nothing"),
        pytest.param(1, 11_442, True, id="one-of-many"),
        pytest.param(2_860, 11_442, True, id="a-quarter"),
        pytest.param(2_861, 11_442, False, id="more-than-a-quarter"),
        pytest.param(500, 600, True, id="small-site"),
    ],
)
def test_few_changes_are_applied_in_place(changed, total, in_place):
    changes = None if changed is None else RowChanges(insert=tuple(map(str, range(changed))))
    assert opendata_sqlite.in_place(changes, total) is in_place


def test_inputs_digest_ignores_article_order_but_not_code():
    digests = ["a.html\0" + "1" * 16, "b.html\0" + "2" * 16]
    assert opendata_state.inputs_digest(digests, "v1") == opendata_state.inputs_digest(digests[::-1], "v1")
    assert opendata_state.inputs_digest(digests, "v1") != opendata_state.inputs_digest(digests, "v2")
    assert opendata_state.inputs_digest(digests, "v1") != opendata_state.inputs_digest(digests[:1], "v1")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("not json", id="not-json"),
        pytest.param('{"version": 0, "inputs": "x"}', id="older-version"),
        pytest.param('{"version": 1, "unknown": 1}', id="unknown-key"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param('{"version": 2, "inputs": "x", "rows": {}}', id="one-line-form-of-version-2"),
        pytest.param('{"version": 3, "inputs": "x"}\n', id="rows-line-missing"),
        pytest.param('{"version": 3, "inputs": "x"}\n{"rows": {}}\n', id="sources-missing"),
        pytest.param('{"version": 3, "inputs": "x"}\n[1]\n', id="rows-line-not-an-object"),
        pytest.param(
            '{"version": 3, "inputs": "x"}\n{"rows": {}, "sources": {}, "x": 1}\n', id="rows-line-unknown-key"
        ),
        pytest.param('{"version": 3, "rows": {}}\n{"rows": {}, "sources": {}}\n', id="rows-on-the-first-line"),
        pytest.param('{"version": 3, "inputs": "x"}\n{"rows": {"A": "1"}, "so', id="cut-short"),
        pytest.param('{"version": 3, "files": [1]}\n{"rows": {}, "sources": {}}\n', id="files-not-a-table"),
        pytest.param('{"version": 3, "count": "2"}\n{"rows": [], "sources": {}}\n', id="wrong-types"),
    ],
)
def test_a_state_that_cannot_be_read_is_empty(tmp_path, text):
    (tmp_path / "state.json").write_text(text, encoding="utf-8")
    assert opendata_state.load(tmp_path / "state.json") == opendata_state.DataState()


def test_state_round_trip(tmp_path):
    state = opendata_state.DataState(
        "x", ["id", "url", "text"], 2, {"a.csv": [3, 4]}, "k", {"A": "1", "B": "2"}, "c", {"A": ["d", 5, 6]}
    )
    path = tmp_path / "cache" / "state.json"
    opendata_state.save(path, state)
    assert opendata_state.load(path) == state
    assert opendata_state.load(path, whole=False) == dataclasses.replace(state, rows={}, sources={})
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_state_read_without_its_rows_reads_its_first_line_only(tmp_path):
    path = tmp_path / "state.json"
    opendata_state.save(path, opendata_state.DataState("x", count=1, rows={"A": "1"}))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("damage after the rows")
    assert opendata_state.load(path, whole=False) == opendata_state.DataState("x", count=1)
    assert opendata_state.load(path) == opendata_state.DataState()


# --- builds -------------------------------------------------------------------------------


def build(content: Path, output: Path, beside: bool = False) -> Path:
    """A build with the content cache (``calls`` cannot see a fork's database calls: BESIDE)."""
    return cached_build(content, output, PLUGINS, beside)


@pytest.fixture()
def content(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURE_CONTENT, tmp_path / "content"))


@pytest.fixture()
def calls(monkeypatch) -> dict[str, int]:
    """How often the database was built afresh and updated in place (in this process)."""
    counts = {"build_sqlite": 0, "update_sqlite": 0}
    for name in counts:
        original = getattr(opendata_sqlite, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(opendata_sqlite, name, counted)
    return counts


def tables(db: Path) -> dict[str, list]:
    """Every table's rows in a fixed order, the schema, and the full-text index's own check."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("INSERT INTO bulletins_fts (bulletins_fts, rank) VALUES ('integrity-check', 1)")
        return {
            "schema": sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")),
            "bulletins": sorted(conn.execute("SELECT * FROM bulletins")),
            "people": sorted(conn.execute("SELECT name, role, bulletin FROM people")),
            "documents": sorted(conn.execute("SELECT title, bulletin FROM documents")),
            "relations": sorted(conn.execute("SELECT bulletin, relation, title, doc_number FROM relations")),
            "fts": sorted(
                conn.execute("SELECT b.id, f.title, f.text FROM bulletins_fts f JOIN bulletins b ON b.rowid = f.rowid")
            ),
        }


def matches(db: Path, queries: list[str]) -> dict[str, list[str]]:
    sql = "SELECT b.id FROM bulletins_fts JOIN bulletins b ON b.rowid = bulletins_fts.rowid WHERE bulletins_fts MATCH ?"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {q: sorted(row[0] for row in conn.execute(sql, (f'"{q}"',))) for q in queries}


def mtimes(out: Path) -> dict[str, int]:
    """Every file of OUT but Pelican's own copy of the theme's static files (it copies them on
    every build, same bytes, new mtime)."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] != "theme"
    }


@pytest.mark.parametrize(("change", "in_place"), CHANGES)
def test_rebuild_after_a_change_equals_a_cold_build(tmp_path, content, calls, change, in_place):
    warm = build(content, tmp_path / "warm" / "output")
    change(content)
    calls.update(build_sqlite=0, update_sqlite=0)
    build(content, warm)
    assert calls == ({"build_sqlite": 0, "update_sqlite": 1} if in_place else {"build_sqlite": 1, "update_sqlite": 0})
    assert fixity.verify(warm).ok

    cold = build(content, tmp_path / "cold" / "output")
    for name in (opendata.JSONL, opendata.CSV):
        assert (warm / DATA / name).read_bytes() == (cold / DATA / name).read_bytes(), name
    assert tables(warm / DATA / opendata.SQLITE) == tables(cold / DATA / opendata.SQLITE)
    queries = substring_queries(read_jsonl(cold / DATA / opendata.JSONL), 30, seed=5)
    assert matches(warm / DATA / opendata.SQLITE, queries) == matches(cold / DATA / opendata.SQLITE, queries)
    for name in ("data.html", "sitemap.xml"):
        assert (warm / name).read_bytes() == (cold / name).read_bytes(), name


@pytest.mark.parametrize("beside", [False, True], ids=["by-the-build", "beside-the-pages"])
def test_changes_one_after_another_stay_equal_to_a_cold_build(tmp_path, content, calls, beside):
    warm = build(content, tmp_path / "warm" / "output", beside)
    for change in (add_one, edit_one_remove_one, add_one_sharing_an_identifier):
        change(content)
        build(content, warm, beside)
        assert fixity.verify(warm).ok
    cold = build(content, tmp_path / "cold" / "output")
    assert calls["update_sqlite"] == (0 if beside else 3)  # a fork's calls are its own
    assert tables(warm / DATA / opendata.SQLITE) == tables(cold / DATA / opendata.SQLITE)
    assert (warm / DATA / opendata.JSONL).read_bytes() == (cold / DATA / opendata.JSONL).read_bytes()


def test_rebuild_with_nothing_changed_writes_no_file_and_makes_no_row(tmp_path, content, monkeypatch):
    out = build(content, tmp_path / "output")
    before = mtimes(out)
    assert {"data/bulletins.sqlite", "manifest-sha256.txt", "sitemap.xml", "robots.txt", "data.html"} <= set(before)
    time.sleep(0.01)

    def no_rows(*args, **kwargs):
        raise AssertionError("rows made in a rebuild where nothing changed")

    monkeypatch.setattr(opendata, "table_rows", no_rows)
    build(content, out)
    assert mtimes(out) == before
    assert fixity.verify(out).ok


@pytest.mark.parametrize(
    "meddle",
    [
        pytest.param(lambda db: db.write_bytes(db.read_bytes()), id="database-rewritten"),
        pytest.param(lambda db: db.unlink(), id="database-removed"),
        pytest.param(lambda db: (db.parents[2] / "cache" / "bulletins-opendata.json").unlink(), id="no-state"),
    ],
)
def test_a_database_the_state_does_not_describe_is_built_afresh(tmp_path, content, calls, meddle):
    out = build(content, tmp_path / "output")
    meddle(out / DATA / opendata.SQLITE)
    add_one(content)
    calls.update(build_sqlite=0, update_sqlite=0)
    build(content, out)
    assert calls == {"build_sqlite": 1, "update_sqlite": 0}
    cold = build(content, tmp_path / "cold" / "output")
    assert tables(out / DATA / opendata.SQLITE) == tables(cold / DATA / opendata.SQLITE)
    assert fixity.verify(out).ok


def test_sitemap_lists_the_data_page(tmp_path, content):
    out = build(content, tmp_path / "output")
    assert "<loc>data.html</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")


@pytest.fixture(params=["page-writer-first", "manifest-first"])
def finalized_order(request):
    """The two ``finalized`` receivers connected in the order the parameter names (a process
    keeps the order its first registration gave, whatever PLUGINS says later)."""
    from pelican import signals

    from bulletins.plugins.incremental import writer
    from bulletins.plugins.open_data import manifest

    receivers = [writer.save_cache, manifest.write_manifest]
    if request.param == "manifest-first":
        receivers.reverse()
    for receiver in receivers:
        signals.finalized.disconnect(receiver)
    for receiver in receivers:
        signals.finalized.connect(receiver)
    return request.param


def test_the_manifest_never_lists_a_removed_page(tmp_path, content, finalized_order):
    warm = build(content, tmp_path / "warm" / "output")
    assert (warm / GGWH.with_suffix(".html")).is_file()
    edit_one_remove_one(content)
    build(content, warm)
    assert not (warm / GGWH.with_suffix(".html")).exists()
    report = fixity.verify(warm)
    assert report.ok, report


def _held(old_kind: str, stamp, committed):
    from bulletins.site.opendata_state import DataState, held_rows

    files = {"bulletins.sqlite": [100, 5]}
    old = {
        "done": DataState(sqlite_key="k", files=files, rows={"a": "1"}),
        "between": DataState(sqlite_key="k", files=files, rows={"a": "2"}, between=True, database_rows={"a": "1"}),
        "between, afresh": DataState(sqlite_key="", files={}, rows={"a": "2"}, between=True),
    }[old_kind]
    return held_rows(old, "k", stamp, committed, "bulletins.sqlite")


@pytest.mark.parametrize(
    ("old", "stamp", "committed", "held"),
    [
        pytest.param("done", [100, 5], None, {"a": "1"}, id="unchanged"),
        pytest.param("done", None, None, None, id="absent"),
        pytest.param("done", [100, 6], None, None, id="touched"),
        pytest.param("done", [100, 6], {"stamp": [100, 6], "sqlite_key": "k"}, None, id="a-commit-after-a-whole-build"),
        pytest.param("between", [100, 5], None, {"a": "1"}, id="stopped-before-its-change"),
        pytest.param("between", [100, 6], {"stamp": [100, 6], "sqlite_key": "k"}, {"a": "2"}, id="its-change-went-in"),
        pytest.param("between", [100, 6], {"stamp": [100, 7], "sqlite_key": "k"}, None, id="touched-after-it"),
        pytest.param("between", [100, 6], {"stamp": [100, 6], "sqlite_key": "x"}, None, id="another-layout"),
        pytest.param("between", [100, 6], None, None, id="cut-short"),
        pytest.param("between, afresh", [90, 1], {"stamp": [90, 1], "sqlite_key": "k"}, {"a": "2"}, id="made-afresh"),
        pytest.param("between, afresh", [90, 1], None, None, id="made-afresh-not-in"),
    ],
)
def test_which_database_a_build_trusts_after_a_stop(old, stamp, committed, held):
    assert _held(old, stamp, committed) == held
