"""The article cache (``incremental.articlecache``): a rebuild takes each unchanged article whole
from the last build's records, reads a changed one from its file, never trusts a damaged file,
and logs a reader's warning on every build; at build level an unchanged rebuild reads no
article file and writes the pages a cold build writes."""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest
from pelican.log import LimitFilter

from bulletins.plugins.article_headers.reader import CheckedMarkdownReader
from bulletins.plugins.incremental import articlecache, cachefile
from bulletins.plugins.incremental.articlecache import FILE, ArticleCache
from bulletins.site import fingerprint
from support.cache_doubles import CACHE_ON, Thing, generator
from support.site_build import FIXTURE_CONTENT, build_fixture_site

TEXTS = ["短", "公报正文" * 40, "a" * 300, "孤\ud800立代理", "含\x00空字符" * 20, "行\u2028分隔" * 30, ""]


def write_sources(folder: Path, count: int) -> list[str]:
    names = [f"a{i:02d}.md" for i in range(count)]
    for i, name in enumerate(names):
        (folder / name).write_text(f"Title: {i}\n\n正文{i}\n", encoding="utf-8")
    return names


def first_build(folder: Path, names: list[str]) -> Path:
    gen = generator(folder)
    cache = ArticleCache(gen, folder / FILE, load=True, save=True)
    for i, name in enumerate(names):
        assert cache.get(name) is None
        cache.put(name, Thing(gen.settings, gen.context, TEXTS[i % len(TEXTS)] + str(i)))
    cache.save()
    return folder / FILE


def test_records_come_back_with_the_running_builds_settings_and_context(tmp_path):
    names = write_sources(tmp_path, 9)
    first_build(tmp_path, names)
    gen = generator(tmp_path)
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    things = [cache.get(name) for name in names]
    assert [t.text for t in things] == [TEXTS[i % len(TEXTS)] + str(i) for i in range(9)]
    assert all(t.settings is gen.settings and t.context is gen.context for t in things)


def touch_same_size(path: Path) -> None:
    path.write_bytes(path.read_bytes()[::-1])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


@pytest.mark.parametrize(
    ("change", "served"),
    [
        (lambda p: None, True),
        (lambda p: p.write_text(p.read_text(encoding="utf-8") + "补充\n", encoding="utf-8"), False),
        (touch_same_size, False),
        (lambda p: p.unlink(), False),
    ],
    ids=["unchanged", "longer", "same-size-newer", "removed"],
)
def test_a_changed_file_is_read_again(tmp_path, change, served):
    names = write_sources(tmp_path, 3)
    first_build(tmp_path, names)
    change(tmp_path / names[1])
    cache = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    assert cache.fresh(names[1]) is served
    assert (cache.get(names[1], "read") != "read") is served
    assert cache.get(names[0]) is not None and cache.get(names[2]) is not None


@pytest.mark.parametrize(
    ("asked", "added", "rewritten", "left"),
    [
        ([0, 1, 2], [], False, 3),
        ([0, 2], [], True, 2),
        ([], [], True, 0),
        ([0, 1, 2], [3], True, 4),
    ],
    ids=["all-taken", "one-left", "none-taken", "one-added"],
)
def test_the_file_is_rewritten_only_when_something_changed(tmp_path, asked, added, rewritten, left):
    names = write_sources(tmp_path, 4)
    path = first_build(tmp_path, names[:3])
    before = path.stat().st_mtime_ns, path.read_bytes()
    os.utime(path, ns=(1, 1))
    gen = generator(tmp_path)
    cache = ArticleCache(gen, path, load=True, save=True)
    for i in asked:
        assert cache.get(names[i]) is not None
    for i in added:
        assert cache.get(names[i]) is None
        cache.put(names[i], Thing(gen.settings, gen.context, "新"))
    cache.save()
    assert (path.stat().st_mtime_ns != 1) is rewritten
    with open(path, "rb") as fh:
        index = articlecache.read_index(fh.fileno())
    assert len(index) == left
    assert before[1] == path.read_bytes() or rewritten


def damaged(cut=None, flip=None, data=None):
    def damage(path: Path) -> None:
        body = bytearray(path.read_bytes() if data is None else data)
        if cut is not None:
            del body[cut:]
        if flip is not None:
            body[flip] ^= 0xFF
        path.write_bytes(bytes(body))

    return damage


