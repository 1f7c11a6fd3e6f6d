"""The journal of pages a rebuild is about to write (``pagejournal``): what a stopped build
leaves the next one."""

from __future__ import annotations

import pytest
from pelican.settings import read_settings

from bulletins.plugins.incremental import pagejournal, writer
from bulletins.site import output_files
from support.shared import ROOT


@pytest.mark.parametrize(
    ("journal", "stopped"),
    [
        pytest.param(None, set(), id="no-journal"),
        pytest.param("", set(), id="empty"),
        pytest.param('"a.html"\n"tags/b.html"\n', {"a.html", "tags/b.html"}, id="two-pages"),
        pytest.param('"a.html"\n"a.html"\n', {"a.html"}, id="noted-twice"),
        pytest.param('"a.html"\n"tags/b.ht', None, id="cut-inside-a-line"),
        pytest.param('"a.html"\n"tags/b.html"', None, id="cut-before-its-newline"),
        pytest.param('"a.html"\n7\n', None, id="not-a-name"),
        pytest.param("\udcff", None, id="not-utf-8"),
    ],
)
def test_a_journal_is_read_whole_or_not_at_all(tmp_path, journal, stopped):
    record = tmp_path / "pages.marshal"
    if journal is not None:
        pagejournal.path_of(record).write_bytes(journal.encode("utf-8", "surrogateescape"))
    assert pagejournal.stopped_pages(record) == stopped


def test_names_are_appended_and_cleared(tmp_path):
    record = tmp_path / "pages.marshal"
    pagejournal.note(record, ["a.html", 'odd "name"\nwith a newline.html'])
    pagejournal.note(record, [])
    pagejournal.note(record, ["b.html"])
    assert pagejournal.stopped_pages(record) == {"a.html", 'odd "name"\nwith a newline.html', "b.html"}
    pagejournal.clear(record)
    pagejournal.clear(record)  # none there: nothing to do
    assert pagejournal.stopped_pages(record) == set()


def writer_over(tmp_path, record: dict, journal: list[str] | None):
    output_files.write_table(tmp_path / "pages.marshal", record)
    if journal is not None:
        pagejournal.note(tmp_path / "pages.marshal", journal)
    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"CACHE_PATH": str(tmp_path), "BULLETINS_PAGE_CACHE": "pages.marshal"}
    )
    return writer.SkippingWriter(str(tmp_path / "output"), settings=settings)


def test_pages_a_stopped_build_noted_are_written_again_and_the_rest_skipped(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    for name in ("a.html", "b.html", "c.html"):
        (out / name).write_text(name, encoding="utf-8")
    pages = writer_over(tmp_path, {"a.html": "ka", "b.html": "kb", "c.html": "kc"}, ["b.html"])
    written = []
    for name, key in (("a.html", "ka"), ("b.html", "kb"), ("c.html", "kc")):
        pages._write_if_changed(name, key, lambda name=name: written.append(name))
    assert written == ["b.html"] and pages.skipped == 2
    assert pagejournal.stopped_pages(tmp_path / "pages.marshal") == {"b.html"}  # noted again, before it was written
    pages.save()
    assert not pagejournal.path_of(tmp_path / "pages.marshal").exists()


def test_a_journal_that_cannot_be_read_drops_the_whole_record(tmp_path):
    pagejournal.path_of(tmp_path / "pages.marshal").write_text('"a.ht', encoding="utf-8")
    assert writer_over(tmp_path, {"a.html": "ka"}, None)._old == {}


def test_a_build_with_no_record_notes_nothing(tmp_path):
    pages = writer_over(tmp_path, {}, None)
    pages._write_if_changed("a.html", "ka", lambda: None)
    assert not pagejournal.path_of(tmp_path / "pages.marshal").exists()
