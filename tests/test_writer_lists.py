"""The writer takes a paginated list whole when its key and every page are the last build's."""

from __future__ import annotations

import pytest

from bulletins.plugins.incremental import writer
from bulletins.site import fingerprint, output_files
from support.shared import ROOT

PAGES = ["tags/a.html", "tags/a-2.html", "tags/a-3.html"]


def make_writer(tmp_path, record: dict | None = None) -> writer.SkippingWriter:
    out, cache = tmp_path / "output", tmp_path / "cache"
    (out / "tags").mkdir(parents=True, exist_ok=True)
    cache.mkdir(exist_ok=True)
    if record is not None:
        output_files.write_table(cache / "bulletins-pages.marshal", record)
    settings = {
        "CACHE_PATH": str(cache),
        "BULLETINS_PAGE_CACHE": "bulletins-pages.marshal",
        "THEME": str(ROOT / "theme"),
        "RELATIVE_URLS": False,
    }
    try:
        return writer.SkippingWriter(str(out), settings=settings)
    finally:
        writer._ACTIVE.clear()


def last_build(tmp_path, key="k1") -> dict:
    """The record a build left after writing the list under KEY, with its page files."""
    first = make_writer(tmp_path)
    assert not first.unchanged_list("tags/a.html", key, lambda: PAGES)  # nothing recorded yet
    record = dict(first._new, **{page: f"page-key-{n}" for n, page in enumerate(PAGES)})
    for page in PAGES:
        (tmp_path / "output" / page).write_text("<html></html>", encoding="utf-8")
    return record


def test_an_unchanged_list_is_taken_whole(tmp_path):
    record = last_build(tmp_path)
    again = make_writer(tmp_path, record)
    assert again.unchanged_list("tags/a.html", "k1", lambda: PAGES)
    assert again.skipped == 3
    assert {page: again._new[page] for page in PAGES} == {page: record[page] for page in PAGES}
    assert again._new[writer.LIST_PREFIX + "tags/a.html"] == record[writer.LIST_PREFIX + "tags/a.html"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda tmp, rec: ("k2", PAGES), "another key"),
        (lambda tmp, rec: rec[writer.LIST_PREFIX + "tags/a.html"].pop() and ("k1", PAGES), "no pages recorded"),
        (lambda tmp, rec: rec[writer.LIST_PREFIX + "tags/a.html"][2].append(3) or ("k1", PAGES), "a page name damaged"),
        (lambda tmp, rec: (tmp / "output" / PAGES[1]).unlink() or ("k1", PAGES), "a page's file deleted"),
        (lambda tmp, rec: rec.pop(PAGES[2]) and ("k1", PAGES), "a page not recorded"),
        (lambda tmp, rec: rec.update({PAGES[0]: 7}) or ("k1", PAGES), "a damaged page entry"),
        (lambda tmp, rec: rec.update({writer.LIST_PREFIX + "tags/a.html": "k1"}) or ("k1", PAGES), "a damaged entry"),
    ],
)
def test_a_list_is_written_page_by_page_when(tmp_path, change, why):
    record = last_build(tmp_path)
    key, pages = change(tmp_path, record)
    again = make_writer(tmp_path, record)
    assert not again.unchanged_list("tags/a.html", key, lambda: pages), why
    assert again.skipped == 0 and not set(pages) & again._new.keys()
    assert again._new[writer.LIST_PREFIX + "tags/a.html"] == [fingerprint.page_key((again._base, key)), [], pages]


def test_an_unchanged_list_is_not_cut_into_pages_again(tmp_path):
    """Its pages' names come from the record: the caller's function making them is not called
    (cutting every list again took 0.8 s of an unchanged rebuild at 100,000 bulletins)."""
    record = last_build(tmp_path)
    again = make_writer(tmp_path, record)
    calls = []
    assert again.unchanged_list("tags/a.html", "k1", lambda: calls.append(1) or PAGES)
    assert calls == [] and again.skipped == 3
    changed = make_writer(tmp_path, record)
    assert not changed.unchanged_list("tags/a.html", "k2", lambda: calls.append(1) or PAGES)
    assert calls == [1] and changed._new[writer.LIST_PREFIX + "tags/a.html"][2] == PAGES


def test_the_key_is_taken_with_the_templates_and_settings(tmp_path):
    record = last_build(tmp_path)
    again = make_writer(tmp_path, record)
    again._base = fingerprint.digest(("another theme",))
    assert not again.unchanged_list("tags/a.html", "k1", lambda: PAGES)


def test_list_entries_name_no_files(tmp_path):
    name = writer.LIST_PREFIX + "tags/a.html"
    assert writer.record_files({name: last_build(tmp_path)[name]}) == set()


@pytest.mark.parametrize("name", ["bulletins-pages.marshal", writer.LEGACY_RECORD])
def test_an_earlier_versions_json_record_goes_when_the_record_is_saved(tmp_path, name):
    """The record was JSON before (``bulletins-pages.json``): the first save of the new one
    removes it and its journal, unless a site names its record so (then it is the record)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    legacy = cache / writer.LEGACY_RECORD
    legacy.write_text('{"a.html": "k"}', encoding="utf-8")
    (cache / (writer.LEGACY_RECORD + ".writing")).write_text('"a.html"\n', encoding="utf-8")
    pages = make_writer(tmp_path)
    pages._cache_file = cache / name
    pages.save()
    assert sorted(p.name for p in cache.iterdir()) == [name]
    assert output_files.read_table(cache / name)[writer.FOLDERS_KEY] is not None
