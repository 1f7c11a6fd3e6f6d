"""``sitemap.xml`` and ``robots.txt`` text (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class SitemapEntry:
    path: str  # site-relative URL, e.g. ``bulletins/2022/02/x.html``
    lastmod: str = ""  # ISO date


def join_url(base: str, path: str) -> str:
    """``("https://a.org/", "x.html")`` -> ``https://a.org/x.html``; no base: the path itself."""
    return f"{base.rstrip('/')}/{path.lstrip('/')}" if base else path


def render_sitemap(entries: Iterable[SitemapEntry], base_url: str) -> str:
    """A sitemaps.org ``urlset``; URLs are absolute when ``base_url`` is given."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for entry in entries:
        loc = escape(join_url(base_url, entry.path))
        lastmod = f"<lastmod>{escape(entry.lastmod)}</lastmod>" if entry.lastmod else ""
        lines.append(f"<url><loc>{loc}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(base_url: str, sitemap_path: str = "sitemap.xml") -> str:
    """Allow everything; name the sitemap when the public URL is known (it must be absolute)."""
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {join_url(base_url, sitemap_path)}")
    return "\n".join(lines) + "\n"
