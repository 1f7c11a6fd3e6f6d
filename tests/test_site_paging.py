"""List pages: by count (anchored at the oldest item) and by content (dated lists): the pages
after the first keep their items and names when other items arrive or go."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import random

import pytest

from bulletins.site.paging import (
    Heading,
    chunk_name,
    content_cuts,
    cuts,
    day_span,
    heading,
    identity_hash,
    paginate,
    paginate_dated,
)


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
    assert pages[-1][1].url == "bulletins/2022/index-2.html" and pages[-1][2] is None
    assert [(p.label, p.first) for p, _, _ in pages] == [("最新", True), ("第 2 页", False), ("第 1 页", False)]


@pytest.mark.parametrize("count", range(6, 60))
def test_a_page_keeps_its_number_as_newer_items_arrive(count):
    """Numbers count from the oldest page: a new item never renumbers a page after the first
    (numbered from the newest, every fifth item here renumbered every page)."""
    old = list(range(count))[::-1]
    new = [count, *old]
    before = {p.url: (p.label, p.first) for p, _, _ in paginate(old, 5, "index.html")}
    after = {p.url: (p.label, p.first) for p, _, _ in paginate(new, 5, "index.html")}
    assert all(after[url] == before[url] for url in before if url != "index.html")
    assert after["index.html"] == ("最新", True)


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


# --- dated lists: cut by content -------------------------------------------------------------

FIRST_DAY = dt.date(2010, 1, 1)


def dated(count: int, seed: int = 7, per_day: int = 3) -> list[tuple[str, str]]:
    """COUNT newest-first ``(url, day)`` items, up to PER_DAY a day."""
    rng = random.Random(seed)
    days, day = [], FIRST_DAY
    for _ in range(count):
        days.append(day.isoformat())
        day += dt.timedelta(days=rng.randrange(2) if per_day > 1 else 1)
    return [(f"b/{i:06d}.html", days[i]) for i in range(count)][::-1]


def hashes_of(items) -> list[int]:
    return [identity_hash(url) for url, _ in reversed(items)]


def pages_of(items, per_page=10, url="tags/x.html"):
    made = paginate_dated(items, per_page, url, hashes_of(items), lambda item: item[1])
    return {p.url: (p.label, p.object_list, newer and newer.url, older and older.url) for p, newer, older in made}


@pytest.mark.parametrize("per_page", [1, 2, 3, 10, 50])
def test_content_cuts_hold_half_to_twice_the_page_size(per_page):
    rng = random.Random(per_page)
    hashes = [rng.getrandbits(32) for _ in range(20_000)]
    stops = content_cuts(hashes, per_page)
    sizes = [b - a for a, b in zip([0, *stops], stops)]
    assert min(sizes) >= (per_page + 1) // 2 and max(sizes) <= 2 * per_page
    assert abs(sum(sizes) / len(sizes) - per_page) <= 0.1 * per_page + 0.2


@pytest.mark.parametrize("count", [0, 1, 5, 19, 20, 21, 57, 300, 2_000])
def test_dated_pages_keep_every_item_once_newest_first(count):
    items = dated(count)
    made = paginate_dated(items, 10, "index.html", hashes_of(items), lambda item: item[1])
    assert [item for page, _, _ in made for item in page.object_list] == items
    first = made[0][0]
    assert first.first and first.url == "index.html" and first.label == "最新"
    assert len(first.object_list) >= min(count, 5)  # never one or two items while older pages exist
    assert len({page.url for page, _, _ in made}) == len(made)
    for page, _, _ in made[1:]:
        oldest, newest = page.object_list[-1][1], page.object_list[0][1]
        assert page.url.startswith(f"index-{oldest}") and page.label == day_span(oldest, newest)


@pytest.mark.parametrize("change", ["remove", "add"])
@pytest.mark.parametrize("seed", range(6))
def test_a_change_anywhere_rewrites_only_the_pages_around_it(change, seed):
    """Cut by count, removing an old item rewrote every newer page; cut by content, the pages
    whose items, label or links differ are the one or two around the change and a neighbour."""
    items = dated(3_000, seed=seed)
    rng = random.Random(seed)
    at = rng.randrange(len(items))
    if change == "remove":
        changed = items[:at] + items[at + 1 :]
    else:
        changed = [*items[:at], (f"b/new-{seed}.html", items[at][1]), *items[at:]]
    before, after = pages_of(items), pages_of(changed)
    differ = {url for url in before.keys() | after.keys() if before.get(url) != after.get(url)}
    assert 1 <= len(differ) <= 5, (at, sorted(differ))
    assert len(before) > 250


def test_adding_the_newest_keeps_every_page_but_the_first_and_its_neighbour():
    items = dated(500)
    before = pages_of(items)
    for n in range(40):
        items = [(f"b/z{n:03d}.html", "2030-01-01"), *items]
        after = pages_of(items)
        differ = {url for url in before.keys() | after.keys() if before.get(url) != after.get(url)}
        assert "tags/x.html" in differ and len(differ) <= 3
        before = after


def test_pages_beginning_the_same_day_are_numbered_from_the_oldest():
    items = [(f"b/{i:03d}.html", "2021-03-04") for i in range(120)][::-1]
    urls = [url for url in pages_of(items, per_page=4) if url != "tags/x.html"][::-1]
    assert urls[:3] == ["tags/x-2021-03-04.html", "tags/x-2021-03-04-2.html", "tags/x-2021-03-04-3.html"]


def test_identity_hash_is_crc32_not_the_salted_str_hash():
    """A cold build and a rebuild, in other processes, cut the same pages."""
    assert identity_hash("a") == 0xE8B7BE43 and identity_hash("公报") == 0x434F3979  # its UTF-8


@pytest.mark.parametrize(
    "first, last, expected",
    [
        ("2018-06-12", "2018-06-12", "2018年6月12日"),
        ("2018-06-12", "2018-06-30", "2018年6月12日至30日"),
        ("2018-06-12", "2018-07-03", "2018年6月12日至7月3日"),
        ("2017-12-30", "2018-01-04", "2017年12月30日至2018年1月4日"),
    ],
)
def test_day_span(first, last, expected):
    assert day_span(first, last) == expected
