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
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from bulletins.ingest import defaults, readers
from bulletins.ingest.gazette import issue_from_path
from bulletins.ingest.readers import SUFFIXES, kind_of
from bulletins.ingest.readers.common import file_kind, source_name
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["SUFFIXES", "context_for", "discover", "read_source"]

logger = logging.getLogger(__name__)


# Folders a walk never enters: tools' folders anywhere, and the project's own build folders (beside
# its pelicanconf.py or pyproject.toml) -- `bulletins ingest .` must not read the site's raw copies.
_TOOL_FOLDERS = frozenset({"node_modules", "__pycache__", "venv"})
_PROJECT_FOLDERS = frozenset({"output", "content", "cache"})
_PROJECT_MARKERS = ("pelicanconf.py", "pyproject.toml")


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~")) or path.name.endswith("~")


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[SourceProblem]]:
    """Files to read, in a stable order (folders walked recursively; the suffixes of ``readers``).

    A missing path, a FIFO or device, or an unsupported file named explicitly is a SourceProblem.
    Inside a folder, unsupported, hidden and ``defaults.toml`` files are skipped silently, and so
    are hidden folders, ``node_modules``-like tool folders and a project's own ``output``,
    ``content`` and ``cache``; a symlink leading outside the folder walked is reported, not
    followed. Every invalid defaults file that applies to a found file is reported once. A file
    named twice (or reached through two arguments) is read once.
    """
    files: list[Path] = []
    problems: list[SourceProblem] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        found = _given(path, problems)
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    problems.extend(_defaults_problems(files))
    return files, problems


def _given(path: Path, problems: list[SourceProblem]) -> list[Path]:
    """The files one command-line argument stands for (problems appended)."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symlinks (Python 3.11)
        if path.is_symlink():
            reason = "broken symlink or a loop of symlinks"
        elif isinstance(error, (FileNotFoundError, NotADirectoryError)):
            reason = "no such file or folder"
        else:
            reason = f"cannot read: {getattr(error, 'strerror', None) or error}"
        problems.append(SourceProblem(source_name(path), reason))
        return []
    if stat.S_ISDIR(mode):
        root = path.resolve()
        return sorted(_walk(path, root, problems, set()), key=lambda p: p.as_posix())
    if not stat.S_ISREG(mode):
        problems.append(SourceProblem(source_name(path), f"not a regular file ({file_kind(mode)})"))
    elif kind_of(path) is None:
        problems.append(SourceProblem(source_name(path), f"unsupported file type (expected {', '.join(SUFFIXES)})"))
    else:
        return [path]
    return []


def _walk(folder: Path, root: Path, problems: list[SourceProblem], visited: set[Path]) -> Iterator[Path]:
    real = folder.resolve()
    if real in visited:  # a symlink loop, or the same folder reached twice
        return
    visited.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        problems.append(SourceProblem(source_name(folder), f"cannot list the folder: {error.strerror or error}"))
        return
    project = any((folder / marker).is_file() for marker in _PROJECT_MARKERS)
    for entry in entries:
        if _hidden(entry) or entry.name in _TOOL_FOLDERS or (project and entry.name in _PROJECT_FOLDERS):
            continue
        if entry.is_symlink() and not _inside(entry, root, problems):
            continue
        if entry.is_symlink() and entry.is_dir() and entry.resolve() in visited:
            problems.append(
                SourceProblem(source_name(entry), "symlink to a folder already read (a loop), not read again")
            )
            continue
        if entry.is_dir():
            yield from _walk(entry, root, problems, visited)
        elif entry.is_file():
            if entry.name != defaults.DEFAULTS_NAME and kind_of(entry):
                yield entry
        elif kind_of(entry) and entry.exists():
            problems.append(SourceProblem(source_name(entry), "not a regular file (a FIFO, socket or device)"))


def _inside(link: Path, root: Path, problems: list[SourceProblem]) -> bool:
    """True when the symlink LINK leads to something inside ROOT; else reported (a source) or skipped."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # broken, or a loop of links
        if kind_of(link):
            problems.append(SourceProblem(source_name(link), "broken symlink or a loop of symlinks, not read"))
        return False
    if target == root or target.is_relative_to(root):
        return True
    if target.is_dir() or kind_of(link) or kind_of(target):
        where = f"outside {source_name(root)}"
        problems.append(SourceProblem(source_name(link), f"symlink to {source_name(target)}, {where}: not read"))
    return False


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
    issue = issue_from_path(path)
    values: dict[str, object] = {"year": defaults.year_from_path(path), "issue": issue.header() if issue else None}
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
