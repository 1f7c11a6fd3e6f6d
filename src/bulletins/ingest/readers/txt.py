"""``.txt``: one bulletin per file, in any supported encoding (see ``decode``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from bulletins.ingest.readers.common import (
    DEFAULT_MAX_RECORD_BYTES,
    newlines,
    read_decoded,
    sha256,
    source_name,
)
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["read"]

logger = logging.getLogger(__name__)


def read(
    path: Path, context: Context, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[RawBulletin | SourceProblem]:
    """The file's text as one RawBulletin (line endings as LF), or the problem with it."""
    source = source_name(path)
    decoded = read_decoded(path, max_record_bytes)
    if isinstance(decoded, str):
        yield SourceProblem(source, decoded)
        return
    data, text = decoded
    text = newlines(text)
    if not text.strip():
        yield SourceProblem(source, "no text (only whitespace)")
        return
    yield RawBulletin(source=source, text=text, source_hash=sha256(data), context=context, format="txt")
