"""Doc ids: the bulletins in date order, oldest first, each day given room for more.

A day's bulletins take the ids from the day's first id on, and the day takes ``capacity(n)``
ids for its n bulletins: n rounded up to a multiple of ``DAY_SLOTS``. So a bulletin added to
or removed from a day renumbers only that day's bulletins, unless the day's count crosses a
multiple of ``DAY_SLOTS`` (one change in sixteen, or a day that had no bulletin): the ids of
every other day stay, and with them the bytes of every posting list the day's bulletins are
not in (``splice``). With dense ids one bulletin removed from the oldest year renumbered every
bulletin after it, and nearly every term shard was written again.

The ids are a function of the dates alone (``assign``), so a rebuild and a cold build give
the same ones; the manifest carries the day counts and ``DAY_SLOTS``, from which the query
side makes the same ids (search-index.js ``dayRuns``). Unused ids are in no posting list.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

DAY_SLOTS = 16  # a day's ids are a multiple of this: about 1.4 ids a bulletin at 11 a day


def capacity(count: int) -> int:
    """The ids a day of COUNT bulletins takes."""
    return -(-count // DAY_SLOTS) * DAY_SLOTS


class DocIds:
    """The ids of bulletins given in doc-id order, one date at a time (``add``)."""

    def __init__(self):
        self.ids = array("q")  # 8 bytes an id
        self.day: str | None = None
        self.start = 0  # the first id of the current day
        self.ordinal = -1  # the current bulletin's place in its day

    def add(self, date: str) -> int:
        """The id of the next bulletin, dated DATE (never before the last one's date)."""
        if date != self.day:
            if self.day is not None:
                self.start += capacity(self.ordinal + 1)
            self.day, self.ordinal = date, -1
        self.ordinal += 1
        self.ids.append(self.start + self.ordinal)
        return self.ids[-1]

    @property
    def span(self) -> int:
        """How many ids the bulletins so far take (the ids lie below it)."""
        return self.start + capacity(self.ordinal + 1) if self.day is not None else 0

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int) -> int:
        return self.ids[position]


def assign(dates: Iterable[str]) -> list[int]:
    """The ids of bulletins with these DATES, given in doc-id order."""
    ids = DocIds()
    return [ids.add(date) for date in dates]
