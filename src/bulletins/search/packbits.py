"""Bytes as text a ``<script>`` can carry: 15 bits per UTF-16 code unit (``write``'s packed files).

Each unit is ``U+4E00 + bits`` (U+4E00..U+CDFF: no quote, backslash, line break or surrogate,
so the string needs no escapes); search-index.js ``unpackBytes`` turns it back into bytes.
"""

from __future__ import annotations

PACK_BASE = 0x4E00  # the code unit that carries 15 zero bits
# Spreading the eight 15-bit groups of a 120-bit block into 16-bit units: the group k places
# from the low end moves up k bits, in three steps of 4, 2 and 1 (the groups whose k has that
# bit, masked where they are before the step). The masks are for one 128-bit block.
_SPREAD_STEPS = tuple(
    (shift, sum(0x7FFF << (15 * k + (k & ~(2 * shift - 1) & 7)) for k in range(8) if k & shift)) for shift in (4, 2, 1)
)


def pack_bytes(raw: bytes) -> str:
    """``raw`` as 15-bit code units, most significant bit first (the last unit zero-padded).

    Done on whole-buffer integers rather than per unit: every 15 bytes become a 16-byte block
    (a zero byte in front), the buffer is read as one big integer, each block's eight 15-bit
    groups are spread into 16-bit units by three mask-and-shift steps, and ``PACK_BASE`` is
    added to every unit (no carry: a unit is below 0x8000). Each step is linear in the size;
    the masks, one pattern a block, are cut from longer ones kept (``_repeated``)."""
    blocks = -(-len(raw) // 15)
    padded = raw + bytes(15 * blocks - len(raw))
    spread = bytearray(16 * blocks)
    for i in range(15):
        spread[i + 1 :: 16] = padded[i::15]
    value = int.from_bytes(spread, "big")
    for shift, mask in _SPREAD_STEPS:
        moving = value & _repeated(mask, blocks)
        value = (value ^ moving) | (moving << shift)
    value += _repeated(_BASE_BLOCK, blocks)
    units = -(-len(raw) * 8 // 15)
    return value.to_bytes(16 * blocks, "big")[: 2 * units].decode("utf-16-be")


_BASE_BLOCK = int.from_bytes(PACK_BASE.to_bytes(2, "big") * 8, "big")  # PACK_BASE in each unit of a block
_REPEATS: dict[int, tuple[int, int]] = {}  # a block's pattern -> (blocks, the pattern that many times)


def _repeated(pattern: int, blocks: int) -> int:
    """The 128-bit PATTERN repeated BLOCKS times, as one integer: the low bits of a longer
    repetition kept from an earlier call (made again, twice as long, when too short); a
    shard's three masks and its base took a quarter of ``pack_bytes`` when made each time."""
    held, value = _REPEATS.get(pattern, (0, 0))
    if held < blocks:
        held = max(blocks, 2 * held)
        value = int.from_bytes(pattern.to_bytes(16, "big") * held, "big")
        _REPEATS[pattern] = (held, value)
    return value if held == blocks else value >> (128 * (held - blocks))


def unpack_bytes(text: str, size: int) -> bytes:
    """The inverse of ``pack_bytes``: the first ``size`` bytes its units carry."""
    value = 0
    for ch in text:
        value = value << 15 | (ord(ch) - PACK_BASE)
    bits = 15 * len(text)
    return (value >> (bits - 8 * size)).to_bytes(size, "big") if size else b""
