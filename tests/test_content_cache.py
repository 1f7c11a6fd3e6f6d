"""Pelican's content cache is dropped when the settings or the package's code change, and only then."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bulletins.plugins.incremental import readcache

BASE = {"SITENAME": "青溪区公报", "BULLETINS_MAX_YEAR": 2026, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


def run_guard(cache, **changes) -> list[str]:
    """Write Pelican-style cache files, run the guard with BASE+CHANGES, return what is left."""
    for name in ("ArticlesGenerator-Readers", "PagesGenerator-Readers", "ArticlesGenerator", "bulletins-pages.json"):
        (cache / name).write_bytes(b"x")
    readcache.guard(SimpleNamespace(settings={**BASE, "CACHE_PATH": str(cache), **changes}))
    return sorted(p.name for p in cache.iterdir() if p.name != readcache.STAMP)


ALL = ["ArticlesGenerator", "ArticlesGenerator-Readers", "PagesGenerator-Readers", "bulletins-pages.json"]
CASES = {
    "same_settings_keep_the_cache": ({}, ALL),
    "a_page_setting_drops_it": ({"BULLETINS_MAX_YEAR": 2030}, ["bulletins-pages.json"]),
    "a_new_setting_drops_it": ({"BULLETINS_MIN_YEAR": 1990}, ["bulletins-pages.json"]),
    "a_build_only_setting_keeps_it": ({"GZIP_CACHE": True}, ALL),
}


@pytest.mark.parametrize("changes, left", CASES.values(), ids=CASES.keys())
def test_guard_after_a_first_build(tmp_path, changes, left):
    run_guard(tmp_path)  # the first build records its key
    assert run_guard(tmp_path, **changes) == left


def test_first_build_and_damaged_stamp_drop_the_cache(tmp_path):
    assert run_guard(tmp_path) == ["bulletins-pages.json"]
    (tmp_path / readcache.STAMP).write_text("{not json", encoding="utf-8")
    assert run_guard(tmp_path) == ["bulletins-pages.json"]


def test_code_change_drops_the_cache(tmp_path, monkeypatch):
    run_guard(tmp_path)
    monkeypatch.setattr(readcache.fingerprint, "tree_digest", lambda folder: "another version")
    assert run_guard(tmp_path) == ["bulletins-pages.json"]


def test_nothing_happens_without_a_content_cache(tmp_path):
    assert run_guard(tmp_path, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False) == ALL
    assert not (tmp_path / readcache.STAMP).exists()
