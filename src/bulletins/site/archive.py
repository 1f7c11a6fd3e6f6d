"""Year and month groups of the archive, newest first (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Period(Generic[T]):
    year: int
    month: int | None  # None for a whole year
    items: list[T] = field(default_factory=list)
    months: list[Period[T]] = field(default_factory=list)  # a year's months, newest first

    @property
    def count(self) -> int:
        return len(self.items)


def by_year_and_month(items: Sequence[T], date_of: Callable[[T], object]) -> list[Period[T]]:
    """Group newest-first ITEMS into years, each with its months; one pass, order kept."""
    years: list[Period[T]] = []
    for item in items:
        d = date_of(item)
        if not years or years[-1].year != d.year:
            years.append(Period(d.year, None))
        year = years[-1]
        if not year.months or year.months[-1].month != d.month:
            year.months.append(Period(d.year, d.month))
        year.items.append(item)
        year.months[-1].items.append(item)
    return years