@pytest.mark.parametrize(
    "damage",
    [
        damaged(cut=0),
        damaged(cut=10),
        damaged(cut=-1),
        damaged(cut=-30),
        damaged(data=b"garbage" * 40),
        damaged(flip=0),
        damaged(flip=-5),
        damaged(flip=-23),
    ],
    ids=["empty", "head-only", "last-byte-gone", "footer-gone", "garbage", "magic", "trailer", "offset"],
)
def test_a_damaged_file_is_read_as_none(tmp_path, caplog, damage):
    names = write_sources(tmp_path, 5)
    path = first_build(tmp_path, names)
    damage(path)
    cache = ArticleCache(generator(tmp_path), path, load=True, save=True)
    with caplog.at_level(logging.WARNING):
        got = [cache.get(name, "read") for name in names]
    assert got == ["read"] * 5
    assert "cannot be read" in caplog.text


@pytest.mark.parametrize("version", [b"5", b"6", b"70"])
def test_another_versions_file_is_read_as_none_quietly_and_replaced(tmp_path, caplog, version):
    names = write_sources(tmp_path, 4)
    path = first_build(tmp_path, names)
    other = articlecache.MAGIC.replace(articlecache.MAGIC.split()[1], version)
    body = path.read_bytes()
    path.write_bytes(other + body[len(articlecache.MAGIC) : -len(articlecache.MAGIC)] + other)
    with caplog.at_level(logging.INFO):
        rebuilt = first_build(tmp_path, names)  # every article read again, a new file written
    assert "another version" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    cache = ArticleCache(generator(tmp_path), rebuilt, load=True, save=False)
    assert all(cache.get(name) is not None for name in names)


def test_a_damaged_record_is_read_from_its_file(tmp_path):
    names = write_sources(tmp_path, 3)
    path = first_build(tmp_path, names)
    with open(path, "rb") as fh:
        index = articlecache.read_index(fh.fileno())
    body = bytearray(path.read_bytes())
    offset, length = index[names[1]].offset, index[names[1]].length
    body[offset : offset + length] = b"\x00" * length
    path.write_bytes(bytes(body))
    cache = ArticleCache(generator(tmp_path), path, load=True, save=True)
    assert [cache.get(name, "read") == "read" for name in names] == [False, True, False]


def test_an_object_that_cannot_be_pickled_is_not_kept(tmp_path):
    names = write_sources(tmp_path, 2)
    gen = generator(tmp_path)
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    cache.put(names[0], Thing(gen.settings, gen.context, "可"))
    cache.put(names[1], Thing(gen.settings, gen.context, lambda: None))
    cache.save()
    again = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    assert again.get(names[0]).text == "可" and again.get(names[1]) is None


def test_the_readers_warning_is_logged_again_when_taken_from_the_cache(tmp_path, caplog):
    names = write_sources(tmp_path, 2)
    gen = generator(tmp_path)
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    for name, line in zip(names, ["a00.md: no Slug: 'a00'", None], strict=True):
        assert cache.get(name) is None
        if line:
            articlecache.remember_warning(gen, line)
        cache.put(name, Thing(gen.settings, gen.context, name))
    cache.save()
    again = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    with caplog.at_level(logging.WARNING):
        assert again.get(names[0]).text == names[0] and again.get(names[1]).text == names[1]
    assert [r.getMessage() for r in caplog.records] == ["a00.md: no Slug: 'a00'"]


@pytest.mark.parametrize(
    ("settings", "wanted"),
    [
        ({}, True),
        ({"WITH_FUTURE_DATES": False}, False),
        ({"CONTENT_CACHING_LAYER": "generator"}, False),
        ({"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}, False),
        ({"CACHE_CONTENT": False}, True),
    ],
)
def test_when_the_article_cache_is_used(tmp_path, settings, wanted):
    assert articlecache.wanted(generator(tmp_path, **settings)) is wanted


def test_without_load_nothing_is_served_and_without_save_nothing_written(tmp_path):
    names = write_sources(tmp_path, 2)
    path = first_build(tmp_path, names)
    assert ArticleCache(generator(tmp_path), path, load=False, save=True).get(names[0]) is None
    gen = generator(tmp_path)
    cache = ArticleCache(gen, path, load=True, save=False)
    cache.put("a09.md", Thing(gen.settings, gen.context, "x"))
    before = path.read_bytes()
    cache.save()
    assert path.read_bytes() == before


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


def pages(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


@pytest.mark.parametrize("touched", [False, True], ids=["unchanged", "touched-not-changed"])
def test_an_unchanged_rebuild_reads_no_article_and_writes_the_same_pages(
    tmp_path, content, monkeypatch, caplog, touched
):
    unslugged = content / "bulletins" / "ljq-noslug.md"
    first = sorted((content / "bulletins").rglob("*.md"))[0]  # by path: rglob's order differs between Pythons
    text = first.read_text(encoding="utf-8")
    unslugged.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("Slug:")), encoding="utf-8"
    )
    out = build_fixture_site(tmp_path / "site" / "output", PATH=str(content), **CACHE_ON)
    first = pages(out)
    read = CheckedMarkdownReader.read
    monkeypatch.setattr(CheckedMarkdownReader, "read", lambda *a: pytest.fail(f"read {a[1]}"))
    for path in (content / "bulletins").rglob("*.md") if touched else ():  # as a fresh checkout leaves them
        os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    caplog.clear()
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())  # Pelican logs a line once per process
    with caplog.at_level(logging.WARNING):
        build_fixture_site(out, PATH=str(content), **CACHE_ON)
    assert "no Slug" in caplog.text  # the reader's warning, from the cache
    assert pages(out) == first
    monkeypatch.setattr(CheckedMarkdownReader, "read", read)
    cold = build_fixture_site(tmp_path / "cold" / "output", PATH=str(content))
    assert pages(cold) == first


