"""What a build holds to its end stays out of the cycle collector's scans and is freed by the
next build in the same process; Pelican's content cache is written only when an article was
read anew, and its unused generator layer costs no file system call."""

from __future__ import annotations

import gc
import shutil
import weakref
from types import SimpleNamespace

import pytest
from pelican import signals

from bulletins.plugins.incremental import collector, readcache
from support.site_build import FIXTURE_CONTENT, build_fixture_site

CACHE_ON = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


class Cycle:
    def __init__(self):
        self.me = self


def test_a_context_is_frozen_before_the_collector_is_on_again():
    made, started = [], []

    class Generator:
        def generate_context(self):
            made.extend(Cycle() for _ in range(5_000))  # enough to set off a young collection
            made.append(weakref.ref(Cycle()))  # garbage in a cycle: only the collector frees it
            return "context"

    def note(phase, info):
        if phase == "start":
            started.append(info["generation"])

    generator = Generator()
    collector.generator_init(generator)
    gc.unfreeze()
    gc.collect()
    gc.callbacks.append(note)
    try:
        assert generator.generate_context() == "context"
        assert gc.get_freeze_count() > len(made)
        assert gc.get_count()[0] < gc.get_threshold()[0]  # turning the collector on set nothing off
    finally:
        gc.callbacks.remove(note)
    assert started == []  # no collection: neither a full one nor the young one the re-enabling set off
    assert made[-1]() is not None  # frozen with the rest, to the build's end
    gc.unfreeze()
    gc.collect()
    assert made[-1]() is None  # freed once the next build hands it back to the collector


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_no_collection_while_a_context_is_built(enabled):
    seen = []

    class Generator:
        def generate_context(self):
            seen.append(gc.isenabled())
            raise RuntimeError("a generator fails")

    generator = Generator()
    collector.generator_init(generator)
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError):
            generator.generate_context()
        assert seen == [False] and gc.isenabled() is enabled  # as it was, an error or not
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_build_ends_frozen_and_the_next_hands_it_back(tmp_path):
    build_fixture_site(tmp_path / "one" / "output")
    assert gc.get_freeze_count() > 0  # the exit of the process does not scan them again
    at_start = []

    def count_frozen(generator):
        at_start.append(gc.get_freeze_count())

    signals.generator_init.connect(count_frozen)
    try:
        build_fixture_site(tmp_path / "two" / "output")
    finally:
        signals.generator_init.disconnect(count_frozen)
    assert at_start[0] == 0  # the first build's objects are the collector's again
    assert gc.get_freeze_count() > 0


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


def readers_cache(out):
    return out.parent / "cache" / "bulletins-articles.cache"


def test_the_article_cache_is_written_only_after_a_read(tmp_path, content):
    cache = tmp_path / "site" / "cache"
    cache.mkdir(parents=True)
    left = [cache / "ArticlesGenerator-Readers", cache / "ArticlesGenerator-Readers.chunks"]
    for path in left:  # an earlier version's reader cache of the articles
        path.write_bytes(b"old")
    out = build_fixture_site(tmp_path / "site" / "output", PATH=str(content), **CACHE_ON)
    first = readers_cache(out).stat().st_mtime_ns
    assert not any(path.exists() for path in left)
    build_fixture_site(out, PATH=str(content), **CACHE_ON)
    assert readers_cache(out).stat().st_mtime_ns == first  # every article found in the chunks
    article = sorted(content.rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n缓存测试补充段落。\n", encoding="utf-8")
    build_fixture_site(out, PATH=str(content), **CACHE_ON)
    assert readers_cache(out).stat().st_mtime_ns != first
    shutil.rmtree(out)
    build_fixture_site(out, PATH=str(content), **CACHE_ON)  # every article from the saved cache
    assert sum("缓存测试补充段落" in p.read_text(encoding="utf-8") for p in out.rglob("*.html")) >= 1


def test_the_generator_layer_cache_still_works(tmp_path, content):
    layer = dict(CACHE_ON, CONTENT_CACHING_LAYER="generator")
    cold = build_fixture_site(tmp_path / "cold" / "output", PATH=str(content))
    out = build_fixture_site(tmp_path / "warm" / "output", PATH=str(content), **layer)
    assert (out.parent / "cache" / "ArticlesGenerator").is_file()
    shutil.rmtree(out)
    build_fixture_site(out, PATH=str(content), **layer)
    pages = sorted(p.relative_to(cold) for p in cold.rglob("*.html"))
    assert pages == sorted(p.relative_to(out) for p in out.rglob("*.html"))
    for page in pages:
        assert (out / page).read_bytes() == (cold / page).read_bytes(), page


@pytest.mark.parametrize(
    ("policy", "held", "skipped"),
    [(False, {}, True), (True, {}, False), (False, {"a.md": (1.0, "article")}, False)],
    ids=["empty-unused", "caching", "holds-data"],
)
def test_an_unused_generator_layer_is_not_asked(monkeypatch, policy, held, skipped):
    generator = SimpleNamespace(_cache_data_policy=policy, _cache=held)
    generator.get_cached_data = generator.cache_data = None
    readcache.skip_unused_layer(generator)
    assert (generator.get_cached_data is not None) is skipped
    if skipped:
        monkeypatch.setattr("os.stat", lambda *a, **k: pytest.fail("stat called"))
        assert generator.get_cached_data("missing.md", "default") == "default"
        assert generator.cache_data("missing.md", "article") is None
