"""A seeded campaign of generated 公文 texts (``support.gongwen_variants``): every head, title,
附件说明, signature and 附注 form, in combination; each document's title, 文号, 发文机关,
成文日期, attachments and body read exactly."""

from __future__ import annotations

from collections import Counter

import pytest

from bulletins.ingest.gongwen import parse
from support.gongwen_variants import HEADS, variants

CASES = variants(100)


def test_the_campaign_covers_every_form():
    assert Counter(case.head for case in CASES) == dict.fromkeys(HEADS, 20)
    assert {len(case.attachments) for case in CASES} == {0, 1, 2}
    assert any("年" in line and "〇" in line for case in CASES for line in case.lines)
    assert any(line.startswith("附件1：") for case in CASES for line in case.lines)
    assert any(case.head == "order" and len(case.body) > 1 for case in CASES)  # rules after a 令's date


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{case.head}" for i, case in enumerate(CASES)])
def test_generated_document(case):
    found = parse(case.lines)
    got = (found.title, found.doc_number, found.publisher, found.date_written, found.attachments)
    assert got == (case.title, case.doc_number, case.publisher, case.date_written, case.attachments)
    assert found.body == case.body
