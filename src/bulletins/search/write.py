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

import hashlib
import json
import os
import zlib
from collections.abc import Mapping
from json.encoder import encode_basestring
from pathlib import Path
from typing import NamedTuple

from bulletins.search.filerecord import FileRecord
from bulletins.search.packbits import PACK_BASE, pack_bytes, unpack_bytes
from bulletins.site import written
from bulletins.site.folderstat import FolderStats
from bulletins.site.opendata_state import file_stamp

try:  # Huffman coding alone: the same bytes as zlib's, 1.7 times as fast here (``packed_json``)
    from zlib_ng import zlib_ng as huffman_deflater
except ImportError:  # pragma: no cover - a platform without its wheel: the standard zlib
    huffman_deflater = zlib

# Names of an earlier format (removed by a build): fold-*.js (format 1).
OLD_FILES = ("fold-*.js",)
DATA_FOLDERS = ("t", "f")  # term shards and result data: a build removes every file it did not name
# The term shards' data are numbers that barely compress (97 MB of JSON to 62 MB): on the 2,327
# shards a removal at 100,000 rewrites, level 9 took 5.96 s for 62.16 MB, level 5 2.77 s for
# 62.36 MB (+0.3 %), level 4 2.25 s (+0.7 %), level 1 1.53 s (+2.7 %); on the corpus's 1,077
# shards level 5 is 0.04 % over level 9, its result data no larger.
DEFLATE_LEVEL = 5
# A shard whose lists average LONG_LISTS characters of JSON or more (its key, quotes and posting
# numbers) is packed by Huffman coding alone: LZ77 finds next to nothing to repeat in posting
# numbers. On the 9,753 shards of 100,000 bulletins (97 % of them such) the shards packed in
# 1.9 s instead of 7.0 s, 0.36 % larger; on the corpus's 1,114 (12 % such) 0.33 % larger.
# Huffman coding alone on every shard made the corpus's 9.1 % larger: short lists are mostly
# keys, which LZ77 shortens (their first characters repeat, the keys being in order).
LONG_LISTS = 200


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data, data_json: str | None = None) -> str:
    """The statement registering DATA as NAME (DATA_JSON: its JSON, made already)."""
    return f"BulletinSearch.register({dumps(name)},{dumps(data) if data_json is None else data_json});\n"


def shard_json(lists: list[tuple[str, str, bytes]]) -> str:
    """``dumps({"d": {key: list}, "p": {key: list}})`` of LISTS ``(key, kind, ASCII list)``, each
    key once a kind, made by joining: a list's characters (letters, digits, ``-``, ``_`` and
    spaces, ``shards``) need no escape, so they are not scanned as ``json`` scans every string
    (a rebuild's 117 MB of shards at 100,000 bulletins: 0.17 s against 0.31 s)."""
    kinds: dict[str, list] = {"d": [], "p": []}
    for key, kind, buf in lists:
        kinds[kind].append((key, buf))
    parts = []
    for kind in ("d", "p"):
        items = sorted(kinds[kind], key=lambda item: item[0])
        joined = ",".join([f'{encode_basestring(key)}:"{buf.decode("ascii")}"' for key, buf in items])
        parts.append(f'"{kind}":{{{joined}}}')
    return "{" + ",".join(parts) + "}"


UTF16_BOM = b"\xff\xfe"
FINAL_BLOCK = b"\x03\x00"  # an empty, final, fixed-Huffman DEFLATE block


def packed(data) -> dict:
    """``packed_json(dumps(data))``."""
    return packed_json(dumps(data))


def shard_strategy(json_text: str | bytes) -> int:
    """The DEFLATE strategy of a term shard's JSON text (``{kind: {key: list}}``; or its UTF-8
    bytes): Huffman coding alone when its lists average ``LONG_LISTS`` characters or more,
    else the default."""
    # one a list: a key's closing quote, the colon, its list's opening one
    lists = json_text.count('":"' if type(json_text) is str else b'":"')
    return zlib.Z_HUFFMAN_ONLY if lists and len(json_text) >= LONG_LISTS * lists else zlib.Z_DEFAULT_STRATEGY


def packed_shard(json_text: str | bytes) -> dict:
    """``packed_json`` of a term shard's text, with its ``shard_strategy``."""
    return packed_json(json_text, shard_strategy(json_text))


