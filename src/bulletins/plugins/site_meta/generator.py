"""Adapters from Pelican objects to the pure ``bulletins.site`` modules."""

from __future__ import annotations

import functools
import logging
from itertools import chain
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from pelican.generators import Generator

from bulletins.models import split_documents, split_names
from bulletins.site import datefmt
from bulletins.site.config import Option, is_public_url, is_relative_path, settings_check
from bulletins.site.headers import as_text
from bulletins.site.jsonld import BulletinFacts, article_jsonld
from bulletins.site.output_files import write_if_changed
from bulletins.site.sitemap import (
    MAX_URLS,
    SitemapEntry,
    fits,
    join_url,
    render_index,
    render_robots,
    render_sitemap,
    sitemap_parts,
)

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_PUBLIC_URL", "", is_public_url, "'' or an absolute http(s):// URL of the published site"),
    Option(
        "BULLETINS_SITEMAP_SAVE_AS",
        "sitemap.xml",
        lambda v: v == "" or (is_relative_path(v) and not v.endswith("/")),
        "a file name within the output such as 'sitemap.xml' ('' = no sitemap)",
    ),
    Option(
        "BULLETINS_SITEMAP_MAX_URLS",
        MAX_URLS,
        lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_URLS,
        f"a whole number of URLs from 1 to {MAX_URLS:,} (the sitemaps protocol's limit)",
    ),
)


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def safe_href(url: str) -> str:
    """Only http(s) URLs from sources become links; anything else (``javascript:``) is text."""
    return url if url.lower().startswith(("http://", "https://")) else ""


# The header fields the JSON-LD reads (Pelican's lowercased keys): only these are made text.
JSONLD_KEYS = (
    "identifier",
    "publisher",
    "region",
    "docnumber",
    "presider",
    "people",
    "documents",
    "summary",
    "sourceurl",
)


def jsonld_for(article, settings) -> dict:
    raw = article.metadata
    meta = {key: as_text(raw[key]) for key in JSONLD_KEYS if isinstance(raw.get(key), (str, list, tuple))}
    public = settings.get("BULLETINS_PUBLIC_URL", "")
    data = article_jsonld(
        BulletinFacts(
            title=article.title,
            date=datefmt.iso_date(article.date),
            url=join_url(public, article.url) if public else "",
            identifier=meta.get("identifier", ""),
            publisher=meta.get("publisher", ""),
            region=meta.get("region", ""),
            doc_number=meta.get("docnumber", ""),
            category=str(getattr(article, "category", "") or ""),
            keywords=[t.name for t in getattr(article, "tags", ())],
            people=list(dict.fromkeys(split_names(meta.get("presider")) + split_names(meta.get("people")))),
            documents=split_documents(meta.get("documents")),
            summary=meta.get("summary", ""),
            source_url=meta.get("sourceurl", ""),
        )
    )
    data.update(getattr(article, "bulletins_jsonld", None) or {})  # the gazette plugin's relations
    return data


def with_values(pairs, mapping) -> list[tuple]:
    """``(key, label)`` PAIRS -> ``(key, label, value)`` for the keys MAPPING has a true value
    for, in order: one filter call where a template would look each key up twice."""
    return [(key, label, value) for key, label in pairs if (value := mapping.get(key))]


def render_once(env, name: str) -> Markup:
    """Template NAME rendered without page variables, once per environment: for a part of
    every page that depends on nothing but the theme (the reading settings)."""
    cache = env.__dict__.setdefault("_bulletins_rendered_once", {})
    if name not in cache:
        cache[name] = Markup(env.get_template(name).render())
    return cache[name]


@pass_context
def once_per_key(context, name: str, *key) -> Markup:
    """Template NAME rendered with the page's variables once per KEY and environment: for a
    part of every page that depends only on KEY and on what is the same for the whole build
    (the site header depends on the page's depth, its section and whether it is the section's
    own page). The calling template names in KEY everything the part varies with. A part is a
    template of its own, not a macro: a macro defined on every page ties the page's context in
    a reference cycle that only the garbage collector frees, and that cost more than it saved."""
    env = context.environment
    cache = env.__dict__.setdefault("_bulletins_parts", {})
    full = (name, *key)
    part = cache.get(full)
    if part is None:
        part = cache[full] = Markup(env.get_template(name).render(context.get_all()))
    return part


