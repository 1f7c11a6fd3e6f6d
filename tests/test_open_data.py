"""Open data: data/bulletins.jsonl, .csv and .sqlite (trigram full-text search) and the data page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime

from bulletins.plugins.open_data.generator import header_text
from bulletins.site import opendata, opendata_sqlite
from bulletins.site.opendata import Bulletin
from bulletins.site.opendata_state import RowChanges
from bulletins.site.output_files import write_if_changed
from support.open_data import OPEN_DATA_PLUGINS, read_jsonl, substring_queries
from support.shared import ROOT
from support.site_build import build_fixture_site
from support.sites import sample_site

PLUGINS = OPEN_DATA_PLUGINS
DATA_FILES = ("bulletins.jsonl", "bulletins.csv", "bulletins.sqlite")


def build(output: Path, **overrides) -> Path:
    """The sample archive (the repository's content/, which ``./run build`` ingests from sources/)."""
    settings = {"PATH": str(ROOT / "content"), "BULLETINS_SOURCE_ROOT": str(ROOT), "PLUGINS": PLUGINS}
    return build_fixture_site(output, **{**settings, **overrides})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("opendata") / "output")


def article_pages(out: Path) -> list[str]:
    """Relative URLs of the article pages (month and year indexes left out)."""
    return sorted(p.relative_to(out).as_posix() for p in (out / "bulletins").rglob("*.html") if p.name != "index.html")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def fts_ids(db: Path, query: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        sql = "SELECT id FROM bulletins WHERE rowid IN (SELECT rowid FROM bulletins_fts WHERE bulletins_fts MATCH ?)"
        return {row[0] for row in conn.execute(sql, (f'"{query}"',))}


def expected_ids(rows: list[dict], query: str) -> set[str]:
    return {row["id"] for row in rows if query in row["title"] or query in row["text"]}


# --- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(dt.datetime(2022, 2, 28), "2022-02-28", id="date-at-midnight"),
        pytest.param(dt.datetime(2022, 2, 28, 9, 30), "2022-02-28 09:30:00", id="date-with-time"),
        pytest.param(SafeDatetime(2022, 2, 28), "2022-02-28", id="pelican-date"),
        pytest.param(SafeDatetime(2022, 2, 28, 9, 30, 5), "2022-02-28 09:30:05", id="pelican-date-with-time"),
        pytest.param(dt.date(1999, 12, 31), "1999-12-31", id="plain-date"),
        pytest.param([Tag("营商环境", {}), Tag("数字经济", {})], "营商环境, 数字经济", id="pelican-tags"),
        pytest.param(Category("常务会议", {}), "常务会议", id="pelican-category"),
        pytest.param(["许明远", "陆承平"], "许明远, 陆承平", id="list"),
        pytest.param(None, "", id="none"),
        pytest.param("《青溪区优化营商环境十条措施》", "《青溪区优化营商环境十条措施》", id="text-kept"),
    ],
)
def test_header_text(value, expected):
    assert header_text(value) == expected


def test_header_text_names_tags_and_categories():
    class Tag:
        slug, name = "yingshang", "营商"

    assert header_text([Tag(), Tag()]) == "营商, 营商"


def bulletin(url, date, ident="", text="正文", **fields) -> Bulletin:
    return Bulletin(url=url, fields={"date": date, "identifier": ident, **fields}, text=text)


@pytest.mark.parametrize(
    ("bulletins", "ids"),
    [
        pytest.param([bulletin("a.html", "2022-01-01", "X1")], ["X1"], id="identifier"),
        pytest.param([bulletin("a.html", "2022-01-01")], ["a.html"], id="no-identifier-url"),
        pytest.param(
            [bulletin("a.html", "2022-01-01", "X1"), bulletin("b.html", "2022-01-02", "X1")],
            ["a.html", "b.html"],
            id="shared-identifier-urls",
        ),
    ],
)
def test_row_ids_are_unique(bulletins, ids):
    assert opendata.assign_ids(bulletins) == ids


def test_rows_sorted_with_fixed_columns_and_extra_fields_after_known():
    cols, rows = opendata.table_rows(
        [
            bulletin("b.html", "2023-05-01", "B", status_note="现行有效"),
            bulletin("a.html", "2022-05-01", "A", title="甲"),
        ]
    )
    assert cols[:3] == ["id", "url", "identifier"] and cols[-2:] == ["status_note", "text"]
    assert [r["id"] for r in rows] == ["A", "B"]
    assert all(list(r) == cols for r in rows)
    assert rows[1]["title"] == "" and rows[0]["status_note"] == ""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("会议指出，要“稳中求进”。", id="cjk-quotes"),
        pytest.param('He said "yes", then left', id="comma-and-quotes"),
        pytest.param("第一段\n第二段\r\n第三段", id="line-breaks"),
        pytest.param("=SUM(A1:A2)", id="formula-like"),
    ],
)
def test_csv_and_jsonl_round_trip(text):
    cols, rows = opendata.table_rows([bulletin("a.html", "2022-01-01", "X", title="标题, 带逗号", text=text)])
    from_csv = list(csv.DictReader(io.StringIO(opendata.render_csv(cols, rows).decode("utf-8-sig"), newline="")))
    from_jsonl = [json.loads(line) for line in opendata.render_jsonl(rows).decode("utf-8").splitlines()]
    assert from_csv == rows == from_jsonl


