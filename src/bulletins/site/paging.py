"""Anchored pagination: list pages that stay the same when newer bulletins are added.

Pelican numbers pages from the newest item, so one new bulletin shifts every page of every
list it is in (the home page, its category, its year, its tags...), and a rebuild rewrites
them all. Here the items are cut into chunks of ``per_page`` counted from the *oldest* item:
chunk 1 holds the oldest ones. The first page (the list's own URL) shows the newest items:
the newest full chunk plus any remainder (``per_page`` to ``2 * per_page - 1`` items). Every
other page is a full chunk whose file name (``name-K.html``, K counted from the oldest) and
content never change when newer items arrive. Its number, as the pages show it, is K too: were
pages numbered from the newest, every ``per_page``-th new item would renumber (and a rebuild
rewrite) every page of the list. The first page shows "最新" and carries the next number up.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageLink:
    number: int  # 1 = the page with the newest items
    url: str


@dataclass
class ListPage:
    """One page of a newest-first list; the attributes the templates read. NUMBER counts from
    the oldest page (1), so it stays with the page as newer items arrive; FIRST marks the page
    with the newest items (the list's own URL), whose number is one more than the next one's."""

    number: int
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
    """Slices of COUNT newest-first items into pages, newest first."""
    if per_page <= 0 or count <= per_page:
        return [Cut(1, 0, count, None)]
    full = count // per_page
    first_stop = count - (full - 1) * per_page
    pages = [Cut(1, 0, first_stop, None)]
    for number, chunk in enumerate(range(full - 1, 0, -1), start=2):
        stop = count - (chunk - 1) * per_page
        pages.append(Cut(number, stop - per_page, stop, chunk))
    return pages


def chunk_name(path: str, chunk: int | None) -> str:
    """``tags/x.html`` + 3 -> ``tags/x-3.html``; the first page keeps PATH."""
    if chunk is None:
        return path
    stem, ext = posixpath.splitext(path)
    return f"{stem}-{chunk}{ext}"


def paginate(items: list, per_page: int, url: str) -> list[tuple[ListPage, PageLink | None, PageLink | None]]:
    """Each page of ITEMS at URL, with links to its newer and older neighbour."""
    made = cuts(len(items), per_page)
    pages = [
        ListPage(
            len(made) - c.number + 1,  # the chunk's K (the first page: one more than the next)
            chunk_name(url, c.chunk),
            chunk_name(url, c.chunk),
            items[c.start : c.stop],
            first=c.chunk is None,
        )
        for c in made
    ]
    links = [PageLink(p.number, p.url) for p in pages]
    return [
        (page, links[i - 1] if i > 0 else None, links[i + 1] if i + 1 < len(pages) else None)
        for i, page in enumerate(pages)
    ]


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
