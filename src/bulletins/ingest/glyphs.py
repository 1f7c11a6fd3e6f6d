"""Glyphs of laid-out documents: radical repair and unreadable-text detection.

PDF and OFD producers often map a common ideograph to the glyph of its radical: the text layer then holds
``⼈`` (U+2F08 KANGXI RADICAL MAN) for 人 or ``⻅`` (U+2EC5 CJK RADICAL C-SIMPLIFIED SEE) for 见. They look
the same on the page and break every search. NFKC maps the Kangxi Radicals block (U+2F00–U+2FDF); the CJK
Radicals Supplement (U+2E80–U+2EFF) has no compatibility mapping, so ``SUPPLEMENT`` below is the table of
its equivalent unified ideographs (Unicode's EquivalentUnifiedIdeograph data). Radicals without a
standalone equivalent (``⺈``, ``⺍``, ``⺮``...) are left alone.

A text layer can also be unreadable: a font without a Unicode map gives ``(cid:NN)`` runs, private-use code
points or replacement characters, or Latin-1 mojibake where Chinese is expected. ``unreadable`` names the
reason so the reader reports the file instead of writing nonsense.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["KANGXI", "SUPPLEMENT", "repair_radicals", "unreadable"]

KANGXI: dict[str, str] = {
    chr(code): unicodedata.normalize("NFKC", chr(code))
    for code in range(0x2F00, 0x2FE0)
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}

# CJK Radicals Supplement -> equivalent unified ideograph (simplified forms map to simplified characters).
SUPPLEMENT: dict[str, str] = {
    "\u2e80": "冫", "\u2e81": "厂", "\u2e82": "乛", "\u2e83": "乚", "\u2e84": "乙", "\u2e85": "亻",
    "\u2e86": "冂", "\u2e89": "刂", "\u2e8a": "卜", "\u2e8b": "㔾", "\u2e8c": "小", "\u2e8e": "兀",
    "\u2e8f": "尣", "\u2e90": "尢", "\u2e92": "巳", "\u2e93": "幺", "\u2e94": "彑", "\u2e95": "彐",
    "\u2e96": "忄", "\u2e97": "㣺", "\u2e98": "扌", "\u2e99": "攵", "\u2e9b": "旡", "\u2e9c": "日",
    "\u2e9d": "月", "\u2e9e": "歺", "\u2e9f": "母", "\u2ea0": "民", "\u2ea1": "氵", "\u2ea2": "氺",
    "\u2ea3": "灬", "\u2ea4": "爫", "\u2ea5": "爫", "\u2ea6": "丬", "\u2ea7": "牛", "\u2ea8": "犭",
    "\u2ea9": "王", "\u2eab": "罒", "\u2eac": "示", "\u2ead": "礻", "\u2eaf": "糹", "\u2eb0": "纟",
    "\u2eb1": "罓", "\u2eb2": "罒", "\u2eb3": "㓁", "\u2eb4": "㓁", "\u2eb6": "羊", "\u2eb7": "羊",
    "\u2eb9": "耂", "\u2eba": "肀", "\u2ebb": "聿", "\u2ebc": "月", "\u2ebd": "臼", "\u2ebe": "艹",
    "\u2ebf": "艹", "\u2ec0": "艹", "\u2ec1": "虎", "\u2ec2": "衤", "\u2ec3": "覀", "\u2ec4": "西",
    "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝", "\u2ecb": "车", "\u2ecc": "辶",
    "\u2ecd": "辶", "\u2ece": "辶", "\u2ecf": "阝", "\u2ed0": "钅", "\u2ed1": "長", "\u2ed2": "镸",
    "\u2ed3": "长", "\u2ed4": "门", "\u2ed6": "阝", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2edf": "飠", "\u2ee0": "饣",
    "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤",
    "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉", "\u2eec": "齐", "\u2eed": "歯",
    "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙", "\u2ef1": "龜", "\u2ef2": "亀", "\u2ef3": "龟",
}  # fmt: skip

_TABLE = str.maketrans({**KANGXI, **SUPPLEMENT})
_RADICAL = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_BAD = re.compile("[\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff\x00-\x08\x0b\x0c\x0e-\x1f]")
_ODD = re.compile("[\u00a0-\u024f\u0370-\u1fff]")  # Latin-1, Latin Extended, Greek, Cyrillic...: mojibake


def repair_radicals(text: str) -> str:
    """``⼈⺠政府`` -> ``人民政府``: radical glyphs replaced by the ideographs they stand for."""
    if not _RADICAL.search(text):
        return text
    return text.translate(_TABLE)


def unreadable(text: str) -> str | None:
    """Why TEXT (a page or a document's text layer) cannot be read, or None when it reads as text.

    ``(cid:NN)`` runs, private-use or replacement characters on more than a tenth of the characters, or
    mostly accented Latin/Greek/Cyrillic letters with hardly any Chinese (a font without a Unicode map).
    """
    visible = "".join(text.split())
    if not visible:
        return "no text layer (an image-only scan?); OCR is not supported"
    cids = _CID.findall(visible)
    glyphs = len(visible) - sum(map(len, cids)) + len(cids)  # a (cid:NN) run stands for one glyph
    if cids and len(cids) > glyphs / 10:
        return f"text layer unreadable: {len(cids)} (cid:NN) glyphs without Unicode (a font without a ToUnicode map)"
    bad = len(_BAD.findall(visible))
    if bad > len(visible) / 10:
        return f"text layer unreadable: {bad} of {len(visible)} characters are private-use or undefined glyphs"
    cjk, odd = len(_CJK.findall(visible)), len(_ODD.findall(visible))
    if odd > len(visible) / 3 and cjk < len(visible) / 5:
        return f"text layer unreadable: {odd} of {len(visible)} characters are symbols where Chinese is expected"
    return None
