"""Reading sources: files and folders -> ``RawBulletin`` (or ``SourceProblem``), never raising.

Finding the files (``discover``) and their context (``context_for``) is done here; reading a
file is the job of the reader of its format (``bulletins.ingest.readers``: ``txt``, ``html``,
``jsonl`` ...), which ``read_source`` calls.

Where a bulletin's context comes from, strongest first:

1. the record itself: a JSONL record's ``publisher``/``category``/``region`` and the year of
   its ``date`` (its ``title``, ``date``, ``id`` and ``url`` go to the RawBulletin fields);
2. the command line: the fields of the base context that are not None (``script`` too: the
   CLI passes ``script=None`` when the user gave no ``--script``);
3. the nearest ``defaults.toml`` (folder of the file, then its parents; key by key);
4. a year in a folder name of the path (``sources/2023/``, ``sources/qingxi-2023/``).

Anything nobody states stays None (``script`` falls back to ``simplified``): a year is never
guessed. An invalid ``defaults.toml`` is reported once by ``discover`` and contributes
nothing.

``RawBulletin.source`` is the path as given (POSIX, relative if it was); ``source_hash`` is
``sha256:<hex>`` of the file's bytes, or of the record's line (without its line ending).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from bulletins.ingest import defaults, readers
from bulletins.ingest.readers import SUFFIXES, kind_of
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["SUFFIXES", "context_for", "discover", "read_source"]

log = logging.getLogger(__name__)


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~")) or path.name.endswith("~")


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[SourceProblem]]:
    """Files to read, in a stable order (folders walked recursively; .txt .html .htm .jsonl .jsonl.gz).

    A missing path or an unsupported file named explicitly is a SourceProblem; inside a
    folder, unsupported, hidden and ``defaults.toml`` files are skipped silently. Every
    invalid defaults file that applies to a found file is reported once. A file named
    twice (or reached through two arguments) is read once.
    """
    files: list[Path] = []
    problems: list[SourceProblem] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            files.append(file)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(_walk(path, problems, set()), key=lambda p: p.as_posix()):
                add(file)
        elif path.is_file():
            if kind_of(path) is None:
                problems.append(
                    SourceProblem(path.as_posix(), f"unsupported file type (expected {', '.join(SUFFIXES)})")
                )
            else:
                add(path)
        else:
            problems.append(SourceProblem(path.as_posix(), "no such file or folder"))
    problems.extend(_defaults_problems(files))
    return files, problems


def _walk(folder: Path, problems: list[SourceProblem], visited: set[Path]) -> Iterator[Path]:
    real = folder.resolve()
    if real in visited:  # a symlink loop, or the same folder reached twice
        return
    visited.add(real)
    try:
        entries = list(folder.iterdir())
    except OSError as error:
        problems.append(SourceProblem(folder.as_posix(), f"cannot list the folder: {error.strerror or error}"))
        return
    for entry in entries:
        if _hidden(entry):
            continue
        if entry.is_dir():
            yield from _walk(entry, problems, visited)
        elif entry.is_file() and entry.name != defaults.DEFAULTS_NAME and kind_of(entry):
            yield entry


def _defaults_problems(files: list[Path]) -> list[SourceProblem]:
    reported: set[str] = set()
    problems = []
    for folder in sorted({f.parent for f in files}, key=lambda p: p.as_posix()):
        for error in defaults.folder_defaults(folder)[1]:
            if error.path not in reported:
                reported.add(error.path)
                problems.append(SourceProblem(error.path, error.reason))
    return problems


def context_for(path: Path, base: Context) -> Context:
    """The context for one file: BASE (CLI options) over the nearest defaults files over a year in the path."""
    values: dict[str, object] = {"year": defaults.year_from_path(path)}
    values.update(defaults.folder_defaults(Path(path).parent)[0])
    for field in dataclasses.fields(Context):
        given = getattr(base, field.name)
        if given is not None:
            values[field.name] = given
    if values.get("script") is None:
        values["script"] = "simplified"
    return Context(**values)


def read_source(
    path: Path, context: Context, lines: range | None = None, **opts: object
) -> Iterator[RawBulletin | SourceProblem]:
    """One file -> its bulletins (one for .txt/.html, one per line for .jsonl/.jsonl.gz), or problems.

    LINES limits a collection to those 1-based line numbers; other options go to the reader of
    the format (``readers``), e.g. ``max_record_bytes``. Never raises for bad input: an
    unreadable file, an empty or binary one, undecodable bytes, a bad JSONL line each give a
    SourceProblem (with the line number for JSONL).
    """
    return readers.read(Path(path), context, lines=lines, **opts)
