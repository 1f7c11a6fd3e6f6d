"""The tokenizer spec of the search index (its JavaScript twin is search-tokens.js).

Both sides pass ``tests/fixtures/tokenize_cases.json``.

Folding. ``fold(text, table)`` maps every code point on its own: NFKC, then lowercase, then
the Traditional -> Simplified character map (``bulletins.search.foldmap``, shipped beside the
index). Folding code point by code point makes it a homomorphism, ``fold(a + b) ==
fold(a) + fold(b)``, so a text that contains a query also contains it after folding, and
positions in the folded text line up with positions in the folded query.

Tokens of a folded text, each with its code-point offset:

* a run of Han characters ``abc`` gives the overlapping bigrams ``ab``, ``bc`` at their
  offsets; where the run touches a word directly (``2022年``, ``年g20``) it also gives an
  edge token, ``^a`` (the run starts right after a word) or ``c$`` (a word follows at once);
* a run of other letters and digits (``g20``, ``2022``) is one word token;
* everything else (punctuation, spaces) separates runs and gives no token.

Bigrams with positions answer any longer Han query exactly: a query ``abcde`` matches where
``ab``, ``cd`` and ``de`` sit at offsets p, p+2, p+3. The edge tokens pin a single Han
character next to a number or a word (``2022年``: ``2022`` at p and ``^年`` at p+4), so those
queries stay exact without positions on every character. Edges only where a word touches
the run cost almost nothing; edges at every run boundary would add 15% to the index for the
rare query that puts one Han character between punctuation (``，年，``), which instead
matches that character anywhere in the bulletin.

Every Han character is also indexed on its own, without positions, for one-character
queries (``unigrams``): looking a character up through bigrams would read every bigram that
starts or ends with it (hundreds of keys spread over many shards), while per-document
counts cost about a seventh of the index and one shard per query.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterator, Mapping

# Han code points (Unified Ideographs, Extensions A-H, compatibility blocks, and 〇).
HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBEF),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
_HAN_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in HAN_RANGES)
# A Han run, or a run of letters/digits that are not Han (``[^\W_]`` is Unicode L and N).
_RUNS = re.compile(f"(?P<han>[{_HAN_CLASS}]+)|(?P<word>[^\\W_{_HAN_CLASS}]+)")

START, END = "^", "$"


class FoldTable(dict):
    """``str.translate`` table for ``fold``: filled lazily, one code point at a time."""

    def __init__(self, char_map: Mapping[str, str]):
        super().__init__()
        self.char_map = dict(char_map)

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = "".join(self.char_map.get(c, c) for c in unicodedata.normalize("NFKC", ch).lower())
        self[code] = folded
        return folded


def fold(text: str, table: FoldTable) -> str:
    """NFKC + lowercase + Traditional -> Simplified, per code point."""
    return text.translate(table)


def positional_tokens(folded: str, offset: int = 0) -> Iterator[tuple[str, int]]:
    """``(key, position)`` for every bigram, word-side run edge and word, in text order."""
    keys: list[str] = []
    positions: list[int] = []
    collect(folded, offset, keys, positions, [])
    return zip(keys, positions)


def collect(folded: str, offset: int, keys: list[str], positions: list[int], han: list[str]) -> None:
    """``positional_tokens`` appended to ``keys`` and ``positions`` (the same order), and every
    Han run appended to ``han`` (the text of ``unigrams``). The bigrams of a run are made and
    numbered by ``map``/``range`` in one step per run, not one Python step per character: this
    is the index builder's inner loop."""
    matches = list(_RUNS.finditer(folded))
    previous_end = -1
    for i, match in enumerate(matches):
        start, end = match.span()
        run = match.group()
        if match.lastgroup == "word":
            keys.append(run)
            positions.append(start + offset)
        else:
            han.append(run)
            if start == previous_end:  # a word ends right before the run
                keys.append(START + run[0])
                positions.append(start + offset)
            keys.extend(map(operator.add, run, run[1:]))
            positions.extend(range(start + offset, end + offset - 1))
            if i + 1 < len(matches) and matches[i + 1].start() == end:
                keys.append(run[-1] + END)
                positions.append(end + offset - 1)
        previous_end = end


def last_token_char(folded: str) -> int | None:
    """Offset of the last Han or word character of a folded text (None without one)."""
    end = None
    for match in _RUNS.finditer(folded):
        end = match.end() - 1
    return end


def unigrams(folded: str) -> Iterator[str]:
    """Every Han character of a folded text (with repeats), for one-character queries."""
    for match in _RUNS.finditer(folded):
        if match.lastgroup == "han":
            yield from match.group()
