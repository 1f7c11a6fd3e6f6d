"""A rebuild after one small change (a bulletin added as the newest or the oldest, one edited,
one removed) writes the bytes a cold build of the same content writes: every file of the site
with every plugin of ``pelicanconf.py`` (search index, citations, open data, raw copies,
manifest), the content cache on as ``./run html`` has it. The database is the one exception:
it is changed in place, so its bytes follow the history (``test_open_data_rebuild`` compares
its tables). A rebuild makes open-data rows only for the articles that changed, and plans raw
copies without reading a collection."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest
from pelican.settings import read_settings

from bulletins.plugins.citations import generator as citations
from bulletins.plugins.incremental import writer
from bulletins.plugins.raw_source import generator as raw_source
from bulletins.plugins.raw_source import linesizes
from bulletins.site import citation, fingerprint, fixity, opendata, output_files
from support.open_data import OPEN_DATA_PLUGINS
from support.shared import ROOT
from support.site_build import FIXTURE_CONTENT, build_fixture_site, full_build, site_files

NEW_ARTICLE = """\
Title: 临江区召开{name}工作会议
Date: {date}
Category: 工作动态
Tags: 防汛
Summary: {date}，临江区召开{name}工作会议。
Slug: ljq-{slug}
Identifier: LJ-{slug}
Publisher: 云溪市临江区人民政府
Presider: 周明远
People: 林晓东, 陈思远