def test_a_record_names_the_settings_and_context_never_a_copy(tmp_path, content):
    out = build_fixture_site(tmp_path / "site" / "output", PATH=str(content), **CACHE_ON)
    with open(out.parent / "cache" / FILE, "rb") as fh:
        index = articlecache.read_index(fh.fileno())
        records = [os.pread(fh.fileno(), entry.length, entry.offset) for entry in index.values()]
    assert len(index) == len(list((content / "bulletins").rglob("*.md")))
    for record in records:
        with pytest.raises(pickle.UnpicklingError, match="persistent"):
            pickle.loads(record)


def rebuild_editing(folder: Path, names: list[str], edited: list[str]) -> Path:
    """A build after EDITED files changed: every other record taken, the edited ones written."""
    for name in edited:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + "改\n", encoding="utf-8")
    gen = generator(folder)
    cache = ArticleCache(gen, folder / FILE, load=True, save=True)
    for name in names:
        if cache.get(name) is None:
            cache.put(name, Thing(gen.settings, gen.context, (folder / name).read_text(encoding="utf-8")))
    cache.save()
    return folder / FILE


def test_new_records_are_appended_until_most_of_the_file_is_dead(tmp_path):
    names = write_sources(tmp_path, 6)
    path = first_build(tmp_path, names)
    sizes = [path.stat().st_size]
    for _ in range(8):
        rebuild_editing(tmp_path, names, names[:2])
        sizes.append(path.stat().st_size)
    grew = [b > a for a, b in itertools.pairwise(sizes)]
    assert grew[0] and not all(grew)  # appended at first, compacted later
    with open(path, "rb") as fh:
        index, tables = cachefile.read_file(fh.fileno())
        live = cachefile.live_bytes(index, tables)  # the records and the tables they name
    assert live > sum(entry.length for entry in index.values())
    assert 2 * live >= path.stat().st_size - len(pickle.dumps((index, tables))) - 64
    cache = ArticleCache(generator(tmp_path), path, load=True, save=False)
    edited = [(tmp_path / name).read_text(encoding="utf-8") for name in names[:2]]
    assert [cache.get(name).text for name in names] == edited + [TEXTS[i % len(TEXTS)] + str(i) for i in range(2, 6)]


def test_a_build_stopped_while_appending_leaves_a_file_read_as_none(tmp_path, caplog):
    names = write_sources(tmp_path, 3)
    path = first_build(tmp_path, names)
    (tmp_path / names[0]).write_text("改过\n", encoding="utf-8")
    gen = generator(tmp_path)
    cache = ArticleCache(gen, path, load=True, save=True)
    assert cache.get(names[0]) is None
    cache.put(names[0], Thing(gen.settings, gen.context, "改过"))
    cache.out.flush()  # the build stops here: records appended, no index after them
    with caplog.at_level(logging.WARNING):
        again = ArticleCache(generator(tmp_path), path, load=True, save=True)
    assert again.get(names[1]) is None and "cannot be read" in caplog.text
    cache.close()


