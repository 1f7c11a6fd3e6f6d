"""Shared pieces of the reading-aids tests: the settings a page shows, colours and contrast,
and the occurrences of search terms in an article's title and body counted from its HTML."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

from bulletins.search.foldmap import build_fold_map
from bulletins.search.tokens import FoldTable, fold

STORAGE_KEY = "bulletins.reading"  # reading.js
# The search page's deferred scripts, in the order search.html loads them.
SEARCH_SCRIPTS = (
    "search-tokens.js",
    "search-index.js",
    "search-core.js",
    "manifest.js",
    "search-view.js",
    "search-ui.js",
)
# The computed styles of <html> a setting changes.
STYLES_JS = """() => {
  const s = getComputedStyle(document.documentElement);
  const link = document.querySelector('main a[href]') || document.querySelector('a[href]');
  return {fontSize: parseFloat(s.fontSize), lineHeight: parseFloat(s.lineHeight), color: s.color,
          background: s.backgroundColor, colorScheme: s.colorScheme,
          linkLine: getComputedStyle(link).textDecorationLine,
          pressed: [...document.querySelectorAll('button[data-reading][aria-pressed=true]')]
                     .map(b => b.dataset.reading + '=' + b.dataset.value)};
}"""


def stored(settings: dict[str, str] | str) -> str:
    """An init script that stores SETTINGS (a dict, or the raw stored text) before any script of a
    page runs (about:blank, where storage is denied, is left alone)."""
    raw = settings if isinstance(settings, str) else json.dumps(settings)
    return f"try {{ localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(raw)}); }} catch (e) {{}}"


def rgb(css: str) -> tuple[int, int, int]:
    """``rgb(r, g, b)`` / ``rgba(r, g, b, a)`` as a tuple."""
    numbers = re.findall(r"[\d.]+", css)
    return tuple(round(float(n)) for n in numbers[:3])


def luminance(color: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS colours."""
    high, low = sorted((luminance(rgb(a)), luminance(rgb(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


_TABLE = FoldTable(build_fold_map())


def folded(text: str) -> str:
    """TEXT folded as the search folds it (NFKC, lowercase, Traditional -> Simplified)."""
    return fold(text, _TABLE)


def occurrences(html: str, terms: list[str]) -> int:
    """Non-overlapping occurrences of TERMS (any of them, longest first where two start at the
    same place) in the text nodes of an article page's title and body, folded."""
    soup = BeautifulSoup(html, "html.parser")
    parts = [soup.select_one("h1#bulletin-title"), soup.select_one("div.bulletin-body")]
    wanted = sorted({folded(t) for t in terms}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in wanted))
    return sum(len(pattern.findall(folded(str(s)))) for part in parts if part for s in part.strings)
