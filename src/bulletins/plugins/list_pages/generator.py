"""EntityPagesGenerator: groups the articles once and writes the entity and archive pages.

It writes, each list paginated by Pelican's writer: persons index + one page per person
(presided / attended), documents index + one page per 《》 title, tags index + one page per
tag, one page per category (and the category feeds), and the year and month archives.

Tag and category pages and the year/month archives are written here rather than by Pelican's
ArticlesGenerator because Pelican builds each of them with a list-membership scan over all
articles (quadratic: seconds on 11k bulletins); here every group is built in one pass.
"""

from __future__ import annotations

import functools
import logging
from itertools import chain
from operator import attrgetter

from pelican.generators import Generator

from bulletins.plugins.incremental import readcache
from bulletins.plugins.incremental.writer import batch
from bulletins.plugins.list_pages.annotate import annotate_articles
from bulletins.site import datefmt, entities, fingerprint, paging
from bulletins.site.archive import by_year_and_month
from bulletins.site.config import Option, settings_check, url_pattern
from bulletins.site.headers import as_text
from bulletins.site.slugs import unique_slugs
from bulletins.site.timeline import build_timeline, render_svg

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_PERSON_URL", "persons/{slug}.html", url_pattern("slug"), "a relative .html pattern with {slug}"),
    Option("BULLETINS_PERSONS_URL", "persons.html", url_pattern(), "a relative .html path"),
    Option(
        "BULLETINS_DOCUMENT_URL", "documents/{slug}.html", url_pattern("slug"), "a relative .html pattern with {slug}"
    ),
    Option("BULLETINS_DOCUMENTS_URL", "documents.html", url_pattern(), "a relative .html path"),
    Option("BULLETINS_TAGS_URL", "tags.html", url_pattern(), "a relative .html path"),
    Option(
        "BULLETINS_YEAR_URL", "bulletins/{year}/index.html", url_pattern("year"), "a relative .html pattern with {year}"
    ),
    Option(
        "BULLETINS_MONTH_URL",
        "bulletins/{year}/{month:02d}/index.html",
        url_pattern("year", "month"),
        "a relative .html pattern with {year} and {month}",
    ),
)
PAGINATED = ("person", "persons", "document", "documents", "tag", "tags", "period_archives")


_check_options = settings_check(OPTIONS)


def configure(pelican) -> None:
    """Default and validate our settings once; a bad value stops the build with one line."""
    _check_options(pelican)
    paginated = pelican.settings.setdefault("PAGINATED_TEMPLATES", {})
    for name in PAGINATED:
        paginated.setdefault(name, None)
    taken = {"index", "tags"} & set(pelican.settings.get("DIRECT_TEMPLATES", ()))
    if taken:
        raise SystemExit(f"CRITICAL: DIRECT_TEMPLATES must not list {sorted(taken)}: list_pages writes those pages")


def _all_articles(gen):
    return chain(gen.articles, gen.translations, gen.hidden_articles, gen.hidden_translations)


def newest_first(article):
    """Sort key (with reverse=True): by date, ties by slug, so lists, archives and prev/next
    are the same in every build whatever order the files were read in."""
    return (article.date.timestamp(), article.slug)  # a float: comparing aware datetimes is slow


def prepare_articles(article_generator) -> None:
    """Before Pelican groups articles: a deterministic order and our stable ASCII slugs for
    categories and tags (``article_urls``, listed after this plugin, then fixes the URLs)."""
    article_generator.articles.sort(key=newest_first, reverse=True)
    gen = article_generator  # drafts too: a draft's page links its tags as every page does
    articles = list(chain(_all_articles(gen), gen.drafts, gen.drafts_translations))
    wrappers = {}  # each category and tag object once (articles share them: 9 tags an article, 1,500 tags)
    for article in articles:
        if hasattr(article, "category"):
            wrappers[id(article.category)] = article.category
        for tag in getattr(article, "tags", ()):
            wrappers[id(tag)] = tag
    slugs = unique_slugs(w.name for w in wrappers.values())
    for wrapper in wrappers.values():
        wrapper.slug = slugs[wrapper.name]


def take_over_taxonomy_pages(article_generator) -> None:
    """Stop Pelican writing tag and category pages and category feeds: it builds each with
    a list-membership scan over all articles (quadratic: seconds on 11k bulletins).
    EntityPagesGenerator writes them from one pass. ``context["categories"]`` stays as is."""
    article_generator.tags = {}
    article_generator.categories = []