def bulletin_item(env, article, root: str, role: str | None = None, label: str | None = None) -> Markup:
    """One article's entry in a list (``_macros.html``, macro ``item``): an article is listed on
    its home, archive, category, tag, person and document pages, and its entry is the same on
    every list at one depth (ROOT), so it is rendered once per depth. Only the entries of the
    current depth are kept: the lists of one depth are written one after another."""
    cache = env.__dict__.setdefault("_bulletins_items", {})
    if cache.get("root") != root:
        cache.clear()
        cache["root"] = root
    key = (id(article), role, label)
    entry = cache.get(key)
    if entry is None or entry[0] is not article:
        entry = cache[key] = (article, env.get_template("_macros.html").module.item(article, root, role, label))
    return entry[1]


def add_template_helpers(generator) -> None:
    env = generator.env
    env.filters.update(
        zh_date=datefmt.zh_date,
        iso_date=datefmt.iso_date,
        safe_href=safe_href,
        with_values=with_values,
    )
    env.globals.update(
        zh_month=datefmt.zh_month,
        zh_year=datefmt.zh_year,
        bulletins_jsonld=lambda article: jsonld_for(article, generator.settings),
        render_once=functools.partial(render_once, env),
        once_per_key=once_per_key,
        bulletin_item=functools.partial(bulletin_item, env),
    )


def get_generators(pelican):
    return SiteMetaGenerator


class SiteMetaGenerator(Generator):
    """Writes sitemap.xml and robots.txt from the URLs every generator put in the context."""

    def generate_context(self):
        """``bulletins_about_url``: the about page's URL for the navigation, or None."""
        about = next((p for p in self.context.get("pages", ()) if p.slug == "about"), None)
        self.context["bulletins_about_url"] = about.url if about else None

    def _other_entries(self):
        """The URLs of the site's own pages but the front page."""
        ctx = self.context
        for page in ctx.get("pages", ()):
            yield SitemapEntry(page.url)
        for key in ("bulletins_persons", "bulletins_documents", "bulletins_tags"):
            for entity in ctx.get(key, ()):
                yield SitemapEntry(entity.url)
        for cat, _ in ctx.get("categories", ()):
            yield SitemapEntry(cat.url)
        for url in ctx.get("bulletins_gazette_urls", ()):  # issue and series pages (gazette plugin)
            yield SitemapEntry(url)
        for url in ctx.get("bulletins_sitemap_urls", ()):  # pages other plugins add (the data page)
            yield SitemapEntry(url)
        for year in ctx.get("bulletins_years", ()):
            yield SitemapEntry(year.url)
            for month in year.months:
                yield SitemapEntry(month.url)

    def _write_sitemap(self, out: Path, save_as: str, base: str) -> list[str]:
        """The sitemap at SAVE_AS: one ``urlset`` while the site fits in one (the front page,
        the bulletins, the other pages), else an index of parts (``sitemap_parts``: the site's
        own pages, then the bulletins by year, newest first); the parts' files."""
        most = self.settings.get("BULLETINS_SITEMAP_MAX_URLS", MAX_URLS)
        articles, others = self.context.get("articles", ()), list(self._other_entries())
        urls = 1 + len(articles) + len(others)
        if urls <= most:
            data = render_sitemap(chain([FRONT_PAGE], _article_entries(articles), others), base).encode("utf-8")
            if fits(data, urls, most):
                write_if_changed(out / save_as, data)
                return []
        listed = []
        for part in sitemap_parts(_groups(articles, [FRONT_PAGE, *others]), base, save_as, most):
            write_if_changed(out / part.name, part.text.encode("utf-8"))
            listed.append((part.name, part.lastmod))
        write_if_changed(out / save_as, render_index(listed, base).encode("utf-8"))
        return [name for name, _ in listed]

    def generate_output(self, writer=None):
        base = self.settings["BULLETINS_PUBLIC_URL"]
        out = Path(self.output_path)
        save_as = self.settings["BULLETINS_SITEMAP_SAVE_AS"]
        parts = self._write_sitemap(out, save_as, base) if save_as else []
        record = getattr(writer, "record_outputs", None)  # the incremental writer removes parts no longer made
        if record is not None:
            record("sitemap", parts)
        write_if_changed(out / "robots.txt", render_robots(base, save_as).encode("utf-8"))


FRONT_PAGE = SitemapEntry("index.html")


def _groups(articles, pages: list):
    """A sitemap index's groups: PAGES (the site's own), then ARTICLES by year, newest first."""
    by_year: dict[int, list] = {}
    for article in articles:
        by_year.setdefault(article.date.year, []).append(article)
    yield "pages", pages
    for year in sorted(by_year, reverse=True):
        yield str(year), _article_entries(by_year.pop(year))


def _article_entries(articles):
    for article in articles:
        yield SitemapEntry(article.url, datefmt.iso_date(getattr(article, "modified", None) or article.date))
