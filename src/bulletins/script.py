"""Chinese script: which one a text is in, and converting it (OpenCC) only when it must.

OpenCC's ``t2s`` over text that is already Simplified can damage it (覆盖→复盖, 蒜薹→蒜苔,
乾隆→干隆 in some versions; a quoted 《樂府》 always becomes 《乐府》), so a text is converted
only when it is really written in the other script. The verdict counts the distinct
characters that only one script uses: a Simplified bulletin quoting one Traditional title
still has far more Simplified-only characters.
"""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)

SIMPLIFIED, TRADITIONAL, UNKNOWN = "simplified", "traditional", "unknown"

# OpenCC's own Traditional (what ``s2t`` writes) and Taiwan's standard (what ``s2tw`` writes,
# and many websites' converters) differ in a few common characters. The inverse of the
# converter that made a text recovers it best: ``tw2s`` turns Taiwan's 帶著 back into 带着,
# where ``t2s`` keeps 著; ``t2s`` keeps 原著 where ``tw2s`` makes it 原着.
_TAIWAN_FORMS = frozenset("為眾群啟裡偽峰床麵")
_OPENCC_FORMS = frozenset("爲衆羣啓裏僞峯牀麪着")


@functools.lru_cache(maxsize=None)
def converter(config: str):
    """One OpenCC converter per configuration and process (building one costs ~3 ms)."""
    import opencc

    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=65536)
def variants(char: str) -> tuple[str, ...]:
    """The other-script forms of one character: ``區`` -> ("区",), ``区`` -> ("區",)."""
    forms = {converter("t2s").convert(char), converter("s2t").convert(char)}
    forms.discard(char)
    return tuple(sorted(forms))


@functools.lru_cache(maxsize=65536)
def _script_of(char: str) -> str:
    """SIMPLIFIED or TRADITIONAL for a character only one script writes, else UNKNOWN."""
    if converter("t2s").convert(char) != char:
        return TRADITIONAL
    if converter("s2t").convert(char) != char:
        return SIMPLIFIED
    return UNKNOWN


def script_counts(text: str) -> tuple[int, int]:
    """(distinct Traditional-only characters, distinct Simplified-only characters) in TEXT."""
    traditional = simplified = 0
    for char in set(text):
        if char < "\u3400":
            continue
        kind = _script_of(char)
        if kind == TRADITIONAL:
            traditional += 1
        elif kind == SIMPLIFIED:
            simplified += 1
    return traditional, simplified


def detect_script(text: str) -> str:
    """SIMPLIFIED, TRADITIONAL, or UNKNOWN (no character that only one script uses).

    A text is Traditional when its Traditional-only characters outnumber its
    Simplified-only ones, and the other way round.
    """
    traditional, simplified = script_counts(text)
    if traditional > simplified:
        return TRADITIONAL
    if simplified > traditional:
        return SIMPLIFIED
    return UNKNOWN


def convert_script(text: str, target: str) -> str:
    """TEXT in TARGET script ("simplified", "traditional" or "keep").

    Converted only when TEXT is detected to be in the other script; otherwise returned
    unchanged, so already-Simplified text never goes through ``t2s``.
    """
    if target == "keep":
        return text
    if target not in (SIMPLIFIED, TRADITIONAL):
        raise ValueError(f"unknown script {target!r}: use simplified, traditional or keep")
    source = detect_script(text)
    if source in (UNKNOWN, target):
        return text
    config = "s2t" if target == TRADITIONAL else to_simplified_config(text)
    log.debug("converting %s text to %s with OpenCC %s", source, target, config)
    return converter(config).convert(text)


def to_simplified_config(text: str) -> str:
    """``tw2s`` for text in Taiwan's character forms, else ``t2s``."""
    chars = set(text)
    return "tw2s" if len(chars & _TAIWAN_FORMS) > len(chars & _OPENCC_FORMS) else "t2s"
