"""Normalization stage: raw decoded text -> cleaned, non-empty paragraphs.

    clean_paragraphs(text, script) = split(repair_punctuation?(convert_script(
        strip_pinyin_annotations(normalize_whitespace(text)), script)))

Each step is a pure ``str -> str`` function; whitespace is an ordered table of named rules
(``WHITESPACE_RULES``), punctuation one walk over chains of marks whose rules are named in
``PUNCTUATION_RULES`` (see ``punctuation``). The body is never NFKC'd:
that would turn full-width punctuation into ASCII.

Clean text must come out as it went in, apart from whitespace. So ASCII punctuation is
repaired only in a text that shows machine conversion (pinyin annotations removed, script
converted, or more ASCII than full-width marks next to Han characters); a stray ``其中,``
in an otherwise well-punctuated bulletin is quoted as published.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import NamedTuple

from bulletins.ingest.pinyin import strip_pinyin_annotations
from bulletins.ingest.punctuation import HAN_TEXT, PUNCTUATION_RULES, fix_punctuation
from bulletins.ingest.script import convert_script, converter, detect_script
from bulletins.models import SCRIPTS

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
    """One named cleanup step, ``str -> str``."""

    name: str
    apply: Callable[[str], str]


def apply_rules(text: str, rules: tuple[Rule, ...]) -> str:
    for rule in rules:
        text = rule.apply(text)
    return text


# --- whitespace, invisible characters, HTML entities -----------------------------------------

# With the ``;``, any entity; without it, only the few that scrapers leave bare (``&nbsp政府``),
# and never inside a URL query (``?a=1&amp=2``) or a word (``&nbspx``). Any depth of
# escaping (``&amp;amp;nbsp;``) is one match.
_ENTITY = re.compile(
    r"&(?:amp;)*(?P<entity>#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};"
    r"|(?:nbsp|amp|lt|gt|quot)(?![A-Za-z0-9=;]))"
)
_MAX_PASSES = 4  # repeated steps settle in one or two passes; the bound caps hostile input
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)


def visible(text: str) -> str:
    """TEXT without the characters the ``invisible`` rule removes from a bulletin's text
    (zero-width characters, bidi controls, control characters, lone surrogates)."""
    return _INVISIBLE.sub("", text)


def _decode_entity(match: re.Match[str]) -> str:
    # &#8203; is as invisible as U+200B
    return _INVISIBLE.sub("", html.unescape("&" + match["entity"]))


def _unescape_entities(text: str) -> str:
    """Decode entities, however deeply escaped: ``&amp;amp;nbsp;`` -> no-break space."""
    for _ in range(_MAX_PASSES):  # again only for ``&#38;amp;``-style escapes
        if "&" not in text:
            break
        unescaped = _ENTITY.sub(_decode_entity, text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _collapse_spaces(text: str) -> str:
    # str.split() splits on every Unicode space (tab, U+00A0, U+3000, U+2002...) in C
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


WHITESPACE_RULES: tuple[Rule, ...] = (
    # zero-width spaces/joiners, BOM, soft hyphen, bidi controls, C0/C1 controls, lone surrogates
    Rule("invisible", functools.partial(_INVISIBLE.sub, "")),
    # &nbsp; &amp; &#12345; &#x4e2d; left in plain text by a scraper
    Rule("html-entity", _unescape_entities),
    # \r\n, \r, form feed, U+2028/2029 and the other line boundaries all end a paragraph
    Rule("line-break", lambda text: "\n".join(text.splitlines())),
    # tabs, no-break and ideographic spaces, runs of them: one ASCII space, none at line edges
    Rule("space-run", _collapse_spaces),
    Rule("blank-lines", lambda text: "\n".join(line for line in text.split("\n") if line)),
)


def normalize_whitespace(text: str) -> str:
    """One space for any run of spaces, no blank or padded lines, no invisible characters."""
    return apply_rules(text, WHITESPACE_RULES)


# --- punctuation ----------------------------------------------------------------------------
# ``fix_punctuation`` and its rules live in ``punctuation``: one walk over chains of marks.

_ASCII_MARKS = re.compile(f"[,;:?!](?:(?=[{HAN_TEXT}])|(?<=[{HAN_TEXT}].))")
_FULL_WIDTH_MARKS = "，；：？！"


def looks_machine_punctuated(text: str) -> bool:
    """More ASCII than full-width ``, ; : ? !`` beside Han text: punctuation was converted."""
    ascii_marks = len(_ASCII_MARKS.findall(text))
    return ascii_marks > 0 and ascii_marks > sum(map(text.count, _FULL_WIDTH_MARKS))


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
