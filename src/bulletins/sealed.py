"""Cache files that tell when they are damaged: ``marshal`` bytes behind their length and CRC-32,
and lines of text after theirs (``line``).

The build's caches are ``marshal`` data. ``marshal`` reads damaged bytes without complaint as
often as not: a changed byte inside a string or a number gives another value of the right
type (a search index with another bulletin's tokens, a citation record that lies), and a
changed size inside a list makes it allocate gigabytes before it fails (reads of 1-4 s of a
4 KB file). So every piece is written after its length (8 bytes) and its CRC-32 (4 bytes),
little-endian, and checked before ``marshal`` sees it; a whole file starts with ``MAGIC``.
Whatever fails the check is a ``ValueError``, which every reader takes as "no cache": the
build makes again what the file held, so the output is the one a cold build gives.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path

MAGIC = b"bulletins sealed 1\n"  # the first bytes of a ``write_sealed`` file
LENGTH, CRC = 8, 4  # bytes of a piece's length and CRC-32, before its bytes


def header(data: bytes) -> bytes:
    """The length and CRC-32 that go before DATA."""
    return len(data).to_bytes(LENGTH, "little") + zlib.crc32(data).to_bytes(CRC, "little")


def frame(data: bytes) -> bytes:
    """DATA behind its length and CRC-32."""
    return header(data) + data


def unframe(view: memoryview, at: int = 0) -> tuple[memoryview, int]:
    """The piece ``frame`` wrote at AT in VIEW, and where the next one begins; ValueError when
    it is cut short or its bytes are not the ones written."""
    head = at + LENGTH + CRC
    if head > len(view):
        raise ValueError("a piece cut short")
    length = int.from_bytes(view[at : at + LENGTH], "little")
    crc = int.from_bytes(view[at + LENGTH : head], "little")
    piece = view[head : head + length]
    if head + length > len(view) or zlib.crc32(piece) != crc:
        raise ValueError("a piece cut short or damaged")
    return piece, head + length


def loads(piece) -> object:
    """``marshal.loads`` of a checked piece, its errors as ValueError."""
    try:
        return marshal.loads(piece)
    except (EOFError, TypeError, ValueError) as err:
        raise ValueError(f"damaged data: {err}") from None


def entry(value) -> bytes:
    """VALUE as one framed piece (no ``MAGIC``): an entry among others in a file."""
    return frame(marshal.dumps(value))


def entry_value(data) -> object:
    """The value of a piece ``entry`` made, DATA (bytes or a memoryview) being exactly its bytes;
    ValueError else."""
    view = memoryview(data)
    piece, end = unframe(view)
    if end != len(view):
        raise ValueError("an entry of another size")
    return loads(piece)


def seal(value) -> bytes:
    """The bytes of a sealed file holding VALUE."""
    return MAGIC + entry(value)


def unseal(data: bytes) -> object:
    """The value ``seal`` sealed in DATA; ValueError when DATA is not such bytes."""
    if not data.startswith(MAGIC):
        raise ValueError("not a sealed file")
    return entry_value(memoryview(data)[len(MAGIC) :])  # a view: no copy of the file's bytes


def read_sealed(path: Path) -> object:
    """The value in the sealed file PATH: OSError when it cannot be read, ValueError when it is
    not a sealed file or is damaged."""
    return unseal(Path(path).read_bytes())


def read_dict(path: Path | None, **wanted) -> dict | None:
    """The dict in the sealed file PATH when each key WANTED names holds the value given (a
    cache's format, and what it was made for); None when there is no such file, it is
    damaged, or it holds anything else: a cache that only saves work then counts as none."""
    if path is None:
        return None
    try:
        data = read_sealed(path)
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and all(key in data and data[key] == value for key, value in wanted.items())
    return data if ok else None


def write_sealed(path: Path, value) -> None:
    """VALUE sealed into PATH, through a temporary file renamed into place (a stopped build
    leaves the last file whole); the temporary file is removed on an error, which is raised.
    A file of one piece (``write_pieces``)."""
    write_pieces(path, (value,))


def write_pieces(path: Path, values) -> None:
    """Each of VALUES (an iterable) sealed into PATH after the one before (``read_pieces``), so
    that only one value's ``marshal`` bytes are held at a time where ``write_sealed`` holds them
    all; a file of one piece is ``write_sealed``'s. Through a temporary file renamed into place,
    removed on an error, which is raised."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:  # the magic, then each piece's length, CRC-32 and bytes: no copy of them
            fh.write(MAGIC)
            for value in values:
                data = marshal.dumps(value)
                fh.write(header(data))
                fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_pieces(path: Path) -> list:
    """The values ``write_pieces`` (or ``write_sealed``: one) sealed into PATH, in order:
    OSError when it cannot be read, ValueError when it is not such a file or is damaged."""
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError("not a sealed file")
    view, at, values = memoryview(data)[len(MAGIC) :], 0, []
    while at < len(view):
        piece, at = unframe(view, at)
        values.append(loads(piece))
    return values


LINE_CRC = 9  # a ``line``'s CRC-32 as eight hex digits and the space after them, before its text


def line(text: str) -> str:
    """TEXT (a line of a text file, its newline included) after the CRC-32 of its UTF-8 bytes, as
    eight hex digits and a space: a text record whose damage would still parse (a digit for a
    digit) tells it so."""
    return f"{zlib.crc32(text.encode('utf-8')):08x} {text}"


def line_text(raw: bytes) -> str:
    """The text of a ``line`` read back as the bytes RAW; ValueError when its CRC-32 is not theirs."""
    body = raw[LINE_CRC:]
    if raw[:LINE_CRC] != b"%08x " % zlib.crc32(body):
        raise ValueError("a line not as written")
    return body.decode("utf-8")
