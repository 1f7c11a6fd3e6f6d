"""The body paragraphs of every real bulletin, as ingest reads a collection record's ``html``
(``fragment_paragraphs``), computed once per test run.

Two modules read them (the decoding of every real bulletin, the corpus-wide search recall), most
often in two test processes: the first one computes them (about 3.5 CPU s, BeautifulSoup over
11,442 records) into the run's shared builds folder (``BULLETINS_TEST_SITES``, under a file lock),
the other reads that file. The file is named for what makes the paragraphs (the corpus file, the
reader's source, the parser versions), so a kept builds folder never serves stale ones.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
from importlib import metadata
from pathlib import Path

from bulletins.ingest import htmltext
from support.shared import BULLETINS, bulletin_records, require
from support.sites import _builds_root, _locked


def record_fragments() -> tuple[tuple[str, ...], ...]:
    """``fragment_paragraphs(record["html"])`` of each corpus record, in file order."""
    return _fragments(require(BULLETINS))


@functools.cache
def _fragments(corpus: Path) -> tuple[tuple[str, ...], ...]:
    saved = _builds_root() / f"fragments-{_key(corpus)}.pickle"
    with _locked(saved.with_suffix(".lock")):
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        found = tuple(tuple(htmltext.fragment_paragraphs(record["html"])) for record in bulletin_records())
        partial = saved.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, saved)
        return found


def _key(corpus: Path) -> str:
    status = corpus.stat()
    digest = hashlib.sha256(f"{corpus.resolve()} {status.st_size} {status.st_mtime_ns}".encode())
    digest.update(inspect.getsource(htmltext).encode())
    for package in ("beautifulsoup4", "lxml", "soupsieve"):
        digest.update(f"{package} {metadata.version(package)}".encode())
    return digest.hexdigest()[:12]
