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

    PEOPLE and DOCUMENTS are each article's ``(name, role)`` lists, parallel to NEWEST. A name's
    pair is one tuple, shared by every article naming it (a document cited by thousands of
    bulletins: one pair, not one each).
    """
    person = {e.name: (e.name, e.url) for e in persons}  # one pair a name, shared by its articles
    document = {e.name: (e.name, e.url) for e in titles}
    for article, named, cited in zip(newest, people, documents):  # most name none: no generator made
        if named:
            article.bulletins_presider = tuple([person[n] for n, role in named if role == PRESIDED])
            article.bulletins_people = tuple([person[n] for n, role in named if role != PRESIDED])
        else:
            article.bulletins_presider = article.bulletins_people = ()
        article.bulletins_documents = tuple([document[t] for t, _ in cited]) if cited else ()
    for i, article in enumerate(newest):
        article.bulletins_next = newest[i - 1] if i > 0 else None
        article.bulletins_prev = newest[i + 1] if i + 1 < len(newest) else None