def packed_json(json_text: str | bytes, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> dict:
    """``{"n": bytes, "u": JSON bytes, "z": raw DEFLATE of the JSON, packed}`` (JSON_TEXT: its
    text, or the text's UTF-8 bytes).

    The DEFLATE data ends with a sync flush instead of a final block, so the payloads of
    several files, laid end to end and closed with an empty final block (``FINAL_BLOCK``),
    form one valid stream: search-index.js inflates all the files a query step loaded with one
    DecompressionStream and cuts the output at the ``u`` byte counts.

    Huffman coding alone (the term shards of long lists, most of a rebuild's bytes) is zlib-ng's:
    the bytes zlib gives (tested), 0.44 s against 0.74 s for a rebuild's 117 MB of such shards at
    100,000 bulletins. The default strategy stays zlib's: zlib-ng's level 5 made the corpus's
    result data 3.4 % larger (and its level 9 as large and as slow as zlib's level 5)."""
    module = huffman_deflater if strategy == zlib.Z_HUFFMAN_ONLY else zlib
    deflate = module.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15, 8, strategy)
    text = json_text.encode("utf-8") if type(json_text) is str else json_text
    raw = deflate.compress(text) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return {"n": len(raw), "u": len(text), "z": pack_bytes(raw)}


def unpacked(data: dict):
    """The inverse of ``packed``."""
    return json.loads(zlib.decompress(unpack_bytes(data["z"], data["n"]) + FINAL_BLOCK, -15))


def is_packed(data) -> bool:
    return isinstance(data, dict) and set(data) == {"n", "u", "z"}


def script_bytes(name: str, data, *, utf16: bool = False) -> bytes:
    """The stored bytes of ``<name>.js``: UTF-16 (with BOM) for packed data or when asked
    (a file of mostly Han text is smaller so), else UTF-8. Packed data's text is joined, not
    made by ``json`` (its ``z`` needs no escape, ``pack_bytes``): the same text, not scanned."""
    if is_packed(data) and type(data["n"]) is int and type(data["u"]) is int and type(data["z"]) is str:
        text = script(name, data, f'{{"n":{data["n"]},"u":{data["u"]},"z":"{data["z"]}"}}')
        return UTF16_BOM + text.encode("utf-16-le")
    text = script(name, data)
    return UTF16_BOM + text.encode("utf-16-le") if utf16 or is_packed(data) else text.encode("utf-8")


def smaller_in_utf16(text: str) -> bool:
    """True when ``text`` takes fewer bytes as UTF-16 with its byte-order mark than as UTF-8 (a
    manifest naming many shards by their Han first keys), False when mostly ASCII (a large
    archive's manifest: its day runs and shard directories)."""
    return len(UTF16_BOM) + 2 * len(text) + sum(ord(ch) > 0xFFFF for ch in text) * 2 < len(text.encode("utf-8"))


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


def hash_units(*parts: str | bytes) -> str:
    """30 bits of a content hash as two code units of the packed alphabet (U+4E00 + 15 bits):
    what the manifest stores to name a term shard."""
    value = int(short_hash(*parts, length=8), 16) >> 2
    return chr(PACK_BASE + (value >> 15)) + chr(PACK_BASE + (value & 0x7FFF))


def units_hex(text: str) -> str:
    """Every UTF-16 code unit of ``text`` as four hex digits (search-index.js ``unitsHex``)."""
    raw = text.encode("utf-16-be", "surrogatepass")
    return raw.hex()


BOUND_UNITS = 24  # a file name carries at most this many units of its shard's first key


def shard_name(bound: str, units: str) -> str:
    """``t/<hash><first key>``: the two hash units and the shard's bound (its shortest first
    key), in hex. The bound makes the name unique in a build; the hash changes it whenever
    the shard's content changes, so a browser never mixes an old shard with a new manifest."""
    return f"t/{units_hex(units)}{units_hex(bound)[: 4 * BOUND_UNITS]}"


def directory_name(bound: str, units: str) -> str:
    """``t/dir-<hash><first key>``: a directory of term shards (``packer.DIRECTORY_SHARDS`` of
    them), named as a shard is (``shard_name``) after a prefix no shard name has."""
    return "t/dir-" + shard_name(bound, units).removeprefix("t/")


def fragment_name(date: str, slot: int) -> str:
    """``f/<year>/<mmdd>-<k>``: the result data of the bulletin in slot ``k`` of that day (its id
    less the day's first, ``docids``; search-index.js ``fragmentName``). Adding a bulletin
    leaves the name and the bytes of the others alone (but a day grown past its slots)."""
    return f"f/{date[:4]}/{date[5:7]}{date[8:10]}-{slot}"


class Placed(NamedTuple):
    """A file of the index as ``IndexWriter.place`` left it: its size, its record entry (its
    content key, size and mtime; None without a content key) and whether it was written."""

    relpath: str
    size: int
    entry: tuple[str, int, int] | None
    wrote: bool


