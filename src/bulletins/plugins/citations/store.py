"""What the last build made the citation files from, so that a rebuild makes only what changed.

``CACHE_PATH/bulletins-citations.marshal`` (``sealed``: a damaged file is none) maps each page
(``save_as``) to its record: the input key, the citation date, then the size and mtime of its
``.bib``, ``.ris`` and ``.json`` packed as six 8-byte numbers (``make_record``). A build holds
every article's record to its end: as a list of two strings and six ints, as before, a worker's
record took some 460 bytes (its own key and date strings among them), now some 150 with the key
the build holds already and one date string a day (100,000 records, traced). A record of the
list form is read as the packed one. The input key is a digest of everything the article's citation
fields are made from (``input_parts``: its header values as Pelican read them, its title, page, URL
and original, the public URL, the code): equal keys make equal fields, so an unchanged article's
fields are not made at all. Made for every article, the fields took some 3.6 s of a 100,000-article
rebuild's citations fork, and rendering the archive's CSL-JSON whole another 3.7 s (py-spy, beside
the other forks).

The archive's CSL-JSON holds one item per line, in the order of (date, page). A rebuild that
changes some items copies every other line from the last build's file (``splice_csl``), found by
walking the pages it listed (``CSL_CACHE``: the items' digest, the file's size and mtime, and its
pages in order) beside the new ones: both lists are in (date, page) order, and an unchanged
article keeps its date and page. When that file is not the one recorded, every item is made.
"""

from __future__ import annotations

import functools
import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from bulletins import sealed
from bulletins.site import citation, written
from bulletins.site.folderstat import FolderStats
from bulletins.site.opendata_state import file_stamp
from bulletins.site.output_files import removed_on_error, replace_if_changed

STAMPS = "bulletins-citations.marshal"
LEGACY_STAMPS = "bulletins-citations.json"  # an earlier version's records, read once for the stale files
CSL_CACHE = "bulletins-citations-csl.marshal"
LEGACY_CSL_CACHE = "bulletins-citations-csl.json"
RECORD = 2 + 2 * len(citation.FILE_KINDS)  # input key, date, size and mtime of each file (the list form)
STAMPS_FORM = struct.Struct(f"<{2 * len(citation.FILE_KINDS)}q")  # a record's sizes and mtimes, packed
PIECE_RECORDS = 4096  # records a piece of the records' file (``save_records``)
NEVER = ""  # the input key of a record from an earlier version: no article's key is ""
HEAD, SEPARATOR = citation.CSL_OPEN.encode(), citation.CSL_SEPARATOR.encode()  # ``citation.csl_pieces``
CLOSE = citation.CSL_CLOSE.encode()  # an empty file's end; after items, TAIL
TAIL = b"\n" + CLOSE
# The modules an article's citation fields and files are made by.
CODE = (
    "site/citation.py",
    "plugins/citations/generator.py",
    "site/opendata.py",
    "plugins/open_data/generator.py",
    "site/sitemap.py",  # join_url: the URL
    "site/output_files.py",  # with_suffix: the citation key and the file names
)


@functools.cache
def code_digest() -> str:
    """The bytes of the code that makes the fields and the files: new code remakes them all once."""
    package = Path(citation.__file__).resolve().parents[1]
    digest = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8)
    for name in CODE:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def input_key(parts: tuple) -> str:
    """The digest of ``repr(PARTS)``: an unstable repr only costs the fields made again, but a
    repr that does not show a value whole would keep stale files. The parts are strings, dates,
    lists of them and Pelican's URL wrappers, whose reprs name them."""
    return hashlib.blake2b(f"{code_digest()}\0{parts!r}".encode(), digest_size=12).hexdigest()


def make_record(key: str, date: str, stamps: Iterable[int]) -> tuple[str, str, bytes]:
    """An article's record: its input KEY, citation DATE and its files' STAMPS (size and mtime
    of each, in ``FILE_KINDS`` order) packed. ``struct.error`` for stamps that are not as many
    8-byte numbers."""
    return (key, date, STAMPS_FORM.pack(*stamps))


def is_record(value) -> bool:
    """Whether VALUE is a record as ``make_record`` makes it."""
    return (
        type(value) is tuple
        and len(value) == 3
        and type(value[0]) is str
        and type(value[1]) is str
        and type(value[2]) is bytes
        and len(value[2]) == STAMPS_FORM.size
    )


def as_record(value) -> tuple | None:
    """VALUE as a record: itself, or one of the list form (``RECORD`` items) packed; None for
    anything else."""
    if is_record(value):
        return value
    if isinstance(value, list) and len(value) == RECORD and all(type(v) is str for v in value[:2]):
        try:
            return make_record(value[0], value[1], value[2:])
        except struct.error:  # not 8-byte numbers
            return None
    return None


def fresh_record(record, key: str, out: FolderStats, names: Iterable[str]) -> bool:
    """RECORD is the last build's for input KEY and its files (NAMES under the folder OUT
    looks in) are as it left them."""
    if not (is_record(record) and record[0] == key):
        return False
    stamps, at = STAMPS_FORM.unpack(record[2]), 0
    for name in names:
        found = out.stamp(name)
        if found is None or found[0] != stamps[at] or found[1] != stamps[at + 1]:  # gone, or changed
            return False
        at += 2
    return True


