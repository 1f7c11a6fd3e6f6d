"""Grouping bulletins by person, document, year and month (pure, Pelican-free)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bulletins.site import entities
from bulletins.site.archive import by_year_and_month


@pytest.mark.parametrize(
    "presider, people, expected",
    [
        pytest.param(
            "黄茂军",
            "黄孝明, 邓光怀",
            [("黄茂军", "presided"), ("黄孝明", "attended"), ("邓光怀", "attended")],
            id="meeting",
        ),
        pytest.param("", "黄孝明", [("黄孝明", "attended")], id="no-presider"),
        pytest.param(
            "黄茂军", "黄茂军, 梁栋", [("黄茂军", "presided"), ("梁栋", "attended")], id="presider-also-listed-once"
        ),
        pytest.param(None, " , 陈平 ,, 陈平", [("陈平", "attended")], id="blanks-and-repeats"),
        pytest.param("", "", [], id="nobody"),
    ],
)
def test_person_roles(presider, people, expected):
    assert entities.person_roles(presider, people) == expected


@pytest.mark.parametrize(
    "documents, expected",
    [
        pytest.param("《甲规划》《乙方案》", ["甲规划", "乙方案"], id="two"),
        pytest.param("《甲规划》《甲规划》", ["甲规划"], id="repeat-once"),
        pytest.param("《关于印发《乙办法》的通知》", ["关于印发《乙办法》的通知"], id="nested-kept"),
        pytest.param("", [], id="none"),
    ],
)
def test_document_roles(documents, expected):
    assert [t for t, role in entities.document_roles(documents)] == expected


def test_group_is_newest_first_and_counts_roles():
    newest = ["b3", "b2", "b1"]
    pairs = [
        ("b3", entities.person_roles("甲", "乙")),
        ("b2", entities.person_roles("", "甲")),
        ("b1", entities.person_roles("乙", "甲")),
    ]
    groups = {e.name: e for e in entities.group(pairs)}
    assert groups["甲"].items == newest
    assert groups["甲"].roles == ["presided", "attended", "attended"]
    assert groups["甲"].counts == {"presided": 1, "attended": 2}
    assert groups["乙"].entries() == [("b3", "attended"), ("b1", "presided")]


def test_group_orders_by_count_then_slug_and_slugs_are_unique():
    pairs = [
        ("a", [("工作动态·文化", "cited")]),
        ("b", [("工作动态•文化", "cited"), ("常务会议", "cited")]),
        ("c", [("常务会议", "cited")]),
    ]
    groups = entities.group(pairs)
    assert groups[0].name == "常务会议"
    assert len({g.slug for g in groups}) == 3


def _item(y, m, d):
    return SimpleNamespace(date=dt.date(y, m, d))


def test_by_year_and_month_keeps_order_and_counts():
    items = [_item(2023, 1, 6), _item(2022, 11, 10), _item(2022, 3, 15), _item(2022, 3, 1), _item(2022, 2, 28)]
    years = by_year_and_month(items, lambda i: i.date)
    assert [(y.year, y.count) for y in years] == [(2023, 1), (2022, 4)]
    assert [(m.month, m.count) for m in years[1].months] == [(11, 1), (3, 2), (2, 1)]
    assert years[1].months[1].items == items[2:4]


def test_by_year_and_month_empty():
    assert by_year_and_month([], lambda i: i.date) == []
