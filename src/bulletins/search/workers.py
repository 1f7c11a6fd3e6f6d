"""Posting lists made on several processes: chunks of bulletins tokenized and posted in
worker processes, merged in doc-id order.

Tokenizing and adding entries to the posting lists is most of a cold build's CPU time, and both
are per bulletin, so a chunk of consecutive doc ids can be done anywhere. A worker gets the
chunk's texts (or the cached ``DocTokens`` of a text that did not change), tokenizes the new
ones and fills a ``Postings`` of its chunk alone, and writes the new ``DocTokens`` to a file
the main process copies into the token cache as bytes. The worker writes the chunk's lists as a
sorted run itself (what a spill of ``runs.SpillingPostings`` writes), and the main process only
records the runs in chunk order: the final merge joins a key's pieces as ``Postings.merge``
would (only the first entry of a list, whose doc-id gap depends on the chunks before, is
encoded again), so the lists are byte for byte the lists one process makes (tested), and the
main process neither receives nor merges lists (at 30,000 bulletins the builder took 49 CPU s
instead of 60-67, and 185 MB over its caller instead of 351-356, when it still did).

Workers are forked when the process has no other thread (quick to start, and a script
without a ``__main__`` guard works); otherwise they are spawned, since forking while another
thread holds a lock (Pelican's progress display) can hang the child. Each worker builds its
own fold table from the map it is given.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path

from bulletins.bound import bound_to
from bulletins.search import runs, tokens
from bulletins.search.doctokens import DocTokens, TokenCache, text_tokens, write_entries
from bulletins.search.shards import Postings

MAX_JOBS = 4  # the main process's text extraction and final merge keep more workers from paying off
MIN_DOCS_PER_JOB = 2_000  # below this, starting a worker costs more than it saves
MAX_CHUNK = 5_000  # bulletins per task (one run each): bounds a worker's lists and the texts in flight
_table: tokens.FoldTable | None = None


def default_jobs() -> int:
    """The processors this process may use, at most ``MAX_JOBS``."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_JOBS))


def job_count(requested: int | None, work: int) -> int:
    """Processes for ``work`` bulletins: ``requested`` when given (at least 1), else the
    default, with 1 for an input too small to share out."""
    if requested is not None:
        return max(1, requested)
    return max(1, min(default_jobs(), work // MIN_DOCS_PER_JOB))


def chunks(start: int, stop: int, jobs: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` doc-id ranges covering ``start..stop``: four per job (so a slow chunk does
    not leave the other workers idle at the end), at most ``MAX_CHUNK`` each."""
    size = max(1, min(MAX_CHUNK, -(-(stop - start) // (4 * jobs))))
    return [(lo, min(lo + size, stop)) for lo in range(start, stop, size)]


def start_method() -> str:
    """``fork`` when this process has no other thread, else ``spawn`` (see the module's docstring)."""
    alone = threading.active_count() == 1
    return "fork" if alone and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _init(fold_map: dict[str, str], parent: int | None = None) -> None:
    """A pool worker's start: the fold table, and its end bound to PARENT's (``bound_to``)."""
    global _table
    if parent is not None:
        bound_to(parent)
    _table = tokens.FoldTable(fold_map)


def wire(item):
    """ITEM as sent to a worker: a text's ``(title, rest)`` as UTF-8 bytes. Pickling a string
    leaves a UTF-8 copy inside it for as long as it lives, so the texts of the chunks in flight
    were held twice over; their bytes are half a string's size in Chinese (2 bytes a character
    against 3 in UTF-8, but ASCII and the copy go)."""
    if isinstance(item, DocTokens):
        return item
    return tuple(text.encode("utf-8", "surrogatepass") for text in item)


def unwire(item) -> tuple[str, ...]:
    return tuple(text.decode("utf-8", "surrogatepass") for text in item)


def chunk_postings(ids: list[int], items: list) -> tuple[list[DocTokens | None], Postings]:
    """The lists of one chunk (the bulletins of doc ids IDS): each item is a bulletin's
    ``(title, rest)`` to tokenize or its cached ``DocTokens``; the entries made are given back
    (``None`` for a cached one)."""
    postings, made = Postings(), []
    for doc_id, item in zip(ids, items, strict=True):
        entry = item if isinstance(item, DocTokens) else text_tokens(*unwire(item), _table)
        made.append(None if item is entry else entry)
        postings.add_doc(doc_id, entry)
    return made, postings


def chunk_run(ids: list[int], items: list, path: str) -> list[int]:
    """``chunk_postings``, the lists written as a sorted run at PATH here in the worker (the
    main process then neither receives nor merges them), and the entries made written beside
    it (``tokens_path``): only their sizes come back (0 for a cached item), so the main
    process never unpickles them (a chunk's entries are some 6 KB a bulletin)."""
    made, postings = chunk_postings(ids, items)
    runs.write_run(Path(path), postings)
    return write_entries(tokens_path(path), made)


def tokens_path(run: str | Path) -> Path:
    """Where a worker writes the entries it made for the run at RUN."""
    return Path(f"{run}.tokens")


def post_in_workers(
    postings: runs.SpillingPostings,
    span: tuple[int, int],
    item: Callable[[int], DocTokens | tuple[str, str]],
    made: tuple,
    cache: TokenCache,
    fold_map: dict[str, str],
    jobs: int,
) -> None:
    """Add the bulletins of positions ``span`` (in doc-id order) to ``postings`` on ``jobs``
    worker processes, each chunk's lists a run the worker writes, keeping the entries they made
    in ``cache``. ``item(position)`` is a bulletin's cached ``DocTokens`` or its ``(title,
    rest)``; it is asked in order, a chunk at a time, while the workers tokenize the chunks
    before; MADE = (digests, ids) holds the bulletin's digest and doc id once it was asked."""
    digests, ids = made
    context = multiprocessing.get_context(start_method())
    ranges = collections.deque(chunks(*span, jobs))
    pending: collections.deque = collections.deque()
    with cf.ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(fold_map, os.getpid())) as pool:
        while ranges or pending:
            while ranges and len(pending) <= jobs:  # one chunk more than workers in flight, not every result
                lo, hi = ranges.popleft()
                items = [wire(item(i)) for i in range(lo, hi)]
                path = postings.run_path()
                chunk_ids = [ids[i] for i in range(lo, hi)]
                pending.append((lo, path, pool.submit(chunk_run, chunk_ids, items, str(path))))
            lo, path, future = pending.popleft()
            sizes = future.result()
            cache.adopt(tokens_path(path), [(digests[i], size) for i, size in enumerate(sizes, lo) if size])
            postings.add_run(path)
