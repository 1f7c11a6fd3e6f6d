"""``sitemap.xml`` and ``robots.txt`` text (pure).

The sitemaps protocol (sitemaps.org) takes at most 50,000 URLs and 50 MB uncompressed in one
sitemap. A site within both gets one ``urlset`` (``render_sitemap``); a larger one (an archive
of 100,000 bulletins lists some 132,000 URLs) gets a ``sitemapindex`` in its place
(``render_index``) naming its parts, each group of URLs cut into sitemaps within both limits
(``sitemap_parts``): the site's own pages in one group, the bulletins by year in the others,
so that a bulletin added or edited changes its year's part and the index, not every part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAX_URLS = 50_000  # the protocol's limits for one sitemap
MAX_BYTES = 50 * 1024 * 1024
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
URLSET_HEAD = f'{XML_HEAD}\n<urlset xmlns="{NAMESPACE}">\n'
URLSET_TAIL = "</urlset>\n"


@dataclass(frozen=True)
class SitemapEntry:
    path: str  # site-relative URL, e.g. ``bulletins/2022/02/x.html``
    lastmod: str = ""  # ISO date


@dataclass(frozen=True)
class SitemapPart:
    """One sitemap of an index: its file (relative to the output), text and newest ``lastmod``."""

    name: str
    text: str
    lastmod: str = ""


def join_url(base: str, path: str) -> str:
    """``("https://a.org/", "x.html")`` -> ``https://a.org/x.html``; no base: the path itself."""
    return f"{base.rstrip('/')}/{path.lstrip('/')}" if base else path


def url_line(entry: SitemapEntry, base_url: str) -> str:
    """ENTRY's ``<url>`` element, on one line."""
    loc = escape(join_url(base_url, entry.path))
    lastmod = f"<lastmod>{escape(entry.lastmod)}</lastmod>" if entry.lastmod else ""
    return f"<url><loc>{loc}</loc>{lastmod}</url>"


def render_sitemap(entries: Iterable[SitemapEntry], base_url: str) -> str:
    """A sitemaps.org ``urlset``; URLs are absolute when ``base_url`` is given."""
    return URLSET_HEAD + "".join(url_line(entry, base_url) + "\n" for entry in entries) + URLSET_TAIL


def fits(text: str | bytes, urls: int, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> bool:
    """Whether a ``urlset`` TEXT (or its UTF-8) of URLS URLs is within the protocol's limits (or
    lower ones)."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8"))
    return urls <= max_urls and size <= max_bytes


def part_name(save_as: str, group: str, number: int) -> str:
    """The file of GROUP's NUMBERth part beside the index SAVE_AS: ``sitemap.xml``, ``2024``,
    1 -> ``sitemap-2024.xml``; 2 -> ``sitemap-2024-2.xml``."""
    folder, _, file = save_as.rpartition("/")
    stem, dot, suffix = file.rpartition(".")
    if not dot or not stem:
        stem, suffix = file, ""
    name = f"{stem}-{group}" + (f"-{number}" if number > 1 else "") + (f".{suffix}" if suffix else "")
    return f"{folder}/{name}" if folder else name


def sitemap_parts(
    groups: Iterable[tuple[str, Iterable[SitemapEntry]]],
    base_url: str,
    save_as: str,
    max_urls: int = MAX_URLS,
    max_bytes: int = MAX_BYTES,
) -> Iterator[SitemapPart]:
    """Each group's entries, in order, as ``urlset`` parts of at most MAX_URLS URLs and MAX_BYTES
    bytes (an entry longer than that alone still gets a part), named by ``part_name``; made one
    at a time, so only one part's lines are held. A group without entries makes no part."""
    room = max_bytes - len(URLSET_HEAD.encode("utf-8")) - len(URLSET_TAIL.encode("utf-8"))
    for group, entries in groups:
        for number, (lines, newest) in enumerate(_cut(entries, base_url, max_urls, room), start=1):
            yield SitemapPart(part_name(save_as, group, number), URLSET_HEAD + "".join(lines) + URLSET_TAIL, newest)


def _cut(entries: Iterable[SitemapEntry], base_url: str, max_urls: int, room: int) -> Iterator[tuple[list[str], str]]:
    """ENTRIES' ``<url>`` lines in runs of at most MAX_URLS lines and ROOM bytes (a longer line
    alone), each with the newest ``lastmod`` of its entries."""
    lines: list[str] = []
    size, newest = 0, ""
    for entry in entries:
        line = url_line(entry, base_url) + "\n"
        cost = len(line.encode("utf-8"))
        if lines and (len(lines) >= max_urls or size + cost > room):
            yield lines, newest
            lines, size, newest = [], 0, ""
        lines.append(line)
        size += cost
        newest = max(newest, entry.lastmod)
    if lines:
        yield lines, newest


def render_index(parts: Iterable[tuple[str, str]], base_url: str) -> str:
    """A sitemaps.org ``sitemapindex`` of PARTS, ``(file, newest lastmod)`` pairs."""
    lines = [XML_HEAD, f'<sitemapindex xmlns="{NAMESPACE}">']
    for name, lastmod in parts:
        stamp = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<sitemap><loc>{escape(join_url(base_url, name))}</loc>{stamp}</sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def render_robots(base_url: str, sitemap_path: str = "sitemap.xml") -> str:
    """Allow everything; name the sitemap when the public URL is known (it must be absolute)."""
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {join_url(base_url, sitemap_path)}")
    return "\n".join(lines) + "\n"
