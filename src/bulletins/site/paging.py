"""List pages that stay the same when other bulletins are added or removed.

Pelican numbers pages from the newest item, so one new bulletin shifts every page of every
list it is in (the home page, its category, its year, its tags...), and a rebuild rewrites
them all. Two kinds of pagination here, each a pure function of the items (a rebuild's pages
are a cold build's):

- **Dated lists** (bulletins, newest first: ``paginate_dated``) are cut where their content
  says, not by count: walking from the oldest item, a page ends after an item whose identity
  hashes to a multiple of ``every`` once the page holds ``least`` items, or when it holds
  ``most`` (``content_cuts``; ``per_page`` items on average, half to twice as many). An item
  added or removed anywhere moves only the cuts next to it, so a rebuild writes again the one
  or two pages around it and the links of their neighbours, not every newer page (cut by
  count from the oldest, removing a bulletin of 2010 rewrote some 1,900 list pages of a
  100,000-bulletin archive). A page is named by the day of its oldest item
  (``tags/x-2018-06-12.html``; a second page beginning that day ``…-2018-06-12-2.html``) and
  shows the days it spans (``2018年6月12日至7月3日``), as a number would move with any cut
  before it.
- **Other lists** (persons, documents and tags by count: ``paginate``) are cut into chunks of
  ``per_page`` counted from the *oldest* (last) item: chunk 1 holds the last ones. Every page but
  the first is a full chunk named and numbered by its K (``name-K.html``, "第 K 页").

In both, the first page (the list's own URL) shows the newest items: the newest closed page
and whatever followed it, so it never holds only one or two items, and it shows "最新".
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bulletins.site.datefmt import zh_date

FIRST = "最新"


@dataclass(frozen=True)
class PageLink:
    url: str  # what a neighbour's pager links to (a label there would tie the pages together)


@dataclass
class ListPage:
    """One page of a newest-first list; the attributes the templates read. LABEL is what the
    page shows of itself ("最新" on the FIRST page, the list's own URL; "第 K 页" or the days
    its items span on the others)."""

    label: str
    url: str
    save_as: str
    object_list: list = field(default_factory=list)
    first: bool = False


@dataclass(frozen=True)
class Cut:
    number: int  # 1 = newest
    start: int  # slice of the newest-first items
    stop: int
    chunk: int | None  # K counted from the oldest; None for the first page


def cuts(count: int, per_page: int) -> list[Cut]:
    """Slices of COUNT newest-first items into pages by count, newest first."""
    if per_page <= 0 or count <= per_page:
        return [Cut(1, 0, count, None)]
    full = count // per_page
    first_stop = count - (full - 1) * per_page
    pages = [Cut(1, 0, first_stop, None)]
    for number, chunk in enumerate(range(full - 1, 0, -1), start=2):
        stop = count - (chunk - 1) * per_page
        pages.append(Cut(number, stop - per_page, stop, chunk))
    return pages


def chunk_name(path: str, chunk: int | str | None) -> str:
    """``tags/x.html`` + 3 -> ``tags/x-3.html``; the first page keeps PATH."""
    if chunk is None:
        return path
    stem, ext = posixpath.splitext(path)
    return f"{stem}-{chunk}{ext}"


def _linked(pages: list[ListPage]) -> list[tuple[ListPage, PageLink | None, PageLink | None]]:
    links = [PageLink(p.url) for p in pages]
    return [
        (page, links[i - 1] if i > 0 else None, links[i + 1] if i + 1 < len(pages) else None)
        for i, page in enumerate(pages)
    ]


def paginate(items: list, per_page: int, url: str) -> list[tuple[ListPage, PageLink | None, PageLink | None]]:
    """Each page of ITEMS at URL cut by count, with links to its newer and older neighbour."""
    pages = [
        ListPage(
            FIRST if c.chunk is None else f"第 {c.chunk} 页",
            chunk_name(url, c.chunk),
            chunk_name(url, c.chunk),
            items[c.start : c.stop],
            first=c.chunk is None,
        )
        for c in cuts(len(items), per_page)
    ]
    return _linked(pages)


def content_cuts(hashes: Sequence[int], per_page: int) -> list[int]:
    """Where oldest-first items whose identities hash to HASHES end their pages: the stop of
    each closed page (the items after the last stop are still open)."""
    if per_page <= 0:
        return []
    least = (per_page + 1) // 2
    every = per_page - least + 1  # a cut one item in EVERY after LEAST: PER_PAGE on average
    most = 2 * per_page
    stops, size = [], 0
    for index, value in enumerate(hashes):
        size += 1
        if size >= most or (size >= least and value % every == 0):
            stops.append(index + 1)
            size = 0
    return stops


def identity_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def paginate_dated(
    items: list, per_page: int, url: str, hashes: Sequence[int], day: Callable[[object], str]
) -> list[tuple[ListPage, PageLink | None, PageLink | None]]:
    """Each page of the newest-first ITEMS at URL cut by content (``content_cuts`` over HASHES,
    oldest first: each item's ``identity_hash`` of a string unique in the site), named by the
    DAY (``YYYY-MM-DD``) of its oldest item, with links to its newer and older neighbour."""
    count = len(items)
    stops = content_cuts(hashes, per_page)
    if len(stops) < 2:
        return _linked([ListPage(FIRST, url, url, items, first=True)])
    pages = [ListPage(FIRST, url, url, items[: count - stops[-2]], first=True)]
    named, seen = [], {}
    for start, stop in zip([0, *stops[:-2]], stops[:-1]):  # oldest-first, the pages before the first
        oldest, newest = items[count - 1 - start], items[count - stop]
        begins = day(oldest)
        seen[begins] = seen.get(begins, 0) + 1
        suffix = begins if seen[begins] == 1 else f"{begins}-{seen[begins]}"
        name = chunk_name(url, suffix)
        named.append(ListPage(day_span(begins, day(newest)), name, name, items[count - stop : count - start]))
    return _linked(pages + named[::-1])


def day_span(first: str, last: str) -> str:
    """``2018-06-12`` to ``2018-07-03`` -> ``2018年6月12日至7月3日`` (the year and month once
    where they are the same; one day alone)."""
    begin, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    if begin == end:
        return zh_date(begin)
    if begin.year != end.year:
        return f"{zh_date(begin)}至{zh_date(end)}"
    if begin.month != end.month:
        return f"{zh_date(begin)}至{end.month}月{end.day}日"
    return f"{zh_date(begin)}至{end.day}日"


@dataclass(frozen=True)
class Heading:
    """What pages after the first may show of the list's subject: its name and links, no counts."""

    name: str | None = None
    slug: str | None = None
    url: str | None = None
    year: int | None = None
    month: int | None = None


def heading(subject):
    """An entity or archive period reduced to a Heading; anything else (a Pelican Tag or
    Category: name and slug only) as it is."""
    if not hasattr(subject, "items") or isinstance(subject, dict):
        return subject
    return Heading(
        name=getattr(subject, "name", None),
        slug=getattr(subject, "slug", None),
        url=getattr(subject, "url", None),
        year=getattr(subject, "year", None),
        month=getattr(subject, "month", None),
    )