def test_a_file_touched_but_not_changed_keeps_its_record_and_takes_the_new_stamp(tmp_path):
    names = write_sources(tmp_path, 3)
    path = first_build(tmp_path, names)
    for name in names[:2]:
        os.utime(tmp_path / name, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    cache = ArticleCache(generator(tmp_path), path, load=True, save=True)
    assert cache.fresh(names[0])
    assert [cache.get(name, "read") != "read" for name in names] == [True, True, True]
    cache.save()
    with open(path, "rb") as fh:
        index = articlecache.read_index(fh.fileno())
    assert [index[name].mtime_ns == 1_700_000_000_000_000_000 for name in names] == [True, True, False]


def test_random_damage_never_serves_a_changed_article_nor_raises(tmp_path, caplog):
    """A seeded campaign over the cache file: bytes flipped anywhere, cut short, garbage added.
    Each article comes back exactly as written, or is read from its file."""
    names = write_sources(tmp_path, 6)
    path = first_build(tmp_path, names)
    pristine, rng = path.read_bytes(), random.Random(20261201)
    expected = {name: TEXTS[i % len(TEXTS)] + str(i) for i, name in enumerate(names)}
    outcomes = {"served": 0, "read": 0}
    for _ in range(300):
        body = bytearray(pristine)
        kind = rng.choice(["flip", "flip", "flip", "cut", "append"])
        if kind == "flip":
            for _ in range(rng.randint(1, 3)):
                body[rng.randrange(len(body))] ^= rng.randint(1, 255)
        elif kind == "cut":
            del body[rng.randrange(len(body)) :]
        else:
            body += rng.randbytes(rng.randint(1, 64))
        path.write_bytes(bytes(body))
        with caplog.at_level(logging.ERROR):
            cache = ArticleCache(generator(tmp_path), path, load=True, save=False)
            for name in names:
                got = cache.get(name, "read")
                assert got == "read" or got.text == expected[name]
                outcomes["served" if got != "read" else "read"] += 1
            cache.close()
    assert outcomes["served"] > 0 and outcomes["read"] > 0


@pytest.mark.parametrize("touched", [False, True], ids=["unchanged", "touched-not-changed"])
def test_an_article_from_its_record_has_its_files_token_without_a_lookup(tmp_path, touched, monkeypatch):
    """The page fingerprint's token of an article taken from a record is made from the stamp the
    record was checked against: what ``source_stamp`` gives for the file, with no ``stat``."""
    names = write_sources(tmp_path, 2)
    gen = generator(tmp_path)
    cache = ArticleCache(gen, tmp_path / FILE, load=True, save=True)
    for name in names:
        thing = Thing(gen.settings, gen.context, name)
        thing.source_path = str(tmp_path / name)
        cache.put(name, thing)
    cache.save()
    if touched:
        os.utime(tmp_path / names[0], ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    expected = [fingerprint.source_stamp(str(tmp_path / name)) for name in names]
    cache = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    things = [cache.get(name) for name in names]
    monkeypatch.setattr(fingerprint, "source_stamp", lambda path: pytest.fail(f"{path} looked up"))
    assert [fingerprint.article_token(t) for t in things] == expected


@pytest.mark.parametrize("items", [1, 5, 12])
def test_a_full_table_is_written_and_a_new_one_begun(tmp_path, monkeypatch, items):
    """A build writing many records writes a table each TABLE_ITEMS items (the strings a table
    holds are let go with it); every record still reads back with its own table's numbers,
    after edits and after the file is copied without its dead records."""
    monkeypatch.setattr(articlecache, "TABLE_ITEMS", items)
    names = write_sources(tmp_path, 12)
    path = first_build(tmp_path, names)
    with open(path, "rb") as fh:
        index, tables = cachefile.read_file(fh.fileno())
    assert len(tables) > 1 and len({entry.table for entry in index.values()}) == len(tables)
    for _ in range(4):
        rebuild_editing(tmp_path, names, names[3:6])
    cache = ArticleCache(generator(tmp_path), path, load=True, save=False)
    edited = {name: (tmp_path / name).read_text(encoding="utf-8") for name in names[3:6]}
    assert [cache.get(name).text for name in names] == [
        edited.get(name, TEXTS[i % len(TEXTS)] + str(i)) for i, name in enumerate(names)
    ]


def test_an_article_taken_already_is_fresh_without_a_stat(tmp_path, monkeypatch):
    """The Markdown prefetch asks of every article at the first one read anew; those taken
    from the file before it are not looked at again (a ``stat`` each)."""
    names = write_sources(tmp_path, 3)
    first_build(tmp_path, names)
    cache = ArticleCache(generator(tmp_path), tmp_path / FILE, load=True, save=True)
    assert cache.get(names[0]) is not None
    looked = []
    real = cache.ahead.stamp
    monkeypatch.setattr(cache.ahead, "stamp", lambda name: looked.append(name) or real(name))
    assert [cache.fresh(name) for name in names] == [True, True, True]
    assert looked == names[1:]
    cache.close()
