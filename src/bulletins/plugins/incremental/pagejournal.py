"""The pages a rebuild is about to write, noted before it writes them.

A rebuild skips a page whose fingerprint and files are the ones the last build's record names.
A build stopped midway (a full disk, Ctrl-C) may have written some pages over, or cut them
short, without saving its own record: the last one then names them as they were. So before
the writer renders a page (or a batch of them, in forks), it appends their names to a journal
beside the record (``bulletins-pages.marshal.writing``), one JSON string a line, in one write. The
next build reads the journal first and drops those pages from the record it loads, so they are
rendered again; the journal goes once a build has saved its record. An interrupted rebuild so
costs the next one the pages it was writing, not every page. A journal that cannot be read (cut
inside a line) drops the whole record.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

SUFFIX = ".writing"


def path_of(record: Path) -> Path:
    return record.with_name(record.name + SUFFIX)


def stopped_pages(record: Path) -> set[str] | None:
    """The pages a stopped build noted beside RECORD (empty when none was stopped); None when
    its journal cannot be read whole."""
    try:
        text = path_of(record).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    except (OSError, ValueError):
        return None
    try:
        names = [json.loads(line) for line in text.splitlines()]
    except ValueError:
        return None
    if (text and not text.endswith("\n")) or not all(isinstance(name, str) for name in names):
        return None
    return set(names)


def note(record: Path, names: Iterable[str]) -> None:
    """Append NAMES to RECORD's journal before their pages are written."""
    lines = "".join(json.dumps(name) + "\n" for name in names)
    if lines:
        with open(path_of(record), "a", encoding="utf-8") as journal:
            journal.write(lines)


def clear(record: Path) -> None:
    """RECORD saved: no page of its build is in doubt any more."""
    with suppress(FileNotFoundError):
        os.unlink(path_of(record))
