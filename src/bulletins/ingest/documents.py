"""What the readers of laid-out documents share: the file hash and the last step, blocks -> RawBulletin.

``finish`` repairs radical glyphs in every block, refuses a text layer that cannot be read (one
``SourceProblem`` naming the file, nothing written) and builds the ``RawBulletin`` with ``format``,
``blocks`` and ``text = blocks_text(blocks)``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from bulletins.ingest.blocks import Block, blocks_text
from bulletins.ingest.glyphs import repair_radicals, unreadable
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["file_hash", "finish"]


def file_hash(path: Path) -> str:
    """``sha256:<hex>`` of the file's bytes, read in chunks (a 500-page PDF is not held twice)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def _repaired(block: Block) -> Block:
    rows = tuple(tuple(repair_radicals(cell) for cell in row) for row in block.rows)
    return dataclasses.replace(block, text=repair_radicals(block.text), rows=rows)


def finish(
    path: Path, context: Context, fmt: str, blocks: tuple[Block, ...], digest: str
) -> RawBulletin | SourceProblem:
    """BLOCKS read from PATH -> the RawBulletin, or the problem when the text cannot be read."""
    source = Path(path).as_posix()
    reason = unreadable(blocks_text(blocks))
    if reason:
        return SourceProblem(source, reason)
    blocks = tuple(_repaired(block) for block in blocks)
    return RawBulletin(
        source=source, text=blocks_text(blocks), source_hash=digest, context=context, format=fmt, blocks=blocks
    )
