"""The posting lists of the last build, kept in the cache folder to be continued.

When the bulletins of a rebuild begin, in doc-id order, with exactly the bulletins of the
last build (the same texts: ``doctokens.digest``), as when the newest bulletin was added or
nothing changed, their posting lists are the last build's lists with the new bulletins
appended: ``PostingsState.resume`` gives those lists and the first id still to add. Any
other change (an edit, a removal, an older bulletin) starts from empty lists. Category keys
are never kept: their numbers depend on the whole archive, so the builder adds them after.
The lists are the ones a cold build makes from the same bulletins (tested), so keeping them
changes no byte of the index.
"""

from __future__ import annotations

import logging
import marshal
import os
from pathlib import Path

from bulletins.search.doctokens import VERSION
from bulletins.search.shards import Postings

logger = logging.getLogger(__name__)

STATE_FILE = "search-postings.marshal"


class PostingsState:
    def __init__(self, folder: Path | str | None, fold_digest: str):
        self.path = Path(folder) / STATE_FILE if folder else None
        self.fold_digest = fold_digest
        self.resumed = 0
        self.unchanged = False

    def resume(self, digests: list[str]) -> tuple[Postings, int]:
        """Posting lists holding the first ``n`` bulletins of ``digests``, and ``n``."""
        postings = Postings()
        old = self._load()
        if not old or len(old["digests"]) > len(digests) or digests[: len(old["digests"])] != old["digests"]:
            return postings, 0
        postings.positional = {key: [last, bytearray(buf)] for key, (last, buf) in old["positional"].items()}
        postings.counts = {key: [last, bytearray(buf)] for key, (last, buf) in old["counts"].items()}
        self.resumed = len(old["digests"])
        self.unchanged = self.resumed == len(digests)
        logger.debug("search index: posting lists of %d bulletins resumed", self.resumed)
        return postings, self.resumed

    def _load(self) -> dict | None:
        if self.path is None:
            return None
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        ok = isinstance(data, dict) and (data.get("version"), data.get("fold")) == (VERSION, self.fold_digest)
        return data if ok and _well_formed(data) else None

    def save(self, digests: list[str], postings: Postings) -> None:
        """Keep ``postings`` (holding exactly the bulletins of ``digests``, no category key)."""
        if self.path is None or self.unchanged:
            return
        data = {
            "version": VERSION,
            "fold": self.fold_digest,
            "digests": list(digests),
            # marshal writes a bytearray as bytes: no copy of the lists is made to save them
            "positional": {key: (last, buf) for key, (last, buf) in postings.positional.items()},
            "counts": {key: (last, buf) for key, (last, buf) in postings.counts.items()},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            marshal.dump(data, fh)
        os.replace(tmp, self.path)


def _well_formed(data: dict) -> bool:
    digests, lists = data.get("digests"), (data.get("positional"), data.get("counts"))
    if not isinstance(digests, list) or not all(isinstance(d, dict) for d in lists):
        return False
    for group in lists:
        for value in group.values():
            if not (isinstance(value, tuple) and len(value) == 2 and type(value[0]) is int and type(value[1]) is bytes):
                return False
    return True