def test_people_and_documents_rows():
    row = {"id": "X", "presider": "周文澜", "people": "许明远, 周文澜"}
    rows = [{**row, "documents": "《甲规划》《乙方案》《甲规划》"}]
    assert opendata.people_rows(rows) == [
        {"name": "周文澜", "role": "presided", "bulletin": "X"},
        {"name": "许明远", "role": "attended", "bulletin": "X"},
    ]
    assert opendata.document_rows(rows) == [{"title": "甲规划", "bulletin": "X"}, {"title": "乙方案", "bulletin": "X"}]


RELATION_CASES = {
    "repeal_with_number": (
        {"repeals": "《青溪区收费管理办法》（青溪府发〔2019〕2号）"},
        [("repeals", "青溪区收费管理办法", "青溪府发〔2019〕2号")],
    ),
    "two_amended_one_bare_number": (
        {"amends": "《甲规定》; 青溪府发〔2021〕5号"},
        [("amends", "甲规定", ""), ("amends", "", "青溪府发〔2021〕5号")],
    ),
    "interprets_and_repeals": (
        {"interprets": "《乙办法》", "repeals": "《丙办法》"},
        [("repeals", "丙办法", ""), ("interprets", "乙办法", "")],
    ),
    "none": ({"documents": "《丁规划》"}, []),
}


@pytest.mark.parametrize("fields, expected", RELATION_CASES.values(), ids=RELATION_CASES.keys())
def test_relation_rows(fields, expected):
    rows = opendata.relation_rows([{"id": "X", **fields}])
    assert [(r["relation"], r["title"], r["doc_number"]) for r in rows] == expected
    assert all(r["bulletin"] == "X" for r in rows)


def test_write_if_changed_keeps_bytes_and_mtime(tmp_path):
    path = tmp_path / "x.csv"
    assert write_if_changed(path, b"a,b\r\n")
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert not write_if_changed(path, b"a,b\r\n")
    assert path.stat().st_mtime_ns == before
    assert write_if_changed(path, b"a,c\r\n") and path.read_bytes() == b"a,c\r\n"


# --- the built site -----------------------------------------------------------------------


def test_one_row_per_article_in_every_file(site):
    pages = article_pages(site)
    jsonl = read_jsonl(site / "data" / "bulletins.jsonl")
    table = read_csv(site / "data" / "bulletins.csv")
    with sqlite3.connect(site / "data" / "bulletins.sqlite") as conn:
        count = conn.execute("SELECT count(*) FROM bulletins").fetchone()[0]
    assert len(jsonl) == len(table) == count == len(pages) > 10
    assert sorted(row["url"] for row in jsonl) == pages
    assert table == jsonl
    assert all(row["title"] and row["date"] and row["text"] and row["identifier"] for row in jsonl)


def test_people_and_documents_tables_point_at_bulletins(site):
    with sqlite3.connect(site / "data" / "bulletins.sqlite") as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM bulletins")}
        people = conn.execute("SELECT name, role, bulletin FROM people").fetchall()
        documents = conn.execute("SELECT title, bulletin FROM documents").fetchall()
    assert people and documents
    assert {b for *_, b in people} <= ids and {b for _, b in documents} <= ids
    assert {role for _, role, _ in people} <= {"presided", "attended"}
    assert not any(title.startswith("《") for title, _ in documents)


def test_relations_table_holds_what_the_headers_state(site):
    rows = read_jsonl(site / "data" / "bulletins.jsonl")
    with sqlite3.connect(site / "data" / "bulletins.sqlite") as conn:
        stored = sorted(conn.execute("SELECT bulletin, relation, title, doc_number FROM relations"))
    stated = sorted(tuple(r.values()) for r in opendata.relation_rows(rows))
    assert stored == stated
    assert {relation for _, relation, *_ in stored} == {"repeals", "amends", "interprets"}


def test_fts_finds_exactly_the_bulletins_containing_a_three_character_query(site):
    rows = read_jsonl(site / "data" / "bulletins.jsonl")
    queries = substring_queries(rows, 40, seed=11)
    assert len(queries) == 40
    for query in queries:
        assert fts_ids(site / "data" / "bulletins.sqlite", query) == expected_ids(rows, query), query


