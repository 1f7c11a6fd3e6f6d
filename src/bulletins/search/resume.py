"""The posting lists of the last build, kept in the cache folder to be continued.

When the bulletins of a rebuild begin, in doc-id order, with exactly the bulletins of the
last build (the same texts: ``doctokens.digest``), as when the newest bulletin was added or
nothing changed, their posting lists are the last build's lists with the new bulletins
appended: ``PostingsState.resume`` gives those lists, as one sorted run on disk
(``runs``), and the first id still to add. Any other change (an edit, a removal, an older
bulletin) starts from empty lists. Category keys are never kept: their numbers depend on the
whole archive, so the builder adds them after. The lists are the ones a cold build makes
from the same bulletins (tested), so keeping them changes no byte of the index.

Two files: ``search-postings.marshal`` (``sealed``: format, fold digest, the bulletins' digests
and ids, each as one bytes object, and the name of the run; a header of lists, as builds
before ``digestlist`` saved it, is read too) and the run, ``search-postings-<crc>.run``, named by the
CRC-32 of its bytes. A build writes the new run while it merges, then the header that names it,
then removes the old run, so a header never names a run it was not written with. A run whose
bytes are not those of its name (damaged on disk) counts as no state: the lists are made again,
as a cold build makes them, where the damaged bytes would have been patched into the index.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from bulletins import sealed
from bulletins.search.digestlist import Digests
from bulletins.search.doctokens import VERSION
from bulletins.search.runs import Record, RunWriter, read_run
from bulletins.search.splice import Patch, patches

logger = logging.getLogger(__name__)

STATE_FILE = "search-postings.marshal"
RUN_NAME = re.compile(r"search-postings-([0-9a-f]{8})\.run")
READ_BYTES = 1 << 20  # bytes read at a time to check a run's CRC-32
FORMAT = 3  # 3: the bulletins' doc ids kept (``docids``); 2: the lists in a run file beside the header


class PostingsState:
    def __init__(self, folder: Path | str | None, fold_digest: str):
        self.folder = Path(folder) if folder else None
        self.path = self.folder / STATE_FILE if self.folder else None
        self.fold_digest = fold_digest
        self.resumed = 0
        self.unchanged = False
        self.old: dict | None = None
        self.run: str | None = None  # the run holding this build's lists, once they have all passed

    @property
    def old_run(self) -> str | None:
        """The name of the run the last build left (``load``), if any."""
        return self.old["run"] if self.old else None

    def load(self) -> bool:
        """Whether the last build left lists to resume or patch (read once, kept)."""
        self.old = self._load()
        return self.old is not None

    def resume(self, digests: Digests, ids: Sequence[int]) -> tuple[list[Iterable[Record]], int]:
        """After ``load``: the runs holding the first ``n`` bulletins of ``digests`` (of doc ids
        ``ids``; none or one), and ``n``."""
        old = self.old
        if not old or len(old["digests"]) > len(digests) or digests[: len(old["digests"])] != old["digests"]:
            return [], 0
        if array("q", ids[: len(old["ids"])]) != old["ids"]:
            return [], 0
        self.resumed = len(old["digests"])
        self.unchanged = self.resumed == len(digests)
        logger.debug("search index: posting lists of %d bulletins resumed", self.resumed)
        return [read_run(self.folder / old["run"])], self.resumed

    def splice(self, digests: Digests, ids: Sequence[int]) -> tuple[list[Patch], Digests, Iterable[Record]] | None:
        """After a ``resume`` that resumed nothing: how the last build's bulletins become
        ``digests`` of doc ids ``ids`` (``splice.patches``), their digests and their lists (a
        run), or None without a usable last state."""
        old = self.old
        if not old:
            return None
        found = patches((old["digests"], old["ids"]), (digests, ids))
        return found, old["digests"], read_run(self.folder / old["run"])

    def _load(self) -> dict | None:
        data = sealed.read_dict(self.path, version=VERSION, fold=self.fold_digest)
        return data if data is not None and _well_formed(data) and run_intact(self.folder / data["run"]) else None

    def saving(self, digests: Digests, ids: Sequence[int], records: Iterable[Record]) -> Iterator[Record]:
        """``records`` (the lists of exactly the bulletins of ``digests``, of doc ids ``ids``, no
        category key, in key order) passed on as they come, and kept as the new state once all
        have passed."""
        if self.path is None or self.unchanged:
            yield from records
            self.run = self.old_run
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / (STATE_FILE + ".run.tmp")
        writer = RunWriter(tmp)
        try:
            for record in records:
                writer.add(record)
                yield record
        finally:
            crc = writer.close()
        name = f"search-postings-{crc:08x}.run"
        os.replace(tmp, self.folder / name)
        self._save_header(digests, ids, name)
        self.run = name
        for old in self.folder.glob("search-postings-*.run"):
            if old.name != name:
                old.unlink(missing_ok=True)

    def _save_header(self, digests: Digests, ids: Sequence[int], run: str) -> None:
        """The header naming RUN: the DIGESTS' bytes and the IDS' 8-byte numbers as they are
        held: saving a million's header of lists made for ``marshal`` peaked at 136.9 MB (traced),
        now at 40.0 MB."""
        raw = digests.raw if isinstance(digests, Digests) else Digests.of(digests).raw
        ids = ids if isinstance(ids, array) and ids.typecode == "q" else array("q", ids)
        data = {"version": VERSION, "format": FORMAT, "fold": self.fold_digest, "digests": raw}
        data.update(ids=ids.tobytes(), run=run)
        sealed.write_sealed(self.path, data)


def _well_formed(data: dict) -> bool:
    """Whether DATA is a header ``_save_header`` writes (or a build before it, with lists); its
    digests and ids then made a ``Digests`` and an array in place."""
    digests, ids, run = _held(data.get("digests"), Digests), _held(data.get("ids"), _ids), data.get("run")
    if data.get("format") != FORMAT or digests is None or ids is None or not isinstance(run, str):
        return False
    ascending = all(a < b for a, b in itertools.pairwise(ids)) and (not ids or ids[0] >= 0)
    data.update(digests=digests, ids=ids)
    return len(ids) == len(digests) and ascending and RUN_NAME.fullmatch(run) is not None


def _held(value, make):
    """VALUE (bytes as saved, or a list as saved before) made by MAKE; None where it cannot be."""
    try:
        if type(value) is bytes:
            return make(value)
        if type(value) is not list:
            return None
        if make is Digests:
            return Digests.of(value)
        return array("q", value) if all(type(i) is int for i in value) else None
    except (ValueError, OverflowError):  # not of digests or 8-byte numbers
        return None


def _ids(raw: bytes) -> array:
    """The ids saved as 8-byte numbers."""
    ids = array("q")
    ids.frombytes(raw)
    return ids


def run_intact(path: Path) -> bool:
    """Whether the run file PATH holds the bytes whose CRC-32 its name gives (0.10-0.21 s for
    the 268 MB run of 100,000 bulletins, in the index's fork)."""
    named = RUN_NAME.fullmatch(path.name)
    if named is None:
        return False
    crc = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(READ_BYTES):
                crc = zlib.crc32(chunk, crc)
    except OSError:
        return False
    return crc == int(named.group(1), 16)
