"""schema.org JSON-LD for an article page.

The template embeds the dict with Jinja's ``tojson`` filter, which escapes ``<``, ``>``, ``&``
and ``'`` so no value can close the ``<script type="application/ld+json">`` block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BulletinFacts:
    """What the JSON-LD says about one bulletin, already as plain strings."""

    title: str
    date: str  # ISO date
    url: str = ""  # absolute when the site has a public URL, else relative
    identifier: str = ""
    publisher: str = ""
    region: str = ""
    doc_number: str = ""
    category: str = ""
    keywords: Sequence[str] = ()
    people: Sequence[str] = ()
    documents: Sequence[str] = ()
    summary: str = ""
    source_url: str = ""


def article_jsonld(facts: BulletinFacts) -> dict:
    """A ``NewsArticle`` with the official metadata; empty fields are left out."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": facts.title,
        "datePublished": facts.date,
        "inLanguage": "zh-CN",
    }
    optional = {
        "url": facts.url,
        "description": facts.summary,
        "articleSection": facts.category,
        "keywords": ", ".join(facts.keywords),
        "isBasedOn": facts.source_url if facts.source_url.startswith(("http://", "https://")) else "",
    }
    data.update({key: value for key, value in optional.items() if value})
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("索引号", facts.identifier), ("文号", facts.doc_number))
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers
    if facts.publisher:
        data["publisher"] = {"@type": "GovernmentOrganization", "name": facts.publisher}
    if facts.region:
        data["spatialCoverage"] = {"@type": "Place", "name": facts.region}
    if facts.people:
        data["mentions"] = [{"@type": "Person", "name": name} for name in facts.people]
    if facts.documents:
        data["citation"] = [{"@type": "CreativeWork", "name": f"《{title}》"} for title in facts.documents]
    return data
