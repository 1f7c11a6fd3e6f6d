"""One reader per source format, chosen by the file's suffix.

Every format module (``txt``, ``webpage`` for html, ``jsonl``, ``docx``, ``pdf``, ``ofd``, ``doc``) exposes

    read(path: Path, context: Context, ...) -> Iterator[RawBulletin | SourceProblem]

which never raises for bad input: an unreadable, empty, binary, oversized or malformed
source is a ``SourceProblem``. ``read`` here picks the module by suffix and passes on the
options that module's ``read`` accepts (``lines``/``records`` for collections,
``max_record_bytes`` for every reader that takes it), so a reader declares only what it uses.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["SUFFIXES", "kind_of", "read"]

SUFFIXES = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".docx": "docx",
    ".pdf": "pdf",
    ".ofd": "ofd",
    ".doc": "doc",
    ".wps": "doc",
}


def kind_of(path: Path) -> str | None:
    """The reader for PATH by its suffix (longest first, so ``.jsonl.gz`` beats ``.gz``), any case."""
    name = Path(path).name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def read(path: Path, context: Context, **opts: object) -> Iterator[RawBulletin | SourceProblem]:
    """PATH's bulletins (or problems) through the reader of its format."""
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        yield SourceProblem(path.as_posix(), f"unsupported file type (expected {', '.join(SUFFIXES)})")
        return
    reader = _reader(kind)
    accepted = _accepted(reader)
    yield from reader(path, context, **{k: v for k, v in opts.items() if accepted is None or k in accepted})


# The module of a kind, where its name would shadow a standard-library module (``html``).
_MODULES = {"html": "webpage"}


@functools.cache
def _reader(kind: str) -> Callable[..., Iterator[RawBulletin | SourceProblem]]:
    return importlib.import_module(f"bulletins.ingest.readers.{_MODULES.get(kind, kind)}").read


@functools.cache
def _accepted(reader: Callable[..., object]) -> frozenset[str] | None:
    """The keyword options READER takes (None: any, it has ``**opts``)."""
    parameters = list(inspect.signature(reader).parameters.values())[2:]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)
