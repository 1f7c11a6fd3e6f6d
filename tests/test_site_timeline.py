"""The archive timeline SVG: one bar per month, gaps included, accessible, no markup leaks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bulletins.site.timeline import MonthCount, month_counts, render_svg

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
    series = month_counts([(2022, 2)] * 4 + [(2022, 4)] * 2 + [(2023, 1)])
    svg = render_svg(series, "t-all", "每月公报数量")
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


def test_title_is_escaped():
    svg = render_svg([MonthCount(2022, 1, 3)], "x", "<script>alert(1)</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_empty_series_renders_nothing():
    assert render_svg([], "x", "t") == ""


def test_ids_are_prefixed():
    svg = render_svg([MonthCount(2022, 1, 1)], "timeline-2022", "t")
    assert set(re.findall(r'id="([^"]+)"', svg)) == {"timeline-2022-title", "timeline-2022-desc"}
