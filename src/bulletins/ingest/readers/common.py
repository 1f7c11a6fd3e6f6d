"""What every reader shares: opening only regular files, a bound on a record's size, hashing.

A reader opens its file with ``open_regular``: a FIFO, a socket or a device named as a
source is refused (``not a regular file``) without ever blocking on it, since the file is
opened non-blocking and checked with ``fstat`` before a byte is read. ``read_limited``
reads a whole-file source (``.txt``, ``.html``, ...) but never more than ``limit`` bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import mmap
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from bulletins.ingest.decode import DecodeError, common_han_share, decode_bytes, garbled_at
from bulletins.models import Context

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "ReadError",
    "inflated_stream_problem",
    "megabytes",
    "newlines",
    "on_disk",
    "open_regular",
    "read_limited",
    "record_size",
    "sha256",
    "source_name",
    "unpacked_problem",
]

DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024  # one bulletin, or one line of a collection
# A Word or OFD package may unpack to this many times the bytes one bulletin may have: its XML is
# several times the text it holds, a zip bomb thousands of times (a 4 MB file, 4 GB unpacked).
PACKAGE_EXPANSION = 8
_SURROGATE = re.compile("[\udc80-\udcff]")
_HAN = re.compile("[\u4e00-\u9fff]")
_NAME_ENCODINGS = ("gb18030", "latin-1")
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


class ReadError(Exception):
    """A source that cannot be read; ``str()`` is the one-line reason."""


logger = logging.getLogger(__name__)


def file_kind(mode: int) -> str:
    """``a FIFO``, ``a character device`` ... for a mode that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def open_regular(path: os.PathLike[str] | str) -> BinaryIO:
    """PATH opened for binary reading; ReadError unless it is a regular file (never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ReadError(f"cannot read: {error.strerror or error}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ReadError(f"not a regular file ({file_kind(mode)})")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: os.PathLike[str] | str, limit: int) -> bytes:
    """The bytes of PATH; ReadError when it is not a regular file or holds more than LIMIT bytes."""
    with open_regular(path) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as error:
            raise ReadError(f"cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise ReadError(f"larger than {megabytes(limit)}, the most one bulletin may have (--max-record-bytes)")
    return data


def read_decoded(
    path: os.PathLike[str] | str, limit: int, declared: Callable[[bytes], str | None] | None = None
) -> tuple[bytes, str] | str:
    """PATH's bytes and their text (the charset DECLARED in the bytes tried first), or why not:
    too large, unreadable or undecodable. The text and web-page readers share it."""
    try:
        data = read_limited(path, limit)
        text, encoding = decode_bytes(data, declared(data) if declared else None)
    except (ReadError, DecodeError) as error:
        return str(error)
    logger.debug("%s: decoded as %s", path, encoding)
    return data, text


def source_name(path: os.PathLike[str] | str) -> str:
    """PATH as a source name (POSIX, as given) that is valid text.

    A name that is not UTF-8 (from a zip made on Chinese Windows: GBK bytes, which Python keeps
    as lone surrogates) is read, part by part, as GB18030 when that gives Chinese, else as
    Latin-1; ``on_disk`` finds the file again from such a name.
    """
    name = Path(path).as_posix()
    if not _SURROGATE.search(name):
        return name
    return "/".join(_readable(part) for part in name.split("/"))


def on_disk(source: str) -> Path | None:
    """The file a source name stands for, undoing ``source_name`` part by part; None when absent."""
    path = Path(source)
    if path.exists():
        return path
    current = Path(path.anchor)
    for part in path.parts[1 if path.anchor else 0 :]:
        for encoding in (None, *_NAME_ENCODINGS):
            try:
                candidate = current / (os.fsdecode(part.encode(encoding)) if encoding else part)
            except UnicodeEncodeError:
                continue
            if os.path.lexists(candidate):
                current = candidate
                break
        else:
            return None
    return current


def _readable(part: str) -> str:
    if not _SURROGATE.search(part):
        return part
    data = os.fsencode(part)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("latin-1")
    if _HAN.search(text) and common_han_share(text) >= 0.75 and garbled_at(text) is None:
        return text
    return data.decode("latin-1")


class TooMuchText(Exception):
    """A laid-out document's pages hold more text than one bulletin may have."""