{date}，临江区召开{name}工作会议，部署汛期安全生产工作。
"""
EDITED = Path("bulletins/2022/03/ljq-2022-0315-cwhy6.md")
REMOVED = Path("bulletins/2022/11/ljq-2022-1110-fxjz.md")


def add(date: str, name: str):
    def change(content: Path) -> None:
        slug = date.replace("-", "")
        path = content / "bulletins" / date[:4] / date[5:7] / f"ljq-{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NEW_ARTICLE.format(date=date, name=name, slug=slug), encoding="utf-8")

    return change


def add_repealing(content: Path) -> None:
    """Add a bulletin that repeals one already there: the repealed one's status, search data
    and pages change with no change to its own file."""
    add("2024-03-06", "清理文件")(content)
    path = content / "bulletins" / "2024" / "03" / "ljq-20240306.md"
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    repeals = "Repeals: 《周明远主持召开区政府第5次常务会议》（临府纪〔2022〕5号）"
    path.write_text(f"{head}\n{repeals}\n\n{body}", encoding="utf-8")


def edit(content: Path) -> None:
    path = content / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n会议还研究了数字经济园区建设有关事项。\n", encoding="utf-8")


def remove(content: Path) -> None:
    (content / REMOVED).unlink()


def remove_with_raw_copy(content: Path) -> None:
    """Remove a bulletin ingested from a collection: its raw copy must go with its page."""
    assert "SourceLine:" in (content / EDITED).read_text(encoding="utf-8")
    (content / EDITED).unlink()


CHANGES = [
    pytest.param(add("2024-03-05", "防汛"), 1, id="add-newest"),
    pytest.param(add("2020-01-08", "春运"), 1, id="add-oldest"),
    # the first ``Repeals`` header of the archive adds a column to the data: every row is made again
    pytest.param(add_repealing, 9, id="add-one-repealing-another"),
    pytest.param(edit, 1, id="edit-one"),
    pytest.param(remove, 0, id="remove-one"),
    pytest.param(remove_with_raw_copy, 0, id="remove-one-with-a-raw-copy"),
]


# The rows are made by the build itself, where ``made_rows`` counts them (a fork's are its own;
# rows made beside the pages are tested in test_open_data_rebuild.py and test_open_data_beside_pages.py).
ROWS_HERE = {"BULLETINS_DATA_BESIDE_PAGES": False}


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


@pytest.fixture()
def made_rows(monkeypatch):
    made = []
    make = opendata.row_bytes

    def counted(cols, row):
        made.append(row["id"])
        return make(cols, row)

    monkeypatch.setattr(opendata, "row_bytes", counted)
    return made


@pytest.mark.slow
@pytest.mark.parametrize(("change", "rows"), CHANGES)
def test_rebuild_after_one_change_equals_a_cold_build(tmp_path, content, made_rows, change, rows):
    warm = full_build(content, tmp_path / "warm" / "output")
    change(content)
    made_rows.clear()
    full_build(content, warm)
    assert len(made_rows) == rows  # every other row taken from the last build's files
    assert fixity.verify(warm).ok
    cold = full_build(content, tmp_path / "cold" / "output")
    warm_files, cold_files = site_files(warm), site_files(cold)
    assert sorted(warm_files) == sorted(cold_files)
    assert [name for name in cold_files if warm_files[name] != cold_files[name]] == []
    assert any(name.startswith("search/") for name in cold_files)


@pytest.mark.parametrize(
    ("damage", "rows"),
    [
        pytest.param(lambda data: data, 0, id="untouched"),
        pytest.param(lambda data: data.replace("临江区".encode(), "临江县".encode(), 1), 1, id="same-size-other-bytes"),
    ],
)
def test_old_rows_are_taken_only_as_they_were_written(tmp_path, content, made_rows, damage, rows):
    """A JSONL line whose bytes are not the ones recorded (same size, same mtime) is made again."""
    out = build_fixture_site(tmp_path / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    jsonl = out / "data" / opendata.JSONL
    expected, stat = jsonl.read_bytes(), jsonl.stat()
    jsonl.write_bytes(damage(expected))
    os.utime(jsonl, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edit(content)
    made_rows.clear()
    build_fixture_site(out, PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    assert len(made_rows) == 1 + rows
    cold = build_fixture_site(tmp_path / "cold" / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    for name in (opendata.JSONL, opendata.CSV):
        assert (out / "data" / name).read_bytes() == (cold / "data" / name).read_bytes()


def test_rows_that_cannot_be_copied_are_made_again(tmp_path, content, made_rows, monkeypatch, caplog):
    """The last build's files cut short while their rows are copied (``copy_range`` fails): every
    row is made again, with one warning, and the files are a cold build's."""
    from bulletins.site import opendata_reuse

    out = build_fixture_site(tmp_path / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    count = len((out / "data" / opendata.JSONL).read_bytes().splitlines())

    def cut_short(*args):
        raise OSError("the last build's file ended 10 bytes early")

    monkeypatch.setattr(opendata_reuse, "copy_range", cut_short)
    edit(content)
    made_rows.clear()
    build_fixture_site(out, PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    assert len(set(made_rows)) == count > 1  # every row made again (one made before the copy failed)
    assert [r.message for r in caplog.records if "could not be copied" in r.getMessage()]
    monkeypatch.undo()
    cold = build_fixture_site(tmp_path / "cold" / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    for name in (opendata.JSONL, opendata.CSV):
        assert (out / "data" / name).read_bytes() == (cold / "data" / name).read_bytes()


@pytest.mark.parametrize(
    "save_as",
    [
        "bulletins/2019/01/g-003.html",
        "index.html",
        "a/b.c/d",
        "a/.hidden",
        "a/name.",
        "a/x.tar.gz",
        "bulletins//2019/x.html",
        "./x.html",
        "a/./b.html",
        "/abs/x.html",
        "中文/公报.html",
    ],
)
@pytest.mark.parametrize("suffix", ["bib", "ris", "json"])
def test_citation_file_path_is_what_pathlib_gives(save_as, suffix):
    assert citation.file_path(save_as, suffix) == str(PurePosixPath(save_as).with_suffix(f".{suffix}"))


LINES = [b'{"id": "a"}', b'{"id": "b", "text": "\xe4\xb8\xad"}\r', b"", b'{"id": "d"}']


@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl.gz"])
@pytest.mark.parametrize(
    ("change", "wanted", "reads"),
    [
        pytest.param(None, {1, 4}, 1, id="unchanged-read-once"),
        pytest.param(b'{"id": "e"}\n', {5}, 2, id="appended-read-again"),
        pytest.param(None, {9}, 1, id="past-the-end"),
        pytest.param(None, set(), 0, id="nothing-wanted"),
    ],
)
def test_line_sizes_are_read_once_per_version_of_a_collection(tmp_path, monkeypatch, compress, change, wanted, reads):
    data = b"\n".join(LINES) + b"\n"
    path = tmp_path / ("c.jsonl.gz" if compress else "c.jsonl")
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    cache = tmp_path / "cache" / linesizes.CACHE
    first = linesizes.LineSizes(cache)
    assert first.sizes(path, wanted) == raw_source.line_sizes(path, wanted)
    first.save()
    if change:
        data += change
        path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    second = linesizes.LineSizes(cache)
    assert second.sizes(path, wanted) == raw_source.line_sizes(path, wanted)
    assert first.read + second.read == reads


@pytest.mark.parametrize("text", ["not json", '{"version": 1, "files": []}', '{"version": 0, "files": {}}', "[]"])
def test_a_damaged_line_size_cache_is_ignored(tmp_path, text):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"a\nbb\n")
    cache = tmp_path / linesizes.CACHE
    cache.write_text(text, encoding="utf-8")
    sizes = linesizes.LineSizes(cache)
    assert sizes.sizes(path, {1, 2}) == {1: 2, 2: 3} and sizes.read == 1


@pytest.mark.parametrize(
    ("old", "kept", "stale"),
    [
        pytest.param({"a.html": ["k", ["a.html"]]}, {"a.html"}, set(), id="still-written"),
        pytest.param(
            {"a.html": ["k", ["a.html"]], "b.html": ["k", ["b.html", "b-2.html"]]},
            {"a.html"},
            {"b.html", "b-2.html"},
            id="gone",
        ),
        pytest.param({"t.html": ["k", ["t.html", "t-2.html"]]}, {"t.html"}, {"t-2.html"}, id="one-page-fewer"),
        pytest.param({"x.html": 3, "y.html": ["k"], "z.html": ["k", "z.html"]}, set(), set(), id="damaged-ignored"),
        pytest.param({"a.html": "k", "b.html": "k"}, {"a.html"}, {"b.html"}, id="key-alone-names-its-page"),
    ],
)
def test_stale_files_are_the_last_builds_pages_no_longer_written(old, kept, stale):
    assert writer.stale_files(old, kept) == stale


@pytest.mark.parametrize(
    ("name", "key", "files", "entry"),
    [
        pytest.param("a.html", "k", ["a.html"], "k", id="one-file-of-its-name"),
        pytest.param("t.html", "k", ["t.html", "t-2.html"], ["k", ["t.html", "t-2.html"]], id="paginated"),
        pytest.param("a.html", "k", ["b/a.html"], ["k", ["b/a.html"]], id="another-file"),
        pytest.param("a.html", "k", [], ["k", []], id="no-file"),
        pytest.param("a.html", b"\x00" * 16, ["a.html"], b"\x00" * 16, id="key-as-bytes"),
        pytest.param(
            "t.html", b"k" * 16, ["t.html", "t-2.html"], [b"k" * 16, ["t.html", "t-2.html"]], id="bytes-paginated"
        ),
    ],
)
def test_a_page_of_one_file_of_its_name_is_recorded_by_its_key_alone(name, key, files, entry):
    assert writer.entry_of(name, key, files) == entry
    assert writer.entry_files(name, entry) == files and writer.entry_key(entry) == key


@pytest.mark.parametrize("entry", [["k"], ["k", "a.html"], 3, None], ids=str)
def test_a_damaged_entry_names_no_files(entry):
    assert writer.entry_files("a.html", entry) is None


def test_a_record_of_either_form_is_skipped_when_unchanged_and_stale_files_go(tmp_path):
    out = tmp_path / "output"
    for name in ("a.html", "b.html", "t.html", "t-2.html", "gone.html"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(name, encoding="utf-8")
    old = {"a.html": "ka", "b.html": ["kb", ["b.html"]], "t.html": ["kt", ["t.html", "t-2.html"]], "gone.html": "kg"}
    output_files.write_table(tmp_path / "pages.marshal", old)
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"CACHE_PATH": str(tmp_path), "BULLETINS_PAGE_CACHE": "pages.marshal"}
    )
    pages = writer.SkippingWriter(str(out), settings=settings)
    written = []
    for name, key in (("a.html", "ka"), ("b.html", "kb"), ("t.html", "kt")):
        pages._write_if_changed(name, key, lambda name=name: written.append(name))
    writer._ACTIVE[:] = [pages]
    writer.prune_stale(None)  # before the manifest's walk: the stale page gone, no record yet
    assert not (out / "gone.html").exists() and output_files.read_table(tmp_path / "pages.marshal") == old
    (out / "gone.html").write_text("made again by hand after the prune", encoding="utf-8")
    writer.save_cache(None)  # the record (while the walk goes): nothing removed a second time
    assert not writer._ACTIVE and (out / "gone.html").is_file()
    (out / "gone.html").unlink()
    assert written == [] and pages.skipped == 3
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html", "t-2.html", "t.html"]
    kept = {k: old[k] for k in ("a.html", "b.html", "t.html")}
    saved = output_files.read_table(tmp_path / "pages.marshal")
    assert saved.pop(writer.FOLDERS_KEY) == {}  # the output's one folder changed just now: not recorded
    assert saved == kept


@pytest.mark.parametrize(
    "text",
    ["[1, 2]", '"x"', "{", "", '{"a.html": "k"}'],
    ids=["list", "string", "broken", "empty", "an-older-build's-json-record"],
)
def test_a_record_that_is_not_a_table_of_pages_is_none(tmp_path, text):
    (tmp_path / "pages.marshal").write_text(text, encoding="utf-8")
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"CACHE_PATH": str(tmp_path), "BULLETINS_PAGE_CACHE": "pages.marshal"}
    )
    assert writer.SkippingWriter(str(tmp_path / "output"), settings=settings)._old == {}


