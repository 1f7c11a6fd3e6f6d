"""``build_index(docs, out_dir)``: plain bulletin records in, the sharded search index out.

The folder holds (each file named so that its name changes when its content does, and only
then; the same content gives the same bytes, whatever was in the folder before):

    manifest.js          doc count, categories, dates, the term shards (hash and first key of
                         each: their names), and the Traditional -> Simplified map queries fold
                         with (in the manifest, so a cold query waits for one file less);
                         UTF-16, as it is mostly Han text
    t/<hash><key>.js     term shards: {"p": {key: positional postings}, "d": {key: counts}},
                         deflated (``write.packed``); ``write.shard_name``
    t/dir-<hash><key>.js past DIRECT_SHARDS shards, {"s": the entries of 256 of them}, which
                         the manifest names instead (format 9); ``write.directory_name``
    f/<year>/<mmdd>-<k>.js  result data of one bulletin, the k-th of its day, deflated:
                         [url, title, date, category, source id, text] plus the 效力状态 of a
                         bulletin that has changed (已废止, 已失效, 已修改)

Doc ids are the bulletins in date order, oldest first, so "newest first" is "highest id first"
and a date range is an id range; every day takes a block of ids, with or without bulletins,
and each of its bulletins the slot its URL hashes to in it (``docids``), so a bulletin added,
re-dated or removed leaves the other ids as they were: every posting list it is not in keeps
its bytes, and the content-defined shard cuts (``shards.cut``) keep every shard it does not touch.

A rebuild writes only the files whose bytes change and removes the files no longer named
(``write.IndexWriter``); with a cache folder it tokenizes only the bulletins whose text
changed (``doctokens.TokenCache``) and packs only the files whose content changed.

Memory. The bulletins are made one at a time from a ``DocSource`` (a Pelican article's text is
extracted when a step needs it and let go): a cold build makes each one once, for its result
data, digest, the few fields the manifest needs and its posting lists; a rebuild makes the
first three in a pass, then the lists of the bulletins not resumed (``posting``). The lists are
held up to a budget and spilled to disk as sorted runs beyond it, then merged key by key into
the shards (``runs``), so the peak does not grow with the archive's postings. What is held for
every bulletin to the end is compact: its head (``Heads``), text digest (16 bytes, ``digestlist``),
memo (a 49-byte record, ``docmemo``) and index-file record entry (``filerecord``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bulletins.search import docids, posting, runs, workers
from bulletins.search import shards as sh
from bulletins.search.digestlist import Digests
from bulletins.search.docmemo import DocMemo, Memo
from bulletins.search.doctokens import TokenCache, digest
from bulletins.search.documents import TITLE_SPAN, DocSource, SearchDoc, as_source
from bulletins.search.filerecord import load_record, save_record
from bulletins.search.foldmap import build_fold_map
from bulletins.search.listmarks import Marks
from bulletins.search.packer import Listed, ShardPacker
from bulletins.search.resume import PostingsState
from bulletins.search.shardcuts import ShardMemo, write_shards
from bulletins.search.write import (
    IndexWriter,
    dumps,
    fragment_name,
    packed_json,
    short_hash,
    smaller_in_utf16,
)

logger = logging.getLogger(__name__)

# 2: the fold map sits in the manifest (1 had a separate fold-<hash>.js);
# 3: shards deflated too, and packed data is 15 bits per UTF-16 unit, not base64;
# 4: ids oldest first, content-named shards, one bulletin per result-data file, UTF-16 manifest
# 5: 4, with a manifest that names directories of shards (an index past DIRECT_SHARDS shards)
# 6 and 7: 4 and 5 with each day's ids in steps of ``days.slots`` (``docids``)
# 8 and 9: 6 and 7 with a day without bulletins taking ``days.slots`` ids too, the step made
# from the day counts, and the ids from January 1 of the oldest year on (``days.start``)
# 10 and 11: 8 and 9 with a day's ids past its first block in tiers of ``days.tier`` ids
# 12 and 13: 10 and 11 with a block of ``days.slots`` ids holding ``days.fill`` bulletins
# 14 and 15: 12 and 13 with a manifest in tiers carrying the newest day and the widest day's
# capacity instead of every day's count (``days.last``, ``days.widest``; ``_days``)
FORMAT = 14
FORMAT_DIRECTORIES = 15
# The term shards' and directories' own format, the salt of their names: unchanged since 12, so
# an index of format 12 or 13 keeps its shards' files when rebuilt as 14 or 15.
SHARDS_FORMAT = 12
SHARD_BYTES = 24_000  # posting bytes per term shard (a cold query reads a few of them)
# The manifest names up to DIRECT_SHARDS shards (11 bytes each: 589 KB for the 53,122 of
# 1,000,000 bulletins), past that directories of ``packer.DIRECTORY_SHARDS`` each (a query reads
# the directories of its keys, then their shards).
DIRECT_SHARDS = 4_096
CATEGORY = "@"
SHOWN_STATUSES = ("已废止", "已失效", "已修改")  # result data carries these; the first two are not in force
NOT_IN_FORCE = SHOWN_STATUSES[:2]


@dataclass(frozen=True)
class IndexStats:
    """What a build made: ``files`` and ``bytes`` (their total size) are the whole index;
    ``written`` files were new or changed, ``removed`` ones no longer named; ``tokenized``
    bulletins were not in the cache; ``runs`` posting runs were spilled to disk."""

    docs: int
    files: int
    bytes: int
    shards: int
    fragments: int
    seconds: float
    written: int = 0
    removed: int = 0
    tokenized: int = 0
    runs: int = 0
    reused: int = 0  # bulletins not made again: their memo stood for them (``docmemo``)
    shards_kept: int = 0  # term shards whose text was not made again: the last build's (``shardcuts``)


class Head(NamedTuple):
    """What the manifest needs of a bulletin once its text is gone."""

    date: str
    category: str
    status: str


class Heads:
    """The ``Head`` of every bulletin in doc-id order, held as a list of dates (one string a
    day) and two arrays of numbers naming the category and the status: 16 bytes a bulletin
    where a list of heads holds 72 (6 MB at 100,000). Iterating gives ``Head``s."""

    def __init__(self):
        self.dates: list[str] = []
        self.categories, self.statuses = array("I"), array("I")
        self.names: dict[str, int] = {}  # category and status names, numbered in the order seen

    @property
    def listed(self) -> list[str]:
        """The names by number."""
        return list(self.names)

    def append(self, head: Head) -> None:
        self.dates.append(head.date)
        self.categories.append(self.names.setdefault(head.category, len(self.names)))
        self.statuses.append(self.names.setdefault(head.status, len(self.names)))

    def __len__(self) -> int:
        return len(self.dates)

    def category_counts(self) -> Counter:
        """The bulletins of each category, by name (those of none left out)."""
        counted = Counter(self.categories)
        return Counter({name: counted[n] for n, name in enumerate(self.names) if name and counted[n]})

    def __iter__(self) -> Iterator[Head]:
        named = self.listed
        for date, category, status in zip(self.dates, self.categories, self.statuses):
            yield Head(date, named[category], named[status])

    def __getitem__(self, doc_id: int) -> Head:
        named = self.listed
        return Head(self.dates[doc_id], named[self.categories[doc_id]], named[self.statuses[doc_id]])


def build_index(
    docs: Iterable[dict | SearchDoc] | DocSource,
    out_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    shard_bytes: int = SHARD_BYTES,
    jobs: int | None = None,
    memory: int = runs.BUDGET,
    direct_shards: int = DIRECT_SHARDS,
    memo: DocMemo | None = None,
    pack_jobs: int | None = None,
) -> IndexStats:
    """The index of ``docs`` (dicts as in ``documents.from_dict``, SearchDocs, a ``DocSource``) in
    ``out_dir``; ``cache_dir`` (``CACHE_PATH``) keeps what a rebuild reuses. ``jobs``/``pack_jobs``:
    processes that tokenize / pack shards (``workers.job_count``; ``pack_jobs`` defaults to ``jobs``);
    ``memory``: posting bytes held before a run is spilled; ``memo``: ``docmemo``. No byte changes."""
    started = time.perf_counter()
    ordered = _Ordered(source := as_source(docs), order_ids(source))
    fold_map, out = build_fold_map(), Path(out_dir)
    fold_digest = short_hash(dumps(fold_map))
    writer = IndexWriter(out, load_record(cache_dir, out))
    spill = (Path(cache_dir) if cache_dir else out.resolve().parent.parent, memory)
    cache, state = TokenCache(cache_dir), PostingsState(cache_dir, fold_digest)
    fragments = _Fragments(writer, ordered, fold_digest, memo)
    postings = posting.gather(fragments, cache, state, fold_map, jobs, spill)
    heads, ids, tokenized = fragments.heads, ordered.order.ids, cache.missed
    per_category = heads.category_counts()
    shard_memo = ShardMemo(cache_dir, str(SHARDS_FORMAT), shard_bytes, state.old_run)
    with contextlib.closing(postings):
        kept = state.saving(fragments.digests, ids, runs.merged(postings.runs(), postings.marks))
        stream = runs.merge_few(kept, _category_records(heads, ids, per_category))
        packers = workers.job_count(pack_jobs or jobs, len(ordered))  # above 1: packed on one process
        same = _same_as_run(postings.same)
        listed = _write_shards(writer, stream, same, packers, shard_memo, direct_shards)
    fold = _fold_codes(_shipped_fold_map(fold_map, listed.present))
    _write_manifest(writer, _manifest(heads, ordered.order, fold, listed, per_category))
    _finish(writer, cache_dir, memo, postings.marks)
    shard_memo.save(state.run)
    stats = IndexStats(
        docs=len(heads), files=writer.files, bytes=writer.bytes, shards=listed.count, fragments=len(heads),
        seconds=time.perf_counter() - started, written=writer.written, removed=writer.removed,
        tokenized=tokenized, runs=postings.written, reused=memo.hits if memo is not None else 0,
        shards_kept=shard_memo.reused,
    )  # fmt: skip
    logger.debug("search index: %s", stats)
    return stats


def _finish(writer: IndexWriter, cache_dir: Path | str | None, memo: DocMemo | None, marks: Marks | None) -> None:
    """The files left to write and the stale ones removed; what the next build reads saved
    (MARKS: those the merge or the patches left, once every record has passed)."""
    writer.finish()
    save_record(cache_dir, writer.root, writer.fresh)
    for kept in (memo, marks):
        if kept is not None:
            kept.save()


def _write_manifest(writer: IndexWriter, manifest: dict) -> None:
    text = dumps(manifest)
    utf16 = smaller_in_utf16(text)  # readers tell the two apart by the byte-order mark
    writer.write_script("manifest", lambda: manifest, key=short_hash(text, str(utf16)), utf16=utf16)
    writer.write("manifest.json", (text + "\n").encode("utf-8"))


class _Ordered:
    """The bulletins of a ``DocSource`` in doc-id order (each made when asked), with their ids
    and slots (``docids.Order``)."""

    def __init__(self, source: DocSource, found: docids.Order):
        self.source, self.order = source, found

    def __len__(self) -> int:
        return len(self.order.places)

    def __getitem__(self, position: int) -> SearchDoc:
        return self.source[self.order.places[position]]


def order(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Doc-id order: tier by tier, each oldest first, on one day by slot (``docids``)."""
    source = as_source(docs)
    return [source[i] for i in order_ids(source).places]


