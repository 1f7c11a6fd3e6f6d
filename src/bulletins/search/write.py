"""Deterministic index files: compact JSON with sorted keys, wrapped as script-tag ``.js``.

A ``.js`` index file is one statement, ``BulletinSearch.register("<name>", <json>);``, so it
loads through a ``<script>`` tag on file:// where ``fetch()`` is blocked. The same bytes come
out for the same data, on every machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zlib
from pathlib import Path

# Everything the builder writes below the index folder (removed before a new build;
# fold-*.js is what format 1 wrote).
OWNED = ("manifest.js", "manifest.json", "fold-*.js", "t", "f")


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data) -> str:
    return f"BulletinSearch.register({dumps(name)},{dumps(data)});\n"


def packed(data) -> dict:
    """``{"z": base64(raw DEFLATE of the JSON)}``: result text is about a third of the index,
    and this saves a quarter of it. search-core.js inflates it with DecompressionStream."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflate.compress(dumps(data).encode("utf-8")) + deflate.flush()
    return {"z": base64.b64encode(raw).decode("ascii")}


def unpacked(data: dict):
    """The inverse of ``packed``."""
    return json.loads(zlib.decompress(base64.b64decode(data["z"]), -15))


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

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def write_script(self, name: str, data) -> None:
        """``<name>.js`` registering ``data`` under ``name``."""
        self.write(f"{name}.js", script(name, data))
