"""Bytes -> text for Chinese sources whose encoding nobody declared.

Order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. NUL or other control bytes, which no text in a byte encoding has: UTF-16 without a BOM
   when one byte order reads as text (few control or unassigned characters, common Han
   characters), else a binary file;
3. strict UTF-8 (a random legacy-encoded file is almost never valid UTF-8);
4. GB18030 (a superset of GBK and GB2312) against Big5 (with the HKSCS extension): each
   candidate that decodes strictly is scored by the share of its Han characters that are
   *common* characters, and the higher score wins. A character is common when it is in
   GB2312 level 1 (the 3,755 most frequent Simplified characters) or in the Big5 frequent
   block (the 5,401 常用字). Legacy bytes decoded with the wrong table land mostly on rare
   characters, symbols and kana, so real text scores near 1 and the wrong reading near 0.5;
5. UTF-16 again, for Chinese text that happens to have no NUL or control byte.

Measured with ``benchmarks/bench_sources.py`` on 1,500 real bulletins, each written as
GB18030, Big5, UTF-16 LE and UTF-16 BE without BOM, in full and cut to 20 and 60
characters: every copy decoded back to its exact text (charset-normalizer got 1,116 of
1,500 of the 20-character GB18030 copies).

A file that is mostly UTF-8 with a few bad bytes is reported as such (with the offset)
rather than read as a legacy encoding: that reading would be mojibake.
"""

from __future__ import annotations

import codecs
import collections
import functools
import re
import unicodedata

__all__ = ["CANDIDATES", "DecodeError", "common_han_share", "decode_bytes", "garbled_at"]

CANDIDATES = ("gb18030", "big5hkscs")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than \t \n \v \f \r and ESC; DEL is left alone (some old sources have it).
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MIN_SCORE = 0.75  # below this the best legacy reading is judged to be mojibake


class DecodeError(ValueError):
    """The bytes are not text in any supported encoding; ``str()`` is the reason."""