def _timeline(articles, ident: str, prefix: str = ""):
    """The timeline SVG of ARTICLES and what one of its bars counts (月, 年, 十年...)."""
    timeline = build_timeline((a.date.year, a.date.month) for a in articles)
    return render_svg(timeline, ident, f"{prefix}每{timeline.unit}公报数量"), timeline.unit


def get_generators(pelican):
    return EntityPagesGenerator


class EntityPagesGenerator(Generator):
    """Reads ``context["articles"]`` after the ArticlesGenerator and adds entity pages."""

    def generate_context(self):
        newest = self.newest = sorted(self.context.get("articles", ()), key=newest_first, reverse=True)
        people = [
            entities.person_roles(as_text(a.metadata.get("presider")), as_text(a.metadata.get("people")))
            for a in newest
        ]
        documents = [entities.document_roles(as_text(a.metadata.get("documents"), "")) for a in newest]
        self.persons = entities.group(zip(newest, people))
        self.documents = entities.group(zip(newest, documents))
        self.tags = self._group_taxonomy((a, getattr(a, "tags", ())) for a in newest)
        self.categories = self._group_taxonomy((a, [a.category] if hasattr(a, "category") else []) for a in newest)
        self.years = by_year_and_month(newest, attrgetter("date"))
        s = self.settings
        for entity in self.persons:
            entity.url = s["BULLETINS_PERSON_URL"].format(slug=entity.slug)
        for entity in self.documents:
            entity.url = s["BULLETINS_DOCUMENT_URL"].format(slug=entity.slug)
        for year in self.years:
            year.url = s["BULLETINS_YEAR_URL"].format(year=year.year)
            for month in year.months:
                month.url = s["BULLETINS_MONTH_URL"].format(year=month.year, month=month.month)
            year.timeline, _ = _timeline(year.items, f"timeline-{year.year}", f"{year.year}年")
        timeline, unit = _timeline(newest, "timeline-all")
        annotate_articles(newest, people, documents, self.persons, self.documents)
        self.context.update(
            bulletins_persons=self.persons,
            bulletins_documents=self.documents,
            bulletins_tags=self.tags,
            bulletins_categories=self.categories,
            bulletins_years=self.years,
            bulletins_timeline=timeline,
            bulletins_timeline_unit=unit,
            BULLETINS_PERSONS_URL=s["BULLETINS_PERSONS_URL"],
            BULLETINS_DOCUMENTS_URL=s["BULLETINS_DOCUMENTS_URL"],
            BULLETINS_TAGS_URL=s["BULLETINS_TAGS_URL"],
        )
        logger.info(
            "list_pages: %d persons, %d documents, %d tags, %d years",
            len(self.persons),
            len(self.documents),
            len(self.tags),
            len(self.years),
        )

    @staticmethod
    def _group_taxonomy(pairs):
        """Tags or categories as entities, keeping Pelican's objects (their slug and url)."""
        groups: dict[str, entities.Entity] = {}
        by_object: dict[int, entities.Entity] = {}  # articles share their wrappers: one name lookup each
        for article, wrappers in pairs:
            for wrapper in wrappers:
                entity = by_object.get(id(wrapper))
                if entity is None:
                    entity = groups.get(wrapper.name)
                    if entity is None:
                        entity = groups[wrapper.name] = entities.Entity(name=wrapper.name, slug=wrapper.slug)
                        entity.url = wrapper.url
                        entity.wrapper = wrapper
                    by_object[id(wrapper)] = entity
                entity.items.append(article)
        return sorted(groups.values(), key=lambda e: (-e.count, e.slug))

    def generate_output(self, writer):
        with batch(writer):  # rendered together, over BULLETINS_WRITE_JOBS processes
            self._write_lists(writer)
        self._write_category_feeds(writer)

    def _write_lists(self, writer):
        write = self._writer(writer)
        s = self.settings
        write(s["INDEX_SAVE_AS"], "index", self.newest)
        write(s["BULLETINS_PERSONS_URL"], "persons", self.persons)
        for person in self.persons:
            write(person.url, "person", person.entries(), person=person)
        write(s["BULLETINS_DOCUMENTS_URL"], "documents", self.documents)
        for document in self.documents:
            write(document.url, "document", document.items, document=document)
        write(s["BULLETINS_TAGS_URL"], "tags", self.tags)
        for tag in self.tags:
            write(tag.url, "tag", tag.items, tag=tag.wrapper, entity=tag)
        for category in self.categories:
            write(category.url, "category", category.items, category=category.wrapper, entity=category)
        for year in self.years:
            write(year.url, "period_archives", year.items, period=year)
            for month in year.months:
                write(month.url, "period_archives", month.items, period=month, year=year)

    def _write_category_feeds(self, writer):
        """What Pelican's generate_feeds does for categories (its category list is emptied)."""
        s = self.settings
        for key, feed_type in (("CATEGORY_FEED_ATOM", "atom"), ("CATEGORY_FEED_RSS", "rss")):
            if not s.get(key):
                continue
            for category in self.categories:
                path = str(s[key]).format(slug=category.slug)
                url = s.get(f"{key}_URL", str(s[key])).format(slug=category.slug)
                writer.write_feed(
                    category.items, self.context, path, url, feed_title=category.name, feed_type=feed_type
                )

    def _writer(self, writer):
        """``write(url, template, items, **kwargs)``: one file per page of ITEMS (a list of
        bulletins cut by content, the others by count: ``bulletins.site.paging``); the template
        gets ``<key>_page``, ``<key>_previous_page`` (newer), ``<key>_next_page`` (older) and,
        on the first page only, ``<key>_count``: later pages must not change when newer items
        arrive."""
        relative = self.settings["RELATIVE_URLS"]
        per_page_of = self.settings["PAGINATED_TEMPLATES"]

        code = readcache.recorded_key(self.settings)  # None: no list is taken whole
        cut_by = functools.cache(lambda: _cut_hashes(self.newest))  # made once, if a list is cut
        unchanged = getattr(writer, "unchanged_list", None) if code is not None else None

        def write(url, template_name, items, **kwargs):
            key = "entities" if template_name in ("persons", "documents", "tags") else "articles"
            template = self.get_template(template_name)
            per_page = per_page_of.get(template_name) or self.settings["DEFAULT_PAGINATION"] or 0
            # cut once, if at all: an unchanged list is not (the record names its pages)
            cut = functools.cache(lambda: _cut(items, per_page, url, cut_by() if key == "articles" else None))
            headings = {k: paging.heading(v) for k, v in kwargs.items()}  # what later pages show
            if unchanged is not None:
                rendering = (code, template.name, template_name, relative, per_page)
                described = list_key(rendering, items, kwargs, headings)
                if unchanged(url, described, lambda: [page.save_as for page, _, _ in cut()]):
                    return
            for page, newer, older in cut():
                writer.write_file(
                    page.save_as,
                    template,
                    self.context,
                    relative_urls=relative,
                    paginated={},
                    template_name=template_name,
                    url=page.url,
                    **_page_vars(key, page, newer, older, len(items)),
                    **(kwargs if page.first else headings),
                )

        return write


