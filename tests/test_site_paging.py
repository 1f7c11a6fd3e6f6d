"""Anchored pagination: pages after the first keep their items when newer ones arrive."""

from __future__ import annotations

import functools
import operator

import pytest

from bulletins.site.paging import Heading, chunk_name, cuts, heading, paginate


@pytest.mark.parametrize(
    "count, per_page, expected",
    [
        pytest.param(0, 3, [(1, 0, 0, None)], id="empty"),
        pytest.param(3, 3, [(1, 0, 3, None)], id="one-full-page"),
        pytest.param(4, 3, [(1, 0, 4, None)], id="remainder-joins-first-page"),
        pytest.param(6, 3, [(1, 0, 3, None), (2, 3, 6, 1)], id="two-full-chunks"),
        pytest.param(8, 3, [(1, 0, 5, None), (2, 5, 8, 1)], id="first-page-up-to-twice"),
        pytest.param(9, 3, [(1, 0, 3, None), (2, 3, 6, 2), (3, 6, 9, 1)], id="three"),
        pytest.param(5, 0, [(1, 0, 5, None)], id="no-pagination"),
    ],
)
def test_cuts(count, per_page, expected):
    assert [(c.number, c.start, c.stop, c.chunk) for c in cuts(count, per_page)] == expected


@pytest.mark.parametrize("count", range(6, 40))
def test_adding_newer_items_keeps_every_chunk(count):
    old = list(range(count))[::-1]  # newest first: the largest number is the newest item
    new = [count, *old]
    before = {page.url: page.object_list for page, _, _ in paginate(old, 5, "tags/x.html")}
    after = {page.url: page.object_list for page, _, _ in paginate(new, 5, "tags/x.html")}
    kept = [url for url in before if url != "tags/x.html"]
    assert all(after[url] == before[url] for url in kept)
    assert sorted(functools.reduce(operator.iadd, after.values(), [])) == sorted(new)  # nothing lost, nothing twice


def test_paginate_links_and_names():
    pages = paginate(list(range(7)), 2, "bulletins/2022/index.html")
    assert [p.url for p, _, _ in pages] == [
        "bulletins/2022/index.html",
        "bulletins/2022/index-2.html",
        "bulletins/2022/index-1.html",
    ]
    first, newer, older = pages[0]
    assert first.object_list == [0, 1, 2] and newer is None and older.url == "bulletins/2022/index-2.html"
    assert pages[-1][1].number == 2 and pages[-1][2] is None
    assert [(p.number, p.first) for p, _, _ in pages] == [(3, True), (2, False), (1, False)]


@pytest.mark.parametrize("count", range(6, 60))
def test_a_page_keeps_its_number_as_newer_items_arrive(count):
    """Numbers count from the oldest page: a new item never renumbers a page after the first
    (numbered from the newest, every fifth item here renumbered every page)."""
    old = list(range(count))[::-1]
    new = [count, *old]
    before = {p.url: (p.number, p.first) for p, _, _ in paginate(old, 5, "index.html")}
    after = {p.url: (p.number, p.first) for p, _, _ in paginate(new, 5, "index.html")}
    assert all(after[url] == before[url] for url in before if url != "index.html")
    assert after["index.html"][1] and after["index.html"][0] == len(after)


@pytest.mark.parametrize(
    "path, chunk, expected",
    [
        ("index.html", None, "index.html"),
        ("index.html", 3, "index-3.html"),
        ("persons/a-1f.html", 2, "persons/a-1f-2.html"),
    ],
)
def test_chunk_name(path, chunk, expected):
    assert chunk_name(path, chunk) == expected


def test_heading_drops_counts():
    from bulletins.site.entities import Entity

    person = Entity(name="周明远", slug="zhou-ming-yuan-299aef1c", items=[1, 2])
    person.url = "persons/zhou-ming-yuan-299aef1c.html"
    assert heading(person) == Heading(name="周明远", slug="zhou-ming-yuan-299aef1c", url=person.url)
    tag = object()
    assert heading(tag) is tag
