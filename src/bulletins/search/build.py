"""``build_index(docs, out_dir)``: plain bulletin records in, the sharded search index out.

The folder holds (each file named so that its name changes when its content does, and only
then; the same content gives the same bytes, whatever was in the folder before):

    manifest.js          doc count, categories, dates, the term shards (hash and first key of
                         each: their names), and the Traditional -> Simplified map queries fold
                         with (in the manifest, so a cold query waits for one file less);
                         UTF-16, as it is mostly Han text
    t/<hash><key>.js     term shards: {"p": {key: positional postings}, "d": {key: counts}},
                         deflated (``write.packed``); ``write.shard_name``
    f/<year>/<mmdd>-<k>.js  result data of one bulletin, the k-th of its day, deflated:
                         [url, title, date, category, source id, text] plus the 效力状态 of a
                         bulletin that has changed (已废止, 已失效, 已修改)

Doc ids are the bulletins in date order, oldest first (on one day, by URL descending), so
"newest first" is "highest id first" (on one day, by URL), a date range is an id range, and
a new bulletin, being the newest, takes the next id: every other id stays, every posting
list it is not in keeps its bytes, and the content-defined shard cuts (``shards.cut``) keep
every shard it does not touch. An older bulletin added, re-dated or removed renumbers
the bulletins after it, and every shard holding one of them is rewritten (README, Search).

A rebuild writes only the files whose bytes change and removes the files no longer named
(``write.IndexWriter``); with a cache folder it tokenizes only the bulletins whose text
changed (``doctokens.TokenCache``) and packs only the files whose content changed.

Memory. The bulletins are made one at a time from a ``DocSource`` (a Pelican article's text is
extracted when a step needs it and let go), in two passes: result data, digests and the few
fields the manifest needs, then the posting lists of the bulletins not resumed. The lists are
held up to a budget and spilled to disk as sorted runs beyond it, then merged key by key into
the shards (``runs``), so the peak does not grow with the archive's postings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bulletins.search import runs, splice, tokens, workers
from bulletins.search import shards as sh
from bulletins.search.doctokens import DocTokens, TokenCache, digest, text_tokens
from bulletins.search.documents import TITLE_SPAN, DocSource, SearchDoc, as_source
from bulletins.search.foldmap import build_fold_map
from bulletins.search.packer import ShardPacker
from bulletins.search.resume import PostingsState
from bulletins.search.write import (
    IndexWriter,
    dumps,
    fragment_name,
    hash_units,
    load_record,
    packed_json,
    save_record,
    shard_name,
    short_hash,
)

logger = logging.getLogger(__name__)

# 2: the fold map sits in the manifest (1 had a separate fold-<hash>.js);
# 3: shards deflated too, and packed data is 15 bits per UTF-16 unit, not base64;
# 4: ids oldest first, content-named shards, one bulletin per result-data file, UTF-16 manifest
FORMAT = 4
SHARD_BYTES = 24_000  # posting bytes per term shard (a cold query reads a few of them)
CATEGORY = "@"
SHOWN_STATUSES = ("已废止", "已失效", "已修改")  # result data carries these; the first two are not in force
NOT_IN_FORCE = SHOWN_STATUSES[:2]
SPLICE_MIN, SPLICE_SHARE = 64, 8  # a rebuild patches the kept lists when at most max(64, 1/8 of them) changed
SHARD_SEPARATOR = " "  # between the manifest's shard entries (no key holds a space)


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


class Head(NamedTuple):
    """What the manifest needs of a bulletin once its text is gone."""

    date: str
    category: str
    status: str


def build_index(
    docs: Iterable[dict | SearchDoc] | DocSource,
    out_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    shard_bytes: int = SHARD_BYTES,
    jobs: int | None = None,
    memory: int = runs.BUDGET,
) -> IndexStats:
    """Write the index of ``docs`` (dicts as in ``documents.from_dict``, SearchDocs, or a
    ``DocSource``) into ``out_dir`` (the index folder itself, e.g. ``output/search``).
    ``cache_dir`` (e.g. Pelican's ``CACHE_PATH``) keeps what a rebuild can reuse. ``jobs``:
    processes that tokenize (``workers.job_count``); ``memory``: about the bytes of posting
    lists held before a sorted run is spilled (``runs``; to the cache folder, else beside
    the output folder). None of the three changes a byte of the index."""
    started = time.perf_counter()
    source = as_source(docs)
    ordered = _Ordered(source, order_ids(source))
    fold_map, out = build_fold_map(), Path(out_dir)
    fold_digest = short_hash(dumps(fold_map))
    writer = IndexWriter(out, load_record(cache_dir, out))
    spill = (Path(cache_dir) if cache_dir else out.resolve().parent.parent, memory)
    cache, state = TokenCache(cache_dir), PostingsState(cache_dir, fold_digest)
    if state.load():  # the last build's lists: resumed or patched when that pays
        heads, digests = _fragments_and_digests(writer, _Fragments(ordered, fold_digest))
        postings = _postings(state, cache, ordered, digests, fold_map, jobs, spill)
    else:
        heads, digests, postings = _in_one_pass(writer, _Fragments(ordered, fold_digest), cache, fold_map, jobs, spill)
    tokenized = cache.missed
    per_category = Counter(h.category for h in heads if h.category)
    with contextlib.closing(postings):
        stream = runs.merge_few(
            state.saving(digests, runs.merged(postings.runs())), _category_records(heads, per_category)
        )
        processes = workers.job_count(jobs, len(ordered))
        shard_list, shard_count, present = _write_shards(writer, stream, shard_bytes, processes)
    fold = _fold_codes(_shipped_fold_map(fold_map, present))
    _write_manifest(writer, _manifest(heads, fold, shard_list, per_category))
    writer.finish()
    save_record(cache_dir, out, writer.fresh)
    stats = IndexStats(
        docs=len(heads),
        files=writer.files,
        bytes=writer.bytes,
        shards=shard_count,
        fragments=len(heads),
        seconds=time.perf_counter() - started,
        written=writer.written,
        removed=writer.removed,
        tokenized=tokenized,
        runs=postings.written,
    )
    logger.debug("search index: %s", stats)
    return stats


def _write_manifest(writer: IndexWriter, manifest: dict) -> None:
    text = dumps(manifest)
    writer.write_script("manifest", lambda: manifest, key=short_hash(text), utf16=True)
    writer.write("manifest.json", (text + "\n").encode("utf-8"))


class _Ordered:
    """The bulletins of a ``DocSource`` by doc id (each made when asked)."""

    def __init__(self, source: DocSource, ids: list[int]):
        self.source, self.ids = source, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, doc_id: int) -> SearchDoc:
        return self.source[self.ids[doc_id]]


def order(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Doc-id order: oldest first; on one day by URL descending, so that reading ids downwards
    lists the newest first and one day's bulletins by URL."""
    source = as_source(docs)
    return [source[i] for i in order_ids(source)]


def order_ids(source: DocSource) -> list[int]:
    """The positions in ``source`` of the bulletins in doc-id order (``order``)."""
    keys = [source.key(i) for i in range(len(source))]
    ids = sorted(range(len(keys)), key=lambda i: (-dt.date.fromisoformat(keys[i][0]).toordinal(), keys[i][1]))
    ids.reverse()
    return ids


class _Fragments:
    """Each bulletin's result-data file (named by its day and its place in that day), digest
    and ``Head``, taken in doc-id order (``take``)."""

    def __init__(self, ordered: _Ordered, fold_digest: str):
        self.ordered, self.fold_digest = ordered, fold_digest
        self.heads: list[Head] = []
        self.digests: list[str] = []
        self.day, self.ordinal = None, 0

    def take(self, writer: IndexWriter, doc_id: int) -> SearchDoc:
        """Write the next bulletin's result data (``doc_id`` is the next id), keep its digest
        and ``Head``, and give the bulletin."""
        doc = self.ordered[doc_id]
        self.ordinal = self.ordinal + 1 if doc.date == self.day else 0
        self.day = doc.date
        text = dumps(_fragment_row(doc))
        writer.write_script(fragment_name(doc.date, self.ordinal), lambda: packed_json(text), key=short_hash(text))
        self.digests.append(digest(doc, self.fold_digest))
        self.heads.append(Head(doc.date, doc.category, doc.status))
        return doc


def _fragments_and_digests(writer: IndexWriter, fragments: _Fragments) -> tuple[list[Head], list[str]]:
    """One pass over the bulletins in doc-id order: result data, digests and heads."""
    for doc_id in range(len(fragments.ordered)):
        fragments.take(writer, doc_id)
    return fragments.heads, fragments.digests


def _in_one_pass(writer: IndexWriter, fragments: _Fragments, cache: TokenCache, fold_map: dict, jobs, spill):
    """A build without the last build's lists (a cold one) posts every bulletin, so each one's
    text is handed to be tokenized as the pass that writes its result data makes it: one text
    extraction per bulletin instead of two, and the result data is written while the worker
    processes tokenize the chunks before. The heads, the digests and the lists."""

    def item(doc_id: int):
        doc = fragments.take(writer, doc_id)
        return cache.lookup(fragments.digests[doc_id]) or (doc.title, doc.rest)

    postings = runs.SpillingPostings(spill[0], spill[1], [])
    try:
        _post(postings, (0, len(fragments.ordered)), item, fragments.digests, cache, fold_map, jobs)
    except BaseException:
        postings.close()  # the runs written so far go with their folder
        raise
    cache.save()
    return fragments.heads, fragments.digests, postings


def _manifest(heads: list[Head], fold: dict, shard_list: str, per_category: Counter) -> dict:
    """The manifest: what a query loads first (format, shards, days, categories)."""
    return {
        "format": FORMAT,
        "docs": len(heads),
        "fold": fold,
        "shards": shard_list,
        "categories": [[name, per_category[name]] for name in sorted(per_category)],
        "days": _day_runs(heads),
        "titleSpan": TITLE_SPAN,
        **_not_in_force(heads),
    }


def _postings(state: PostingsState, cache: TokenCache, ordered: _Ordered, digests: list[str], fold_map, jobs, spill):
    """Every bulletin's entries (from the cache, or tokenized) in doc-id order, continuing the
    last build's lists when this build only adds bulletins after its last (``resume``), or
    patching them where a few bulletins changed (``splice``), held up to a budget and spilled
    as sorted runs beyond it (``runs``). The bulletins left to add are shared out among worker
    processes when there are enough of them (``workers``)."""
    before, start = state.resume(digests)
    if not before:
        patched = _spliced(state, ordered, digests, cache, fold_map)
        if patched is not None:
            cache.save()
            return patched
    postings = runs.SpillingPostings(spill[0], spill[1], before)
    cache.keep(digests[:start])

    def item(doc_id: int):
        return cache.lookup(digests[doc_id]) or _texts(ordered[doc_id])

    try:
        _post(postings, (start, len(ordered)), item, digests, cache, fold_map, jobs)
    except BaseException:
        postings.close()  # the runs written so far go with their folder
        raise
    cache.save()
    return postings


def _texts(doc: SearchDoc) -> tuple[str, str]:
    return doc.title, doc.rest


def _post(postings, span: tuple[int, int], item, digests: list[str], cache, fold_map: dict, jobs) -> None:
    """Add the bulletins of SPAN to POSTINGS, ``item(doc_id)`` giving each one's cached
    ``DocTokens`` or its texts to tokenize: on worker processes when there are enough."""
    processes = workers.job_count(jobs, span[1] - span[0])
    if processes > 1:
        workers.post_in_workers(postings, span, item, digests, cache, fold_map, processes)
        return
    table = tokens.FoldTable(fold_map)
    for doc_id in range(*span):
        entry = item(doc_id)
        if not isinstance(entry, DocTokens):
            entry = text_tokens(*entry, table)
            cache.put(digests[doc_id], entry)
        postings.add_doc(doc_id, entry)


def _spliced(state: PostingsState, ordered: _Ordered, digests: list[str], cache: TokenCache, fold_map: dict):
    """The last build's lists patched where the bulletins changed (``splice``), or None when
    there is no last state, an old bulletin's entries are not in the cache, or the change
    is too large to be worth it (a cold pass, on workers, is quicker then)."""
    found = state.splice(digests)
    if found is None:
        return None
    plan, old_digests, kept = found
    changed = (plan.old_end - plan.prefix) + (plan.new_end - plan.prefix)
    if changed > max(SPLICE_MIN, len(digests) // SPLICE_SHARE):
        return None
    gone = [cache.lookup(d, keep=False) for d in old_digests[plan.prefix : plan.old_end]]
    if any(entry is None for entry in gone):
        return None
    cache.keep(digests[: plan.prefix] + digests[plan.new_end :])
    table, middle = tokens.FoldTable(fold_map), sh.Postings()
    for doc_id in range(plan.prefix, plan.new_end):
        middle.add_doc(doc_id, cache.get(digests[doc_id], ordered[doc_id], table))
    logger.debug("search index: lists patched for %s", plan)
    return splice.SplicedPostings(splice.spliced(kept, runs.sorted_records(middle), plan, splice.touched_keys(gone)))


def _category_records(heads: list[Head], per_category: Counter) -> Iterator[runs.Record]:
    """The count key ``@<i>`` of category i (sorted by name) in each bulletin of it, as
    merged records in key order."""
    category_ids = {name: i for i, name in enumerate(sorted(per_category))}
    postings = sh.Postings()
    for doc_id, head in enumerate(heads):
        if head.category:
            postings.add_entries(
                doc_id, [(CATEGORY + str(category_ids[head.category]), b"")], many=False, positional=False
            )
    return runs.sorted_records(postings)


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


def _lists(records: Iterable[runs.Record], present: set[str]) -> Iterator[tuple[str, str, bytes]]:
    """``(key, kind, list)`` per key in JS order, noting the count keys in ``present``; a key
    both positional and counted keeps its counts (the tokenizer makes no such key)."""
    previous = None
    for key, kind, _, buf in records:
        if key == previous:
            continue  # "d" sorts before "p"
        previous = key
        if kind == "d":
            present.add(key)
        yield key, kind, buf


def _write_shards(
    writer: IndexWriter, records: Iterable[runs.Record], target: int, processes: int
) -> tuple[str, int, set[str]]:
    """The term shards, cut from the merged lists as they stream by (packed and written by a
    worker process when PROCESSES > 1, ``packer``), and the manifest's list of them: per
    shard its two hash units and its bound (``shards.boundary``), separated by spaces; and
    the count keys seen."""
    entries, present, last = [], set(), None
    shards = ShardPacker(writer, processes, workers.start_method())
    try:
        for group in sh.cut_stream(_lists(records, present), target, lambda item: len(item[2])):
            bound = sh.boundary(last, group[0][0])
            last = group[-1][0]
            data: dict[str, dict[str, str]] = {"p": {}, "d": {}}
            for key, kind, buf in group:
                data[kind][key] = buf.decode("ascii")
            text = dumps(data)
            units = hash_units(str(FORMAT), text)
            shards.write(shard_name(bound, units), text, short_hash(text))
            entries.append(units + bound)
        shards.finish()
    finally:
        shards.close()
    return SHARD_SEPARATOR.join(entries), len(entries), present


def _not_in_force(heads: list[Head]) -> dict:
    """``notInForce``: the ids the "in force only" filter leaves out (no key when there are none)."""
    ids = [doc_id for doc_id, head in enumerate(heads) if head.status in NOT_IN_FORCE]
    return {"notInForce": ids} if ids else {}


def _fragment_row(doc: SearchDoc) -> list[str]:
    row = [doc.url, doc.title, doc.date, doc.category, doc.source_id, doc.rest]
    return [*row, doc.status] if doc.status in SHOWN_STATUSES else row


def _day_runs(ordered: list[Head]) -> dict:
    """Dates by doc id: the oldest date, then (days on from the previous run, bulletins)
    pairs as one varint string."""
    if not ordered:
        return {"first": None, "runs": ""}
    pairs: list[list[int]] = []
    previous = dt.date.fromisoformat(ordered[0].date).toordinal()
    for doc in ordered:
        day = dt.date.fromisoformat(doc.date).toordinal()
        if pairs and day == previous:
            pairs[-1][1] += 1
        else:
            pairs.append([day - previous, 1])
            previous = day
    return {"first": ordered[0].date, "runs": "".join(sh.encode(a) + sh.encode(b) for a, b in pairs)}
