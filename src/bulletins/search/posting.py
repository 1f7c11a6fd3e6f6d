"""Every bulletin's posting-list entries for the index builder (``build.build_index``):
the last build's lists resumed or patched, or every bulletin tokenized.

- Without the last build's lists (a cold build) every bulletin is tokenized, so each one's text
  is handed over as the pass that writes its result data makes it (``_in_one_pass``): one text
  extraction per bulletin, and the result data written while the worker processes tokenize the
  chunks before.
- With them, the result data and digests are made first; then the lists are continued when the
  build only adds bulletins after the last build's last (``resume``), patched where a few
  bulletins changed (``splice``), or made again from the token cache and the texts.

The lists are held up to a budget and spilled as sorted runs beyond it (``runs``); bulletins to
tokenize are shared out among worker processes when there are enough of them (``workers``).
"""

from __future__ import annotations

import logging

from bulletins.search import runs, splice, tokens, workers
from bulletins.search import shards as sh
from bulletins.search.doctokens import DocTokens, TokenCache, text_tokens
from bulletins.search.documents import SearchDoc
from bulletins.search.listmarks import Marks
from bulletins.search.resume import PostingsState

logger = logging.getLogger(__name__)

SPLICE_MIN, SPLICE_SHARE = 64, 8  # a rebuild patches the kept lists when at most max(64, 1/8 of them) changed


def gather(fragments, cache: TokenCache, state: PostingsState, fold_map: dict, jobs, spill: tuple):
    """The lists of every bulletin of FRAGMENTS (``build._Fragments``: taken here, in doc-id
    order, so that its heads and digests are complete on return)."""
    if not state.load():
        return _in_one_pass(fragments, cache, fold_map, jobs, (*spill, Marks(state.folder, fresh=True)))
    for position in range(len(fragments.ordered)):
        fragments.take(position)
    made = (fragments.digests, fragments.ordered.order.ids)
    return _postings(state, cache, fragments.ordered, made, fold_map, jobs, spill)


def _in_one_pass(fragments, cache: TokenCache, fold_map: dict, jobs, spill: tuple):
    """Every bulletin tokenized (or taken from the token cache) as FRAGMENTS takes it."""

    def item(position: int):
        doc = fragments.take(position)
        found = cache.lookup(fragments.digests[position])
        return found or _texts(doc if doc is not None else fragments.ordered[position])

    made = (fragments.digests, fragments.ordered.order.ids)
    return _filled([], (0, len(fragments.ordered)), item, made, cache, fold_map, jobs, spill)


def _postings(state: PostingsState, cache: TokenCache, ordered, made: tuple, fold_map, jobs, spill):
    """Every bulletin's entries in doc-id order: the last build's lists continued (``resume``)
    or patched (``_spliced``) when that pays, else made again from the cache and the texts.
    MADE: the bulletins' digests and ids (``docids.order``), in doc-id order."""
    digests, ids = made
    before, start = state.resume(digests, ids)
    if not before:
        patched = _spliced(state, ordered, made, cache, fold_map)
        if patched is not None:
            cache.save()
            return patched
    cache.keep(digests[:start])

    def item(position: int):
        return cache.lookup(digests[position]) or _texts(ordered[position])

    marks = Marks(state.folder, fresh=not before)  # continued lists keep their marks
    postings = _filled(before, (start, len(ordered)), item, made, cache, fold_map, jobs, (*spill, marks))
    if before:  # a list no bulletin was added to ends at or below the last kept bulletin's id
        top = ids[start - 1] if start else -1
        postings.same = lambda record: record[2] <= top
    return postings


def _filled(before: list, span: tuple[int, int], item, made: tuple, cache: TokenCache, fold_map, jobs, spill):
    """The lists of BEFORE (runs) with the bulletins of SPAN (positions in doc-id order) added
    (``_post``), spilled into ``spill`` = (folder, budget, the marks their merge leaves); the
    token cache saved."""
    folder, budget, marks = spill
    postings = runs.SpillingPostings(folder, budget, before, marks)
    try:
        _post(postings, span, item, made, cache, fold_map, jobs)
    except BaseException:
        postings.close()  # the runs written so far go with their folder
        raise
    cache.save()
    return postings


def _texts(doc: SearchDoc) -> tuple[str, str]:
    return doc.title, doc.rest


def _post(postings, span: tuple[int, int], item, made: tuple, cache, fold_map: dict, jobs) -> None:
    """Add the bulletins of SPAN to POSTINGS, ``item(position)`` giving each one's cached
    ``DocTokens`` or its texts to tokenize (then its digest and id are in MADE): on worker
    processes when there are enough."""
    processes = workers.job_count(jobs, span[1] - span[0])
    if processes > 1:
        workers.post_in_workers(postings, span, item, made, cache, fold_map, processes)
        return
    table, (digests, ids) = tokens.FoldTable(fold_map), made
    for position in range(*span):
        entry = item(position)
        if not isinstance(entry, DocTokens):
            entry = text_tokens(*entry, table)
            cache.put(digests[position], entry)
        postings.add_doc(ids[position], entry)


def _spliced(state: PostingsState, ordered, made: tuple, cache: TokenCache, fold_map: dict):
    """The last build's lists patched where the bulletins changed (``splice``: one pass a
    stretch of changed bulletins), or None when there is no last state, an old bulletin's
    entries are not in the cache, or the change is too large to be worth it (a cold pass, on
    workers, is quicker then)."""
    digests, ids = made
    found = state.splice(digests, ids)
    if found is None:
        return None
    found_patches, old_digests, kept = found
    if sum(patch.changed for patch in found_patches) > max(SPLICE_MIN, len(digests) // SPLICE_SHARE):
        return None
    gone = [[cache.lookup(d, keep=False) for d in old_digests[slice(*patch.old)]] for patch in found_patches]
    if any(entry is None for entries in gone for entry in entries):
        return None
    # The gone bulletins' tokens stay one build more: until this build's lists are saved, the
    # lists saved last still hold them, and a build stopped before then leaves the next one to
    # patch those lists again (without them it posted every bulletin: 79.7 s at 100,000).
    posted = bytearray(len(digests))
    for patch in found_patches:
        posted[slice(*patch.new)] = b"\x01" * (patch.new[1] - patch.new[0])
    kept_digests = [d for d, new in zip(digests, posted) if not new]
    cache.keep(kept_digests + [d for patch in found_patches for d in old_digests[slice(*patch.old)]])
    table, marks, records, changed = tokens.FoldTable(fold_map), Marks(state.folder), kept, set()
    for patch, entries in zip(found_patches, gone):
        middle = sh.Postings()
        for position in range(*patch.new):
            middle.add_doc(ids[position], cache.get(digests[position], ordered[position], table))
        logger.debug("search index: lists patched for %s", patch)
        touched = splice.touched_keys(entries)
        records = splice.spliced(records, runs.sorted_records(middle), patch.splice, touched, marks, changed)
    return splice.SplicedPostings(records, marks, changed)