def test_stale_pages_outside_the_output_are_never_removed(tmp_path):
    out = tmp_path / "output"
    (out / "tags").mkdir(parents=True)
    (out / "tags" / "gone.html").write_text("x", encoding="utf-8")
    outside = tmp_path / "keep.html"
    outside.write_text("x", encoding="utf-8")
    cache = tmp_path / "cache" / "bulletins-pages.marshal"
    output_files.write_table(
        cache, {"tags/gone.html": ["k", ["tags/gone.html"]], "../keep.html": ["k", ["../keep.html"]]}
    )
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"CACHE_PATH": str(cache.parent), "BULLETINS_PAGE_CACHE": cache.name}
    )
    assert writer.SkippingWriter(str(out), settings=settings).remove_stale(set()) == 1
    assert not (out / "tags").exists() and out.is_dir() and outside.is_file()


@pytest.mark.parametrize("public", ["", "https://archive.linjiang.example/"])
def test_a_lazy_citation_reads_as_the_citation(public):
    """Made from the article when a template first reads it, the citation its fields make."""
    article = SimpleNamespace(
        metadata={"date": "2024-03-05", "publisher": "云溪市临江区人民政府", "docnumber": "临府发〔2024〕5号"},
        title="临江区召开防汛工作会议",
        save_as="bulletins/2024/03/ljq.html",
        url="bulletins/2024/03/ljq.html",
    )
    made = citation.article_citation(citations.fields_for(article, public), article.save_as)
    lazy = citations.LazyCitation(article, public)
    assert lazy and (lazy.fields, lazy.meta, lazy.head, lazy.files) == (made.fields, made.meta, made.head, made.files)
    assert lazy.fields.public == bool(public) and lazy.fields.title == article.title