def order_ids(source: DocSource) -> docids.Order:
    """The places in ``source`` of the bulletins in doc-id order (``order``), with their ids."""
    return docids.order([source.key(i) for i in range(len(source))])


class _Fragments:
    """Each bulletin's result-data file (named by its day and its slot in that day), digest and
    ``Head``, taken in doc-id order (``take``; the ids are ``ordered.order``'s). With a MEMO
    (``docmemo``), a bulletin whose memo key it holds is not made at all."""

    def __init__(self, writer: IndexWriter, ordered: _Ordered, fold_digest: str, memo: DocMemo | None = None):
        self.writer, self.ordered, self.fold_digest, self.memo = writer, ordered, fold_digest, memo
        self.heads = Heads()
        self.digests = Digests()  # 16 bytes a bulletin (``digestlist``)
        self.day: str | None = None

    def take(self, position: int) -> SearchDoc | None:
        """Write the next bulletin's result data (``position``: the next in doc-id order), keep
        its digest and ``Head``, and give the bulletin (None when its memo stood for it)."""
        place = self.ordered.order.places[position]
        memo_key = self.ordered.source.memo_key(place) if self.memo is not None else None
        memo, doc = self.memo.get(memo_key) if self.memo is not None else None, None
        if memo is None:
            doc = self.ordered[position]
            text = dumps(_fragment_row(doc))
            memo = Memo(short_hash(text), digest(doc, self.fold_digest), doc.date, doc.category, doc.status)
            if self.memo is not None:
                self.memo.put(memo_key, memo)
        self.day = self.day if memo.date == self.day else memo.date  # one string a day in the heads
        slot = self.ordered.order.slots[position]
        made = (lambda: packed_json(text)) if doc is not None else (lambda: self.row(position))
        self.writer.write_script(fragment_name(memo.date, slot), made, key=memo.row_key)
        self.digests.append(memo.digest)
        self.heads.append(Head(self.day, memo.category, memo.status))
        return doc

    def row(self, position: int) -> str:
        """The packed result data of the bulletin at POSITION, made again (its file was not
        where the last build's record says)."""
        return packed_json(dumps(_fragment_row(self.ordered[position])))