def decode_bytes(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode DATA and return ``(text, encoding)``; raise DecodeError with a clear reason.

    HINT is an encoding the source declared (an HTML ``<meta charset>``); it is tried
    strictly after the BOM and before detection. The BOM is not part of the text.
    """
    if not data:
        raise DecodeError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding), encoding
    bad = _CONTROL.search(data)
    if bad:
        utf16 = _utf16_reading(data)
        if utf16:
            return data.decode(utf16), utf16
        raise DecodeError(f"binary file (control byte 0x{bad.group()[0]:02x} at offset {bad.start()})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    declared = _codec_name(hint) if hint else None
    if declared:
        text = _declared_reading(data, declared)
        if text is not None:
            return text, declared
    if _mostly_utf8(data):
        raise DecodeError(f"invalid UTF-8 at byte offset {utf8_error.start}")
    try:
        return _best_legacy(data)
    except DecodeError:
        utf16 = _utf16_reading(data)  # UTF-16 Chinese may have no NUL or control byte at all
        if utf16:
            return data.decode(utf16), utf16
        raise


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"invalid {encoding.upper()} at byte offset {error.start}") from None


def _utf16_reading(data: bytes) -> str | None:
    """The byte order ("utf-16-le" or "utf-16-be") in which BOM-less DATA reads as text, or None.

    Both byte orders are tried (the one with NULs in the odd positions first: ASCII leaves
    its NUL in the high byte); a reading counts when it has almost no control, unassigned or
    private-use characters and its Han characters are mostly common ones.
    """
    if len(data) % 2:
        return None
    sample = data[:8192]
    orders = ("utf-16-le", "utf-16-be")
    if sample[0::2].count(0) > sample[1::2].count(0):
        orders = orders[::-1]
    for encoding in orders:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text[:4096]):
            return encoding
    return None


def _looks_like_text(text: str) -> bool:
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\t\n\r\f\v")
    return odd * 100 <= len(text) and common_han_share(text) >= _MIN_SCORE


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8 but for a few bad sequences."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - bad  # characters above U+007F
    return multibyte >= 8 and bad * 20 <= multibyte


def _declared_reading(data: bytes, encoding: str) -> str | None:
    """DATA in the encoding its page declared, when that reads as clean Chinese; else None (detection
    decides). A reading without Chinese yields to one with: a GBK page declared ``iso-8859-1``."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None
    if garbled_at(text) is not None or common_han_share(text) < _MIN_SCORE:
        return None
    if encoding in CANDIDATES or _HAN.search(text):
        return text
    try:
        detected, _ = _best_legacy(data)
    except DecodeError:
        return text
    return None if _HAN.search(detected) else text


def _best_legacy(data: bytes) -> tuple[str, str]:
    """The clean reading of DATA as GB18030 or Big5 with the most common characters; DecodeError if none."""
    readings: list[tuple[bool, float, str, str]] = []
    for encoding in CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((garbled_at(text) is None, common_han_share(text), encoding, text))
    if not readings:
        raise DecodeError("undecodable bytes: not UTF-8, UTF-16, GB18030 or Big5")
    clean, score, encoding, text = max(readings)
    if score < _MIN_SCORE and _HAN.search(text):
        raise DecodeError(
            f"undecodable bytes: no reading as UTF-8, GB18030 or Big5 looks like Chinese "
            f"(best {encoding}, {score:.0%} common characters)"
        )
    if not clean:
        raise DecodeError(f"undecodable bytes: {_where_garbled(text, encoding)}")
    return text, encoding


def _where_garbled(text: str, encoding: str) -> str:
    at = garbled_at(text) or 0
    line = text.count("\n", 0, at) + 1
    snippet = " ".join(text[max(0, at - 4) : at + 12].split())
    return f"no encoding reads it cleanly (as {encoding} it turns to mojibake on line {line}: {snippet!r})"


def common_han_share(text: str) -> float:
    """Share of the Han characters of TEXT that are common characters (1.0 when there are none)."""
    han = _HAN.findall(text)
    if not han:
        return 1.0
    return sum(map(_is_common, han)) / len(han)


@functools.lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    for encoding, low, high in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            lead = ch.encode(encoding)[0]
        except UnicodeEncodeError:
            continue
        if low <= lead <= high:
            return True
    return False


_NOT_CHARSETS = frozenset(
    {"punycode", "idna", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7", "palmos", "mbcs"}
)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}


def _codec_name(label: str) -> str | None:
    """A Python codec for a declared charset label, widened to its superset; None when no
    character set has that name (``rot13``, ``base64`` and ``x-no-such`` are not charsets)."""
    try:
        info = codecs.lookup(label.strip().lower())
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return _ALIASES.get(info.name, info.name)


# --- mojibake: a reading that decodes but is not Chinese text ---------------------------------
# A byte lost from GBK or Big5 text shifts every following character by one byte until an ASCII
# byte puts the reading back in step: the stretch in between decodes "successfully" as random
# characters. Chinese text almost never has private-use or replacement characters, kana, Hangul,
# Cyrillic, bopomofo, box drawing or vertical forms, and rare (not GB2312 level 1 / Big5 frequent)
# characters come one or two at a time; the shifted stretch has them in a cluster, often with a
# stray ASCII character glued between two Chinese characters where the reading got back in step.
# Measured (tests/test_decode.py, benchmarks/bench_sources.py): no real bulletin of the corpus
# is judged garbled, in GB18030 or (converted to Traditional) in Big5.

_ALIEN = re.compile(
    "[\u0400-\u04ff\u1100-\u11ff\u2500-\u259f\u2ff0-\u2fff\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u31a0-\u31bf\uac00-\ud7af\ufe30-\ufe4f\uff61-\uff9f]"
)
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WINDOW = 8  # non-ASCII characters (and glued ASCII letters) looked at together
_GARBLED = 4  # weight in one window that no real bulletin reaches (the real corpus peaks at 3)


def garbled_at(text: str) -> int | None:
    """Index in TEXT where a stretch reads as mojibake, or None when the text reads cleanly.

    Each suspect character has a weight: private-use, replacement or unassigned 3; a script or
    symbol block foreign to Chinese text 2; an ASCII character glued between two Chinese ones 1
    for a capital after a common character (``A股``, ``长征五号B``), else 3 (``e`` or ``^``: the
    real corpus has one in 12,000 texts); a rare Han character 1. A window of 8 of them weighing 4 or more, one of them
    more than a rare character, is mojibake.

    Common Han characters weigh nothing, so only the others are looked at one by one; the common
    ones between them are counted (each is 3 bytes in UTF-8) to know which weights share a window.
    """
    window: collections.deque[tuple[int, int, int, bool]] = collections.deque()  # (suspect no., index, weight, strong)
    seen = total = strong = after = 0  # suspects so far; the end of the last one looked at
    for found in _weighed().finditer(text):
        at = found.start()
        between = text[after:at]
        seen += (len(between.encode("utf-8")) - len(between)) >> 1  # common Han characters in between
        after = at + 1
        ch = found.group()
        weight, is_strong = (_glued(ch, text[at - 1]), True) if ch < "\x80" else _weight(ch)
        if not weight:
            seen += not ch.isspace()
            continue
        seen += 1
        window.append((seen, at, weight, is_strong))
        total, strong = total + weight, strong + is_strong
        while window[0][0] <= seen - _WINDOW:
            _, _, old_weight, old_strong = window.popleft()
            total, strong = total - old_weight, strong - old_strong
        if total >= _GARBLED and strong:
            return window[0][1]
    return None


@functools.cache
def _weighed() -> re.Pattern[str]:
    """The suspects but the common Han characters: an ASCII character glued between two Chinese ones, or
    any other non-ASCII character (built on first use: the class lists a few thousand characters)."""
    common = "".join(chr(c) for c in range(0x3400, 0xFB00) if _HAN.match(chr(c)) and _is_common(chr(c)))
    return re.compile(f"(?<=[{_CJK}])[\\x40-\\x7e](?=[{_CJK}])|[^\\x00-\\x7f{common}]")


_SEPARATORS = frozenset("_|@~")  # page titles join their parts with them: 标题_栏目_网站, 标题|网站


def _glued(ch: str, before: str) -> int:
    """Weight of an ASCII character glued between two Chinese ones: 1 for a capital after a common
    character (``A股``) or a separator web pages put between title parts (``标题_栏目``), else 3
    (``e``, ``^``, or a capital where a shifted reading got back in step)."""
    common_before = not _weight(before)[0]
    return 1 if common_before and (ch.isupper() or ch in _SEPARATORS) else 3


@functools.lru_cache(maxsize=65536)
def _weight(ch: str) -> tuple[int, bool]:
    if _HAN.match(ch):
        return (0, False) if _is_common(ch) else (1, False)
    if unicodedata.category(ch) in ("Co", "Cn", "Cs", "Cc") or ch == "\ufffd":
        return 3, True
    if _ALIEN.match(ch):
        return 2, True
    return 0, False
