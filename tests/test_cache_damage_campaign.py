"""A seeded campaign of damaged cache folders: one byte of one file of the site's cache folder
(every plugin of ``pelicanconf.py``, the content cache on as ``./run html`` has it) changed at a
seeded place, then a rebuild after one edit. Whatever the file and the byte, the rebuild writes
the site a cold build of the same content writes, and the build does not stop: a damaged cache
costs time, never a wrong page, a wrong search answer or a wrong data file."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from support.site_build import FIXTURE_CONTENT, full_build, site_files

pytestmark = pytest.mark.slow

TRIALS = 72  # every file of the cache folder (36) twice, at two seeded places
EDITED = Path("bulletins/2022/03/ljq-2022-0315-cwhy6.md")


def edit(content: Path) -> None:
    path = content / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n会议还研究了数字经济园区建设有关事项。\n", encoding="utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The folder a site is built in (content, output, cache), a snapshot of it after its first
    build (restored into that same folder before each trial: the caches name their paths), and
    the cold build's files of the edited content."""
    root = tmp_path_factory.mktemp("campaign")
    site = root / "site"
    shutil.copytree(FIXTURE_CONTENT, site / "content")
    full_build(site / "content", site / "output")
    shutil.copytree(site, root / "pristine", symlinks=True)
    shutil.copytree(FIXTURE_CONTENT, root / "cold" / "content")
    edit(root / "cold" / "content")
    cold = site_files(full_build(root / "cold" / "content", root / "cold" / "output"))
    return site, root / "pristine", cold


def restored(site: Path, pristine: Path) -> Path:
    shutil.rmtree(site)
    shutil.copytree(pristine, site, symlinks=True)  # copy2: the files keep their times
    return site


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and p.stat().st_size)


def rebuilt_after_edit(site: Path) -> dict[str, bytes]:
    edit(site / "content")
    full_build(site / "content", site / "output")
    return site_files(site / "output")


def test_the_campaign_reaches_every_cache(sites):
    _, pristine, _ = sites
    names = {p.name for p in cache_files(pristine / "cache")}
    for wanted in ("bulletins-articles.cache", "bulletins-pages.marshal", "search-tokens.marshal"):
        assert wanted in names, sorted(names)
    assert len(names) >= 12, sorted(names)


def test_an_undamaged_cache_is_used(sites):
    """The control: with the caches as the last build left them, the rebuild is the cold build
    and leaves most of the site's files as they were (the caches were read, not dropped)."""
    site, pristine, cold = sites
    restored(site, pristine)
    before = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    assert rebuilt_after_edit(site) == cold
    kept = sum(p.stat().st_mtime_ns == ns for p, ns in before.items() if p.exists())
    assert kept > 0.7 * len(before), (kept, len(before))


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_rebuild_over_a_damaged_cache_is_the_cold_build(sites, trial):
    site, pristine, cold = sites
    restored(site, pristine)
    files = cache_files(site / "cache")
    rng = random.Random(500 + trial)
    target = files[trial % len(files)]
    data = bytearray(target.read_bytes())
    at = rng.randrange(len(data))
    data[at] ^= rng.randrange(1, 256)
    stat = target.stat()
    target.write_bytes(bytes(data))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # only the bytes differ
    rebuilt = rebuilt_after_edit(site)
    where = f"{target.relative_to(site / 'cache')} byte {at} of {len(data)}"
    assert sorted(rebuilt) == sorted(cold), where
    assert [name for name in cold if rebuilt[name] != cold[name]] == [], where
