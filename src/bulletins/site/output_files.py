"""Writing a file of the site only when its bytes change, so a rebuild keeps bytes and mtimes;
the names of the files made beside a page."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from bulletins import sealed
from bulletins.site import written


def with_suffix(path: str, suffix: str) -> str:
    """``str(PurePosixPath(path).with_suffix(suffix))`` (SUFFIX ``".bib"``, or ``""`` to drop
    it), without building a path object for a plain path: made for every article's citation
    key, citation files and raw copy (1–2 s a build at 100,000 articles through ``pathlib``)."""
    folder, sep, name = path.rpartition("/")
    if not name or name in (".", "..") or "//" in path or "/./" in path or path.startswith("./"):
        pure = PurePosixPath(path)  # the path as pathlib reads it: "a//b/./c/" is "a/b/c"
        if not pure.name:
            return str(pure.with_suffix(suffix))  # pathlib's error: an empty name
        folder, sep, name = str(pure).rpartition("/")
    # A stem "." ("..html") gives the name "." without its suffix, as Python 3.11's pathlib
    # does; 3.13's raises: the same answer on every Python.
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    return f"{folder}{sep}{stem}{suffix}"


@contextmanager
def removed_on_error(*paths: Path | str) -> Iterator[None]:
    """The temporary files PATHS go when the block fails (a full disk, Ctrl-C), so that a
    stopped build leaves none of them in the output for the next build to publish."""
    try:
        yield
    except BaseException:
        for path in paths:
            with suppress(OSError):
                os.unlink(path)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write DATA to PATH (atomically) unless PATH already holds exactly DATA; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    with removed_on_error(tmp):
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:  # the folder is made only when missing: one call less per file
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        os.replace(tmp, path)
    written.note(path, data)
    return True


def put_in_place(path: str, data: bytes) -> bool:
    """``place``: only whether PATH was written (``benchmarks/bench_page_writes.py`` times it)."""
    return place(path, data)[0]


def place(path: str, data: bytes) -> tuple[bool, os.stat_result]:
    """DATA into the file PATH unless it holds exactly DATA already (then its mtime stays):
    whether it was written, and its ``stat`` after. An existing file is written over in place
    and cut to DATA's length, not emptied first: emptying a file frees its blocks and writing
    allocates them again, which on a file system mounted with ``discard`` (this machine's) took
    0.270 ms a file against 0.020 ms in place (``benchmarks/bench_page_writes.py``: 5,000 pages
    of 29 KB), and a rebuild that renders every page again (a setting or a template changed)
    writes 148,707 of them at 100,000 bulletins. Like Pelican's own ``open(path, "w")``, a
    write cut short leaves a damaged file (the next build's record then has no entry for it,
    and it is written again)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        st = os.fstat(fd)
        if st.st_size == len(data) and _read_all(fd, st.st_size) == data:
            return False, st
        view = memoryview(data)
        done = os.pwrite(fd, view, 0)
        while done < len(data):
            done += os.pwrite(fd, view[done:], done)
        if st.st_size > len(data):
            os.ftruncate(fd, len(data))
        return True, os.fstat(fd)
    finally:
        os.close(fd)


def place_noted(path: str, data: bytes) -> tuple[bool, os.stat_result]:
    """``place``, its folder made when missing, noted for the manifest when written: the pages
    (``PageFile``) and the many small files beside them (an article's citations). Made new, a
    file is one ``open`` here, where a temporary file renamed over it (``write_if_changed``) is
    two directory entries: 0.52 s against 1.10-1.72 s for 20,000 files of 800 bytes on this
    machine's ext4, and a cold build at 100,000 bulletins makes 300,000 citation files."""
    try:
        changed, st = place(path, data)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        changed, st = place(path, data)
    except OSError as err:
        if err.filename is None:  # ``os.pwrite``'s error (a full disk) names no file: this one
            raise OSError(err.errno, err.strerror, path) from err
        raise
    if changed:
        written.note_stat(path, st, data)
    return changed, st


def _read_all(fd: int, size: int) -> bytes:
    parts, done = [], 0
    while done < size and (part := os.pread(fd, size - done, done)):
        parts.append(part)
        done += len(part)
    return b"".join(parts)


class PageFile(io.TextIOBase):
    """A text file of the site, opened for writing as ``open(PATH, "w", encoding="utf-8")``
    would be, whose text is put in place when it is closed (``place_noted``: unchanged bytes
    are not written) and noted for the manifest (``written``). The text is held until then:
    Pelican renders a page whole and writes it in one call."""

    def __init__(self, path: str):
        super().__init__()
        self.name, self.parts = path, []

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def close(self) -> None:
        if self.closed:
            return
        super().close()
        data = "".join(self.parts).encode("utf-8")
        self.parts = []
        place_noted(self.name, data)


CHUNK = 1 << 20


def same_bytes(a: Path, b: Path) -> bool:
    """A and B hold the same bytes (read a chunk at a time); False when either is missing."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                chunk = fa.read(CHUNK)
                if chunk != fb.read(CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def replace_if_changed(tmp: Path, path: Path) -> bool:
    """Move the finished file TMP over PATH unless PATH already holds its bytes (then TMP goes
    and PATH keeps its mtime); True when PATH was written."""
    with removed_on_error(tmp):
        if same_bytes(tmp, path):
            tmp.unlink()
            return False
        os.replace(tmp, path)
    return True


TABLE_MAGIC = b"bulletins table 2\n"  # the first bytes of a ``write_table`` file


def write_table(path: Path, table: dict, batch: int = 5_000) -> bool:
    """TABLE into PATH, unless PATH holds those bytes already (True when written):
    ``TABLE_MAGIC``, then dicts of BATCH entries each as ``marshal`` bytes, each after its length
    and CRC-32 (``sealed.frame``). Never one object of the whole table: a build's record of
    100,000 pages is saved at the end of a rebuild, when its memory peaks. ``marshal``, not JSON:
    at 100,000 bulletins the page record's 19.6 MB took some 0.4 s to save as JSON in the build,
    0.08-0.10 s so (reading either back took about 0.5 s there, most of it making the 180,000
    strings)."""
    tmp = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = iter(table.items())
    with removed_on_error(tmp), open(tmp, "wb") as fh:
        fh.write(TABLE_MAGIC)
        while piece := dict(itertools.islice(entries, batch)):
            fh.write(sealed.entry(piece))
    return replace_if_changed(tmp, path)


def read_table(path: Path) -> dict:
    """The table ``write_table`` wrote at PATH; OSError when it cannot be read, ValueError when
    it is not such a table (another format, cut short, damaged: each piece is checked before
    ``marshal`` reads it, ``sealed``)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.startswith(TABLE_MAGIC):
        raise ValueError("not a table")
    table: dict = {}
    view, at = memoryview(data), len(TABLE_MAGIC)
    while at < len(data):
        piece, at = sealed.unframe(view, at)
        found = sealed.loads(piece)
        if type(found) is not dict:
            raise ValueError("not a table")
        table.update(found)
    return table
