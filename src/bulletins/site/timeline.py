"""The archive timeline: bulletins per month as an inline SVG bar chart (no script)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from bulletins.site.datefmt import zh_month

BAR = 12
GAP = 3
HEIGHT = 120
LABEL = 18


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int


def month_counts(months: Iterable[tuple[int, int]]) -> list[MonthCount]:
    """Count ``(year, month)`` pairs over the whole span, months without bulletins included."""
    counts = Counter(months)
    if not counts:
        return []
    (y0, m0), (y1, m1) = min(counts), max(counts)
    series = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        series.append(MonthCount(y, m, counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return series


def render_svg(series: list[MonthCount], ident: str, title: str) -> Markup:
    """An accessible ``<svg role="img">`` with ``<title>``/``<desc>``; one ``<rect>`` per month.

    ``ident`` must be unique in the page (it prefixes the title/desc ids).
    """
    if not series:
        return Markup("")
    peak = max(mc.count for mc in series) or 1
    width = len(series) * (BAR + GAP) + GAP
    total = sum(mc.count for mc in series)
    first, last = series[0], series[-1]
    desc = (
        f"{zh_month(first.year, first.month)}至{zh_month(last.year, last.month)}，共{total}篇；最多的一个月{peak}篇。"
    )
    parts = [
        f'<svg class="timeline" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width} {HEIGHT + LABEL}" preserveAspectRatio="xMinYMax meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<line class="axis" x1="0" y1="{HEIGHT}" x2="{width}" y2="{HEIGHT}"/>',
    ]
    for i, mc in enumerate(series):
        x = GAP + i * (BAR + GAP)
        h = round(mc.count / peak * (HEIGHT - 4)) if mc.count else 0
        parts.append(
            f'<rect class="bar" x="{x}" y="{HEIGHT - h}" width="{BAR}" height="{h}">'
            f"<title>{zh_month(mc.year, mc.month)}：{mc.count}篇</title></rect>"
        )
        if mc.month == 1 or i == 0:
            parts.append(f'<text class="label" x="{x}" y="{HEIGHT + LABEL - 4}">{mc.year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
