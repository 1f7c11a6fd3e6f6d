"""Each article's URL and output name, fixed once; an article that would overwrite another's
page is left out with one warning.

Pelican recomputes ``article.url`` and ``save_as`` from the URL settings on every access
(date formatting, relative source path), and list pages read them tens of thousands of times;
``override_url``/``override_save_as`` are Pelican's own per-article overrides.

``fix_urls`` runs on ``article_generator_pretaxonomy`` after ``list_pages`` gave categories and
tags their slugs (it is listed after it in ``PLUGINS``): a pattern naming ``{category}`` needs them.
"""

from __future__ import annotations

import logging
from itertools import chain
from operator import attrgetter

from bulletins.site.urls import first_claims, format_url, is_fast

logger = logging.getLogger(__name__)

LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")


def url_formatter(pattern: str):
    """``article -> URL`` for ARTICLE_URL. A pattern naming only ``{slug}`` and ``{date:...}``
    (ours) is formatted directly, the date as a plain datetime (C strftime); any other pattern
    goes through Pelican's ``article.url``, which also builds the path, author, tag... fields."""
    if not is_fast(pattern):
        return attrgetter("url")
    return lambda article: format_url(pattern, article.slug, article.date)


def fix_url_early(article_generator, metadata) -> None:
    """While Pelican reads an article: its URL and output name as metadata (Pelican's own
    ``URL:``/``Save_as:`` override), so Pelican never expands the URL settings for it: it
    does so for every article while checking it (``is_valid``) and on every access after.
    Drafts keep Pelican's draft URLs."""
    settings = article_generator.settings
    if "url" in metadata or "save_as" in metadata or "slug" not in metadata or "date" not in metadata:
        return
    if metadata.get("status") in ("draft", "skip") or settings["ARTICLE_URL"] != settings["ARTICLE_SAVE_AS"]:
        return
    if is_fast(settings["ARTICLE_URL"]):
        metadata["url"] = metadata["save_as"] = format_url(settings["ARTICLE_URL"], metadata["slug"], metadata["date"])


def fix_urls(article_generator) -> None:
    """Before Pelican groups articles: every published or hidden article's URL and output
    name fixed once, then any article whose output name another one already has is dropped."""
    settings = article_generator.settings
    url_of = url_formatter(settings["ARTICLE_URL"])
    same_pattern = settings["ARTICLE_URL"] == settings["ARTICLE_SAVE_AS"]
    gen = article_generator
    for article in chain(gen.articles, gen.translations, gen.hidden_articles, gen.hidden_translations):
        if not hasattr(article, "override_url"):
            article.override_url = url_of(article)
        if not hasattr(article, "override_save_as"):
            article.override_save_as = article.override_url if same_pattern else article.save_as
    drop_clashes(article_generator)


def drop_clashes(article_generator) -> None:
    """Leave out each article whose page another article (first by source path) writes."""
    lists = {name: getattr(article_generator, name, []) for name in LISTS}
    by_path = {a.source_path: a for items in lists.values() for a in items}
    clashes = first_claims((a.source_path, a.save_as) for a in by_path.values())
    if not clashes:
        return
    for owner, path, first in clashes:
        logger.warning(
            "skipped %s: its page %s is already written for %s",
            by_path[owner].relative_source_path,
            path,
            by_path[first].relative_source_path,
        )
    dropped = {owner for owner, _, _ in clashes}
    for items in lists.values():
        items[:] = [a for a in items if a.source_path not in dropped]