def _article(item):
    """A dated list's item: an article, or a person's ``(article, role)``."""
    return item[0] if type(item) is tuple else item


def _page_vars(key: str, page, newer, older, count: int) -> dict:
    """What a list's template reads of its PAGE: the page, its newer and older neighbours'
    links and, on the first page only, the list's COUNT."""
    return {
        f"{key}_page": page,
        f"{key}_previous_page": newer,
        f"{key}_next_page": older,
        f"{key}_count": count if page.first else None,
    }


def _cut(items: list, per_page: int, url: str, cut_by: dict[int, int] | None) -> list:
    """The pages of ITEMS at URL (``bulletins.site.paging``): cut by content where CUT_BY gives
    each article's hash (``_cut_hashes``: a list of bulletins), else by count."""
    if cut_by is None:
        return paging.paginate(items, per_page, url)
    hashes = [cut_by[id(_article(item))] for item in reversed(items)]
    return paging.paginate_dated(items, per_page, url, hashes, _day)


def _cut_hashes(articles) -> dict[int, int]:
    """What cuts the dated lists' pages (``paging.paginate_dated``), by article id: the hash of
    its URL, unique in the site and kept by an edit. Made once: the lists hold some ten entries
    an article, and a property read and a hash for each took 3 s at 100,000 bulletins."""
    return {id(article): paging.identity_hash(article.url) for article in articles}


def _day(item) -> str:
    return datefmt.iso_date(_article(item).date)


def list_key(rendering: tuple, items, kwargs: dict, headings: dict) -> str:
    """A digest of what every page of a list is rendered from, for the writer's
    ``unchanged_list``, which adds its templates and settings digest: RENDERING (the code and
    settings' key, ``readcache.recorded_key``, since another version may give its pages other
    arguments; the template; relative URLs; the paging), the ITEMS, the subjects (KWARGS) the
    first page shows and the HEADINGS later pages show. Each page's own fingerprint is a
    function of these."""
    described = (fingerprint.describe(items), fingerprint.describe(kwargs), fingerprint.describe(headings))
    return fingerprint.digest((*rendering, *described))
