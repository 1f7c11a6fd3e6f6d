"""Chinese date labels, independent of the system locale."""

from __future__ import annotations

import datetime as dt


def zh_date(value: dt.date | dt.datetime) -> str:
    """``2022-02-28`` -> ``2022年2月28日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def zh_month(year: int, month: int) -> str:
    """``(2022, 2)`` -> ``2022年2月``."""
    return f"{year}年{month}月"


def zh_year(year: int) -> str:
    """``2022`` -> ``2022年``."""
    return f"{year}年"


def iso_date(value: dt.date | dt.datetime) -> str:
    """The ``datetime`` attribute of a ``<time>`` element: ``2022-02-28``."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
