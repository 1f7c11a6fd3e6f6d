"""Bulletin dates: the source's date, one in the text, the context year, the range of years."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.ingest.dates import YearRange, check_year, parse_source_date, resolve_date
from bulletins.models import BulletinError, MissingYear

# --- dates ---------------------------------------------------------------------------------

DATE_CASES = [
    pytest.param(
        "2022-02-28",
        ["3月1日，会议召开。"],
        None,
        (dt.date(2022, 2, 28), "record"),
        id="iso-record-wins-over-text",
    ),
    pytest.param("2022年2月28日", [], None, (dt.date(2022, 2, 28), "record"), id="chinese-record-date"),
    pytest.param("2022/2/28", [], None, (dt.date(2022, 2, 28), "record"), id="slash-record-date"),
    pytest.param("20220228", [], None, (dt.date(2022, 2, 28), "record"), id="compact-record-date"),
    pytest.param("2022-02-28 09:30:00", [], None, (dt.date(2022, 2, 28), "record"), id="record-with-time"),
    pytest.param(
        None,
        ["2023年3月5日，区政府召开会议。"],
        2022,
        (dt.date(2023, 3, 5), "text"),
        id="full-date-beats-context-year",
    ),
    pytest.param(
        None,
        ["2月28日，区政府召开会议。"],
        2022,
        (dt.date(2022, 2, 28), "text+context-year"),
        id="month-day-takes-context-year",
    ),
    pytest.param(
        None,
        ["２０２３年３月５日，区政府召开会议。"],
        None,
        (dt.date(2023, 3, 5), "text"),
        id="full-width-digits",  # before: no date, and the bulletin was left out
    ),
    pytest.param(
        "２０２３-０３-０５",
        [],
        None,
        (dt.date(2023, 3, 5), "record"),
        id="full-width-record-date",
    ),
    pytest.param(
        None,
        ["区政府召开会议。", "二〇二二年三月一日"],
        None,
        (dt.date(2022, 3, 1), "text"),
        id="chinese-numeral-date-at-the-end",
    ),
    pytest.param(
        None,
        ["3月5日，区政府召开会议。", "要求2022年6月30日前完成。"],
        2022,
        (dt.date(2022, 3, 5), "text+context-year"),
        id="lead-month-day-beats-body-deadline",
    ),
    pytest.param(
        None,
        ["3月5日，区政府召开会议。", "要求2022年6月30日前完成。"],
        None,
        (dt.date(2022, 6, 30), "text"),
        id="body-full-date-when-no-context-year",
    ),
    pytest.param(
        None,
        ["6月26日至28日在北京举行。"],
        2024,
        (dt.date(2024, 6, 26), "text+context-year"),
        id="date-range-takes-its-start",
    ),
    pytest.param(None, ["日期：2022-02-28"], None, (dt.date(2022, 2, 28), "text"), id="iso-date-in-text"),
    pytest.param(
        None,
        ["二〇二三年十十月一日，区政府召开会议。", "要求2023年6月30日前完成。"],
        None,
        (dt.date(2023, 6, 30), "text"),
        id="malformed-chinese-numerals-are-not-a-date",
    ),
    pytest.param(
        None, ["二〇二三年十二月三十一日，区政府召开会议。"], None, (dt.date(2023, 12, 31), "text"), id="chinese-tens"
    ),
    pytest.param("0999-01-01", [], None, (dt.date(999, 1, 1), "record"), id="early-record-date-read-as-given"),
]


@pytest.mark.parametrize(("source_date", "paragraphs", "year", "expected"), DATE_CASES)
def test_resolve_date(source_date, paragraphs, year, expected):
    assert resolve_date(source_date, paragraphs, year) == expected


DATE_ERRORS = [
    pytest.param(
        None,
        ["2月30日，区政府召开会议。"],
        2022,
        BulletinError,
        "date 2月30日 does not exist",
        id="february-30th",
    ),
    pytest.param(None, ["2022年13月1日，会议。"], None, BulletinError, "does not exist", id="month-13"),
    pytest.param("2022-02-30", [], None, BulletinError, "does not exist", id="invalid-record-date"),
    pytest.param("next tuesday", [], None, BulletinError, "cannot read the source date", id="unreadable-record-date"),
    pytest.param(None, ["区政府召开会议。"], 2022, BulletinError, "no date", id="no-date-at-all"),
    pytest.param(
        None, ["二〇二三年十十月一日，区政府召开会议。"], None, BulletinError, "no date", id="chinese-ten-ten"
    ),
    pytest.param("99999-01-01", [], None, BulletinError, "cannot read the source date", id="five-digit-year"),
    pytest.param(
        None,
        ["2月28日，区政府召开会议。"],
        None,
        MissingYear,
        "date 2月28日 has no year",
        id="month-day-without-year",
    ),
]


@pytest.mark.parametrize(("source_date", "paragraphs", "year", "error", "message"), DATE_ERRORS)
def test_resolve_date_errors(source_date, paragraphs, year, error, message):
    with pytest.raises(error, match=message):
        resolve_date(source_date, paragraphs, year)


def test_record_date_is_kept_exactly():
    assert parse_source_date(" 2024-12-31 ") == dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    ("date", "years", "ok"),
    [
        pytest.param(dt.date(2023, 5, 6), (1949, 2027), True, id="inside"),
        pytest.param(dt.date(1949, 1, 1), (1949, 2027), True, id="first-year-included"),
        pytest.param(dt.date(2027, 12, 31), (1949, 2027), True, id="last-year-included"),
        pytest.param(dt.date(999, 1, 1), (1949, 2027), False, id="three-digit-year"),
        pytest.param(dt.date(1, 1, 1), (1949, 2027), False, id="year-one"),
        pytest.param(dt.date(9999, 1, 1), (1949, 2027), False, id="year-9999"),
        pytest.param(dt.date(999, 1, 1), (1, 9999), True, id="widened"),
    ],
)
def test_check_year(date, years, ok):
    if ok:
        check_year(date, years)
    else:
        with pytest.raises(BulletinError, match=rf"^date {date.year:04d}-\d\d-\d\d is outside {years[0]}-{years[1]}"):
            check_year(date, years)


def test_default_range_ends_next_year():
    assert YearRange().bounds(dt.date(2026, 11, 30)) == (1949, 2027)
    assert YearRange(1900, 2030).bounds(dt.date(2026, 11, 30)) == (1900, 2030)