def _manifest(heads: Heads, found: docids.Order, fold: dict, listed: Listed, per_category: Counter) -> dict:
    """The manifest: what a query loads first (format, shards, days, categories)."""
    return {
        "format": FORMAT_DIRECTORIES if listed.directories else FORMAT,
        "docs": len(heads),
        "fold": fold,
        "shards": listed.text,
        "categories": [[name, per_category[name]] for name in sorted(per_category)],
        "days": _days(heads.dates, found.step, found.tier),
        "titleSpan": TITLE_SPAN,
        **_not_in_force(heads, found.ids),
    }


def _category_records(heads: Heads, ids: Sequence[int], per_category: Counter) -> Iterator[runs.Record]:
    """The count key ``@<i>`` of category i (sorted by name) in each bulletin of it, as
    merged records in key order."""
    numbers = {name: i for i, name in enumerate(sorted(per_category))}
    of_name = {n: numbers[name] for n, name in enumerate(heads.names) if name in numbers}
    docs: dict[int, list[int]] = {}
    for doc_id, name in zip(ids, heads.categories):
        number = of_name.get(name)
        if number is not None:
            docs.setdefault(number, []).append(doc_id)
    records = [(CATEGORY + str(number), "d", found[-1], sh.once_list(found)) for number, found in docs.items()]
    return iter(sorted(records, key=runs.record_order))


