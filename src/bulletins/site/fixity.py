"""Fixity of a built site: ``manifest-sha256.txt`` lists every file with its SHA-256.

The manifest has the format of ``sha256sum`` (``<hex>  <relative path>``, one file a line,
sorted by path, the manifest itself left out), so ``sha256sum -c manifest-sha256.txt`` in the
site's folder checks it as well as ``bulletins verify``. A path holding a backslash or a line
break is escaped the way coreutils does it (a leading ``\\`` on the line).

``render_manifest``, ``parse_manifest`` and ``compare`` are pure; ``hash_tree`` reads the files.
A build makes its manifest with ``fixity_stream``, which reads only the files that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest-sha256.txt"
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """A manifest line that is not ``<64 hex digits>  <path>``."""


@dataclass(frozen=True)
class Report:
    """What differs between a manifest and a folder (paths relative to the folder, sorted)."""

    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.altered)

    def lines(self) -> list[str]:
        """One line per problem (``missing: x``), then a summary line."""
        out = [f"{kind}: {path}" for kind in ("missing", "extra", "altered") for path in getattr(self, kind)]
        problems = len(self.missing) + len(self.extra) + len(self.altered)
        summary = f"{self.checked} files listed, " + (
            "all present and unchanged" if self.ok else f"{problems} problem(s)"
        )
        return [*out, summary]


def escape_path(path: str) -> tuple[str, str]:
    if "\\" in path or "\n" in path or "\r" in path:
        return "\\", path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return "", path


def unescape_path(path: str) -> str:
    out, i = [], 0
    while i < len(path):
        if path[i] == "\\" and i + 1 < len(path):
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(path[i + 1], path[i + 1]))
            i += 2
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def render_manifest(digests: Mapping[str, str]) -> str:
    """``{relative POSIX path: sha256 hex}`` -> manifest text, sorted by path."""
    lines = []
    for path in sorted(digests):
        prefix, name = escape_path(path)
        lines.append(f"{prefix}{digests[path]}  {name}\n")
    return "".join(lines)


def parse_manifest(text: str) -> dict[str, str]:
    """Manifest text -> ``{path: sha256 hex}``; raises ManifestError on a malformed line."""
    digests: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        hexdigest, sep, name = body.partition("  ")
        if not sep or len(hexdigest) != 64 or any(c not in "0123456789abcdef" for c in hexdigest.lower()) or not name:
            raise ManifestError(f"line {number}: expected '<sha256>  <path>', got {line[:80]!r}")
        path = unescape_path(name) if escaped else name
        if path.startswith("/") or ".." in path.split("/"):
            raise ManifestError(f"line {number}: a path outside the site: {path[:80]!r}")
        digests[path] = hexdigest.lower()
    return digests


def compare(expected: Mapping[str, str], actual: Mapping[str, str]) -> Report:
    """Files listed but absent, present but unlisted, and listed with another digest."""
    return Report(
        missing=tuple(sorted(set(expected) - set(actual))),
        extra=tuple(sorted(set(actual) - set(expected))),
        altered=tuple(sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])),
        checked=len(expected),
    )


def walk_sorted(
    root: Path,
    exclude: Iterable[str] = (MANIFEST,),
    start: str | None = None,
    stop: str | None = None,
    removed: Callable[[str], bool] | None = None,
    seen=None,
) -> Iterator[tuple[str, int, int]]:
    """``(relative POSIX path, size, mtime_ns)`` of every regular file below ROOT, one ``stat``
    each, in the order of ``sorted()`` over the paths (a folder ``a`` sorts as ``a/`` among its
    siblings: its paths all begin so); links to files followed, linked folders not entered,
    EXCLUDE names skipped; only paths from START (included) to STOP (not), when given: a folder
    all of whose paths lie before START is not entered. A file whose name REMOVED answers True
    for is deleted, not yielded (a killed build's temporary file, ``leftovers``). SEEN (a
    ``fixity_watch.Watch``), when given, is told of each folder before it is listed
    (``folder(prefix)``: ``""``, ``"a/"``...) and of each file yielded through a link (``linked``).

    Each folder is opened once and its files looked up by name from it (``fstatat``), not by
    their path from ROOT (over the 662,536 files of 100,000 bulletins 1.96-2.00 s against 2.38
    s: the kernel's lookup of every folder of the path); by path where that cannot be done."""
    skip, folders = set(exclude), _Folders(os.fspath(root))
    if seen is not None:
        seen.folder("")
    try:
        stack = [("", iter(folders.entries(None)))]
        while stack:
            prefix, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                folders.close_last()
                continue
            rel = prefix + entry[0]
            if stop is not None and rel >= stop:  # a folder's paths sort after it: so does all that follows
                return
            if entry[1]:
                if start is None or rel >= start or start.startswith(rel):
                    if seen is not None:
                        seen.folder(rel)
                    stack.append((rel, iter(folders.entries(entry[2]))))
            elif rel not in skip and (start is None or rel >= start):
                if removed is not None and removed(entry[0]):
                    folders.unlink(entry[2])
                    continue
                st = entry[2].stat()
                if seen is not None and entry[2].is_symlink():
                    seen.linked(rel)
                yield rel, st.st_size, st.st_mtime_ns
    finally:
        folders.close_all()


class _Folders:
    """The open folders of a ``walk_sorted``, innermost last: a descriptor each where
    ``scandir`` takes one (its entries then ``stat`` from it), else their paths."""

    BY_FD = os.scandir in os.supports_fd and os.open in os.supports_dir_fd

    def __init__(self, root: str):
        self.root, self.open = root, []  # descriptors (or paths) of the folders being walked

    def entries(self, entry: os.DirEntry | None) -> list[tuple[str, bool, os.DirEntry]]:
        """The sorted entries of the root (ENTRY None) or of ENTRY, a folder of the innermost one
        open, which it opens."""
        if not self.BY_FD:
            where = self.root if entry is None else entry.path
        elif entry is None:
            where = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        else:
            where = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=self.open[-1])
        self.open.append(where)
        return _sorted_entries(where)

    def unlink(self, entry: os.DirEntry) -> None:
        with contextlib.suppress(FileNotFoundError):
            if self.BY_FD:
                os.unlink(entry.name, dir_fd=self.open[-1])
            else:
                os.unlink(entry.path)

    def close_last(self) -> None:
        where = self.open.pop()
        if self.BY_FD:
            os.close(where)

    def close_all(self) -> None:
        while self.open:
            self.close_last()


