"""Normalization stage: raw decoded text -> cleaned, non-empty paragraphs.

    clean_paragraphs(text, script) = split(repair_punctuation?(convert_script(
        strip_pinyin_annotations(normalize_whitespace(text)), script)))

Each step is a pure ``str -> str`` function; whitespace and punctuation are ordered tables
of named rules (``WHITESPACE_RULES``, ``PUNCTUATION_RULES``). The body is never NFKC'd:
that would turn full-width punctuation into ASCII.

Clean text must come out as it went in, apart from whitespace. So ASCII punctuation is
repaired only in a text that shows machine conversion (pinyin annotations removed, script
converted, or more ASCII than full-width marks next to Han characters); a stray ``其中,``
in an otherwise well-punctuated bulletin is quoted as published.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import NamedTuple

from bulletins.models import SCRIPTS
from bulletins.pinyin import strip_pinyin_annotations
from bulletins.script import convert_script, converter, detect_script

__all__ = [
    "PUNCTUATION_RULES",
    "WHITESPACE_RULES",
    "clean_paragraphs",
    "convert_script",
    "detect_script",
    "fix_punctuation",
    "looks_machine_punctuated",
    "normalize_whitespace",
    "strip_pinyin_annotations",
]


class Rule(NamedTuple):
    """One named cleanup: every match of ``pattern`` becomes ``replacement``."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def apply_rules(text: str, rules: tuple[Rule, ...]) -> str:
    for rule in rules:
        text = rule.apply(text)
    return text


# --- whitespace, invisible characters, HTML entities -----------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape(match: re.Match[str]) -> str:
    return html.unescape(match[0])


WHITESPACE_RULES: tuple[Rule, ...] = (
    # &nbsp; &amp; &#12345; &#x4e2d; left in plain text by a scraper (only with the ``;``).
    Rule("html-entity", _ENTITY, _unescape),
    # \r\n, \r, form feed, U+2028/2029 and friends all end a paragraph.
    Rule("line-break", re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]"), "\n"),
    # zero-width spaces/joiners, BOM, soft hyphen, bidi controls, C0/C1 controls, lone surrogates
    Rule(
        "invisible",
        re.compile(
            "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u180e\u200b-\u200f"
            "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
        ),
        "",
    ),
    # tabs, no-break spaces, ideographic spaces, runs of them: one ASCII space
    Rule("space-run", re.compile(r"[^\S\n]+"), " "),
    Rule("line-edge-space", re.compile(r" ?\n ?"), "\n"),
    Rule("blank-lines", re.compile(r"\n{2,}"), "\n"),
)


def normalize_whitespace(text: str) -> str:
    """One space for any run of spaces, no blank or padded lines, no invisible characters."""
    if "&" in text:
        while True:  # &amp;nbsp; -> &nbsp; -> no-break space
            unescaped = _ENTITY.sub(_unescape, text)
            if unescaped == text:
                break
            text = unescaped
    return apply_rules(text, WHITESPACE_RULES[1:]).strip(" \n")


# --- punctuation ----------------------------------------------------------------------------

# What counts as "Han text" around a mark: ideographs, CJK and full-width punctuation, curly
# quotes, the ellipsis and the em dash.
_HANISH = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003134f\u2018\u2019\u201c\u201d\u2026\u2014"
)
_HAN_CHAR = re.compile(f"[{_HANISH}]")


def _beside_han(mark: str, unless_after: str = "") -> re.Pattern[str]:
    """MARK with Han text on either side (and not followed by UNLESS_AFTER)."""
    mark, guard = re.escape(mark), f"(?!{unless_after})" if unless_after else ""
    return re.compile(f"(?<=[{_HANISH}]){mark}{guard}|{mark}(?=[{_HANISH}])")


def _full_width_pair(match: re.Match[str]) -> str:
    """``(…)`` -> ``（…）`` when the inside or either outside neighbour is Han text."""
    text, start, end = match.string, match.start(), match.end()
    outside = text[start - 1 : start] + text[end : end + 1]
    if _HAN_CHAR.search(match[1]) or _HAN_CHAR.search(outside):
        return f"（{match[1]}）"
    return match[0]


PUNCTUATION_RULES: tuple[Rule, ...] = (
    Rule("parenthesis-pair", re.compile(r"\(([^()\n]*)\)"), _full_width_pair),
    Rule("parenthesis-open", _beside_han("("), "（"),
    Rule("parenthesis-close", _beside_han(")"), "）"),
    # digits on both sides (1,000  3:2  12:30) are never beside Han text, so they stay
    Rule("comma", _beside_han(","), "，"),
    # 增长8.7%,31个省份: a thousands separator never follows a percent sign
    Rule("comma-after-percent", re.compile(r"(?<=[%‰]),(?! )"), "，"),
    Rule("semicolon", _beside_han(";"), "；"),
    Rule("colon", _beside_han(":", unless_after="//"), "："),
    Rule("question-mark", _beside_han("?"), "？"),
    Rule("exclamation-mark", _beside_han("!"), "！"),
)

_ASCII_MARKS = re.compile(f"(?<=[{_HANISH}])[,;:?!]|[,;:?!](?=[{_HANISH}])")
_FULL_WIDTH_MARKS = re.compile("[，；：？！]")


def fix_punctuation(text: str) -> str:
    """ASCII ``, ; : ? ! ( )`` beside Han text -> full-width; numbers, Latin text, URLs stay.

    Repeated until nothing changes: a converted mark is Han text for its neighbours.
    """
    while True:
        fixed = apply_rules(text, PUNCTUATION_RULES)
        if fixed == text:
            return text
        text = fixed


def looks_machine_punctuated(text: str) -> bool:
    """More ASCII than full-width ``, ; : ? !`` beside Han text: punctuation was converted."""
    ascii_marks = len(_ASCII_MARKS.findall(text))
    return ascii_marks > 0 and ascii_marks > len(_FULL_WIDTH_MARKS.findall(text))


# --- the stage ------------------------------------------------------------------------------


def clean_paragraphs(text: str, script: str = "simplified") -> tuple[str, ...]:
    """Raw decoded text (paragraphs separated by newlines) -> cleaned, non-empty paragraphs.

    SCRIPT is one of ``models.SCRIPTS``: convert to Simplified or Traditional when the text
    is really in the other script, or ``keep`` it as it is.
    """
    if script not in SCRIPTS:
        raise ValueError(f"unknown script {script!r}: use one of {', '.join(SCRIPTS)}")
    spaced = normalize_whitespace(text)
    unannotated = strip_pinyin_annotations(spaced, twin=converter("t2s").convert)
    converted = convert_script(unannotated, script)
    if unannotated != spaced or converted != unannotated or looks_machine_punctuated(converted):
        converted = fix_punctuation(converted)
    return tuple(line for line in converted.split("\n") if line)
