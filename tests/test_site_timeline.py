"""The archive timeline SVG: one bar per month, gaps included, accessible, no markup leaks,
and a bounded size however far apart the dates are."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bulletins.site.timeline import MAX_BARS, Bar, Timeline, build_timeline, month_counts, render_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    "months, expected",
    [
        pytest.param(
            [(2022, 2), (2022, 2), (2022, 4)], [(2022, 2, 2), (2022, 3, 0), (2022, 4, 1)], id="gap-month-is-zero"
        ),
        pytest.param([(2022, 12), (2023, 1)], [(2022, 12, 1), (2023, 1, 1)], id="year-boundary"),
        pytest.param([(2023, 5)], [(2023, 5, 1)], id="single-month"),
        pytest.param([], [], id="empty"),
    ],
)
def test_month_counts(months, expected):
    assert [(m.year, m.month, m.count) for m in month_counts(months)] == expected


def test_svg_structure_and_accessibility():
    timeline = build_timeline([(2022, 2)] * 4 + [(2022, 4)] * 2 + [(2023, 1)])
    svg = render_svg(timeline, "t-all", "每月公报数量")
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-all-title t-all-desc"
    assert root.find(f"{SVG}title").text == "每月公报数量"
    assert "2022年2月至2023年1月，共7篇" in root.find(f"{SVG}desc").text
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 12
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == max(heights) and heights[1] == 0 and heights[2] == heights[0] / 2
    assert bars[0].find(f"{SVG}title").text == "2022年2月：4篇"
    assert "style=" not in svg


# (dates as (year, month) pairs, unit of a bar, number of bars, first bar's tooltip)
SPREADS = {
    "twenty-years-of-months": ([(2005, 1), (2024, 12)], "月", 240, "2005年1月"),
    "one-month-too-many": ([(2005, 1), (2025, 1)], "年", 21, "2005年"),
    "a-century": ([(1925, 3), (2024, 7)], "年", 100, "1925年"),
    "three-centuries": ([(1750, 1), (2024, 1)], "十年", 28, "1750—1759年"),
    "year-1000-and-9999": ([(1000, 1), (9999, 12)], "百年", 90, "1000—1099年"),
    "beyond-datetime": ([(1, 1), (99999, 1)], "千年", 100, "0—999年"),
}


@pytest.mark.parametrize("months, unit, count, first", SPREADS.values(), ids=SPREADS.keys())
def test_wide_spans_are_drawn_in_larger_units(months, unit, count, first):
    timeline = build_timeline(months)
    assert (timeline.unit, len(timeline.bars), timeline.bars[0].label) == (unit, count, first)
    assert sum(bar.count for bar in timeline.bars) == len(months)
    assert len(timeline.bars) <= MAX_BARS


def test_years_1000_and_9999_make_a_small_svg():
    svg = str(render_svg(build_timeline([(1000, 1), (9999, 12)]), "t", "每百年公报数量"))
    root = ET.fromstring(svg)
    assert len(root.findall(f"{SVG}rect")) == 90
    assert len(svg) < 20_000, len(svg)
    assert "每条为一百年" in root.find(f"{SVG}desc").text
    assert "1000年至9999年" in root.find(f"{SVG}desc").text


def test_title_is_escaped():
    svg = render_svg(Timeline((Bar((2022, 1), (2022, 1), 3, "2022年1月", "2022"),)), "x", "<script>alert(1)</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_empty_series_renders_nothing():
    assert render_svg(build_timeline([]), "x", "t") == ""


def test_ids_are_prefixed():
    svg = render_svg(build_timeline([(2022, 1)]), "timeline-2022", "t")
    assert set(re.findall(r'id="([^"]+)"', svg)) == {"timeline-2022-title", "timeline-2022-desc"}
