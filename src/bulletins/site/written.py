"""The digests of the files a build writes, noted as they are written (``manifest-sha256.txt``
then need not read them back).

A cold build writes every file of the output (657,826 at 100,000 bulletins, 4.3 GB), and its
manifest then read each one again to hash it: 12 s when the files were still in memory, 225 s
on a machine whose kernel had already dropped them from its page cache. The bytes are in hand
when a file is written, so each writer calls ``note`` (or ``note_digest``, or writes through
``NotingFile``): the file's size and mtime (one ``stat``), the SHA-256 of the bytes, and its path
go as one line onto a journal in the cache folder. The journal is one file opened for appending
(``O_APPEND``) by ``begin``: a fork of the build writes to the same file, each line in one
``write`` call, so lines of several processes never mix.

The manifest's walk goes in path order, the journal in the order files were written, so
``sorted_journal`` sorts it a block of lines at a time into runs on disk and merges them, into a
file in the fixity cache's own line format (``<size> <mtime_ns> <sha256>  <path>``): memory
holds a block, never the build's list of files. A path noted twice with different bytes is left
out, and a noted digest is used only where the walk finds the file with the size and mtime noted
(anything else written there since is read and hashed as before). A writer that does not note
(Pelican's static files, a plugin of the user's) costs a read, not a wrong line.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import io
import itertools
import os
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from bulletins.site.fixity import escape_path, sha256_file, unescape_path

JOURNAL = "bulletins-written.log"
BLOCK = 50_000  # journal lines sorted at a time (some 15 MB held)
_state: dict = {"fd": None, "root": "", "path": None}


def begin(path: Path | str, root: Path | str) -> None:
    """Start a journal at PATH (emptied) of the files written below ROOT, noted into by this
    process and its later forks."""
    end()
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        _state["fd"] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        _state["root"], _state["path"] = os.path.join(os.path.abspath(root), ""), Path(path)
    except OSError:
        _state["fd"] = None  # no journal: the manifest reads what it must


def end() -> Path | None:
    """Stop noting; the journal's path (the file stays for ``sorted_journal``), None when none
    was begun."""
    fd, _state["fd"] = _state["fd"], None
    path, _state["path"] = _state["path"], None
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
    return path if fd is not None else None


def active() -> bool:
    return _state["fd"] is not None


class _NoHash:
    """What ``hasher`` gives while nothing is noted: takes bytes and makes no digest."""

    def update(self, data: bytes) -> None:
        pass

    def hexdigest(self) -> str:
        return ""


def hasher():
    """A SHA-256 to feed a file's bytes as they are written (then ``note_digest``), or, while no
    journal is open (the manifest off), one that does no work."""
    return hashlib.sha256() if _state["fd"] is not None else _NoHash()


def note(path: Path | str, data: bytes) -> None:
    """PATH was just written with DATA (nothing else since)."""
    if _state["fd"] is not None:
        note_digest(path, len(data), hashlib.sha256(data).hexdigest())


def note_digest(path: Path | str, size: int, digest: str) -> None:
    """PATH was just written with SIZE bytes whose SHA-256 is DIGEST: one journal line, when the
    file is found with that size (a failed ``stat`` or another size notes nothing)."""
    if _state["fd"] is None:
        return
    with contextlib.suppress(OSError, UnicodeEncodeError):  # gone, or a name that is no text
        _journal(path, os.stat(path), size, digest)


def note_stat(path: Path | str, st: os.stat_result, data: bytes) -> None:
    """``note`` of a file whose ``stat`` after the writing is ST (no second ``stat``)."""
    if _state["fd"] is not None:
        _journal(path, st, len(data), hashlib.sha256(data).hexdigest())


def _journal(path: Path | str, st: os.stat_result, size: int, digest: str) -> None:
    """The journal line of PATH, found as ST after SIZE bytes of SHA-256 DIGEST were written."""
    name = os.path.abspath(path)
    if not name.startswith(_state["root"]) or st.st_size != size:
        return  # written elsewhere (a cache, or another build's output in the same process)
    with contextlib.suppress(OSError, UnicodeEncodeError):  # a full disk, a name that is no text
        os.write(_state["fd"], journal_line(name, st.st_size, st.st_mtime_ns, digest).encode())


def note_file(path: Path | str) -> None:
    """PATH, just written by something that does not note (SQLite), read once and noted: by
    the process that wrote it, while its bytes are still in memory, rather than at the end."""
    if _state["fd"] is None:
        return
    try:
        size, digest = file_digest(path)
    except OSError:
        return
    note_digest(path, size, digest)


def file_digest(path: Path | str) -> tuple[int, str]:
    """PATH's size and SHA-256 (``fixity.sha256_file``), of a file that is not being written."""
    return os.path.getsize(path), sha256_file(Path(path))


