"""Deterministic index files: compact JSON with sorted keys, wrapped as script-tag ``.js``.

A ``.js`` index file is one statement, ``BulletinSearch.register("<name>", <json>);``, so it
loads through a ``<script>`` tag on file:// where ``fetch()`` is blocked. The same bytes come
out for the same data, on every machine.

Packed files. Term shards and result data are stored deflated, and a ``<script>`` can only
carry text, so the compressed bytes travel as a string: 15 bits per UTF-16 code unit, each
unit ``U+4E00 + bits`` (U+4E00..U+CDFF: no quote, backslash, line break or surrogate, so the
string needs no escapes), in a file written as UTF-16 with a byte-order mark, which browsers
and Node's loader decode before anything else. That is 16 stored bits per 15 bits of
payload (base64 in a UTF-8 file needs 32 per 24), and turning the string back into bytes is
one shift loop (search-index.js ``unpackBytes``).
"""

from __future__ import annotations

import array
import hashlib
import json
import shutil
import sys
import zlib
from pathlib import Path

# Everything the builder writes below the index folder (removed before a new build;
# fold-*.js is what format 1 wrote).
OWNED = ("manifest.js", "manifest.json", "fold-*.js", "t", "f")


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data) -> str:
    return f"BulletinSearch.register({dumps(name)},{dumps(data)});\n"


PACK_BASE = 0x4E00  # the code unit that carries 15 zero bits
_SHIFTS = (105, 90, 75, 60, 45, 30, 15, 0)  # 15 bytes = 120 bits = 8 units
UTF16_BOM = b"\xff\xfe"
FINAL_BLOCK = b"\x03\x00"  # an empty, final, fixed-Huffman DEFLATE block


def pack_bytes(raw: bytes) -> str:
    """``raw`` as 15-bit code units, most significant bit first (the last unit zero-padded)."""
    units = array.array("H")
    padded = raw + bytes(-len(raw) % 15)
    for start in range(0, len(padded), 15):
        value = int.from_bytes(padded[start : start + 15], "big")
        units.extend([PACK_BASE + ((value >> shift) & 0x7FFF) for shift in _SHIFTS])
    del units[-(-len(raw) * 8 // 15) :]
    if sys.byteorder == "big":
        units.byteswap()
    return units.tobytes().decode("utf-16-le")


def unpack_bytes(text: str, size: int) -> bytes:
    """The inverse of ``pack_bytes``: the first ``size`` bytes its units carry."""
    value = 0
    for ch in text:
        value = value << 15 | (ord(ch) - PACK_BASE)
    bits = 15 * len(text)
    return (value >> (bits - 8 * size)).to_bytes(size, "big") if size else b""


def packed(data) -> dict:
    """``{"n": bytes, "u": JSON bytes, "z": raw DEFLATE of the JSON, packed}``.

    The DEFLATE data ends with a sync flush instead of a final block, so the payloads of
    several files, laid end to end and closed with an empty final block (``FINAL_BLOCK``),
    form one valid stream: search-index.js inflates all the files a query step loaded with one
    DecompressionStream and cuts the output at the ``u`` byte counts."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    text = dumps(data).encode("utf-8")
    raw = deflate.compress(text) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return {"n": len(raw), "u": len(text), "z": pack_bytes(raw)}


def unpacked(data: dict):
    """The inverse of ``packed``."""
    return json.loads(zlib.decompress(unpack_bytes(data["z"], data["n"]) + FINAL_BLOCK, -15))


def is_packed(data) -> bool:
    return isinstance(data, dict) and set(data) == {"n", "u", "z"}


def script_bytes(name: str, data) -> bytes:
    """The stored bytes of ``<name>.js``: UTF-16 (with BOM) for packed data, else UTF-8."""
    text = script(name, data)
    return UTF16_BOM + text.encode("utf-16-le") if is_packed(data) else text.encode("utf-8")


def read_script(raw: bytes) -> tuple[str, object]:
    """``(name, data)`` of an index file's bytes, packed data unpacked (for tests and tools)."""
    text = raw[2:].decode("utf-16-le") if raw.startswith(UTF16_BOM) else raw.decode("utf-8")
    prefix = "BulletinSearch.register("
    if not text.startswith(prefix) or not text.endswith(");\n"):
        raise ValueError("not a search index file")
    name, end = json.JSONDecoder().raw_decode(text, len(prefix))
    data = json.loads(text[end + 1 : -3])
    return name, unpacked(data) if is_packed(data) else data


def short_hash(*parts: str | bytes, length: int = 10) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
    return digest.hexdigest()[:length]


class IndexWriter:
    """Writes the files of one index folder and counts what it wrote."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.files = 0
        self.bytes = 0

    def clear(self) -> None:
        """Remove the files of an earlier build (and nothing else in the folder)."""
        for pattern in OWNED:
            for path in self.root.glob(pattern):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, relpath: str, text: str | bytes) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8") if isinstance(text, str) else text
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def write_script(self, name: str, data) -> None:
        """``<name>.js`` registering ``data`` under ``name``."""
        self.write(f"{name}.js", script_bytes(name, data))
