"""``build_index(docs, out_dir)``: plain bulletin records in, the sharded search index out.

The folder holds (names of shards and fragments carry a hash of everything indexed, so they
change whenever the content does; the same content gives the same bytes):

    manifest.js          doc count, categories, dates, shard boundaries, the other names, and
                         the Traditional -> Simplified map queries fold with (in the manifest,
                         so a cold query waits for one file less)
    t/<tag>-<i>.js       term shards: {"p": {key: positional postings}, "d": {key: counts}},
                         deflated (``write.packed``)
    f/<tag>-<i>.js       result data of ``size`` consecutive bulletins, deflated
                         (``write.packed``): [url, title, date, category, source id, text]
                         plus the 效力状态 of a bulletin that has changed (已废止, 已失效, 已修改)

Doc ids are the bulletins in date order, newest first (ties by URL), so "newest first" is
"lowest id first" and a date range is an id range.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bulletins.search import shards as sh
from bulletins.search import tokens
from bulletins.search.documents import TITLE_SPAN, SearchDoc, from_dict, rest_offset
from bulletins.search.foldmap import build_fold_map
from bulletins.search.write import IndexWriter, dumps, packed, short_hash

logger = logging.getLogger(__name__)

# 2: the fold map sits in the manifest (1 had a separate fold-<hash>.js);
# 3: shards deflated too, and packed data is 15 bits per UTF-16 unit, not base64
FORMAT = 3
SHARD_BYTES = 24_000  # posting bytes per term shard (a cold query reads a few of them)
FRAGMENT_BYTES = 2_000  # result-data bytes per fragment file: about one bulletin per file
TITLE_END = "#"
CATEGORY = "@"
SHOWN_STATUSES = ("已废止", "已失效", "已修改")  # result data carries these; the first two are not in force
NOT_IN_FORCE = SHOWN_STATUSES[:2]


@dataclass(frozen=True)
class IndexStats:
    """What a build wrote (``bytes`` is the total size of the files)."""

    docs: int
    files: int
    bytes: int
    shards: int
    fragments: int
    seconds: float


def build_index(
    docs: Iterable[dict | SearchDoc],
    out_dir: Path | str,
    *,
    shard_bytes: int = SHARD_BYTES,
    fragment_bytes: int = FRAGMENT_BYTES,
) -> IndexStats:
    """Write the index of ``docs`` (dicts as in ``documents.from_dict``, or SearchDocs) into
    ``out_dir`` (the index folder itself, e.g. ``output/search``)."""
    started = time.perf_counter()
    ordered = sorted(
        (d if isinstance(d, SearchDoc) else from_dict(d) for d in docs),
        key=lambda d: (-dt.date.fromisoformat(d.date).toordinal(), d.url),
    )
    fold_map = build_fold_map()
    per_category = Counter(d.category for d in ordered if d.category)
    category_ids = {name: i for i, name in enumerate(sorted(per_category))}

    postings = sh.Postings()
    table = tokens.FoldTable(fold_map)
    for doc_id, doc in enumerate(ordered):
        _index_doc(postings, doc_id, doc, table, category_ids)

    shipped = _shipped_fold_map(fold_map, postings)
    fold = {"from": "".join(shipped), "to": "".join(shipped.values())}
    tag = short_hash(str(FORMAT), dumps(fold), *(dumps(_fragment_row(d)) for d in ordered))
    writer = IndexWriter(Path(out_dir))
    writer.clear()
    bounds = _write_shards(writer, postings, tag, shard_bytes)
    size, fragment_count = _write_fragments(writer, ordered, tag, fragment_bytes)
    manifest = _manifest(ordered, tag, fold, bounds, (size, fragment_count), per_category)
    writer.write_script("manifest", manifest)
    writer.write("manifest.json", dumps(manifest) + "\n")
    stats = IndexStats(
        docs=len(ordered),
        files=writer.files,
        bytes=writer.bytes,
        shards=len(bounds),
        fragments=fragment_count,
        seconds=time.perf_counter() - started,
    )
    logger.debug(
        "search index: %d bulletins, %d files, %d bytes in %.1f s", stats.docs, stats.files, stats.bytes, stats.seconds
    )
    return stats


def _manifest(ordered: list[SearchDoc], tag: str, fold: dict, bounds: list, fragments: tuple[int, int], per_category):
    """The manifest: what a query loads first (format, shard bounds, fragment layout, categories)."""
    size, count = fragments
    return {
        "format": FORMAT,
        "tag": tag,
        "docs": len(ordered),
        "fold": fold,
        "shards": bounds,
        "fragments": {"size": size, "count": count},
        "categories": [[name, per_category[name]] for name in sorted(per_category)],
        "days": _day_runs(ordered),
        "titleSpan": TITLE_SPAN,
        **_not_in_force(ordered),
    }


def _shipped_fold_map(fold_map: dict[str, str], postings: sh.Postings) -> dict[str, str]:
    """The entries of the map whose Simplified side occurs in the index. Dropping the others
    changes no answer: a Traditional character whose Simplified form is nowhere in the
    archive finds nothing folded or not (every indexed copy of it was folded to that form)."""
    present = postings.counts
    return {trad: simp for trad, simp in fold_map.items() if simp in present}


def _index_doc(postings: sh.Postings, doc_id: int, doc: SearchDoc, table, category_ids) -> None:
    title = tokens.fold(doc.title, table)
    rest = tokens.fold(doc.rest, table)
    grouped: defaultdict[str, list[int]] = defaultdict(list)
    for text, offset in ((title, 0), (rest, rest_offset(title))):
        for key, pos in tokens.positional_tokens(text, offset):
            grouped[key].append(pos)
    marker = _title_end(title)
    if marker:
        grouped[marker[0]] = [marker[1]]
    postings.add_positions(doc_id, grouped)

    counts = Counter(tokens.unigrams(title))
    counts.update(tokens.unigrams(rest))
    if doc.category:
        counts[CATEGORY + str(category_ids[doc.category])] = 1
    postings.add_counts(doc_id, counts)


def _title_end(title: str) -> tuple[str, int] | None:
    """The title-end marker: the title's last positional key (a bigram, ``^c`` or a word; not
    a ``c$`` edge) plus ``#``, at the position of the title's last Han or word character.

    A query equal to the title has the same last key and the same last character offset, so
    it finds the marker where a longer title (``国内联播快讯（二）``) has it elsewhere. The
    marker sorts right after that key, in a shard the query loads anyway.
    """
    last_key = None
    for key, _ in tokens.positional_tokens(title):
        if not key.endswith(tokens.END):
            last_key = key
    last_char = tokens.last_token_char(title)
    return (last_key + TITLE_END, last_char) if last_key and last_char is not None else None


def _write_shards(writer: IndexWriter, postings: sh.Postings, tag: str, target: int) -> list[str]:
    lists = postings.lists()
    keys = sorted(lists, key=sh.js_order)
    groups = sh.cut(((k, len(lists[k][1])) for k in keys), target)
    for i, group in enumerate(groups):
        data: dict[str, dict[str, str]] = {"p": {}, "d": {}}
        for key in group:
            kind, buf = lists[key]
            data[kind][key] = buf.decode("ascii")
        writer.write_script(f"t/{tag}-{i}", packed(data))
    return sh.boundaries(groups)


def _not_in_force(ordered: list[SearchDoc]) -> dict:
    """``notInForce``: the ids the "in force only" filter leaves out (no key when there are none)."""
    ids = [doc_id for doc_id, doc in enumerate(ordered) if doc.status in NOT_IN_FORCE]
    return {"notInForce": ids} if ids else {}


def _fragment_row(doc: SearchDoc) -> list[str]:
    row = [doc.url, doc.title, doc.date, doc.category, doc.source_id, doc.rest]
    return [*row, doc.status] if doc.status in SHOWN_STATUSES else row


def _write_fragments(writer: IndexWriter, ordered: list[SearchDoc], tag: str, target: int) -> tuple[int, int]:
    """Result data in files of ``size`` consecutive bulletins, about ``target`` bytes each."""
    if not ordered:
        return 1, 0
    average = sum(len(d.rest.encode("utf-8")) + len(d.title.encode("utf-8")) + 100 for d in ordered) / len(ordered)
    size = max(1, round(target / average))
    count = 0
    for start in range(0, len(ordered), size):
        writer.write_script(f"f/{tag}-{count}", packed([_fragment_row(d) for d in ordered[start : start + size]]))
        count += 1
    return size, count


def _day_runs(ordered: list[SearchDoc]) -> dict:
    """Dates by doc id: the newest date, then (days back from the previous run, bulletins)
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
            runs.append([previous - day, 1])
            previous = day
    return {"first": ordered[0].date, "runs": "".join(sh.encode(a) + sh.encode(b) for a, b in runs)}
