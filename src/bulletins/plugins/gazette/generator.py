"""GazetteGenerator: one pass over ``context["articles"]`` for issues, series and lifecycles.

It reads each article's header (``Issue``, ``DocNumber``, ``DateEffective``, ``DateExpires``,
``Repeals``, ``Amends``, ``Interprets``, ``Validity``), resolves the relations across the
archive once (``bulletins.site.lifecycle``), sets on each article what its page shows
(``bulletins_lifecycle``, ``bulletins_issue``, ``bulletins_series``: plain values, so the
incremental writer can fingerprint them) and writes the issue index, one contents page per
issue and one page per meeting series. Without issue data no issue page is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.generators import Generator

from bulletins.ingest.gazette import parse_issue, parse_series
from bulletins.ingest.relations import AMENDS, INTERPRETS, REPEALS, parse_references
from bulletins.plugins import statuses_settled
from bulletins.plugins.incremental.writer import batch
from bulletins.site import gazette, lifecycle
from bulletins.site.config import Option, settings_check, url_pattern
from bulletins.site.headers import as_text

logger = logging.getLogger(__name__)


def _is_build_date(value: object) -> bool:
    return value == "" or (isinstance(value, str) and lifecycle.parse_date(value) is not None)


OPTIONS = (
    Option("BULLETINS_ISSUES_URL", "issues.html", url_pattern(), "a relative .html path"),
    Option("BULLETINS_ISSUE_URL", "issues/{key}.html", url_pattern("key"), "a relative .html pattern with {key}"),
    Option("BULLETINS_SERIES_URL", "series/{slug}.html", url_pattern("slug"), "a relative .html pattern with {slug}"),
    Option("BULLETINS_BUILD_DATE", "", _is_build_date, "'' (today) or an ISO date like 2025-06-01"),
)
MAX_LOGGED = 50  # unresolved references listed one per line; the rest counted

configure = settings_check(OPTIONS)


def get_generators(pelican):
    return GazetteGenerator


@dataclass(frozen=True)
class IssueLink:
    label: str
    url: str
    total: int | None = None
    number: int | None = None


@dataclass(frozen=True)
class SeriesLink:
    title: str
    url: str
    number: int


def build_date(settings) -> dt.date:
    """The date statuses are relative to: ``BULLETINS_BUILD_DATE``, or today in the site's TIMEZONE."""
    given = lifecycle.parse_date(settings.get("BULLETINS_BUILD_DATE", ""))
    if given:
        return given
    try:
        return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()
    except (ZoneInfoNotFoundError, ValueError):
        return dt.date.today()


# The headers a document's life is read from; an article with none of them (most bulletins)
# takes the facts an empty header gives, made once (``_NO_FACTS``).
FACT_HEADERS = frozenset(
    {"repeals", "amends", "interprets", "docnumber", "dateeffective", "dateexpires", "validity", "datewritten"}
)


def document_facts(article) -> lifecycle.DocumentFacts:
    meta = article.metadata
    facts = _NO_FACTS if meta.keys().isdisjoint(FACT_HEADERS) else _facts(meta)
    return lifecycle.DocumentFacts(key=article.source_path, title=article.title, date=article.date.date(), **facts)


def _facts(meta) -> dict:
    """What the headers of METADATA say of a document's life, as ``DocumentFacts`` fields."""
    return {
        "doc_number": as_text(meta.get("docnumber")),
        "date_effective": lifecycle.parse_date(as_text(meta.get("dateeffective"))),
        "date_expires": lifecycle.parse_date(as_text(meta.get("dateexpires"))),
        "repeals": parse_references(as_text(meta.get("repeals"), "; "), REPEALS),
        "amends": parse_references(as_text(meta.get("amends"), "; "), AMENDS),
        "interprets": parse_references(as_text(meta.get("interprets"), "; "), INTERPRETS),
        "validity": lifecycle.parse_validity(as_text(meta.get("validity"))),
        "written": bool(meta.get("datewritten")),
    }


_NO_FACTS = _facts({})  # strings, None, empty tuples and False: nothing an article could change


def _order(article):
    meta = article.metadata
    return (
        gazette.source_order(as_text(meta.get("source")), as_text(meta.get("sourceline"))),
        article.date,
        article.slug,
    )


def log_unresolved(unresolved: list[lifecycle.Unresolved]) -> None:
    for item in unresolved[:MAX_LOGGED]:
        logger.warning("gazette: unresolved reference %s", item)
    if len(unresolved) > MAX_LOGGED:
        logger.warning("gazette: %d more unresolved references", len(unresolved) - MAX_LOGGED)


