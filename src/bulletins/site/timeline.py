"""The archive timeline: bulletins per month as an inline SVG bar chart (no script).

The chart has a bounded size whatever the dates: one bar per month while the span fits in
``MAX_BARS`` months, else one bar per year, per ten years, per hundred... (the first unit
that fits), and the chart's description says which unit a bar stands for.
"""

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
MAX_BARS = 240  # 20 years of months; a wider span is drawn in years, decades, centuries...
# Years per bar -> (unit in "每…公报数量", what one bar stands for in the description).
UNITS = {1: ("年", "一年"), 10: ("十年", "十年"), 100: ("百年", "一百年"), 1000: ("千年", "一千年")}


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int


@dataclass(frozen=True)
class Bar:
    """One bar: bulletins from ``first`` to ``last`` (``(year, month)``, both included)."""

    first: tuple[int, int]
    last: tuple[int, int]
    count: int
    label: str  # what the bar's tooltip names: ``2022年2月``, ``2022年``, ``2020—2029年``
    tick: str | None  # axis label drawn under the bar, if any


@dataclass(frozen=True)
class Timeline:
    bars: tuple[Bar, ...]
    unit: str = "月"  # as in 每月公报数量: 月, 年, 十年, 百年, 千年
    per_bar: str = "一个月"  # what one bar stands for, as in 每条为一个月


def month_counts(months: Iterable[tuple[int, int]]) -> list[MonthCount]:
    """Count ``(year, month)`` pairs over the whole span, months without bulletins included."""
    return _series(Counter(months))


def _series(counts: Counter) -> list[MonthCount]:
    if not counts:
        return []
    (y0, m0), (y1, m1) = min(counts), max(counts)
    series = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        series.append(MonthCount(y, m, counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return series


def _month_bars(counts: Counter) -> Timeline:
    series = _series(counts)
    bars = tuple(
        Bar(
            (mc.year, mc.month),
            (mc.year, mc.month),
            mc.count,
            zh_month(mc.year, mc.month),
            str(mc.year) if mc.month == 1 or i == 0 else None,
        )
        for i, mc in enumerate(series)
    )
    return Timeline(bars)


def _span_label(start: int, years: int) -> str:
    return f"{start}年" if years == 1 else f"{start}—{start + years - 1}年"


def _year_bars(counts: Counter, years: int) -> Timeline:
    """One bar per YEARS years (1, 10, 100...), aligned on multiples of YEARS."""
    per_bucket = Counter()
    for (year, _month), n in counts.items():
        per_bucket[year // years] += n
    first, last = min(per_bucket), max(per_bucket)
    bars = []
    for i, bucket in enumerate(range(first, last + 1)):
        start = bucket * years
        tick = str(start) if i == 0 or bucket % 10 == 0 else None
        bars.append(Bar((start, 1), (start + years - 1, 12), per_bucket[bucket], _span_label(start, years), tick))
    unit, per_bar = UNITS.get(years, (f"{years}年", f"{years}年"))
    return Timeline(tuple(bars), unit, per_bar)


def build_timeline(months: Iterable[tuple[int, int]], max_bars: int = MAX_BARS) -> Timeline:
    """The bars of ``(year, month)`` pairs: months while they fit in MAX_BARS bars, else the
    smallest of 1, 10, 100... years per bar that does. Empty input gives no bars."""
    counts = Counter(months)
    if not counts:
        return Timeline(())
    (y0, m0), (y1, m1) = min(counts), max(counts)
    if (y1 - y0) * 12 + m1 - m0 + 1 <= max_bars:
        return _month_bars(counts)
    years = 1
    while y1 // years - y0 // years + 1 > max_bars:
        years *= 10
    return _year_bars(counts, years)


def render_svg(timeline: Timeline, ident: str, title: str) -> Markup:
    """An accessible ``<svg role="img">`` with ``<title>``/``<desc>``; one ``<rect>`` per bar.

    ``ident`` must be unique in the page (it prefixes the title/desc ids).
    """
    bars = timeline.bars
    if not bars:
        return Markup("")
    peak = max(bar.count for bar in bars) or 1
    width = len(bars) * (BAR + GAP) + GAP
    total = sum(bar.count for bar in bars)
    (fy, fm), (ly, lm) = bars[0].first, bars[-1].last
    span = f"{zh_month(fy, fm)}至{zh_month(ly, lm)}" if timeline.unit == "月" else f"{fy}年至{ly}年"
    desc = f"{span}，共{total}篇；每条为{timeline.per_bar}，最多的一条{peak}篇。"
    parts = [
        f'<svg class="timeline" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width} {HEIGHT + LABEL}" preserveAspectRatio="xMinYMax meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<line class="axis" x1="0" y1="{HEIGHT}" x2="{width}" y2="{HEIGHT}"/>',
    ]
    for i, bar in enumerate(bars):
        x = GAP + i * (BAR + GAP)
        h = round(bar.count / peak * (HEIGHT - 4)) if bar.count else 0
        parts.append(
            f'<rect class="bar" x="{x}" y="{HEIGHT - h}" width="{BAR}" height="{h}">'
            f"<title>{bar.label}：{bar.count}篇</title></rect>"
        )
        if bar.tick is not None:
            parts.append(f'<text class="label" x="{x}" y="{HEIGHT + LABEL - 4}">{bar.tick}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
