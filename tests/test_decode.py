"""decode_bytes: every supported encoding round-trips; BOMs; bad bytes give clear reasons."""

from __future__ import annotations

import codecs

import opencc
import pytest

from bulletins.ingest.decode import DecodeError, common_han_share, decode_bytes, garbled_at
from support.corpus_texts import record_fragments
from support.shared import bulletin_records, dirty_records
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


# --- mojibake: a reading that decodes but is not Chinese --------------------------------------


def _deleted(text: str, encoding: str, index: int) -> bytes:
    data = text.encode(encoding)
    return data[:index] + data[index + 1 :]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        pytest.param(_deleted(TRADITIONAL, "gbk", 33), "line 1: '(qū)橹芪臑", id="gbk-lead-byte-lost"),
        pytest.param(_deleted(TRADITIONAL, "gbk", 34), "line 1", id="gbk-trail-byte-lost"),
        pytest.param(_deleted(TRADITIONAL, "gbk", 152), "line 2", id="gbk-byte-lost-second-line"),
        pytest.param(_deleted(TRADITIONAL, "big5hkscs", 121), "line 2", id="big5-byte-lost"),
    ],
)
def test_a_lost_byte_is_reported_not_read_as_mojibake(data, where):
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert "no encoding reads it cleanly" in str(caught.value) and where in str(caught.value)


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        pytest.param(SIMPLIFIED, False, id="simplified"),
        pytest.param(TRADITIONAL, False, id="traditional-with-pinyin"),
        pytest.param("我国已发射风云三号A星和B星，长征五号B遥四运载火箭。", False, id="glued-capitals"),
        pytest.param("被撞的鹈鹕岛大桥旁，共向北部湾放流黑鲷、黄鳍鲷。", False, id="rare-fish-and-birds"),
        pytest.param("园区智慧e谷展览馆开放。", False, id="one-glued-small-letter"),
        pytest.param("會議指出,要壓實責任,細化措施,確保汛期群眾生命財產安全。區(qū)領導許明遠", False, id="pinyin"),
        pytest.param("3月14日,臨江市青溪區(qū)區(qū)橹芪臑懼鞒终匍_區(qū)政府", True, id="gbk-shifted-after-lost-byte"),
        pytest.param("青溪区召开会议，研究部署却蟠\ue300斫ㄗh工作。", True, id="private-use-and-bopomofo"),
        pytest.param("会议要求ぷ鞯呢熑胃小⒕o，确保安全。", True, id="kana-and-rare-cluster"),
        pytest.param("ÇàÏªÇøÕþ¸®", False, id="latin-letters-are-not-judged-here"),
        pytest.param(
            "青溪区实验小学望江校区建成投用_青溪教育_临江市青溪区人民政府", False, id="title-parts-joined-by-_"
        ),
        pytest.param("关于开展安全生产检查的通知|临江市应急管理局|政务公开", False, id="title-parts-joined-by-|"),
    ],
)
def test_garbled_at(text, garbled):
    assert (garbled_at(text) is not None) == garbled


# Where the stretch starts: the first weighing character of the last 8 suspects (every non-ASCII
# character but whitespace, and an ASCII one glued between two Chinese ones). Two kana weigh 4.
WINDOW_CASES = {
    "kana-7-apart-share-a-window": ("ア青溪区人民政ア", 0),
    "kana-8-apart-do-not": ("ア青溪区人民政府ア", None),
    "ideographic-spaces-are-not-counted": ("ア青溪区人民\u3000\u3000政ア", 0),
    "ascii-between-is-not-counted": ("ア青溪 abc 区人民政ア", 0),
    "full-width-punctuation-is-counted": ("，ア青溪区人民政，ア", None),
    "the-later-pair": ("说明ア青溪区人民政府会アア", 11),
    "rare-characters-and-a-glued-letter": ("青溪区鹈鹕鲷鳍e会议", 3),
    "the-window-moved-past-the-first-kana": ("青溪ア区人民政府会议鹈鹕e鲷", 10),
}


@pytest.mark.parametrize(("text", "at"), WINDOW_CASES.values(), ids=WINDOW_CASES.keys())
def test_garbled_at_window(text, at):
    assert garbled_at(text) == at


@pytest.mark.parametrize(
    ("hint", "encoding"),
    [
        pytest.param("rot13", "gb18030", id="rot13-is-no-charset"),
        pytest.param("base64", "gb18030", id="base64-is-no-charset"),
        pytest.param("iso-8859-1", "gb18030", id="gbk-declared-latin1"),
        pytest.param("big5", "gb18030", id="gbk-declared-big5"),
        pytest.param("gb2312", "gb18030", id="declared-right"),
    ],
)
def test_a_wrong_or_unknown_declared_charset_falls_back_to_detection(hint, encoding):
    assert decode_bytes(SIMPLIFIED.encode("gbk"), hint=hint) == (SIMPLIFIED, encoding)


def test_latin1_declared_and_no_chinese_reading_keeps_the_declaration():
    text = "Qingxi District Café: résumé of the meeting"
    assert decode_bytes(text.encode("latin-1"), hint="iso-8859-1") == (text, "iso8859-1")


@pytest.mark.corpus
@pytest.mark.slow
def test_no_real_bulletin_is_taken_for_mojibake():
    """Every real bulletin (and every dirty seed-style text), written as GB18030 and, in Traditional
    script, as Big5, decodes back to itself: judging readings rejects no good file."""
    s2tw = opencc.OpenCC("s2tw")
    records = zip(bulletin_records(), record_fragments(), strict=True)
    texts = ["\n".join([record["title"], *paragraphs]) for record, paragraphs in records] + [
        text for r in dirty_records() for text in (r["dirty"], r["gold"])
    ]
    rejected = []
    for text in texts:
        for encoding, variant in (("gb18030", text), ("big5hkscs", s2tw.convert(text))):
            try:
                data = variant.encode(encoding)
            except UnicodeEncodeError:
                continue
            try:
                if decode_bytes(data)[0] != variant:
                    rejected.append((encoding, variant[:40]))
            except DecodeError as error:
                rejected.append((encoding, str(error)))
    print(f"{len(texts)} texts judged, {len(rejected)} rejected")
    assert rejected == []
