"""glyphs: the radical tables (checked against the Unicode names), radical repair, unreadable text layers."""

from __future__ import annotations

import unicodedata

import pytest

from bulletins.ingest.glyphs import KANGXI, SUPPLEMENT, repair_radicals, unreadable


def test_kangxi_block_maps_all_214_radicals_through_nfkc():
    assert len(KANGXI) == 214
    assert KANGXI["\u2f08"] == "人" and KANGXI["\u2f45"] == "方"


@pytest.mark.parametrize(("radical", "ideograph"), sorted(SUPPLEMENT.items()))
def test_supplement_row_is_a_radical_and_an_ideograph(radical, ideograph):
    assert 0x2E80 <= ord(radical) <= 0x2EFF
    assert unicodedata.name(radical).startswith("CJK RADICAL ")
    assert unicodedata.normalize("NFKC", radical) in (radical, ideograph)  # NFKC fixes two of them at most
    assert len(ideograph) == 1 and unicodedata.name(ideograph).startswith("CJK UNIFIED IDEOGRAPH")


def test_every_simplified_radical_of_the_supplement_is_mapped():
    names = {chr(c): unicodedata.name(chr(c), "") for c in range(0x2E80, 0x2F00)}
    simplified = {ch for ch, name in names.items() if "SIMPLIFIED" in name}
    assert simplified and simplified <= SUPPLEMENT.keys()


@pytest.mark.parametrize(
    ("radical", "ideograph"),
    [("⺠", "民"), ("⻅", "见"), ("⻓", "长"), ("⻔", "门"), ("⻋", "车"), ("⻘", "青"), ("⻛", "风"), ("⻜", "飞"),
     ("⻢", "马"), ("⻩", "黄"), ("⻰", "龙"), ("⻆", "角"), ("⻉", "贝"), ("⻚", "页"), ("⻄", "西"), ("⻨", "麦")],
)  # fmt: skip
def test_supplement_known_rows(radical, ideograph):
    assert SUPPLEMENT[radical] == ideograph


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("澄江市⼈⺠政府", "澄江市人民政府"),  # Kangxi 人 and supplement 民
        ("意⻅和建议", "意见和建议"),
        ("市⻓办公会议在⼤会议室召开", "市长办公会议在大会议室召开"),
        ("⽔利⼯程⽅案", "水利工程方案"),
        ("澄府发〔2025〕7号（此件公开发布）", "澄府发〔2025〕7号（此件公开发布）"),  # full-width punctuation kept
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # no blanket NFKC
    ],
)
def test_repair_radicals(text, expected):
    assert repair_radicals(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("澄江市人民政府关于印发农村饮水安全三年行动方案的通知", None),
        ("Chengjiang Municipal People's Government notice on the 2025 plan", None),
        ("澄江市人民政府关于印发澄江市农村饮水安全三年行动方案的通知，2025年3月18日 (cid:12)", None),  # one stray glyph
        ("(cid:1063)(cid:1064)(cid:1065)\n(cid:1066)(cid:1067)", "(cid:NN)"),
        ("\ue020\ue021\ue022\ue023 \ue024\ue025", "private-use"),
        ("³ÎœÃÊÐÈËÃñÕþ¸®ÎÄ¼þ ³Î¸®·¢¡²2025¡³7ºÅ", "symbols where Chinese"),
        ("   \n  ", "no text layer"),
    ],
)
def test_unreadable(text, reason):
    found = unreadable(text)
    assert (found is None) if reason is None else (reason in found)
