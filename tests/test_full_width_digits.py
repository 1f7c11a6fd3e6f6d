"""Full-width digits (``２０２４年３月５日``), as Word documents and some sites are typed: every
stage that reads a date or a number out of the text reads them as ASCII ones, and the text keeps
them. Each case found nothing before (the year was matched as ``19`` or ``20`` in ASCII)."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.ingest.dates import ascii_digits, find_full_date, parse_date, resolve_date
from bulletins.ingest.gazette import Issue, find_effective, find_expiry, parse_issue
from bulletins.ingest.headline import headline
from bulletins.ingest.mentions import find_doc_number
from bulletins.ingest.signing import signed

CASES = [
    pytest.param(lambda: find_full_date("２０２４年３月５日，区政府召开会议。"), dt.date(2024, 3, 5), id="full-date"),
    pytest.param(lambda: parse_date("２０２４年１１月５日"), dt.date(2024, 11, 5), id="date-line"),
    pytest.param(
        lambda: resolve_date(None, ["２０２３年３月５日，区政府召开会议。"], None),
        (dt.date(2023, 3, 5), "text"),
        id="bulletin-date",
    ),
    pytest.param(
        lambda: signed(("区政府召开会议。", "松岭县人民政府", "２０２４年３月５日")),
        ("松岭县人民政府", dt.date(2024, 3, 5)),
        id="signature",
    ),
    pytest.param(
        lambda: headline(["松岭县召开防汛会议", "２０２４年６月３日", "会议部署了防汛工作。"]),
        ("松岭县召开防汛会议", "2024-06-03"),
        id="headline",
    ),
    pytest.param(
        lambda: find_effective(["本办法自２０２４年７月１日起施行。"], None), dt.date(2024, 7, 1), id="in-force"
    ),
    pytest.param(lambda: find_expiry(["有效期至２０２７年１２月３１日。"]), dt.date(2027, 12, 31), id="expiry"),
    pytest.param(lambda: parse_issue("２０２５年第３期"), Issue(2025, 3, None), id="issue"),
    pytest.param(
        lambda: find_doc_number(["根据松政发〔２０２４〕１５号文件精神"]), "松政发〔2024〕15号", id="doc-number"
    ),
]


@pytest.mark.parametrize("read, expected", CASES)
def test_full_width_digits_are_read(read, expected):
    assert read() == expected


def test_only_digits_change_and_the_length_stays():
    text = "２０２４年度ＧＤＰ增长５．２％"
    assert ascii_digits(text) == "2024年度ＧＤＰ增长5．2％" and len(ascii_digits(text)) == len(text)
