"""Where an official document's original file goes in the output, and how its link reads (pure).

A .docx, .pdf, .ofd (or .doc, .wps) source is the record: it ships with the site byte for byte
under ``originals/`` beside the article's path, and the article links it as ``原件（PDF，312 KB）``.
It is copied only when its bytes still have the ``SourceHash`` ingest recorded, so the link
never points at a file other than the one the article was read from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bulletins.ingest.frame import ORIGINAL_FORMATS

_LABELS = {"docx": "Word", "doc": "Word", "wps": "WPS", "pdf": "PDF", "ofd": "OFD"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class OriginalCopy:
    source: str  # the article's Original, as ingest wrote it
    target: str  # output-relative path, also the URL below SITEURL
    label: str = ""  # ``PDF，312 KB``, once the file's size is known


def is_original(source: str) -> bool:
    return PurePosixPath(source).suffix.lower().lstrip(".") in ORIGINAL_FORMATS


def plan(save_as: str, original: str, originals_dir: str = "originals") -> OriginalCopy | None:
    """``bulletins/2025/03/x.html`` + ``sources/a.PDF`` -> ``originals/bulletins/2025/03/x.pdf``."""
    if not original or not is_original(original):
        return None
    suffix = PurePosixPath(original).suffix.lower()
    stem = PurePosixPath(originals_dir) / PurePosixPath(save_as).with_suffix("")
    return OriginalCopy(original, f"{stem}{suffix}")


def file_size(size: int) -> str:
    """``312 KB``, ``1.4 MB``: rounded up, so a file is never shown smaller than 1 KB."""
    if size < 1000 * 1024:
        return f"{max(1, -(-size // 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def label(original: str, size: int) -> str:
    """``PDF，312 KB``: the kind of file and its size, as the link shows them."""
    kind = PurePosixPath(original).suffix.lower().lstrip(".")
    return f"{_LABELS.get(kind, kind.upper())}，{file_size(size)}"


def sha256_of(path: Path) -> str:
    """``sha256:<hex>`` of the file's bytes (the form of ``SourceHash``)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"
