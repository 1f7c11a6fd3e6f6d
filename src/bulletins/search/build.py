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
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bulletins.search import shards as sh
from bulletins.search import tokens, workers
from bulletins.search.doctokens import TokenCache, digest
from bulletins.search.documents import TITLE_SPAN, SearchDoc, from_dict
from bulletins.search.foldmap import build_fold_map
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
SHARD_SEPARATOR = " "  # between the manifest's shard entries (no key holds a space)


@dataclass(frozen=True)
class IndexStats:
    """What a build made: ``files`` and ``bytes`` (their total size) are the whole index;
    ``written`` files were new or changed, ``removed`` ones no longer named; ``tokenized``
    bulletins were not in the cache."""

    docs: int
    files: int
    bytes: int
    shards: int
    fragments: int
    seconds: float
    written: int = 0
    removed: int = 0
    tokenized: int = 0


def build_index(
    docs: Iterable[dict | SearchDoc],
    out_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    shard_bytes: int = SHARD_BYTES,
    jobs: int | None = None,
) -> IndexStats:
    """Write the index of ``docs`` (dicts as in ``documents.from_dict``, or SearchDocs) into
    ``out_dir`` (the index folder itself, e.g. ``output/search``). ``cache_dir`` (e.g.
    Pelican's ``CACHE_PATH``) keeps what a rebuild can reuse; it never changes the index.
    ``jobs``: processes that tokenize (``workers.job_count``: by default the processors, at
    most 4, and 1 for a small input); the index is the same bytes whatever the number."""
    started = time.perf_counter()
    ordered = order(d if isinstance(d, SearchDoc) else from_dict(d) for d in docs)
    fold_map = build_fold_map()
    per_category = Counter(d.category for d in ordered if d.category)
    postings, tokenized = _postings(ordered, cache_dir, fold_map, short_hash(dumps(fold_map)), jobs)
    _add_categories(postings, ordered, per_category)

    fold = _fold_codes(_shipped_fold_map(fold_map, postings))
    out = Path(out_dir)
    writer = IndexWriter(out, load_record(cache_dir, out))
    shard_list, shard_count = _write_shards(writer, postings, shard_bytes)
    _write_fragments(writer, ordered)
    manifest = _manifest(ordered, fold, shard_list, per_category)
    text = dumps(manifest)
    writer.write_script("manifest", lambda: manifest, key=short_hash(text), utf16=True)
    writer.write("manifest.json", (text + "\n").encode("utf-8"))
    writer.finish()
    save_record(cache_dir, out, writer.fresh)
    stats = IndexStats(
        docs=len(ordered),
        files=writer.files,
        bytes=writer.bytes,
        shards=shard_count,
        fragments=len(ordered),
        seconds=time.perf_counter() - started,
        written=writer.written,
        removed=writer.removed,
        tokenized=tokenized,
    )
    logger.debug("search index: %s", stats)
    return stats


