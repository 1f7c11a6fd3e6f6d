"""Read back a value that ``bulletins.site.citation`` wrote into a BibTeX file."""

from __future__ import annotations

import re

from bulletins.site.citation import _BIBTEX_SPECIAL

_DECODE = {latex: char for char, latex in _BIBTEX_SPECIAL.items()}
_DECODE_RE = re.compile("|".join(re.escape(latex) for latex in sorted(_DECODE, key=len, reverse=True)))


def bibtex_text(value: str) -> str:
    """A braced BibTeX value back to its text (outer protecting braces dropped)."""
    while value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return _DECODE_RE.sub(lambda m: _DECODE[m.group(0)], value)
