"""What the index builder holds per bulletin, kept small: the heads (dates, categories and
statuses as numbers), the token cache's places (one int each) and the files' record (one
string each); and that a rebuild still reads them back as the build left them."""

from __future__ import annotations

import json
import os
import random

import pytest

from bulletins.search import build, filerecord, packer
from bulletins.search.build import Head, Heads, build_index
from bulletins.search.doctokens import SIZE_BITS, place, place_parts
from bulletins.search.filerecord import RECORD_FILE, load_record
from support.search_fixture import FIXTURE_DOCS, generated_docs

DOCS = [*generated_docs(40, seed=3), *FIXTURE_DOCS]
STATUSES = ["", "", "", "已废止", "已修改", "现行有效"]
CATEGORIES = ["常务会议", "通知公告", "", "政策解读"]


def random_heads(count: int, seed: int) -> list[Head]:
    rng = random.Random(seed)
    days = sorted(f"20{rng.randint(10, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(9))
    return [Head(rng.choice(days), rng.choice(CATEGORIES), rng.choice(STATUSES)) for _ in range(count)]


@pytest.mark.parametrize("heads", [[], [Head("2024-01-02", "", "")], random_heads(300, seed=7)])
def test_heads_give_back_what_was_appended(heads):
    held = Heads()
    for head in heads:
        held.append(head)
    assert len(held) == len(heads)
    assert list(held) == heads
    assert [held[i] for i in range(len(heads))] == heads
    assert len(held.listed) == len(set(CATEGORIES + STATUSES) & {n for h in heads for n in h[1:]})


@pytest.mark.parametrize(
    ("offset", "size"), [(0, 0), (0, 1), (1, 0), (123_456, 789), (2**40 + 5, 2**SIZE_BITS - 1), (2**SIZE_BITS, 7)]
)
def test_a_token_cache_place_gives_back_offset_and_size(offset, size):
    assert place_parts(place(offset, size)) == (offset, size)


@pytest.mark.parametrize("size", [-1, 2**SIZE_BITS])
def test_a_place_out_of_range_is_refused(size):
    with pytest.raises(ValueError, match="token cache entry"):
        place(0, size)


@pytest.fixture
def packs(monkeypatch) -> list[str]:
    """Every text packed into a file by the builder (one process: the shards are packed here)."""
    packed: list[str] = []

    def counting(original):
        def pack(text, *args):
            packed.append(text)
            return original(text, *args)

        return pack

    monkeypatch.setattr(build, "packed_json", counting(build.packed_json))
    monkeypatch.setattr(packer, "packed_json", counting(packer.packed_json))
    monkeypatch.setattr(packer, "packed_shard", counting(packer.packed_shard))
    return packed


def test_a_rebuild_takes_every_unchanged_file_from_the_record(tmp_path, packs):
    index, cache = tmp_path / "index", tmp_path / "cache"
    first = build_index(DOCS, index, cache_dir=cache, jobs=1)
    assert len(packs) == first.files - 2  # all but manifest.js and manifest.json are packed
    record = load_record(cache, index)
    assert len(record) == first.files - 1 and all(isinstance(entry, str) for entry in record.values())
    packs.clear()
    again = build_index(DOCS, index, cache_dir=cache, jobs=1)
    assert (packs, again.written, again.tokenized) == ([], 0, 0)
    touched = sorted(index.glob("f/*/*.js"))[0]
    os.utime(touched, ns=(1, 1))  # same bytes, another time: packed again and compared, not rewritten
    build_index(DOCS, index, cache_dir=cache, jobs=1)
    assert len(packs) == 1 and touched.stat().st_mtime_ns == 1


def test_a_record_of_the_earlier_format_is_not_trusted(tmp_path, packs):
    """A record of format 4 (one JSON object, ``search-files.json``) is not read: every file is
    packed and compared, none written again, and the old file is gone after the build."""
    index, cache = tmp_path / "index", tmp_path / "cache"
    build_index(DOCS, index, cache_dir=cache, jobs=1)
    files = dict(load_record(cache, index).items())
    assert files
    (cache / RECORD_FILE).unlink()
    old = {"root": str(index.resolve()), "format": 4, "files": files}
    (cache / filerecord.LEGACY_FILE).write_text(json.dumps(old), encoding="utf-8")
    assert load_record(cache, index) == {}
    before = {p: p.read_bytes() for p in index.rglob("*.js")}
    packs.clear()
    stats = build_index(DOCS, index, cache_dir=cache, jobs=1)
    assert len(packs) == stats.files - 2 and stats.written == 0
    assert {p: p.read_bytes() for p in index.rglob("*.js")} == before
    assert not (cache / filerecord.LEGACY_FILE).exists() and dict(load_record(cache, index).items()) == files


@pytest.mark.parametrize("count", [0, 1, 2, 8_191, 16_387])
def test_the_record_reads_back_as_it_was_saved(tmp_path, count):
    """Names and entries of every form (result data in and out of order, other names, names and
    entries with tabs, line breaks, quotes) read back equal."""
    rng = random.Random(count)
    alphabet = 'af0/-"\\\t[\u00e9\u4e00\U0001f600\n'
    files = {}
    for i in range(count):
        if rng.random() < 0.7:
            name = f"f/{rng.randrange(1990, 2025)}/{rng.randrange(101, 1232):04d}-{rng.randrange(40)}.js"
        else:
            name = f"{rng.choice('[tf')}/{i}{''.join(rng.choices(alphabet, k=3))}.js"
        plain = rng.random() < 0.8
        files[name] = f"{rng.getrandbits(40):010x} {i} 1" if plain else f"k{''.join(rng.choices(alphabet, k=4))} {i} 1"
    root = tmp_path / '档案 "x"\\'
    filerecord.save_record(tmp_path / "cache", root, files)
    assert dict(load_record(tmp_path / "cache", root).items()) == files
    assert load_record(tmp_path / "cache", tmp_path / "elsewhere") == {}