def order(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Doc-id order: oldest first; on one day by URL descending, so that reading ids downwards
    lists the newest first and one day's bulletins by URL."""
    ordered = sorted(docs, key=lambda d: (-dt.date.fromisoformat(d.date).toordinal(), d.url))
    ordered.reverse()
    return ordered


def _manifest(ordered: list[SearchDoc], fold: dict, shard_list: str, per_category: Counter) -> dict:
    """The manifest: what a query loads first (format, shards, days, categories)."""
    return {
        "format": FORMAT,
        "docs": len(ordered),
        "fold": fold,
        "shards": shard_list,
        "categories": [[name, per_category[name]] for name in sorted(per_category)],
        "days": _day_runs(ordered),
        "titleSpan": TITLE_SPAN,
        **_not_in_force(ordered),
    }


def _postings(ordered: list[SearchDoc], cache_dir, fold_map: dict, fold_digest: str, jobs) -> tuple[sh.Postings, int]:
    """Every bulletin's entries (from the cache, or tokenized) in doc-id order, continuing the
    last build's lists when this build only adds bulletins after its last (``resume``); and
    how many bulletins were tokenized. The bulletins left to add are shared out among worker
    processes when there are enough of them (``workers``)."""
    digests = [digest(doc, fold_digest) for doc in ordered]
    cache, state = TokenCache(cache_dir), PostingsState(cache_dir, fold_digest)
    postings, start = state.resume(digests)
    cache.keep(digests[:start])
    processes = workers.job_count(jobs, len(ordered) - start)
    if processes > 1:
        workers.post_in_workers(postings, (start, len(ordered)), ordered, digests, cache, fold_map, processes)
    else:
        table = tokens.FoldTable(fold_map)
        for doc_id in range(start, len(ordered)):
            postings.add_doc(doc_id, cache.get(digests[doc_id], ordered[doc_id], table))
    state.save(digests, postings)
    cache.save()
    return postings, cache.missed


def _add_categories(postings: sh.Postings, ordered: list[SearchDoc], per_category: Counter) -> None:
    """The count key ``@<i>`` of category i (sorted by name) in each bulletin of it."""
    category_ids = {name: i for i, name in enumerate(sorted(per_category))}
    for doc_id, doc in enumerate(ordered):
        if doc.category:
            postings.add_entries(
                doc_id, [(CATEGORY + str(category_ids[doc.category]), b"")], many=False, positional=False
            )


def _shipped_fold_map(fold_map: dict[str, str], postings: sh.Postings) -> dict[str, str]:
    """The entries of the map whose Simplified side occurs in the index. Dropping the others
    changes no answer: a Traditional character whose Simplified form is nowhere in the
    archive finds nothing folded or not (every indexed copy of it was folded to that form)."""
    present = postings.counts
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


def _write_shards(writer: IndexWriter, postings: sh.Postings, target: int) -> tuple[str, int]:
    """The term shards, and the manifest's list of them: per shard its two hash units and
    its bound (``shards.boundaries``), separated by spaces."""
    lists = postings.lists()
    keys = sorted(lists, key=sh.js_order)
    groups = sh.cut(((k, len(lists[k][1])) for k in keys), target)
    entries = []
    for bound, group in zip(sh.boundaries(groups), groups):
        data: dict[str, dict[str, str]] = {"p": {}, "d": {}}
        for key in group:
            kind, buf = lists[key]
            data[kind][key] = buf.decode("ascii")
        text = dumps(data)
        units = hash_units(str(FORMAT), text)
        writer.write_script(shard_name(bound, units), lambda text=text: packed_json(text), key=short_hash(text))
        entries.append(units + bound)
    return SHARD_SEPARATOR.join(entries), len(entries)


def _not_in_force(ordered: list[SearchDoc]) -> dict:
    """``notInForce``: the ids the "in force only" filter leaves out (no key when there are none)."""
    ids = [doc_id for doc_id, doc in enumerate(ordered) if doc.status in NOT_IN_FORCE]
    return {"notInForce": ids} if ids else {}


def _fragment_row(doc: SearchDoc) -> list[str]:
    row = [doc.url, doc.title, doc.date, doc.category, doc.source_id, doc.rest]
    return [*row, doc.status] if doc.status in SHOWN_STATUSES else row


def _write_fragments(writer: IndexWriter, ordered: list[SearchDoc]) -> None:
    """One result-data file per bulletin, named by its day and its place in that day."""
    day, ordinal = None, 0
    for doc in ordered:
        ordinal = ordinal + 1 if doc.date == day else 0
        day = doc.date
        text = dumps(_fragment_row(doc))
        writer.write_script(fragment_name(doc.date, ordinal), lambda text=text: packed_json(text), key=short_hash(text))


def _day_runs(ordered: list[SearchDoc]) -> dict:
    """Dates by doc id: the oldest date, then (days on from the previous run, bulletins)
    pairs as one varint string."""
    if not ordered:
        return {"first": None, "runs": ""}
    runs: list[list[int]] = []
    previous = dt.date.fromisoformat(ordered[0].date).toordinal()
    for doc in ordered:
        day = dt.date.fromisoformat(doc.date).toordinal()
        if runs and day == previous:
            runs[-1][1] += 1
        else:
            runs.append([day - previous, 1])
            previous = day
    return {"first": ordered[0].date, "runs": "".join(sh.encode(a) + sh.encode(b) for a, b in runs)}
