"""Pelican's content cache is dropped when the settings or the package's code change, and only then."""

from __future__ import annotations

import pickle
import random
from types import SimpleNamespace

import pytest

from bulletins.plugins.incremental import readcache

BASE = {"SITENAME": "青溪区公报", "BULLETINS_MAX_YEAR": 2026, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


def run_guard(cache, **changes) -> list[str]:
    """Write Pelican-style cache files, run the guard with BASE+CHANGES, return what is left."""
    for name in ("ArticlesGenerator-Readers", "PagesGenerator-Readers", "ArticlesGenerator", "bulletins-pages.marshal"):
        (cache / name).write_bytes(b"x")
    readcache.guard(SimpleNamespace(settings={**BASE, "CACHE_PATH": str(cache), **changes}))
    return sorted(p.name for p in cache.iterdir() if p.name != readcache.STAMP)


ALL = ["ArticlesGenerator", "ArticlesGenerator-Readers", "PagesGenerator-Readers", "bulletins-pages.marshal"]
CASES = {
    "same_settings_keep_the_cache": ({}, ALL),
    "a_page_setting_drops_it": ({"BULLETINS_MAX_YEAR": 2030}, ["bulletins-pages.marshal"]),
    "a_new_setting_drops_it": ({"BULLETINS_MIN_YEAR": 1990}, ["bulletins-pages.marshal"]),
    "a_build_only_setting_keeps_it": ({"GZIP_CACHE": True}, ALL),
}


@pytest.mark.parametrize("changes, left", CASES.values(), ids=CASES.keys())
def test_guard_after_a_first_build(tmp_path, changes, left):
    run_guard(tmp_path)  # the first build records its key
    assert run_guard(tmp_path, **changes) == left


def test_first_build_and_damaged_stamp_drop_the_cache(tmp_path):
    assert run_guard(tmp_path) == ["bulletins-pages.marshal"]
    (tmp_path / readcache.STAMP).write_text("{not json", encoding="utf-8")
    assert run_guard(tmp_path) == ["bulletins-pages.marshal"]


def test_code_change_drops_the_cache(tmp_path, monkeypatch):
    run_guard(tmp_path)
    monkeypatch.setattr(readcache.fingerprint, "tree_digest", lambda folder: "another version")
    assert run_guard(tmp_path) == ["bulletins-pages.marshal"]


def test_nothing_happens_without_a_content_cache(tmp_path):
    assert run_guard(tmp_path, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False) == ALL
    assert not (tmp_path / readcache.STAMP).exists()


class Wrapper:  # like Pelican's Tag: a small object holding the shared settings
    def __init__(self, name, settings):
        self.name, self.settings = name, settings

    def __eq__(self, other):
        return vars(self) == vars(other)


SETTINGS = {"SITENAME": "青溪区公报", "TAG_URL": "tags/{slug}.html", "LIST": list(range(50))}


def reader_cache(count: int, settings=SETTINGS) -> dict:
    return {
        f"content/{n}.md": (float(n), (f"<p>第{n}号公告。</p>" * 6, {"tags": [Wrapper(f"标签{n % 7}", settings)]}))
        for n in range(count)
    }


@pytest.mark.parametrize("count", [0, 1, 1999, 2000, 4500])
def test_the_chunked_reader_cache_reads_back_what_it_wrote(tmp_path, count):
    cache, path = reader_cache(count), tmp_path / "ArticlesGenerator-Readers.chunks"
    readcache.save_chunked(cache, path)
    assert readcache.load_chunked(path) == cache
    assert not list(tmp_path.glob(".*.tmp"))
    live = dict(SETTINGS)  # the running build's settings: what every wrapper read back holds
    readcache.save_chunked(reader_cache(count, live), path, settings=live)
    again = readcache.load_chunked(path, settings=live)
    assert again == cache and all(entry[1][1]["tags"][0].settings is live for entry in again.values())
    if count:
        assert readcache.load_chunked(path) is None  # a reference without the settings to give it


def test_a_cut_short_or_damaged_cache_keeps_what_is_whole(tmp_path, caplog):
    path = tmp_path / "cache.chunks"
    assert readcache.load_chunked(path) is None  # none yet
    readcache.save_chunked(reader_cache(4500), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 100])  # the last chunk cut short
    assert len(readcache.load_chunked(path)) == 4000
    path.write_bytes(b"\x80\x05not a pickle at all")
    assert readcache.load_chunked(path) is None and "cannot be read" in caplog.text


@pytest.mark.parametrize("seed", range(4))
def test_a_changed_byte_drops_its_chunk_and_the_rest_never_changes_an_entry(tmp_path, seed):
    """One byte changed anywhere (a seeded campaign of 40 a file): the entries read back are
    the ones written, those of the chunks before the damaged one; an unsealed pickle gave a
    page another title (or none) as often as not."""
    rng = random.Random(seed)
    cache, path = reader_cache(4500), tmp_path / "cache.chunks"
    readcache.save_chunked(cache, path)
    data = path.read_bytes()
    kept = []
    for _ in range(40):
        damaged = bytearray(data)
        damaged[rng.randrange(len(data))] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(damaged))
        found = readcache.load_chunked(path) or {}
        assert all(cache.get(name) == entry for name, entry in found.items())
        assert len(found) in (0, 2000, 4000)
        kept.append(len(found))
    assert {0, 2000, 4000} & set(kept) and len(set(kept)) > 1


def test_a_damaged_length_is_not_read(tmp_path, caplog):
    """A chunk's length changed to petabytes is refused before any read allocates it."""
    cache, path = reader_cache(2500), tmp_path / "cache.chunks"
    readcache.save_chunked(cache, path)
    data = bytearray(path.read_bytes())
    data[len(readcache.CHUNKS_MAGIC) + 6] = 0x40  # the first chunk's length, past 2**54
    path.write_bytes(bytes(data))
    assert readcache.load_chunked(path) is None and "length is damaged" in caplog.text


def test_an_unsealed_cache_of_an_earlier_version_is_none(tmp_path, caplog):
    path = tmp_path / "cache.chunks"
    with path.open("wb") as fh:
        pickle.dump(reader_cache(3), fh)
    assert readcache.load_chunked(path) is None and "cannot be read" in caplog.text


def test_chunks_hold_far_less_memory_than_one_pickle(tmp_path):
    import pickle
    import tracemalloc

    cache = reader_cache(20_000)

    def peak(save) -> int:
        tracemalloc.start()
        try:
            save()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = peak(lambda: pickle.dump(cache, (tmp_path / "whole").open("wb")))
    chunked = peak(lambda: readcache.save_chunked(cache, tmp_path / "chunked"))
    assert chunked * 4 < whole, (chunked, whole)


def test_saving_leaves_no_utf8_copy_in_the_articles_texts_and_keeps_odd_ones(tmp_path):
    import gc
    import pickle
    import tracemalloc

    odd = {"content/odd.md": (1.0, ("孤立代理\ud800项\udfff" * 20, {"title": "\x00标题\u2028"}))}

    def retained(save) -> int:
        cache = reader_cache(5_000)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            save(cache)
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()

    # the C pickler's own encoding keeps a UTF-8 copy in every non-ASCII string it writes
    whole = retained(lambda cache: pickle.dump(cache, (tmp_path / "whole").open("wb")))
    chunked = retained(lambda cache: readcache.save_chunked(cache, tmp_path / "chunked"))
    assert chunked * 2 < whole, (chunked, whole)
    readcache.save_chunked({**reader_cache(10), **odd}, tmp_path / "odd")
    assert readcache.load_chunked(tmp_path / "odd") == {**reader_cache(10), **odd}