class TextBudget:
    """The text a laid-out document's pages add up to (UTF-8 bytes), held to --max-record-bytes page
    by page, so that a PDF of 20,000 pages sharing one content stream (5 MB: 75 s, 866 MB) stops
    once it has given more text than a bulletin may have, not after its last page."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def add(self, texts: Iterable[str], page: int) -> None:
        """Count TEXTS of page PAGE; TooMuchText once past the limit."""
        self.used += sum(len(text.encode("utf-8", "surrogatepass")) for text in texts)
        if self.used > self.limit:
            raise TooMuchText(
                f"its text passes {megabytes(self.limit)} by page {page:,}, more than one bulletin may have"
                " (--max-record-bytes)"
            )


def megabytes(size: int) -> str:
    """``16 MB``, ``1.5 MB``, ``512 bytes``: a size for messages."""
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):,.4g} MB"


def sha256(data: bytes) -> str:
    """``sha256:<hex>``: the source hash of a file's or a record's bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def newlines(text: str) -> str:
    """CRLF and CR line endings as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def record_size(value: str) -> int:
    """``16M``, ``512k``, ``1G``, ``1048576`` -> bytes (powers of 1024); ValueError for anything else."""
    found = _SIZE.match(value)
    if not found or int(found.group(1)) < 1:
        raise ValueError(f"not a size: {value!r} (expected e.g. 16M, 512K or a number of bytes)")
    return int(found.group(1)) * 1024 ** " kmg".index(found.group(2).lower() or " ")


def unpacked_problem(path: os.PathLike[str] | str, limit: int) -> str | None:
    """Why the zip package PATH (.docx, .ofd) must not be unpacked, or None: its members add up to
    more than ``PACKAGE_EXPANSION`` times LIMIT. The sizes are the zip directory's, which Python's
    zipfile never reads past (a member that holds more fails its CRC check)."""
    try:
        with zipfile.ZipFile(path) as package:
            total = sum(info.file_size for info in package.infolist())
    except (OSError, EOFError, zipfile.BadZipFile, ValueError):
        return None  # the reader opens it again and says what is wrong
    bound = PACKAGE_EXPANSION * limit
    if total <= bound:
        return None
    return f"unpacks to {megabytes(total)}, more than {_allowed(bound)}: a zip bomb?"


def _allowed(bound: int) -> str:
    return f"{megabytes(bound)} ({PACKAGE_EXPANSION} × --max-record-bytes)"


_STREAM = re.compile(rb"stream\r?\n")
_INFLATE_STEP = 1 << 20


def inflated_stream_problem(path: os.PathLike[str] | str, limit: int) -> str | None:
    """Why the PDF at PATH must not be opened, or None: one of its Flate streams other than an
    image (a page's content, a font, an object stream: what reading the text decodes) inflates to
    more than ``PACKAGE_EXPANSION`` times LIMIT. Each stream is inflated a megabyte at a time and
    counted, never held, over a memory map of the file."""
    bound = PACKAGE_EXPANSION * limit
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for match in _STREAM.finditer(data):
                head = data[max(0, match.start() - 1024) : match.start()]
                head = head[head.rfind(b"obj") + 1 :]
                if b"/FlateDecode" not in head or b"/Image" in head:
                    continue
                if _inflated_size(data, match.end(), bound) > bound:
                    where = f"a stream at byte {match.end():,}"
                    return f"{where} inflates to more than {_allowed(bound)}: a decompression bomb?"
    return None


def _inflated_size(data, start: int, bound: int) -> int:
    """How many bytes the zlib stream at START of DATA inflates to, counting stops past BOUND."""
    inflater, size, at = zlib.decompressobj(), 0, start
    try:
        while at < len(data) and not inflater.eof and size <= bound:
            chunk = data[at : at + _INFLATE_STEP]
            at += len(chunk)
            size += len(inflater.decompress(chunk, _INFLATE_STEP))
            while inflater.unconsumed_tail and size <= bound:
                size += len(inflater.decompress(inflater.unconsumed_tail, _INFLATE_STEP))
    except zlib.error:
        pass  # not a whole zlib stream: PDFium reads what it can
    return size


def given_context(context: Context, values: Mapping[str, object]) -> Context:
    """CONTEXT with what the source itself says (a record's fields, a page's 信息公开 table):
    VALUES' texts stripped, blank ones and None left out, anything else as given."""
    given = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    given = {key: value for key, value in given.items() if value not in (None, "")}
    return dataclasses.replace(context, **given) if given else context
