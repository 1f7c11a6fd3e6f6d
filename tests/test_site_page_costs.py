"""Cheaper ways to the same pages: header dates read without dateutil, and the parts every
page repeats made once per key (the site header per depth and section)."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment
from pelican.utils import get_date

from bulletins.plugins.article_headers.reader import iso_day
from bulletins.plugins.site_meta.generator import once_per_key


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2022-02-28", id="ingest-date"),
        pytest.param("2024-02-29", id="leap-day"),
        pytest.param("1949-10-01", id="oldest-default-year"),
        pytest.param("0999-01-01", id="year-before-1000"),
    ],
)
def test_iso_day_is_what_pelican_reads(value):
    day = iso_day(value)
    assert day == get_date(value)
    assert type(day) is type(get_date(value))
    assert day.tzinfo is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2023-02-29", id="not-a-real-day"),
        pytest.param("2022-2-28", id="one-digit-month"),
        pytest.param("2022-02-28 10:00", id="with-a-time"),
        pytest.param("２０２２-02-28", id="full-width-digits"),
        pytest.param("2022_02_28", id="underscores"),
        pytest.param(["2022-02-28"], id="a-list"),
    ],
)
def test_iso_day_leaves_every_other_value_to_pelican(value):
    assert iso_day(value) is None


TEMPLATES = {
    "_header.html": '<a href="{{ SITEURL }}/">{{ SITENAME }}</a>{% if section %} [{{ section }}]{% endif %}\n',
    "page.html": '{{ once_per_key("_header.html", SITEURL, section) }}',
}


@pytest.mark.parametrize(
    ("pages", "expected", "made"),
    [
        pytest.param([("..", None)] * 3, ['<a href="../">公报档案</a>'] * 3, 1, id="one-depth"),
        pytest.param(
            [("..", None), ("../..", None), ("..", None)],
            ['<a href="../">公报档案</a>', '<a href="../../">公报档案</a>', '<a href="../">公报档案</a>'],
            2,
            id="two-depths",
        ),
        pytest.param(
            [(".", "home"), (".", None), (".", "home")],
            ['<a href="./">公报档案</a> [home]', '<a href="./">公报档案</a>', '<a href="./">公报档案</a> [home]'],
            2,
            id="sections",
        ),
    ],
)
def test_once_per_key_makes_a_part_once_for_each_key(pages, expected, made):
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.globals.update(once_per_key=once_per_key, SITENAME="公报档案")
    loads = []
    real = env.get_template
    env.get_template = lambda name, *args: loads.append(name) or real(name, *args)
    template = env.get_template("page.html")
    assert [template.render(SITEURL=root, section=section) for root, section in pages] == expected
    assert loads.count("_header.html") == made
