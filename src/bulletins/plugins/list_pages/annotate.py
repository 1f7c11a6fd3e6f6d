"""Per-article links the article template shows (computed once, never in templates)."""

from __future__ import annotations

from collections.abc import Sequence

from bulletins.site.entities import PRESIDED, Entity


def annotate_articles(
    newest: list,
    people: Sequence[list[tuple[str, str]]],
    documents: Sequence[list[tuple[str, str]]],
    persons: list[Entity],
    titles: list[Entity],
) -> None:
    """Set ``bulletins_presider``/``bulletins_people``/``bulletins_documents`` as (name, url)
    pairs, and ``bulletins_prev``/``bulletins_next`` (older / newer neighbour) on each article.

    PEOPLE and DOCUMENTS are each article's ``(name, role)`` lists, parallel to NEWEST.
    """
    person_url = {e.name: e.url for e in persons}
    document_url = {e.name: e.url for e in titles}
    for article, named, cited in zip(newest, people, documents):  # most name none: no generator made
        if named:
            article.bulletins_presider = tuple([(n, person_url[n]) for n, role in named if role == PRESIDED])
            article.bulletins_people = tuple([(n, person_url[n]) for n, role in named if role != PRESIDED])
        else:
            article.bulletins_presider = article.bulletins_people = ()
        article.bulletins_documents = tuple([(t, document_url[t]) for t, _ in cited]) if cited else ()
    for i, article in enumerate(newest):
        article.bulletins_next = newest[i - 1] if i > 0 else None
        article.bulletins_prev = newest[i + 1] if i + 1 < len(newest) else None
