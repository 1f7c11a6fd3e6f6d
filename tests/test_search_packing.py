"""The index files' fast paths give the bytes of the plain ones: shard texts joined, not dumped;
packed scripts joined; the packing masks kept; Huffman coding alone by zlib-ng, as zlib codes it."""

from __future__ import annotations

import random
import zlib

import pytest

from bulletins.search import shards as sh
from bulletins.search.write import (
    PACK_BASE,
    UTF16_BOM,
    dumps,
    huffman_deflater,
    pack_bytes,
    packed,
    packed_json,
    packed_shard,
    script,
    script_bytes,
    shard_json,
    shard_strategy,
    unpack_bytes,
    unpacked,
)

HOSTILE_KEYS = ['引"号', "反\\斜", "换\n行", "\x00零", "\u2028分", "𠀀超", "\ud800孤", "tab\t", "</script>", ""]


def _lists(seed: int, count: int) -> list[tuple[str, str, bytes]]:
    """COUNT lists of real encoded postings under keys of Han, ASCII and hostile characters."""
    rng = random.Random(seed)
    postings = sh.Postings()
    keys = [*HOSTILE_KEYS, *(rng.choice("中国人民政府会议𠀀a1") * rng.randint(1, 4) for _ in range(count))]
    for doc in range(40):
        chosen = rng.sample(keys, min(len(keys), 6))
        postings.add_keys(
            doc, chosen, [sh.encode(rng.randint(0, 500)).encode() for _ in chosen], many=False, positional=True
        )
        postings.add_keys(doc, [key + "c" for key in chosen], many=False, positional=False)
    found = [(key, "p", bytes(buf)) for key, (_, buf) in postings.positional.items()]
    found += [(key, "d", bytes(buf)) for key, (_, buf) in postings.counts.items()]
    rng.shuffle(found)
    return found


@pytest.mark.parametrize("seed", range(8))
def test_a_joined_shard_text_is_the_dumped_one(seed):
    lists = _lists(seed, 30)
    data = {"d": {}, "p": {}}
    for key, kind, buf in lists:
        data[kind][key] = buf.decode("ascii")
    assert shard_json(lists) == dumps(data)


@pytest.mark.parametrize(
    "lists",
    [
        [],
        [("中", "p", b"gh")],
        [("中", "d", b"g")],
        [("b", "p", b"g"), ("a", "p", b"h"), ("𠀀", "p", b"i"), ("\uffff", "p", b"j")],
    ],
    ids=["empty", "positional-only", "counts-only", "astral-sorts-as-python-sorts"],
)
def test_edge_shards_join_as_they_dump(lists):
    data = {"d": {}, "p": {}}
    for key, kind, buf in lists:
        data[kind][key] = buf.decode("ascii")
    assert shard_json(lists) == dumps(data)


@pytest.mark.parametrize("size", [0, 1, 100, 5000, 70000])
def test_a_packed_script_is_the_dumped_one(size):
    data = packed(random.Random(size).randbytes(size).hex())
    assert script_bytes("t/x", data) == UTF16_BOM + script("t/x", data).encode("utf-16-le")


def _reference_pack(raw: bytes) -> str:
    """15-bit units bit by bit: the definition ``pack_bytes`` computes on whole integers."""
    bits = "".join(f"{byte:08b}" for byte in raw)
    bits += "0" * (-len(bits) % 15)
    return "".join(chr(PACK_BASE + int(bits[i : i + 15], 2)) for i in range(0, len(bits), 15))


def test_pack_bytes_with_kept_masks_in_any_order_of_sizes():
    """The masks are cut from longer ones kept from earlier calls: sizes going up and down
    (each new longest one remakes them) give the units of the definition."""
    rng = random.Random(7)
    for size in [3000, 10, 45000, 15, 0, 16, 44999, 90001, 2, 29, 30, 31]:
        raw = rng.randbytes(size)
        assert pack_bytes(raw) == _reference_pack(raw)
        assert unpack_bytes(pack_bytes(raw), size) == raw


def test_text_and_its_utf8_pack_alike():
    text = dumps({"d": {}, "p": {"中国": "gh" * 500, "会议": "ij"}})
    assert packed_json(text) == packed_json(text.encode("utf-8"))
    assert shard_strategy(text) == shard_strategy(text.encode("utf-8"))
    assert packed_shard(text) == packed_shard(text.encode("utf-8"))
    assert unpacked(packed_shard(text.encode("utf-8"))) == {"d": {}, "p": {"中国": "gh" * 500, "会议": "ij"}}


@pytest.mark.parametrize("seed", range(6))
def test_huffman_coding_alone_is_zlib_ng_giving_zlib_bytes(seed):
    """The project depends on zlib-ng for Huffman coding alone (1.7 times as fast here), whose
    bytes are the standard zlib's: an index is the same whichever packed it (the default
    strategy, where zlib-ng's bytes differ, stays zlib's)."""
    assert huffman_deflater.__name__ == "zlib_ng.zlib_ng"
    rng = random.Random(seed)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ " + '"{}:,中'.encode()
    text = bytes(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 500, 70_000, 300_000])))
    outs = []
    for module in (zlib, huffman_deflater):
        deflate = module.compressobj(5, zlib.DEFLATED, -15, 8, zlib.Z_HUFFMAN_ONLY)
        outs.append(deflate.compress(text) + deflate.flush(zlib.Z_SYNC_FLUSH))
    assert outs[0] == outs[1]
    assert zlib.decompress(outs[1] + b"\x03\x00", -15) == text


def test_a_shard_of_long_lists_packs_to_zlibs_bytes():
    text = dumps({"d": {}, "p": {"中国": "gh" * 2000, "会议": "ij" * 1500}})
    assert shard_strategy(text) == zlib.Z_HUFFMAN_ONLY
    deflate = zlib.compressobj(5, zlib.DEFLATED, -15, 8, zlib.Z_HUFFMAN_ONLY)
    assert unpack_bytes(packed_shard(text)["z"], packed_shard(text)["n"]) == deflate.compress(
        text.encode()
    ) + deflate.flush(zlib.Z_SYNC_FLUSH)