class IndexWriter:
    """Writes the files of one index folder, each only when it is not already there with the
    same bytes, and counts what it named and what it wrote; ``finish`` removes the files of
    the data folders this build did not name.

    ``record`` is what the last build wrote (``load_record``): a file whose content key,
    size and modification time are as recorded is taken as it is, without packing its data
    again. Without a record every file is packed and compared byte for byte."""

    def __init__(self, root: Path, record: Mapping | None = None):
        self.root = Path(root)
        self.folder = str(self.root)  # joined to a name as a string: 100,000 result files a build
        self.record = record if isinstance(record, FileRecord) else FileRecord(record or {})
        self.fresh = FileRecord()  # the next build's record
        self.unrecorded: set[str] = set()  # files named without a content key
        self.files = self.bytes = self.written = self.removed = 0
        self.folders: set[str] = set()  # folders known to exist
        self.stats = FolderStats(self.folder)  # the files ``kept`` looks up (closed by ``finish``)

    def write_script(self, name: str, make, *, key: str | None = None, utf16: bool = False) -> None:
        """``<name>.js`` registering ``make()`` (called only when the file must be made)."""
        self.record_placed(self.kept(name, key) or self.place_script(name, make(), key, utf16=utf16))

    def write(self, relpath: str, data: bytes, key: str | None = None) -> None:
        self.record_placed(self.place(relpath, data, key))

    def kept(self, name: str, key: str | None) -> Placed | None:
        """``<name>.js`` as the last build left it, when its content key, size and
        modification time are as recorded (its data need not be made); else None."""
        relpath = f"{name}.js"
        if key is None or not self.record.has_key(relpath, key):
            return None
        found = self.stats.stamp(relpath)
        if found is None or not self.record.same(relpath, key, found[0], found[1]):
            return None
        return Placed(relpath, found[0], (key, found[0], found[1]), False)

    def place_script(self, name: str, data, key: str | None = None, *, utf16: bool = False) -> Placed:
        """``place`` for ``<name>.js`` registering DATA."""
        return self.place(f"{name}.js", script_bytes(name, data, utf16=utf16), key)

    def place(self, relpath: str, data: bytes, key: str | None = None) -> Placed:
        """Write DATA unless the file holds it already; not counted yet (``record_placed``),
        so that a worker process may place files and this writer count them."""
        path = os.path.join(self.folder, relpath)
        found = file_stamp(path)
        wrote = found is None or found[0] != len(data) or _read(path) != data
        if wrote:
            folder = os.path.dirname(path)
            if folder not in self.folders:
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            with open(path, "wb") as fh:
                fh.write(data)
            written.note(path, data)
            found = file_stamp(path) if key is not None else None
        return Placed(relpath, len(data), None if key is None or found is None else (key, *found), wrote)

    def record_placed(self, placed: Placed) -> None:
        """Count a file placed here or by a worker, and note it for the next build's record."""
        relpath, size, entry, wrote = placed
        if self.named(relpath):
            raise ValueError(f"search index: two files named {relpath}")
        self.files += 1
        self.bytes += size
        self.written += wrote
        if entry is not None:
            self.fresh.put(relpath, *entry)
        else:
            self.unrecorded.add(relpath)

    def named(self, relpath: str) -> bool:
        """Whether this build has named the file."""
        return relpath in self.fresh or relpath in self.unrecorded

    def finish(self) -> None:
        """Remove the files of an earlier build that this one did not name (and nothing
        outside the data folders but files of an earlier format)."""
        self.stats.close()
        self.root.mkdir(parents=True, exist_ok=True)
        stale = [p.name for pattern in OLD_FILES for p in self.root.glob(pattern)]
        for folder in DATA_FOLDERS:
            stale += _files_under(self.folder, folder)
        for relpath in stale:
            if not self.named(relpath):
                os.unlink(os.path.join(self.folder, relpath))
                self.removed += 1
        for folder in DATA_FOLDERS:
            base = os.path.join(self.folder, folder)
            for top, _, _ in sorted(os.walk(base), reverse=True):
                if top != base and not os.listdir(top):
                    os.rmdir(top)


def _files_under(root: str, folder: str) -> list[str]:
    """The files of ``root/folder`` and its subfolders, as paths relative to ``root`` with "/"
    (``os.walk``: no ``Path`` object per file of a 100,000-bulletin index)."""
    found = []
    for top, _, files in os.walk(os.path.join(root, folder)):
        rel = os.path.relpath(top, root).replace(os.sep, "/")
        found += (f"{rel}/{name}" for name in files)
    return found


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
