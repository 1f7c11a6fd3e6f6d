"""The page record's entries (``cache/bulletins-pages.marshal``, written by
``output_files.write_table``): what a page wrote, by its key.

A page that wrote one file of its own name is recorded as its fingerprint key alone, any other
as ``[key, files]``; a whole paginated list as ``[key, [], pages]`` (``SkippingWriter.unchanged_list``).
A key is 16 bytes (``fingerprint.page_key``); a record of keys as 32 hex digits (written before)
is read as whole, and no key of it equals a page's, so each page is made again once.
"""

from __future__ import annotations


def entry_of(name: str, key: bytes, files: list[str]) -> bytes | list:
    """A page's entry in the record: its fingerprint KEY alone when the page wrote one file, of
    its own NAME (every article page: at 100,000 bulletins a rebuild, which holds the record to
    its end, then holds 46 MB of it instead of 90, and the file is 15 MB instead of 21), else
    ``[key, files]``."""
    return key if files == [name] else [key, files]


def entry_files(name: str, entry) -> list[str] | None:
    """The files (relative to the output) page NAME wrote by its ENTRY; None for an entry that
    is neither form of ``entry_of`` (a damaged record)."""
    if isinstance(entry, (bytes, str)):
        return [name]
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list):
        return entry[1]
    return None


def list_entry(entry) -> bool:
    """ENTRY is a whole list's (``unchanged_list``): ``[key, [], [page names]]``; its files are
    its pages' (``entry_files`` names none)."""
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], (bytes, str))
        and entry[1] == []
        and isinstance(entry[2], list)
        and all(isinstance(page, str) for page in entry[2])
    )


def entry_key(entry) -> bytes | str:
    return entry if isinstance(entry, (bytes, str)) else entry[0]


def record_files(record: dict) -> set[str]:
    """Every file (relative to the output) the pages of RECORD wrote."""
    return {f for name, entry in record.items() for f in entry_files(name, entry) or ()}


def stale_files(old: dict, kept: set[str]) -> set[str]:
    """The files (relative to the output) that OLD's pages wrote and KEPT does not name."""
    return record_files(old) - kept
