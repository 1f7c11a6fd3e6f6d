"""decode_bytes: every supported encoding round-trips; BOMs; bad bytes give clear reasons."""

from __future__ import annotations

import codecs

import pytest

from bulletins.ingest.decode import DecodeError, common_han_share, decode_bytes
from support.sources import SIMPLIFIED, TRADITIONAL, seed_text

# (row id, text, how the bytes are made, encoding decode_bytes should report)
ROUND_TRIPS = [
    ("utf8-simplified", SIMPLIFIED, lambda t: t.encode("utf-8"), "utf-8"),
    ("utf8-bom", SIMPLIFIED, lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
    ("utf16le-bom", TRADITIONAL, lambda t: t.encode("utf-16"), "utf-16-le"),
    ("utf16be-bom", TRADITIONAL, lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
    ("utf16le-no-bom-nul-pattern", TRADITIONAL, lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf16be-no-bom-nul-pattern", TRADITIONAL, lambda t: t.encode("utf-16-be"), "utf-16-be"),
    (
        "utf16le-no-bom-han-only-no-nuls",
        "青溪区人民政府关于防汛工作的通知",
        lambda t: t.encode("utf-16-le"),
        "utf-16-le",
    ),
    ("utf16be-no-bom-han-only", "青溪区人民政府关于防汛工作的通知", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("utf16le-no-bom-ascii-only", "Qingxi District", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf32-bom", SIMPLIFIED, lambda t: t.encode("utf-32"), "utf-32-le"),
    ("gb2312-simplified", SIMPLIFIED, lambda t: t.encode("gb2312"), "gb18030"),
    ("gbk-traditional-with-pinyin", TRADITIONAL, lambda t: t.encode("gbk"), "gb18030"),
    ("gb18030", TRADITIONAL, lambda t: t.encode("gb18030"), "gb18030"),
    ("big5-traditional", TRADITIONAL.replace("(qū)", ""), lambda t: t.encode("big5"), "big5hkscs"),
    ("big5hkscs-pinyin-tone-marks", TRADITIONAL, lambda t: t.encode("big5hkscs"), "big5hkscs"),
    ("crlf-kept-for-the-reader", SIMPLIFIED.replace("\n", "\r\n"), lambda t: t.encode("gbk"), "gb18030"),
]


@pytest.mark.parametrize(("text", "encode", "expected"), [r[1:] for r in ROUND_TRIPS], ids=[r[0] for r in ROUND_TRIPS])
def test_round_trip(text, encode, expected):
    assert decode_bytes(encode(text)) == (text, expected)


SEED_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gbk", "gb18030", "big5hkscs"]


@pytest.mark.parametrize("encoding", SEED_ENCODINGS)
def test_seed_round_trips(encoding):
    text = seed_text()
    if text is None:
        pytest.skip("../shared/seed is absent")
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", id="png-header"),
        pytest.param(bytes(range(256)) * 4, "binary file", id="all-bytes"),
        pytest.param(b"%PDF-1.7\n\x01\x02\x03\x04", "binary file (control byte 0x01 at offset 9)", id="control-bytes"),
        pytest.param(
            SIMPLIFIED.encode("utf-8")[:-1] + b"\xff" + "参加。".encode(),
            "invalid UTF-8 at byte offset",
            id="utf8-one-bad-byte",
        ),
        pytest.param(b"\xff\xfe\x00\xd8", "invalid UTF-16-LE", id="utf16-lone-surrogate"),
        pytest.param(b"abc \x80\xff\x80\xff", "undecodable bytes", id="high-bytes-no-encoding"),
        pytest.param("青溪区".encode("gbk") + b"\x81", "undecodable bytes", id="gbk-truncated-lead-byte"),
    ],
)
def test_bad_bytes(data, reason):
    with pytest.raises(DecodeError, match=None) as caught:
        decode_bytes(data)
    assert reason in str(caught.value)


def test_declared_charset_is_tried_before_detection():
    data = "青溪".encode("big5")  # too short to judge; the page said big5
    assert decode_bytes(data, hint="big5") == ("青溪", "big5hkscs")


def test_unknown_declared_charset_is_ignored():
    assert decode_bytes(SIMPLIFIED.encode("gbk"), hint="x-no-such")[1] == "gb18030"


@pytest.mark.parametrize(
    ("text", "at_least", "at_most"),
    [
        pytest.param(SIMPLIFIED, 0.9, 1.0, id="real-simplified"),
        pytest.param(TRADITIONAL, 0.9, 1.0, id="real-traditional"),
        pytest.param(SIMPLIFIED.encode("gbk").decode("big5hkscs", "replace"), 0.0, 0.7, id="gbk-read-as-big5"),
        pytest.param("no Han at all", 1.0, 1.0, id="no-han"),
    ],
)
def test_common_han_share(text, at_least, at_most):
    assert at_least <= common_han_share(text) <= at_most
