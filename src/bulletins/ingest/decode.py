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
import functools
import re
import unicodedata

__all__ = ["CANDIDATES", "DecodeError", "decode_bytes"]

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
    if hint:
        encoding = _codec_name(hint)
        if encoding:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                pass
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
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return multibyte >= 8 and bad * 20 <= multibyte


def _best_legacy(data: bytes) -> tuple[str, str]:
    readings: list[tuple[float, str, str]] = []
    for encoding in CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((common_han_share(text), encoding, text))
    if not readings:
        raise DecodeError("undecodable bytes: not UTF-8, UTF-16, GB18030 or Big5")
    score, encoding, text = max(readings)
    if score < _MIN_SCORE and _HAN.search(text):
        raise DecodeError(
            f"undecodable bytes: no reading as UTF-8, GB18030 or Big5 looks like Chinese "
            f"(best {encoding}, {score:.0%} common characters)"
        )
    return text, encoding


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


_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}


def _codec_name(label: str) -> str | None:
    """A Python codec for a declared charset label, widened to its superset; None if unknown."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)