def test_data_page_describes_files_fields_and_licence(site):
    page = (site / "data.html").read_text(encoding="utf-8")
    for name in DATA_FILES:
        assert f'href="./data/{name}"' in page
    for column in ("identifier", "doc_number", "source_hash", "text"):
        assert f"<code>{column}</code>" in page
    assert "CC BY 4.0" in page
    assert 'href="./data.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert "bulletins-csl.json" not in page  # no citations plugin in this build


@pytest.mark.slow
def test_data_page_lists_the_citation_file_when_the_citations_plugin_runs():
    # The sample site is built by the real command with pelicanconf.py (citations before open_data);
    # in one process, plugins registered by an earlier build would change the generators' order.
    out = sample_site().output
    page = (out / "data.html").read_text(encoding="utf-8")
    assert 'href="./data/bulletins-csl.json"' in page and (out / "data" / "bulletins-csl.json").is_file()


def test_rebuild_with_nothing_changed_rewrites_no_data_file(tmp_path):
    out = build(tmp_path / "output")
    files = [out / "data" / name for name in DATA_FILES] + [out / "manifest-sha256.txt"]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    (tmp_path / "cache" / "bulletins-opendata.json").unlink()  # the database is rebuilt and compared
    build(out)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


@pytest.mark.slow
def test_two_builds_in_different_folders_write_the_same_bytes(site, tmp_path):
    other = build(tmp_path / "elsewhere" / "output")
    for name in (*(f"data/{n}" for n in DATA_FILES), "manifest-sha256.txt", "data.html"):
        assert (other / name).read_bytes() == (site / name).read_bytes(), name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("BULLETINS_DATA_LICENSE", "CC BY 4.0\n另见说明", id="licence-two-lines"),
        pytest.param("BULLETINS_DATA_LICENSE", 4, id="licence-not-text"),
        pytest.param("BULLETINS_DATA_DIR", "../data", id="data-dir-outside"),
        pytest.param("BULLETINS_DATA_URL", "data/", id="data-url-not-html"),
    ],
)
def test_bad_setting_stops_the_build(tmp_path, name, value):
    with pytest.raises(SystemExit, match=f"CRITICAL: {name}"):
        build(tmp_path / "output", **{name: value})


# --- Datasette ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return json.loads(response.read().decode("utf-8"))


def _wait_for(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"datasette exited with {proc.returncode}: {proc.stderr.read()[-2000:]}")
        try:
            _get_json(f"{base}/-/versions.json")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"datasette did not answer on {base} within {seconds} s")


@pytest.mark.slow
def test_datasette_serves_the_table_and_full_text_search(site):
    pytest.importorskip("datasette")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    db = site / "data" / "bulletins.sqlite"
    args = [sys.executable, "-m", "datasette", "serve", str(db), "-h", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(base, proc)
        rows = read_jsonl(site / "data" / "bulletins.jsonl")
        table = _get_json(f"{base}/bulletins/bulletins.json?_shape=array&_size=max")
        assert sorted(r["id"] for r in table) == sorted(r["id"] for r in rows)
        query = substring_queries(rows, 1, seed=3)[0]
        found = _get_json(f"{base}/bulletins/bulletins.json?_shape=array&_search={urllib.parse.quote(query)}")
        assert {r["id"] for r in found} == expected_ids(rows, query)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the real corpus ----------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_fts_matches_substring_search():
    from support.sites import corpus_site

    built = corpus_site()
    rows = read_jsonl(built.output / "data" / "bulletins.jsonl")
    assert len(rows) == len(built.articles())
    assert len(read_csv(built.output / "data" / "bulletins.csv")) == len(rows)
    for query in substring_queries(rows, 30, seed=7):
        assert fts_ids(built.output / "data" / "bulletins.sqlite", query) == expected_ids(rows, query), query


@pytest.mark.parametrize("background", [pytest.param(True, id="child-process"), pytest.param(False, id="in-process")])
def test_database_built_in_a_child_process_or_here_is_the_same(site, tmp_path, monkeypatch, background):
    monkeypatch.setattr(opendata_sqlite, "BACKGROUND_ROWS", 0 if background else 10**9)
    rows = read_jsonl(site / "data" / "bulletins.jsonl")
    target = tmp_path / "bulletins.sqlite"
    job = opendata_sqlite.start(target, site / "data" / "bulletins.jsonl", list(rows[0]), rows)
    assert (job.process is not None) is background
    assert job.finish() and target.read_bytes() == (site / "data" / "bulletins.sqlite").read_bytes()
    again = opendata_sqlite.start(target, site / "data" / "bulletins.jsonl", list(rows[0]), rows, RowChanges())
    assert again.process is None and not again.finish()