@pytest.mark.parametrize(
    ("change", "same"),
    [
        pytest.param(
            lambda root: (root / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0new"), True, id="bytecode"
        ),
        pytest.param(lambda root: (root / "sub" / "__pycache__").mkdir(), True, id="bytecode-folder"),
        pytest.param(lambda root: (root / "m.py").write_text("X = 2\n"), False, id="source"),
        pytest.param(lambda root: (root / "sub" / "n.py").write_text(""), False, id="new-module"),
    ],
)
def test_code_digest_ignores_compiled_bytecode(tmp_path, change, same):
    """An ingest run after a build compiles modules the build never imported: the content
    cache, keyed by the package's code, must survive that."""
    root = tmp_path / "package"
    (root / "__pycache__").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / "m.py").write_text("X = 1\n")
    (root / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0old")
    before = fingerprint.tree_digest(str(root))
    change(root)
    assert (fingerprint.tree_digest(str(root)) == before) is same


def _database_rows(out: Path) -> list:
    import sqlite3

    conn = sqlite3.connect(out / "data" / opendata.SQLITE)
    try:
        tables = ("bulletins", "people")
        return [sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("database", "stop"),
    [("kept", "before"), ("gone", "before"), ("kept", "after"), ("gone", "after")],
)
def test_open_data_stopped_around_its_database_is_taken_up_by_the_next_build(
    tmp_path, content, made_rows, monkeypatch, database, stop
):
    """A build stopped once its row files are written (Ctrl-C, a kill), either before its
    database is brought up to date or after the change went in but before its state is saved:
    the next build takes every row from those files, and trusts the database (updating what it
    still lacks) or, when it was made afresh and had not gone in, makes it again. Before, the
    files it had replaced matched no saved state: every row was made again and the database
    built afresh."""
    from bulletins.site import opendata_sqlite, opendata_state

    out = build_fixture_site(tmp_path / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    if database == "gone":  # not to be trusted: the stopped build was to make it afresh
        (out / "data" / opendata.SQLITE).unlink()
    edit(content)
    made_rows.clear()

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    def noted_then_stopped(*args):  # the moment the change went in: nothing after it is done
        real_commit(*args)
        raise KeyboardInterrupt

    real_commit = opendata_state.save_commit
    with monkeypatch.context() as mp:
        if stop == "before":
            mp.setattr(opendata_sqlite, "start", stopped)
        else:
            mp.setattr(opendata_state, "save_commit", noted_then_stopped)
        with pytest.raises((KeyboardInterrupt, SystemExit)):  # exit 130 once build_errors is connected
            build_fixture_site(out, PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    assert len(made_rows) == 1
    built = []
    real = opendata_sqlite.build_sqlite
    monkeypatch.setattr(opendata_sqlite, "build_sqlite", lambda *args: built.append(args) or real(*args))
    made_rows.clear()
    build_fixture_site(out, PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    assert made_rows == []  # every row taken from the stopped build's files
    assert len(built) == (1 if (database, stop) == ("gone", "before") else 0)
    monkeypatch.undo()
    cold = build_fixture_site(tmp_path / "cold" / "output", PATH=str(content), PLUGINS=OPEN_DATA_PLUGINS, **ROWS_HERE)
    for name in (opendata.JSONL, opendata.CSV):
        assert (out / "data" / name).read_bytes() == (cold / "data" / name).read_bytes()
    assert _database_rows(out) == _database_rows(cold)