class GazetteGenerator(Generator):
    """Reads ``context["articles"]`` after the ArticlesGenerator; writes issue and series pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.context[lifecycle.STATUSES_PENDING] = True  # every generator is made before any makes its context

    def generate_context(self):
        articles = list(self.context.get("articles", ()))
        today = self.today = build_date(self.settings)
        facts = [document_facts(a) for a in articles]
        resolution = lifecycle.resolve(facts, today)
        log_unresolved(resolution.unresolved)
        urls = {a.source_path: a.url for a in articles}
        shown = lifecycle.views(resolution, facts, urls, today)
        for article in articles:
            article.bulletins_lifecycle = shown.get(article.source_path)
            article.bulletins_status = resolution.documents[article.source_path].status
        self._group(articles)
        # Also a setting: the incremental writer fingerprints every page with the settings, and
        # every page's navigation gains (or loses) the link when the first issue comes (or goes).
        self.settings["BULLETINS_ISSUES_NAV"] = self.settings["BULLETINS_ISSUES_URL"] if self.issues else ""
        self._set_jsonld(articles)
        self.context.update(
            bulletins_issue_years=gazette.by_year(self.issues),
            bulletins_issues_url=self.settings["BULLETINS_ISSUES_URL"] if self.issues else None,
            bulletins_series=self.series,
            bulletins_build_date=today,
            **{lifecycle.STATUSES_PENDING: False},
            bulletins_gazette_urls=[
                *([self.settings["BULLETINS_ISSUES_URL"]] if self.issues else []),
                *(group.url for group in self.issues),
                *(group.url for group in self.series),
            ],
        )
        logger.info(
            "gazette: %d documents with a status, %d relations unresolved, %d issues, %d series",
            sum(1 for f in facts if resolution.documents[f.key].status),
            len(resolution.unresolved),
            len(self.issues),
            len(self.series),
        )
        statuses_settled.send(self)

    def _set_jsonld(self, articles) -> None:
        """What each article's JSON-LD gains (read by site_meta's ``bulletins_jsonld``), None
        when nothing (most articles: ``compact.slim`` then keeps it off the article)."""
        public = self.settings.get("BULLETINS_PUBLIC_URL", "")
        for article in articles:
            issue = article.bulletins_issue
            article.bulletins_jsonld = (
                gazette.gazette_jsonld(
                    article.bulletins_lifecycle, issue.label if issue else "", issue.number if issue else None, public
                )
                or None
            )

    def _group(self, articles) -> None:
        s = self.settings
        issued = [(a, parse_issue(as_text(a.metadata.get("issue")))) for a in articles]
        self.issues = gazette.group_issues(
            ((a, issue, _order(a)) for a, issue in issued if issue), s["BULLETINS_ISSUE_URL"]
        )
        meetings = [(a, parse_series(a.title)) for a in articles]
        self.series = gazette.group_series(
            ((a, as_text(a.metadata.get("publisher")), found, _order(a)) for a, found in meetings if found),
            s["BULLETINS_SERIES_URL"],
        )
        for article in articles:
            article.bulletins_issue = article.bulletins_series = None
        for group in self.issues:
            for article in group.items:
                article.bulletins_issue = IssueLink(group.label, group.url, group.total, group.issue.number)
        for group in self.series:
            for number, items in group.numbers.items():
                for article in items:
                    article.bulletins_series = SeriesLink(group.title, group.url, number)

    def generate_output(self, writer):
        def write(url, template, **kwargs):
            writer.write_file(
                url,
                self.get_template(template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                template_name=template,
                url=url,
                **kwargs,
            )

        with batch(writer):  # rendered together, over BULLETINS_WRITE_JOBS processes
            if self.issues:
                years = [(year, [issue_page(g) for g in groups]) for year, groups in gazette.by_year(self.issues)]
                write(self.settings["BULLETINS_ISSUES_URL"], "issues", issue_years=years)
            for group in self.issues:
                statuses = [a.bulletins_status for a in group.items]  # plain values: part of the fingerprint
                write(group.url, "issue", issue=issue_page(group), articles=group.items, statuses=statuses)
            for group in self.series:
                rows = [{"label": r.label, "gap": r.gap, "articles": r.items} for r in gazette.series_rows(group)]
                write(group.url, "series", series=series_page(group), rows=rows)


def _link(group) -> dict | None:
    return {"label": group.label, "url": group.url} if group else None


def issue_page(group: gazette.IssueGroup) -> dict:
    """Plain values (the incremental writer fingerprints them): label, url, count, neighbours."""
    return {
        "label": group.label,
        "url": group.url,
        "total": group.total,
        "year": group.issue.year,
        "number": group.issue.number,
        "count": len(group.items),
        "previous": _link(group.previous),
        "next": _link(group.next),
    }


def series_page(group: gazette.SeriesGroup) -> dict:
    numbers = sorted(group.numbers)
    return {
        "title": group.title,
        "name": group.name,
        "publisher": group.publisher,
        "url": group.url,
        "count": group.count,
        "first": numbers[0],
        "last": numbers[-1],
        "gaps": len(gazette.gaps(group)),
    }
