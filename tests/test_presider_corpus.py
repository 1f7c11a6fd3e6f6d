"""On the real corpus: who presided, read from the body with the title withheld."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bulletins.ingest.metadata import extract_metadata
from bulletins.models import Context, RawBulletin
from support.metadata import record_paragraphs
from support.shared import bulletin_records

pytestmark = pytest.mark.corpus

# X is a name: 2-4 Han characters, or an ethnic-minority name joined by ·
TITLE_PRESIDER = re.compile(r"^([\u4e00-\u9fff]{2,4}?|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8})主持召开.")


def _presided_records() -> list[tuple[str, dict]]:
    rows = []
    for record in bulletin_records():
        match = TITLE_PRESIDER.match(record.get("title") or "")
        if match:
            rows.append((match.group(1), record))
    return rows


def test_presider_found_without_the_title():
    rows = _presided_records()
    assert 128 <= len(rows) <= 138, len(rows)
    misses = []
    for expected, record in rows:
        raw = RawBulletin(
            source="bulletins-2022-2024.jsonl.gz",
            text="",
            source_hash="sha256:0",
            context=Context(),
            date=record["date"],
            title=None,
        )
        meta = extract_metadata(replace(raw, source_id=record["id"]), record_paragraphs(record["html"]))
        assert meta.title_source == "generated"
        if meta.presider != expected:
            misses.append((record["id"], expected, meta.presider))
    share = 1 - len(misses) / len(rows)
    print(f"\npresider = title's X for {len(rows) - len(misses)}/{len(rows)} records ({share:.1%}); misses: {misses}")
    assert share >= 0.95