def _shipped_fold_map(fold_map: dict[str, str], present: set[str]) -> dict[str, str]:
    """The entries of the map whose Simplified side occurs in the index (``present``: the
    count keys). Dropping the others changes no answer: a Traditional character whose
    Simplified form is nowhere in the archive finds nothing folded or not (every indexed copy
    of it was folded to that form)."""
    return {trad: simp for trad, simp in fold_map.items() if simp in present}


def _fold_codes(shipped: dict[str, str]) -> dict[str, str]:
    """The shipped map as ``{"codes": code points of the Traditional side, ascending, as
    varint gaps; "to": the Simplified side in that order}``: the gaps are mostly one ASCII
    character where the characters themselves are two or three bytes, and compress far
    better (search-index.js ``readFold``)."""
    codes, previous = [], 0
    for trad in sorted(shipped, key=ord):
        codes.append(sh.encode(ord(trad) - previous))
        previous = ord(trad)
    return {"codes": "".join(codes), "to": "".join(shipped[t] for t in sorted(shipped, key=ord))}


def _write_shards(writer: IndexWriter, records, same, jobs: int, memo: ShardMemo, direct: int) -> Listed:
    """The term shards of the merged lists RECORDS (SAME: ``shardcuts.lists``) cut at the MEMO's
    target bytes, packed on a worker process when JOBS > 1, those MEMO knows kept, directories
    past DIRECT shards (``shardcuts.write_shards``)."""
    shards = ShardPacker(writer, jobs, workers.start_method())
    try:
        return write_shards(shards, records, same, memo, direct)
    finally:
        shards.close()


def _same_as_run(same):
    """SAME (a postings' test that a record is the last build's run's own), but for the
    category keys, made anew each build (``_category_records``)."""
    if same is None:
        return None
    return lambda record: record[0][:1] != CATEGORY and same(record)


def _not_in_force(heads: Heads, ids: Sequence[int]) -> dict:
    """``notInForce``: the ids the "in force only" filter leaves out (no key when there are none)."""
    out = [doc_id for doc_id, head in zip(ids, heads) if head.status in NOT_IN_FORCE]
    return {"notInForce": out} if out else {}


def _fragment_row(doc: SearchDoc) -> list[str]:
    row = [doc.url, doc.title, doc.date, doc.category, doc.source_id, doc.rest]
    return [*row, doc.status] if doc.status in SHOWN_STATUSES else row


def _days(dates: Iterable[str], step: int, tier: int = 0) -> dict:
    """The manifest's ``days`` for the bulletins' DATES (any order): the oldest and the newest
    date, the ids a day takes in a tier (``slots``: STEP) and the bulletins such a block holds
    (``fill``), the oldest day's first id (``start``) and the ids of a tier (``tier``; 0: one
    tier; ``docids``). In tiers every day from January 1 of the oldest year takes ``slots``
    first-tier ids, with or without bulletins, so the query side finds an id's day and slot by
    arithmetic and needs only the largest capacity of a day (``widest``, for ordering by day).
    In one tier a day's first id follows from the counts of the days before it, which
    ``runs`` carries (``_day_runs``). Before format 14 the manifest carried the runs in tiers
    too: some 3 characters a day (27 KB of the 38 KB manifest of 1,000,000 bulletins over 25
    years), which every first query loaded."""
    counts, fill = Counter(dates), docids.block_fill(step)
    days = sorted(counts)
    made = {"first": None, "last": None, "slots": step, "fill": fill, "start": 0, "tier": tier}
    if days:
        made.update(first=days[0], last=days[-1], start=docids.first_id(days[0], step))
    if tier:
        return made | {"widest": max((docids.capacity(n, step) for n in counts.values()), default=step)}
    return made | {"runs": _day_runs(days, counts)}


def _day_runs(days: list[str], counts: Counter) -> str:
    """(days on from the previous day, bulletins) pairs for DAYS (ascending), as one varint
    string, the first pair's days on 0."""
    pairs, previous = [], docids.day_number(days[0]) if days else 0
    for date in days:
        day = docids.day_number(date)
        pairs.append(sh.encode(day - previous) + sh.encode(counts[date]))
        previous = day
    return "".join(pairs)
