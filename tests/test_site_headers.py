"""Hand-edited headers made buildable: one string per field, bad fields dropped with a note,
articles that cannot be built skipped with a reason (``bulletins.site.headers``)."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.site.headers import (
    MAX_VALUE,
    as_text,
    clean_header,
    date_problem,
    instant_problem,
    merge,
    slug_problem,
)

TEMPLATES = frozenset({"article", "article_wide"})
GOOD = {
    "title": ["周明远主持召开区政府第5次常务会议"],
    "date": ["2022-02-28"],
    "slug": ["ljq-2022-0228-cwhy5"],
    "people": ["林晓东, 何芳"],
    "tags": ["常务会议, 数字经济"],
    "source": ["sources/2022/cwhy5.txt"],
}


def header(**changes):
    """GOOD with CHANGES (a field set to None is left out), cleaned."""
    meta = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    return clean_header(meta, stem="cwhy5-file", templates=TEMPLATES)


@pytest.mark.parametrize(
    "value, problem",
    [
        pytest.param("2022-02-28", None, id="day"),
        pytest.param("2022-2-8", None, id="short-month-and-day"),
        pytest.param("2022-02-28 09:30", None, id="with-time"),
        pytest.param("2022-02-28T09:30:00+08:00", None, id="iso-with-zone"),
        pytest.param("1000-01-01", None, id="year-1000"),
        pytest.param("9999-12-31", None, id="year-9999"),
        pytest.param("0999-01-01", "outside the years", id="year-999"),
        pytest.param("0001-01-01", "outside the years", id="year-1"),
        pytest.param("99999-01-01", "not a YYYY-MM-DD date", id="five-digit-year"),
        pytest.param("2024-13-45", "not a real day", id="month-13"),
        pytest.param("2023-02-29", "not a real day", id="not-a-leap-year"),
        pytest.param("2022", "not a YYYY-MM-DD date", id="year-only-would-take-today"),
        pytest.param("2022年2月28日", "not a YYYY-MM-DD date", id="chinese-date"),
        pytest.param("garbage", "not a YYYY-MM-DD date", id="garbage"),
        pytest.param("2022-02-28<script>", "not a YYYY-MM-DD date", id="trailing-markup"),
    ],
)
def test_date_problem(value, problem):
    found = date_problem(value)
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize(
    "value, zone, ok",
    [
        pytest.param(dt.datetime(2022, 2, 28), "Asia/Shanghai", True, id="ordinary"),
        pytest.param(dt.datetime(9999, 12, 31, 23), "Asia/Shanghai", True, id="last-year-east-of-utc"),
        pytest.param(dt.datetime(9999, 12, 31, 23), "America/New_York", False, id="last-year-west-of-utc"),
        pytest.param(
            dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-12))), "UTC", False, id="offset"
        ),
        pytest.param(dt.datetime(1000, 1, 1), "Pacific/Kiritimati", True, id="year-1000-far-east"),
    ],
)
def test_instant_problem(value, zone, ok):
    assert (instant_problem(value, zone) is None) == ok


@pytest.mark.parametrize(
    "value, ok",
    [
        pytest.param("ljq-2022-0228-cwhy5", True, id="ingest-slug"),
        pytest.param("Rec_12.v2", True, id="letters-digits-dot-underscore"),
        pytest.param("../../pwned", False, id="traversal"),
        pytest.param("a/b", False, id="folder"),
        pytest.param("-x", False, id="leading-dash"),
        pytest.param("周明远", False, id="not-ascii"),
        pytest.param("x" * 121, False, id="too-long"),
        pytest.param("index", False, id="month-archive-page"),
        pytest.param("INDEX-2", False, id="month-archive-second-page"),
        pytest.param("index-x", True, id="only-like-an-archive-page"),
    ],
)
def test_slug_problem(value, ok):
    assert (slug_problem(value) is None) == ok


@pytest.mark.parametrize(
    "meta, fields, notes",
    [
        pytest.param({"title": ["甲"]}, {"title": "甲"}, [], id="one-line"),
        pytest.param({"title": ["  甲 "]}, {"title": "甲"}, [], id="stripped"),
        pytest.param({"summary": [""]}, {}, [], id="empty-left-out"),
        pytest.param(
            {"people": ["甲, 乙", "丙"]}, {"people": "甲, 乙, 丙"}, ["People given 2 times: joined"], id="people"
        ),
        pytest.param(
            {"documents": ["《甲》", "《乙》"]}, {"documents": "《甲》《乙》"}, ["Documents given"], id="documents"
        ),
        pytest.param(
            {"presider": ["甲", "乙"]}, {"presider": "甲"}, ["Presider given 2 times: kept the first"], id="first"
        ),
        pytest.param({"category": ["", "乙"]}, {"category": "乙"}, [], id="one-empty-of-two"),
        pytest.param({"sourceline": "3"}, {"sourceline": "3"}, [], id="a-plain-string"),
    ],
)
def test_merge(meta, fields, notes):
    merged, found = merge(meta)
    assert merged == fields
    assert len(found) == len(notes) and all(n in f for n, f in zip(notes, found))


@pytest.mark.parametrize(
    "changes, dropped, note",
    [
        pytest.param({"template": ["nonexistent"]}, "template", "Template dropped", id="unknown-template"),
        pytest.param({"template": ["index"]}, "template", "not a template", id="a-list-template"),
        pytest.param({"status": ["publish-now"]}, "status", "Status dropped", id="unknown-status"),
        pytest.param({"sourceline": ["abc"]}, "sourceline", "SourceLine dropped", id="sourceline-abc"),
        pytest.param({"sourceline": ["-3"]}, "sourceline", "not a line number", id="sourceline-negative"),
        pytest.param({"save_as": ["../../pwned.html"]}, "save_as", "Save_as dropped", id="save-as"),
        pytest.param({"url": ["index.html"]}, "url", "URL dropped", id="url"),
        pytest.param({"lang": ["<script>"]}, "lang", "Lang dropped", id="lang"),
        pytest.param({"modified": ["昨天"]}, "modified", "Modified dropped", id="modified"),
        pytest.param({"summary": ["长" * (MAX_VALUE + 1)]}, "summary", "longer than", id="huge-summary"),
    ],
)
def test_a_bad_field_is_dropped_with_a_note(changes, dropped, note):
    result = header(**changes)
    assert result.skip is None and dropped not in result.fields
    assert len(result.notes) == 1 and note in result.notes[0]


@pytest.mark.parametrize(
    "changes, kept",
    [
        pytest.param({"template": ["article_wide"]}, ("template", "article_wide"), id="template-of-the-theme"),
        pytest.param({"status": ["Hidden"]}, ("status", "Hidden"), id="status-any-case"),
        pytest.param({"sourceline": ["12"]}, ("sourceline", "12"), id="sourceline"),
        pytest.param({"lang": ["zh-CN"]}, ("lang", "zh-CN"), id="lang"),
    ],
)
def test_a_good_field_is_kept(changes, kept):
    result = header(**changes)
    assert result.fields[kept[0]] == kept[1] and result.notes == () and result.skip is None


@pytest.mark.parametrize(
    "changes, reason",
    [
        pytest.param({"title": None}, "no usable Title", id="no-title"),
        pytest.param({"title": [""]}, "no usable Title", id="empty-title"),
        pytest.param({"title": ["长" * (MAX_VALUE + 1)]}, "no usable Title", id="huge-title"),
        pytest.param({"date": None}, "no usable Date", id="no-date"),
        pytest.param({"date": ["0999-01-01"]}, "outside the years", id="year-999"),
        pytest.param({"date": ["2024-13-45"]}, "not a real day", id="month-13"),
    ],
)
def test_an_article_that_cannot_be_built_is_skipped(changes, reason):
    assert reason in header(**changes).skip


@pytest.mark.parametrize(
    "slug, stem, expected",
    [
        pytest.param(None, "cwhy5-file", "cwhy5-file", id="missing"),
        pytest.param(["../../pwned"], "cwhy5-file", "cwhy5-file", id="traversal"),
        pytest.param(["index"], "cwhy5-file", "cwhy5-file", id="reserved"),
        pytest.param(["../../pwned"], "坏 文件", None, id="file-name-cannot-stand-in"),
    ],
)
def test_the_file_name_stands_in_for_a_bad_slug(slug, stem, expected):
    meta = {**GOOD, "slug": slug} if slug else {k: v for k, v in GOOD.items() if k != "slug"}
    result = clean_header(meta, stem=stem, templates=TEMPLATES)
    if expected is None:
        assert "Slug" in result.skip
    else:
        assert result.fields["slug"] == expected and result.skip is None and len(result.notes) == 1


def test_a_page_needs_no_date_and_loses_a_bad_one():
    result = clean_header(
        {"title": ["关于"], "slug": ["about"], "date": ["昨天"]}, stem="about", templates={"page"}, article=False
    )
    assert result.skip is None and "date" not in result.fields and "Date dropped" in result.notes[0]


def test_a_good_header_has_no_notes():
    assert header() == clean_header(GOOD, stem="x", templates=TEMPLATES)
    assert header().notes == () and header().fields["people"] == "林晓东, 何芳"


@pytest.mark.parametrize(
    "value, sep, expected",
    [
        ("甲, 乙", ", ", "甲, 乙"),
        (["甲", "乙"], ", ", "甲, 乙"),
        (["《甲》", "《乙》"], "", "《甲》《乙》"),
        (None, ", ", ""),
        (3, ", ", "3"),
    ],
)
def test_as_text(value, sep, expected):
    assert as_text(value, sep) == expected
