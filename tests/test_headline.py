"""A text that opens with its headline and a line that is only its date (``ingest/headline.py``):
the title and date of the bulletin, not the first paragraphs of its body."""

from __future__ import annotations

import pytest

from bulletins.ingest import official
from bulletins.ingest.headline import headline
from bulletins.models import Context, RawBulletin

BODY = "5月6日，青溪区召开防汛工作会议，部署今年防汛工作。"


@pytest.mark.parametrize(
    "lines, expected",
    [
        pytest.param(
            ("青溪区召开防汛工作会议", "2023年5月6日", BODY), ("青溪区召开防汛工作会议", "2023-05-06"), id="date"
        ),
        pytest.param(
            ("青溪区召开防汛工作会议", "2023-05-06", BODY), ("青溪区召开防汛工作会议", "2023-05-06"), id="iso"
        ),
        pytest.param(
            ("青溪区召开防汛工作会议", "发布时间：2023/5/6 09:30", BODY),
            ("青溪区召开防汛工作会议", "2023-05-06"),
            id="labelled-with-a-time",
        ),
        pytest.param((BODY, "2023年5月6日", BODY), None, id="a-sentence-is-no-headline"),
        pytest.param(("青溪区召开防汛工作会议", "2023年5月6日，青溪区召开会议。", BODY), None, id="a-dated-sentence"),
        pytest.param(("青溪区召开防汛工作会议", "2023年5月6日"), None, id="no-body"),
        pytest.param(("2023年5月6日", "2023年5月7日", BODY), None, id="a-date-is-no-headline"),
        pytest.param(("青溪区召开防汛工作会议", "2023年2月30日", BODY), None, id="a-date-that-does-not-exist"),
        pytest.param(("会议", "2023年5月6日", BODY), None, id="too-short"),
        pytest.param(("青" * 61, "2023年5月6日", BODY), None, id="too-long"),
    ],
)
def test_headline(lines, expected):
    assert headline(lines) == expected


def _raw(text: str, context: Context | None = None, **fields) -> RawBulletin:
    context = context or Context()
    return RawBulletin(source="s/a.txt", text=text, source_hash="sha256:0", context=context, format="txt", **fields)


def test_the_headline_is_the_title_and_its_date_the_date():
    raw = _raw(f"青溪区召开防汛工作会议\n2023年5月6日\n{BODY}\n会议要求，各单位严格落实值班制度。")
    document = official.read(raw)
    meta = official.describe(raw, document)
    assert document.paragraphs == (BODY, "会议要求，各单位严格落实值班制度。")
    assert (meta.title, meta.title_source, meta.date.isoformat(), meta.date_source) == (
        "青溪区召开防汛工作会议",
        "source",
        "2023-05-06",
        "text",
    )


def test_traditional_headline_keeps_its_script():
    raw = _raw("青溪區召開防汛工作會議\n2023年5月6日\n5月6日，青溪區召開防汛工作會議。", context=Context(script="keep"))
    document = official.read(raw)
    assert official.describe(raw, document).title == "青溪區召開防汛工作會議"
    assert document.paragraphs == ("5月6日，青溪區召開防汛工作會議。",)


def test_a_title_the_source_gives_wins():
    raw = _raw(f"青溪区召开防汛工作会议\n2023年5月6日\n{BODY}", title="防汛会议")
    document = official.read(raw)
    assert document.headline is None and document.paragraphs[0] == "青溪区召开防汛工作会议"
