"""Reading sources: files and folders -> ``RawBulletin`` (or ``SourceProblem``), never raising.

Formats: ``.txt`` (one bulletin, any supported encoding), ``.html``/``.htm`` (one bulletin:
a page saved from a government site, see ``htmltext``), ``.jsonl`` and ``.jsonl.gz`` (one
bulletin per line: an object with ``html`` or ``text`` and optional ``id``, ``title``,
``date``, ``url``, ``publisher``, ``category``, ``region``; ``html`` wins when both are given).

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
import gzip
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from bulletins.ingest import defaults
from bulletins.ingest.decode import DecodeError, decode_bytes
from bulletins.ingest.gazette import issue_from_path
from bulletins.ingest.htmltext import extract_page, fragment_paragraphs
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["SUFFIXES", "context_for", "discover", "read_source"]

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz")
_RECORD_CONTEXT = ("publisher", "category", "region", "issue")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})(?!\d)")


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


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
            if _kind(path) is None:
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
        elif entry.is_file() and entry.name != defaults.DEFAULTS_NAME and _kind(entry):
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


def read_source(path: Path, context: Context, lines: range | None = None) -> Iterator[RawBulletin | SourceProblem]:
    """One file -> its bulletins (one for .txt/.html, one per line for .jsonl/.jsonl.gz), or problems.

    LINES limits a collection to those 1-based line numbers (a worker's chunk of a large file).

    Never raises for bad input: an unreadable file, an empty or binary one, undecodable
    bytes, a bad JSONL line each give a SourceProblem (with the line number for JSONL).
    """
    path = Path(path)
    source = path.as_posix()
    kind = _kind(path)
    try:
        if kind in (".jsonl", ".jsonl.gz"):
            yield from _read_jsonl(path, source, context, gz=kind == ".jsonl.gz", lines=lines)
            return
        data = path.read_bytes()
    except OSError as error:
        yield SourceProblem(source, f"cannot read: {error.strerror or error}")
        return
    if kind is None:
        yield SourceProblem(source, "unsupported file type")
        return
    try:
        hint = _declared_charset(data) if kind != ".txt" else None
        text, encoding = decode_bytes(data, hint)
    except DecodeError as error:
        yield SourceProblem(source, str(error))
        return
    log.debug("%s: decoded as %s", source, encoding)
    digest = _hash(data)
    if kind == ".txt":
        text = _newlines(text)
        if not text.strip():
            yield SourceProblem(source, "no text (only whitespace)")
            return
        yield RawBulletin(source=source, text=text, source_hash=digest, context=context)
        return
    try:
        page = extract_page(text)
    except Exception as error:  # the parser on hostile markup: one problem, never a crash
        log.debug("%s: HTML parser failed", source, exc_info=True)
        yield SourceProblem(source, f"cannot parse the HTML: {type(error).__name__}: {error}")
        return
    if not page.paragraphs:
        yield SourceProblem(source, "no text found in the HTML page")
        return
    yield RawBulletin(
        source=source,
        text="\n".join(page.paragraphs),
        source_hash=digest,
        context=context,
        title=page.title,
        date=page.date,
    )


def _read_jsonl(
    path: Path, source: str, context: Context, *, gz: bool, lines: range | None = None
) -> Iterator[RawBulletin | SourceProblem]:
    opener = gzip.open if gz else open
    number = 0
    try:
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                if lines is not None and number not in lines:
                    if number >= lines.stop:
                        break
                    continue
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield _record(line, source, number, context)
    except (OSError, EOFError, zlib.error) as error:
        where = f"after line {number}" if number else "at the start"
        yield SourceProblem(source, f"cannot read {where}: {error}")
        return
    if number == 0:
        yield SourceProblem(source, "empty file")


def _record(line: bytes, source: str, number: int, context: Context) -> RawBulletin | SourceProblem:
    def problem(reason: str) -> SourceProblem:
        return SourceProblem(source, reason, line=number)

    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        return problem(f"not UTF-8 (byte offset {error.start})")
    except json.JSONDecodeError as error:
        return problem(f"not JSON: {error.msg} at column {error.colno}")
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, [[[[...]]]] nested too deep
        return problem(f"not JSON: {type(error).__name__}: {error}")
    if not isinstance(record, dict):
        return problem(f"a JSON {type(record).__name__}, not an object")
    fields: dict[str, str | None] = {}
    for key in ("html", "text", "title", "date", "url", "id", *_RECORD_CONTEXT):
        value = record.get(key)
        if isinstance(value, (dict, list)):
            return problem(f"field {key!r} is not a string")
        fields[key] = None if value is None or isinstance(value, bool) else str(value)
    if fields["html"] and fields["html"].strip():
        try:
            text = "\n".join(fragment_paragraphs(fields["html"]))
        except Exception as error:  # the parser on hostile markup: one problem, never a crash
            log.debug("%s:%d: HTML parser failed", source, number, exc_info=True)
            return problem(f"cannot parse the 'html' field: {type(error).__name__}: {error}")
    else:
        text = _newlines(fields["text"] or "")
    if not text.strip():
        return problem("record has no text (no non-empty 'html' or 'text')")
    overrides = {key: fields[key].strip() for key in _RECORD_CONTEXT if fields[key] and fields[key].strip()}
    year = _YEAR.match(fields["date"] or "")
    if year and 1900 <= int(year.group(1)) <= 2100:
        overrides["year"] = int(year.group(1))
    return RawBulletin(
        source=source,
        text=text,
        source_hash=_hash(line),
        context=dataclasses.replace(context, **overrides) if overrides else context,
        line=number,
        title=_blank_to_none(fields["title"]),
        date=_blank_to_none(fields["date"]),
        url=_blank_to_none(fields["url"]),
        source_id=_blank_to_none(fields["id"]),
    )


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _declared_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None
