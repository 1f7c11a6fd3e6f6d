"""Group bulletins by the people and documents they name (pure; Pelican-free).

Input is newest-first ``(item, [(name, role), ...])`` pairs, so every group is newest-first
too and is built in one pass over the archive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bulletins.models import split_documents, split_names
from bulletins.site.slugs import unique_slugs

T = TypeVar("T")

PRESIDED = "presided"
ATTENDED = "attended"
CITED = "cited"


@dataclass
class Entity(Generic[T]):
    """One person or document and the bulletins naming it, newest first."""

    name: str
    slug: str
    items: list[T] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # parallel to ``items``
    counts: Counter = field(default_factory=Counter)
    # set by the list pages' generator: declared, so that every entity's attributes come in one
    # order and share their dict's keys (some 110 bytes an entity less than set afterwards)
    url: str = ""
    wrapper: object = None  # a tag's or category's Pelican object

    @property
    def count(self) -> int:
        return len(self.items)

    def entries(self) -> list[tuple[T, str]]:
        return list(zip(self.items, self.roles))


def person_roles(presider: str | None, people: str | None) -> list[tuple[str, str]]:
    """Header values -> ``[(name, role)]``: the presider first; a name is listed once."""
    seen: set[str] = set()
    roles: list[tuple[str, str]] = []
    for name in split_names(presider):
        if name not in seen:
            seen.add(name)
            roles.append((name, PRESIDED))
    for name in split_names(people):
        if name not in seen:
            seen.add(name)
            roles.append((name, ATTENDED))
    return roles


def document_roles(documents: str | None) -> list[tuple[str, str]]:
    """``"《甲》《乙》《甲》"`` -> ``[("甲", "cited"), ("乙", "cited")]``."""
    return [(title, CITED) for title in dict.fromkeys(split_documents(documents))]


def group(pairs: Iterable[tuple[T, Sequence[tuple[str, str]]]]) -> list[Entity[T]]:
    """Group items by name; sorted by number of bulletins (descending), then by slug."""
    by_name: dict[str, Entity[T]] = {}
    for item, names in pairs:
        for name, role in names:
            entity = by_name.get(name)
            if entity is None:
                entity = by_name[name] = Entity(name=name, slug="")
            entity.items.append(item)
            entity.roles.append(role)
            entity.counts[role] += 1
    slugs = unique_slugs(by_name)
    for name, entity in by_name.items():
        entity.slug = slugs[name]
    return sorted(by_name.values(), key=lambda e: (-e.count, e.slug))
