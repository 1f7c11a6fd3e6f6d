"""Word's automatic numbering, as the reader sees it printed: ``一、`` ``（二）`` ``3.`` before a paragraph.

A 公文 made from a template often numbers its headings with Word's lists (``w:numPr`` on the paragraph
or its style, levels defined in ``word/numbering.xml``) rather than typing ``一、``; the number is then
no character of the paragraph, and python-docx's text leaves it out. ``Numbering`` keeps a counter per
list and level, in document order, and renders a level's ``lvlText`` (``%1、``, ``（%2）``) with each
level's format: decimal, Chinese counting (``一`` … ``二十一``), 甲乙丙 (``ideographTraditional``),
circled numbers, letters and Roman numerals. Bullets and unknown formats give no prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

__all__ = ["Numbering", "chinese_count"]

_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_PLACEHOLDER = re.compile(r"%([1-9])")
_TIGHT = tuple("、，,）)．.：:")  # a number ending in these needs no space before the text


@dataclass(frozen=True)
class Level:
    fmt: str
    text: str
    start: int


_MAX_REPEAT = 10  # letters a lettered label repeats at most (ZZZZZZZZZZ); a longer one is written in digits


def chinese_count(n: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (Word's chineseCounting, up to 9,999)."""
    if n <= 0 or n > 9999:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[digit] + unit
            zero = False
        else:
            zero = bool(out)
    return out[1:] if out.startswith("一十") else out


def _roman(n: int) -> str:
    """1 -> I ... 3999 -> MMMCMXCIX; beyond (no roman numeral, or one of a billion M's) in digits."""
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    """1 -> A, 27 -> AA, 260 -> ZZZZZZZZZZ (as Word repeats the letter); beyond, in digits."""
    if not 0 < n <= 26 * _MAX_REPEAT:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "chineseCounting": chinese_count,
    "chineseCountingThousand": chinese_count,
    "chineseLegalSimplified": chinese_count,
    "ideographTraditional": lambda n: _STEMS[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})",
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
}


def _val(element, name: str) -> str | None:
    found = element.find(qn(name)) if element is not None else None
    return found.get(qn("w:val")) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _levels(abstract) -> dict[int, Level]:
    levels = {}
    for lvl in abstract.iter(qn("w:lvl")):
        levels[_int(lvl.get(qn("w:ilvl")), 0)] = Level(
            _val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText") or "", _int(_val(lvl, "w:start"), 1)
        )
    return levels


@dataclass
class Numbering:
    """The lists of one document (``numId`` -> level -> Level) and their running counters."""

    lists: dict[str, dict[int, Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> Numbering:
        """The numbering part of a python-docx DOCUMENT (empty when it has none)."""
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstracts = {a.get(qn("w:abstractNumId")): _levels(a) for a in root.iter(qn("w:abstractNum"))}
        lists = {}
        for num in root.iter(qn("w:num")):
            levels = dict(abstracts.get(_val(num, "w:abstractNumId"), {}))
            for override in num.iter(qn("w:lvlOverride")):
                ilvl, start = _int(override.get(qn("w:ilvl")), 0), _val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    level = levels[ilvl]
                    levels[ilvl] = Level(level.fmt, level.text, _int(start, level.start))
            lists[num.get(qn("w:numId"))] = levels
        return cls(lists)

    def label(self, num_id: str | None, ilvl: int) -> str:
        """The next number of list NUM_ID at level ILVL as printed, with the space Word's tab
        leaves when the number does not end in punctuation; "" for no list, a bullet or none."""
        levels = self.lists.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt not in FORMATS:
            return ""

        def number(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            shown = levels.get(at, level)
            value = counters.get(at, shown.start)
            return FORMATS.get(shown.fmt, str)(value)

        text = _PLACEHOLDER.sub(number, level.text).strip()
        return "" if not text else text if text.endswith(_TIGHT) else text + " "
