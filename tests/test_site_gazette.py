"""Issue contents and meeting series pages (pure grouping, no Pelican)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bulletins.ingest.gazette import Issue, Series
from bulletins.plugins.gazette import generator
from bulletins.site.gazette import by_year, gaps, group_issues, group_series, series_rows, source_order
from bulletins.site.lifecycle import DocumentFacts

ENTRIES = [
    ("c", Issue(2025, 3), source_order("sources/gazette/2025年第3期/10-c.txt")),
    ("a", Issue(2025, 3, 812), source_order("sources/gazette/2025年第3期/2-a.txt")),
    ("x", Issue(2024, 24), source_order("sources/gazette/x.jsonl", 3)),
    ("y", Issue(2024, 24), source_order("sources/gazette/x.jsonl", 1)),
    ("d", Issue(2025, 4), source_order("sources/gazette/2025年第4期/1-d.txt")),
]


@pytest.fixture(scope="module")
def issues():
    return group_issues(ENTRIES, "issues/{key}.html")


def test_issues_in_order_with_their_documents(issues):
    assert [(g.label, g.items, g.url) for g in issues] == [
        ("2024年第24期", ["y", "x"], "issues/2024-24.html"),
        ("2025年第3期", ["a", "c"], "issues/2025-03.html"),
        ("2025年第4期", ["d"], "issues/2025-04.html"),
    ]


@pytest.mark.parametrize(
    "index, previous, following",
    [(0, None, "2025年第3期"), (1, "2024年第24期", "2025年第4期"), (2, "2025年第3期", None)],
)
def test_previous_and_next_issue(issues, index, previous, following):
    group = issues[index]
    assert (group.previous and group.previous.label, group.next and group.next.label) == (previous, following)


def test_overall_number_kept(issues):
    assert issues[1].total == 812


def test_index_by_year(issues):
    assert [(year, [g.issue.number for g in groups]) for year, groups in by_year(issues)] == [
        (2025, [3, 4]),
        (2024, [24]),
    ]


PUBLISHER = "澄溪区人民政府"
MEETINGS = [
    ("m12", PUBLISHER, Series("区政府常务会议", 12), 1),
    ("m9", PUBLISHER, Series("区政府常务会议", 9), 2),
    ("m14", PUBLISHER, Series("区政府常务会议", 14), 3),
    ("m14b", PUBLISHER, Series("区政府常务会议", 14), 0),
    ("m6", PUBLISHER, Series("区政府常务会议", 6), 4),
    ("other", "临江市某县人民政府", Series("区政府常务会议", 3), 5),
    ("lone", PUBLISHER, Series("区政府全体会议", 2), 6),
]


def test_series_grouped_by_publisher_and_name():
    groups = group_series(MEETINGS, "series/{slug}.html")
    assert [(g.name, g.publisher, g.count) for g in groups] == [("区政府常务会议", PUBLISHER, 5)]
    assert groups[0].url == f"series/{groups[0].slug}.html" and groups[0].slug.isascii()


def test_series_rows_show_gaps():
    group = group_series(MEETINGS)[0]
    rows = [(r.label, r.items) for r in series_rows(group)]
    assert rows == [
        ("第6次", ["m6"]),
        ("第7–8次", []),
        ("第9次", ["m9"]),
        ("第10–11次", []),
        ("第12次", ["m12"]),
        ("第13次", []),
        ("第14次", ["m14b", "m14"]),
    ]
    assert gaps(group) == [7, 8, 10, 11, 13]


@pytest.mark.parametrize(
    "a, b",
    [
        (("dir/2-a.txt", None), ("dir/10-a.txt", None)),
        (("x.jsonl", 2), ("x.jsonl", 11)),
        (("a/1.txt", None), ("b/0.txt", None)),
    ],
)
def test_source_order(a, b):
    assert source_order(*a) < source_order(*b)


def _search_doc(url, date, status=""):
    return {"url": url, "title": url, "date": date, "body": "河道管理", "status": status}


@pytest.mark.parametrize(
    "statuses, expected",
    [
        pytest.param(["", "", ""], None, id="no-status-no-key"),
        pytest.param(["已废止", "现行有效", "已修改"], [0], id="repealed"),
        pytest.param(["已失效", "已废止", ""], [0, 1], id="expired-and-repealed"),
    ],
)
def test_search_manifest_lists_what_is_not_in_force(tmp_path, statuses, expected):
    import json

    from bulletins.search.build import build_index
    from bulletins.search.docids import order

    dates = ["2020-01-01", "2021-01-01", "2022-01-01"]  # ids are oldest first: 2020 is 0, each day's in steps
    build_index([_search_doc(f"d{i}.html", d, s) for i, (d, s) in enumerate(zip(dates, statuses))], tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    ids = order([(d, f"d{i}.html") for i, d in enumerate(dates)]).ids  # one a day: in date order
    assert manifest.get("notInForce") == (None if expected is None else [ids[i] for i in expected])


# An article's metadata as Pelican gives it: each header of a document's life alone, several,
# none, and values that read as nothing (empty, a list, unparsable dates).
FACT_METADATA = [
    {},
    {"publisher": "澄川市人民政府", "source": "a.jsonl"},
    {"docnumber": "澄政发〔2023〕7号"},
    {"repeals": "《澄川市扬尘管理办法》（澄政发〔2019〕3号）"},
    {"amends": ["《关于调整公交票价的通知》", "澄政办〔2020〕12号"]},
    {"interprets": "《澄川市河道保护条例》"},
    {"dateeffective": "2023-05-01", "dateexpires": "2028-04-30"},
    {"dateeffective": "不是日期", "dateexpires": ""},
    {"validity": "废止"},
    {"validity": "未知"},
    {"datewritten": "2023-04-20"},
    {"datewritten": ""},
    {"repeals": "", "amends": None},
]


@pytest.mark.parametrize("metadata", FACT_METADATA)
def test_document_facts_without_life_headers_are_those_an_empty_header_gives(metadata):
    article = SimpleNamespace(
        metadata=metadata, source_path="content/a.md", title="关于印发《示例》的通知", date=dt.datetime(2023, 4, 25)
    )
    made = generator.document_facts(article)
    full = DocumentFacts(
        key="content/a.md", title=article.title, date=dt.date(2023, 4, 25), **generator._facts(metadata)
    )
    assert made == full
    assert (made.repeals, made.amends, made.interprets) == (full.repeals, full.amends, full.interprets)
    if metadata.keys().isdisjoint(generator.FACT_HEADERS):
        assert (made.doc_number, made.date_effective, made.validity, made.written) == ("", None, "", False)


class _Asked(dict):
    """Metadata that notes every key read from it."""

    def __init__(self):
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def test_the_fact_headers_are_every_header_the_facts_are_read_from():
    """A header read by ``_facts`` but missing from ``FACT_HEADERS`` would be dropped, unread, on
    every article that has no other such header."""
    metadata = _Asked()
    generator._facts(metadata)
    assert metadata.asked == generator.FACT_HEADERS