class NotingFile(io.TextIOBase):
    """A text file opened for writing (FH, UTF-8) whose written text is hashed and noted for PATH
    when it is closed. A text stream to whoever asks (``isinstance(f, io.TextIOBase)``: the XML
    writer of Pelican's feeds then writes its text here, not bytes through a wrapper)."""

    def __init__(self, fh, path: str):
        super().__init__()
        self.fh, self.path = fh, path
        self.hash, self.size = hashlib.sha256(), 0

    @property
    def encoding(self) -> str:
        return self.fh.encoding

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.hash.update(data)
        self.size += len(data)
        return self.fh.write(text)

    def flush(self) -> None:
        self.fh.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            super().close()  # flushes first
        finally:
            self.fh.close()
        note_digest(self.path, self.size, self.hash.hexdigest())


def parse_line(line: str) -> tuple[str, int, int, str] | None:
    """A journal line -> ``(absolute path, size, mtime_ns, sha256)``; None when it is not one."""
    escaped = line.startswith("\\")
    parts = line[escaped:].rstrip("\n").split(" ", 3)
    if len(parts) != 4 or len(parts[2]) != 64 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    name = unescape_path(parts[3]) if escaped else parts[3]
    return name, int(parts[0]), int(parts[1]), parts[2]


def _relative(journal: Path, root: Path) -> Iterator[tuple[str, str]]:
    """The journal's entries under ROOT: each path relative to it (POSIX separators) and the
    entry as a line of the fixity cache (``cache_line``). A plain line is split, not parsed
    (658,113 lines at 100,000 bulletins)."""
    base = os.path.join(os.path.abspath(root), "")
    try:
        fh = open(journal, "rb")  # noqa: SIM115 (closed below, in a generator)
    except OSError:
        return
    with fh:
        for raw in fh:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            parts = line.rstrip("\n").split(" ", 3)
            if line.startswith("\\") or os.sep != "/" or len(parts) != 4:
                entry = parse_line(line)  # an escaped name: the slow way
                if entry is not None and entry[0].startswith(base):
                    rel = entry[0][len(base) :].replace(os.sep, "/")
                    yield rel, cache_line(rel, *entry[1:])
                continue
            size, mtime_ns, digest, name = parts
            if name.startswith(base) and len(digest) == 64 and size.isdigit() and mtime_ns.isdigit():
                rel = name[len(base) :]
                yield rel, f"{size} {mtime_ns} {digest}  {rel}\n"  # cache_line's, inline: 0.8 s less at 658,113


def cache_line(path: str, size: int, mtime_ns: int, digest: str) -> str:
    """An entry in the fixity cache's line format."""
    prefix, name = escape_path(path)
    return f"{size} {mtime_ns} {prefix}{digest}  {name}\n"


def sorted_journal(journal: Path, root: Path, target: Path) -> Path | None:
    """The JOURNAL's entries under ROOT, sorted by path, one per path (a path noted with two
    digests is left out), into TARGET in the fixity cache's line format; None without a journal."""
    if not os.path.exists(journal):
        return None
    runs = _sorted_runs(_relative(journal, root), target)
    try:
        with open(target, "w", encoding="utf-8", newline="\n") as out:
            merged = heapq.merge(*(_read_run(run) for run in runs))
            for _, group in itertools.groupby(merged, key=itemgetter(0)):
                lines = [line for _, line in group]
                out.write(lines[0] if len(lines) == 1 else _one_of(lines))
    finally:
        for run in runs:
            run.unlink(missing_ok=True)
    return target


def _one_of(lines: list[str]) -> str:
    """Of a path's cache lines, the latest when all hold the same digest, else none ("")."""
    fields = [line.split(" ", 3) for line in lines]
    if len({f[2].lstrip("\\") for f in fields}) != 1:
        return ""
    return max(zip(fields, lines), key=lambda pair: int(pair[0][1]))[1]


def _sorted_runs(entries: Iterator[tuple[str, str]], target: Path) -> list[Path]:
    """ENTRIES sorted a BLOCK at a time, each block into a file of its own (cache lines)."""
    runs = []
    while block := list(itertools.islice(entries, BLOCK)):
        block.sort()
        run = target.with_name(f".{target.name}.run{len(runs)}")
        with open(run, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(line for _, line in block)
        runs.append(run)
    return runs


def journal_line(path: str, size: int, mtime_ns: int, digest: str) -> str:
    prefix, name = escape_path(path)
    return f"{prefix}{size} {mtime_ns} {digest} {name}\n"


def _read_run(run: Path) -> Iterator[tuple[str, str]]:
    """A run's ``(path, cache line)`` pairs, in its order."""
    with open(run, encoding="utf-8", newline="\n") as fh:
        for line in fh:
            head, _, name = line[:-1].partition("  ")
            yield (unescape_path(name) if "\\" in head else name), line
