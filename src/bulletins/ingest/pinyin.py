"""Pinyin annotations scraped along with the text: ``區(qū)`` -> ``區``.

Some sites print the reading of a character in ASCII parentheses right after it. An
annotation is removed only when it is one of the readings pypinyin knows for the character
before it (any heteronym, written with tone marks, tone numbers, or no tone at all, which
also covers neutral-tone forms such as ``着(zhe)``). Anything else in parentheses is text:
``(2021-2025年)``, ``刚果(金)``, ``GDP(国内生产总值)``, ``(新闻联播)``, ``WTO(wto)``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from bulletins.ingest.script import variants

# One Han character, then a parenthesised run of pinyin-looking letters: lower-case ASCII
# letters, ü/ê, the precomposed tone letters, combining tone marks, and an optional tone
# digit. Capitals are left alone: ``(WHO)`` after a name is an acronym, not a reading.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_PINYIN_LETTERS = (
    "a-z\u00e0\u00e1\u00e8\u00e9\u00ea\u00ec\u00ed\u00f2\u00f3\u00f9\u00fa\u00fc"
    "\u0101\u0113\u011b\u012b\u0144\u0148\u014d\u016b\u01ce\u01d0\u01d2\u01d4"
    "\u01d6\u01d8\u01da\u01dc\u01f9\u1e3f\u1ebf\u1ec1\u0300-\u030c"
)
# A character with a chain of such annotations, ``區(qū)(qū)``, is one match, so no input makes
# the removal go round more than once per chain.
ANNOTATIONS = re.compile(rf"(?P<char>[{_HAN}])(?P<notes>(?:\([{_PINYIN_LETTERS}]{{1,12}}[1-5]?\))+)")
_NOTE = re.compile(r"\(([^()]*)\)")
_MAX_PASSES = 4  # a pass never uncovers a new annotation; the bound only caps hostile input


def _canonical(reading: str) -> str:
    """NFC, ``v`` spelled ``ü``: the form readings are compared in."""
    return unicodedata.normalize("NFC", reading).replace("v", "ü")


@functools.cache
def readings(char: str) -> frozenset[str]:
    """Every way a reading of CHAR may be written: ``區`` -> {"qū", "qu1", "qu", "ōu", ...}.

    Readings of the character's other-script form are included, so a Traditional character
    pypinyin lacks still matches through its Simplified twin.
    """
    from pypinyin import Style  # imported on the first annotation: clean text never needs it

    found: set[str] = set()
    for form in (char, *variants(char)):
        for reading in _heteronyms(form, Style.TONE):
            found.add(reading)
            if reading.isascii():  # neutral tone, no mark: zhe, also written zhe5
                found.add(reading + "5")
        found.update(_heteronyms(form, Style.TONE3))
        found.update(_heteronyms(form, Style.NORMAL))
    found.discard("")
    return frozenset(_canonical(reading) for reading in found)


def _heteronyms(char: str, style) -> list[str]:
    from pypinyin import pinyin

    readings_per_char = pinyin(char, style=style, heteronym=True, errors="ignore")
    return readings_per_char[0] if readings_per_char else []


@functools.lru_cache(maxsize=65536)
def is_reading(char: str, annotation: str) -> bool:
    """True when ANNOTATION (``qū``, ``qu1``, ``qu``, ``zhe``) is a reading of CHAR."""
    return _canonical(annotation) in readings(char)


def _unread(notes: str, chars: tuple[str, ...]) -> str:
    """NOTES (``(qū)(xx)``) without the leading annotations that read one of CHARS."""
    if notes.count("(") == 1:  # the common case: one annotation
        return "" if any(is_reading(char, notes[1:-1]) for char in chars) else notes
    for note in _NOTE.finditer(notes):
        if not any(is_reading(char, note[1]) for char in chars):
            return notes[note.start() :]
    return ""


def _drop_readings(match: re.Match[str]) -> str:
    char, notes = match.group(1, 2)
    if notes.count("(") == 1:  # the common case, kept lean: ~60 calls in a dirty bulletin
        return char if is_reading(char, notes[1:-1]) else match[0]
    return char + _unread(notes, (char,))


def strip_pinyin_annotations(text: str, twin: Callable[[str], str] | None = None) -> str:
    """Remove every ``字(zì)`` annotation that reads its character; keep all other parentheses.

    TWIN, when given, converts the text to the script its annotations were made for (OpenCC
    ``t2s``): ``瞭(le)解`` was ``了解`` annotated before conversion, and 瞭 alone never reads
    ``le``. ``區(qū)(qū)`` loses both annotations; a second run changes nothing.
    """
    if "(" not in text:
        return text
    for _ in range(_MAX_PASSES):
        stripped = ANNOTATIONS.sub(_drop_readings, text)
        if twin is not None and ANNOTATIONS.search(stripped):
            stripped = _strip_by_twin(stripped, twin)
        if stripped == text:
            break
        text = stripped
    return text


def _strip_by_twin(text: str, twin: Callable[[str], str]) -> str:
    """Remove the annotations that read the character's twin: the same position in TWIN(text
    without any candidate annotation). Needs a length-preserving TWIN; otherwise no change."""
    matches = list(ANNOTATIONS.finditer(text))
    pieces: list[str] = []
    where: list[int] = []  # index of each candidate's character in the bare text
    done = length = 0
    for match in matches:
        end = match.end("char")
        pieces.append(text[done:end])
        length += end - done
        where.append(length - 1)
        done = match.end()
    pieces.append(text[done:])
    bare = "".join(pieces)
    twins = twin(bare)
    if len(twins) != len(bare):
        return text
    out: list[str] = []
    done = 0
    for match, at in zip(matches, where):
        out.append(text[done : match.end("char")])
        out.append(_unread(match["notes"], (match["char"], twins[at])))
        done = match.end()
    out.append(text[done:])
    return "".join(out)
