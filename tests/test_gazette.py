"""Gazette facts read from text: issues (期), meeting series, effective and expiry dates."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.ingest.gazette import (
    DocumentLife,
    Issue,
    Series,
    add_years,
    cn_number,
    document_life,
    find_effective,
    find_expiry,
    is_official,
    issue_from_path,
    parse_issue,
    parse_series,
    status_on,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025年第3期", Issue(2025, 3)),
        ("2025年 第 3 期", Issue(2025, 3)),
        ("2025-3", Issue(2025, 3)),
        ("2025-03", Issue(2025, 3)),
        ("2025/3", Issue(2025, 3)),
        ("2025年第三期", Issue(2025, 3)),
        ("2025年第十二期", Issue(2025, 12)),
        ("2025年第3期（总第812期）", Issue(2025, 3, 812)),
        ("澄溪区人民政府公报2025年第3期(总第812期)", Issue(2025, 3, 812)),
        ("总第812期", None),
        ("第3期", None),
        ("2025年第0期", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_issue(value, expected):
    assert parse_issue(value) == expected


def test_issue_forms():
    issue = Issue(2025, 3, 812)
    assert (issue.label, issue.key, issue.header()) == ("2025年第3期", "2025-03", "2025年第3期（总第812期）")
    assert parse_issue(issue.header()) == issue


@pytest.mark.parametrize(
    "path, expected",
    [
        ("sources/gazette/2025年第3期/01-notice.txt", Issue(2025, 3)),
        ("sources/公报2025年第4期/a.txt", Issue(2025, 4)),
        ("sources/2025年第3期/sub/a.txt", Issue(2025, 3)),
        ("sources/2025/a.txt", None),
        ("a.txt", None),
    ],
)
def test_issue_from_path(path, expected):
    assert issue_from_path(path) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("林晓东主持召开区政府第14次常务会议", Series("区政府常务会议", 14)),
        ("区政府第7次常务会议", Series("区政府常务会议", 7)),
        ("澄溪区人民政府第二十次全体会议召开", Series("澄溪区人民政府全体会议", 20)),
        ("区委常委会召开第3次理论学习中心组会议", None),
        ("第3次会议", None),
        ("学习《甲》第3次会议", None),
        ("关于开展河道检查的通知", None),
    ],
)
def test_parse_series(title, expected):
    assert parse_series(title) == expected


@pytest.mark.parametrize(
    "text, expected", [("12", 12), ("１２", 12), ("十二", 12), ("二十", 20), ("一百零五", 105), ("x", None)]
)
def test_cn_number(text, expected):
    assert cn_number(text) == expected


ISSUED = dt.date(2024, 2, 10)


@pytest.mark.parametrize(
    "paragraphs, effective, expires",
    [
        pytest.param(
            ["本办法自2024年3月1日起施行，有效期5年。"], dt.date(2024, 3, 1), dt.date(2029, 2, 28), id="years"
        ),
        pytest.param(
            ["本通知自印发之日起施行，有效期至2027年12月31日。"], ISSUED, dt.date(2027, 12, 31), id="on-issue-until"
        ),
        pytest.param(
            ["本意见有效期为2024年4月1日至2026年3月31日。", "本意见自2024年4月1日起实施。"],
            dt.date(2024, 4, 1),
            dt.date(2026, 3, 31),
            id="between",
        ),
        pytest.param(
            ["《甲办法》自2020年1月1日起施行。", "本办法自2024年3月1日起施行，原《甲办法》自2024年3月1日起废止。"],
            dt.date(2024, 3, 1),
            None,
            id="own-sentence-wins-repeal-date-not-expiry",
        ),
        pytest.param(
            ["本规定试行期为两年，自2024年2月29日起试行。"], dt.date(2024, 2, 29), dt.date(2026, 2, 28), id="leap"
        ),
        pytest.param(
            ["本批复自发布之日起30日后施行，有效期3年。"],
            dt.date(2024, 3, 11),  # 30 days after 2024-02-10, over 29 February
            dt.date(2027, 3, 10),
            id="days-after-issue",
        ),
        pytest.param(["本办法自公布之日起三十日后施行。"], ISSUED + dt.timedelta(days=30), None, id="days-in-words"),
        pytest.param(["《澄溪区甲条例》自公布之日起30日后施行。"], None, None, id="a-cited-document-later"),
        pytest.param(["有效期5年。"], None, None, id="years-without-start"),
        pytest.param(["区水利局开展检查。"], None, None, id="nothing"),
        pytest.param(
            ["新修订的《澄溪区甲条例》自2024年5月1日起施行。"], None, None, id="a-cited-document-takes-effect"
        ),
    ],
)
def test_effective_and_expiry(paragraphs, effective, expires):
    found = find_effective(paragraphs, ISSUED)
    assert found == effective
    assert find_expiry(paragraphs, found) == expires


def test_add_years_end_of_february():
    assert add_years(dt.date(2024, 3, 1), 1) == dt.date(2025, 2, 28)


def test_document_life():
    paragraphs = ["本办法自2024年3月1日起施行，有效期5年。《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）同时废止。"]
    life = document_life("澄溪区河道管理办法", paragraphs, dt.date(2024, 2, 10), "2024年 第 3 期")
    assert life == DocumentLife(
        issue="2024年第3期",
        date_effective=dt.date(2024, 3, 1),
        date_expires=dt.date(2029, 2, 28),
        repeals=("《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）",),
    )


@pytest.mark.parametrize(
    "life, official, expected",
    [
        (DocumentLife(date_expires=dt.date(2023, 12, 31)), True, "已失效"),
        (DocumentLife(date_expires=dt.date(2026, 12, 31)), False, "现行有效"),
        (DocumentLife(), True, "现行有效"),
        (DocumentLife(interprets=("《甲办法》",)), False, ""),
        (DocumentLife(), False, ""),
    ],
)
def test_status_on(life, official, expected):
    assert status_on(life, official, dt.date(2025, 6, 1)) == expected


@pytest.mark.parametrize(
    "title, number, written, expected",
    [
        ("澄溪区停车管理规定", "澄府发〔2021〕5号", False, True),
        ("澄溪区人民政府关于印发《甲办法》的通知", "澄府发〔2024〕3号", False, True),
        ("澄溪区河道管理办法（试行）", "澄府发〔2024〕3号", False, True),
        ("澄溪区2024年重点工作安排", "澄府发〔2024〕1号", True, True),
        ("区水利局开展河道检查", "澄府发〔2023〕4号", False, False),
        ("澄溪区停车管理规定", "", True, False),
    ],
)
def test_is_official(title, number, written, expected):
    assert is_official(title, number, written) is expected