def _sorted_entries(folder: str | int) -> list[tuple[str, bool, os.DirEntry]]:
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    found.append((entry.name + "/", True, entry))
            elif entry.is_file():
                found.append((entry.name, False, entry))
    found.sort(key=lambda item: item[0])
    return found


def scan_tree(root: Path, exclude: Iterable[str] = (MANIFEST,)) -> dict[str, tuple[int, int]]:
    """``{relative POSIX path: (size, mtime_ns)}`` of every file ``walk_sorted`` finds, in its order."""
    return {rel: (size, mtime_ns) for rel, size, mtime_ns in walk_sorted(root, exclude)}


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of PATH's bytes: a page or citation file in one read, a large file a
    chunk at a time."""
    with open(path, "rb") as fh:
        data = fh.read(_CHUNK)
        if len(data) < _CHUNK:
            return hashlib.sha256(data).hexdigest()
        h = hashlib.sha256(data)
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(root: Path, hash_all=None) -> dict[str, str]:
    """``{relative path: sha256}`` of every file below ROOT except the manifest, sorted by path.
    HASH_ALL (a list of paths -> their hashes in order; ``hash_files`` by default) lets a caller
    spread the hashing over processes. (A build writes its manifest with ``fixity_stream``,
    which reads only the files that changed.)"""
    paths = [rel for rel, _, _ in walk_sorted(root)]
    return dict(zip(paths, (hash_all or hash_files)([os.path.join(root, p) for p in paths])))


def hash_files(paths: list[str]) -> list[str]:
    """``sha256_file`` of each of PATHS, here, in order."""
    return [sha256_file(path) for path in paths]


def verify(root: Path) -> Report:
    """Check ROOT against its ``manifest-sha256.txt`` (every file read and hashed)."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest}: no manifest (build the site first)")
    expected = parse_manifest(manifest.read_text(encoding="utf-8"))
    return compare(expected, hash_tree(root))


def site_root(folder: Path) -> Path:
    """FOLDER, or its ``data/`` payload when FOLDER is an unpacked BagIt bag of a site."""
    if (folder / "bagit.txt").is_file() and (folder / "data" / MANIFEST).is_file():
        return folder / "data"
    return folder
