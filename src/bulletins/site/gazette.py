"""Gazette pages, pure: issues by year with their contents, meeting series with their gaps.

    group_issues([(item, Issue, order)]) -> list[IssueGroup]   (oldest issue first, linked)
    by_year(groups) -> [(year, [IssueGroup])]                     (newest year first)
    group_series([(item, publisher, Series, order)]) -> list[SeriesGroup]
    series_rows(group) -> [SeriesRow]                             (number order, gaps as ranges)

Items are anything (the plugin passes Pelican articles); ORDER is a sort key that puts an
issue's documents in the order the publisher gave them (source file, then line).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bulletins.ingest.gazette import Issue, Series


@dataclass
class IssueGroup:
    issue: Issue
    items: list = field(default_factory=list)
    url: str = ""
    previous: IssueGroup | None = None  # the issue before (older)
    next: IssueGroup | None = None  # the issue after (newer)

    @property
    def label(self) -> str:
        return self.issue.label

    @property
    def total(self) -> int | None:
        return self.issue.total


def group_issues(entries: Iterable[tuple[object, Issue, object]], url_pattern: str = "") -> list[IssueGroup]:
    """One group per (year, number), oldest first, items in ORDER, previous/next linked. An
    overall number given by any item is kept (the smallest, when items disagree)."""
    groups: dict[tuple[int, int], IssueGroup] = {}
    orders: dict[int, object] = {}
    for item, issue, order in entries:
        group = groups.setdefault((issue.year, issue.number), IssueGroup(Issue(issue.year, issue.number)))
        if issue.total and (group.issue.total is None or issue.total < group.issue.total):
            group.issue = issue
        group.items.append(item)
        orders[id(item)] = order
    ordered = [groups[key] for key in sorted(groups)]
    for i, group in enumerate(ordered):
        group.items.sort(key=lambda item: orders[id(item)])
        group.url = url_pattern.format(year=group.issue.year, number=group.issue.number, key=group.issue.key)
        group.previous = ordered[i - 1] if i else None
        group.next = ordered[i + 1] if i + 1 < len(ordered) else None
    return ordered


def by_year(groups: Iterable[IssueGroup]) -> list[tuple[int, list[IssueGroup]]]:
    """Issues of each year in number order, newest year first (the issue index)."""
    years: dict[int, list[IssueGroup]] = {}
    for group in groups:
        years.setdefault(group.issue.year, []).append(group)
    return [(year, sorted(years[year], key=lambda g: g.issue.number)) for year in sorted(years, reverse=True)]


_NATURAL = re.compile(r"(\d+)")


def source_order(source: str, line: object = None) -> tuple:
    """Sort key: the source path with its numbers compared as numbers (``2-b`` before ``10-a``), then the line."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _NATURAL.split(source or "") if p)
    return parts, int(line) if str(line or "").isdigit() else 0


# --- meeting series ------------------------------------------------------------------------


@dataclass
class SeriesRow:
    """One number of a series with its meetings, or a gap ``first``..``last`` with none."""

    first: int
    last: int
    items: list = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.items

    @property
    def label(self) -> str:
        return f"第{self.first}次" if self.first == self.last else f"第{self.first}–{self.last}次"


@dataclass
class SeriesGroup:
    name: str  # 区政府常务会议
    publisher: str
    slug: str = ""
    url: str = ""
    numbers: dict[int, list] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.numbers.values())

    @property
    def title(self) -> str:
        return f"{self.publisher} · {self.name}" if self.publisher else self.name


def series_slug(publisher: str, name: str) -> str:
    """ASCII and stable: a hash of the exact publisher and name."""
    return hashlib.sha1(f"{publisher}\n{name}".encode()).hexdigest()[:12]


def group_series(
    entries: Iterable[tuple[object, str, Series, object]], url_pattern: str = "", minimum: int = 2
) -> list[SeriesGroup]:
    """Meetings grouped by (publisher, series name), each number's meetings in ORDER; a series
    needs MINIMUM distinct numbers to get a page. Sorted by publisher and name."""
    groups: dict[tuple[str, str], SeriesGroup] = {}
    orders: dict[int, object] = {}
    for item, publisher, series, order in entries:
        group = groups.setdefault((publisher, series.name), SeriesGroup(series.name, publisher))
        group.numbers.setdefault(series.number, []).append(item)
        orders[id(item)] = order
    kept = [groups[key] for key in sorted(groups) if len(groups[key].numbers) >= minimum]
    for group in kept:
        for items in group.numbers.values():
            items.sort(key=lambda item: orders[id(item)])
        group.slug = series_slug(group.publisher, group.name)
        group.url = url_pattern.format(slug=group.slug)
    return kept


def series_rows(group: SeriesGroup) -> list[SeriesRow]:
    """Numbers from the lowest to the highest held: each held number a row, each run of missing
    numbers one gap row (``第7次 — 未收录``, ``第8–10次 — 未收录``)."""
    rows: list[SeriesRow] = []
    previous = None
    for number in sorted(group.numbers):
        if previous is not None and number > previous + 1:
            rows.append(SeriesRow(previous + 1, number - 1))
        rows.append(SeriesRow(number, number, list(group.numbers[number])))
        previous = number
    return rows


def gaps(group: SeriesGroup) -> list[int]:
    """The missing numbers of a series (for counts and tests)."""
    held = sorted(group.numbers)
    return [n for n in range(held[0], held[-1] + 1) if n not in group.numbers] if held else []


# --- JSON-LD -------------------------------------------------------------------------------

_FORCE = "https://schema.org/InForce", "https://schema.org/NotInForce"


def _work(related, public_url: str, kind: str = "Legislation") -> dict:
    data = {"@type": kind, "name": related.title if "《" in related.title else f"《{related.title}》"}
    if related.doc_number:
        data["legislationIdentifier"] = related.doc_number
    if public_url and related.url:
        data["url"] = public_url.rstrip("/") + "/" + related.url
    return data


def gazette_jsonld(view, issue_label: str = "", issue_number: int | None = None, public_url: str = "") -> dict:
    """What the gazette adds to an article's JSON-LD: schema.org's Legislation terms (legal
    force, repeals, amends, both ways with ``@reverse``), ``about``/``subjectOf`` between a 解读
    and its original, ``expires`` and the gazette issue it appeared in. URLs only when the
    site's public address is known (a relative URL would resolve against the page)."""
    data: dict = {}
    if issue_label:
        data["isPartOf"] = {"@type": "PublicationIssue", "name": issue_label, "issueNumber": str(issue_number or "")}
    if view is None:
        return data
    if view.status:
        data["@type"] = ["NewsArticle", "Legislation"]
        data["legislationLegalForce"] = _FORCE[0] if view.in_force else _FORCE[1]
    if view.date_expires:
        data["expires"] = view.date_expires.isoformat()
    if view.date_effective:
        end = view.date_expires.isoformat() if view.date_expires else ".."
        data["temporalCoverage"] = f"{view.date_effective.isoformat()}/{end}"
    forward = (("legislationRepeals", view.repeals, "Legislation"), ("legislationAmends", view.amends, "Legislation"))
    for name, items, kind in (*forward, ("about", view.interprets, "Legislation")):
        if items:
            data[name] = [_work(d, public_url, kind) for d in items]
    backward = {
        "legislationRepeals": view.repealed_by,
        "legislationAmends": view.amended_by,
        "about": view.interpretations,
    }
    reverse = {name: [_work(d, public_url, "CreativeWork") for d in items] for name, items in backward.items() if items}
    if reverse:
        data["@reverse"] = reverse
    return data