def load_records(cache: Path) -> dict:
    """Page -> record from the last build's STAMPS in CACHE, or, from an earlier version's JSON,
    page -> a record whose key matches none (its files are then made again, and the files of a
    page gone are still removed) or file name -> ``[key, size, mtime_ns]`` (``remove_stale``).
    Records of the list form are packed (``as_record``)."""
    try:
        pieces = sealed.read_pieces(cache / STAMPS)  # one piece when an earlier version wrote it
    except (OSError, ValueError):
        pieces = None
    table = None
    if pieces is not None and all(type(piece) is dict for piece in pieces):
        table = {}
        for piece in pieces:
            table.update(piece)
    if isinstance(table, dict):
        records = {k: as_record(v) for k, v in table.items() if type(k) is str}
        return {k: v for k, v in records.items() if v is not None}
    try:
        legacy = json.loads((cache / LEGACY_STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(legacy, dict):
        return {}
    records = {}
    for name, record in legacy.items():
        if isinstance(record, list) and len(record) == 3:
            records[name] = record
        elif isinstance(record, list) and len(record) == RECORD - 1:  # [fields key, stamps...]
            found = as_record([NEVER, "", *record[1:]])
            if found is not None:
                records[name] = found
    return records


def save_records(cache: Path, records: dict) -> None:
    """RECORDS into the cache folder, ``PIECE_RECORDS`` at a time (``sealed.write_pieces``): as
    one piece, a million bulletins' records were saved at a traced peak of 179.4 MB (their
    ``marshal`` bytes made at once, at the citations' last step), 1.9 MB so."""
    (cache / STAMPS).parent.mkdir(parents=True, exist_ok=True)
    items = iter(records.items())
    sealed.write_pieces(cache / STAMPS, iter(lambda: dict(islice(items, PIECE_RECORDS)), {}))
    (cache / LEGACY_STAMPS).unlink(missing_ok=True)


def _save(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sealed.write_sealed(path, value)


def items_key(order: Iterable[tuple[str, str, str]]) -> str:
    """The digest of the archive's items: ORDER's (date, page, input key), in the file's order."""
    digest = hashlib.blake2b(code_digest().encode(), digest_size=16)
    for date, save_as, key in order:
        digest.update(f"{date}\0{save_as}\0{key}\n".encode())
    return digest.hexdigest()


def load_csl_record(cache: Path) -> dict:
    """The last build's record of the archive's file: ``key``, ``stamp``, ``pages`` ({} if none)."""
    return sealed.read_dict(cache / CSL_CACHE) or {}


def save_csl_record(cache: Path, key: str, path: Path, pages: list[str]) -> None:
    _save(cache / CSL_CACHE, {"key": key, "stamp": file_stamp(path), "pages": pages})
    (cache / LEGACY_CSL_CACHE).unlink(missing_ok=True)


def old_lines(path: Path, record: dict) -> Iterator[tuple[str, bytes]] | None:
    """``(page, item line)`` of the archive's file at PATH in its order, when it is the file
    RECORD describes (size, mtime and as many items as pages); else None."""
    pages = record.get("pages")
    if not isinstance(pages, list) or record.get("stamp") is None or record.get("stamp") != file_stamp(path):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not pages:
        return iter(()) if data == HEAD + CLOSE else None
    if not (data.startswith(HEAD) and data.endswith(TAIL)):
        return None
    lines = data[len(HEAD) : -len(TAIL)].split(SEPARATOR)
    return zip(pages, lines) if len(lines) == len(pages) else None


def splice_csl(path: Path, order: Sequence[tuple[str, str, str]], line_of: Callable[[int], bytes], old) -> bool:
    """Write the archive's file: for the I-th entry of ORDER (date, page, key), the line of OLD
    (``old_lines``) for that page when ``line_of(I)`` is None, else ``line_of(I)``. Written into a
    temporary file that replaces PATH only when the bytes differ (True when it did); its digest
    noted for the manifest. A page OLD does not have (in order) raises KeyError."""
    tmp = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = written.hasher(), 0
    with removed_on_error(tmp), open(tmp, "wb") as fh:
        pieces = _pieces(order, line_of, old)
        for piece in pieces:
            fh.write(piece)
            digest.update(piece)
            size += len(piece)
    replaced = replace_if_changed(tmp, path)
    written.note_digest(path, size, digest.hexdigest())
    return replaced


def _pieces(order, line_of, old) -> Iterator[bytes]:
    yield HEAD
    old = iter(old if old is not None else ())
    for i, (_, save_as, _) in enumerate(order):
        line = line_of(i)
        if line is None:
            line = _find(old, save_as)
        yield (SEPARATOR + line) if i else line
    yield TAIL if order else CLOSE


def _find(old: Iterator[tuple[str, bytes]], save_as: str) -> bytes:
    """The line of SAVE_AS in OLD, skipping the lines of pages gone or changed before it."""
    for page, line in old:
        if page == save_as:
            return line
    raise KeyError(save_as)


def item_line(fields: citation.CitationFields) -> bytes:
    """An item's line of the archive's file (``citation.csl_line``)."""
    return citation.csl_line(citation.csl_item(fields)).encode("utf-8")
