"""Per-article links the article template shows (computed once, never in templates)."""

from __future__ import annotations

from bulletins.models import split_documents, split_names
from bulletins.site.entities import Entity


def annotate_articles(newest: list, persons: list[Entity], documents: list[Entity]) -> None:
    """Set ``bulletins_presider``/``bulletins_people``/``bulletins_documents`` as (name, url)
    pairs, and ``bulletins_prev``/``bulletins_next`` (older / newer neighbour) on each article."""
    person_url = {e.name: e.url for e in persons}
    document_url = {e.name: e.url for e in documents}
    for article in newest:
        meta = article.metadata
        article.bulletins_presider = [(n, person_url[n]) for n in split_names(meta.get("presider"))]
        article.bulletins_people = [(n, person_url[n]) for n in split_names(meta.get("people"))]
        article.bulletins_documents = [
            (t, document_url[t]) for t in dict.fromkeys(split_documents(meta.get("documents")))
        ]
    for i, article in enumerate(newest):
        article.bulletins_next = newest[i - 1] if i > 0 else None
        article.bulletins_prev = newest[i + 1] if i + 1 < len(newest) else None
