"""ASCII ``, ; : ? ! ( )`` beside Han text -> full width, in one pass over each chain of marks.

A mark converts when Han text touches it, and a converted mark is Han text for its
neighbours, so ``()()(月`` converts as a whole: the marks form a graph (each mark with the
marks right beside it, each parenthesis with its partner, everything inside a pair with that
pair) and one walk from the marks Han text touches converts everything it reaches. The walk
visits each mark once (linear time, however long the chain) and stops only where no rule
applies, so a second run changes nothing.

Pairs are matched like brackets within a line (``(a(b)c)`` is two pairs), so a pair converts
as a whole or not at all: ``中(a(b)c)`` -> ``中（a(b)c）``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["HAN_TEXT", "PUNCTUATION_RULES", "fix_punctuation"]

# What counts as "Han text" around a mark: ideographs, CJK and full-width punctuation, curly
# quotes, the ellipsis and the em dash.
HAN_TEXT = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003134f\u2018\u2019\u201c\u201d\u2026\u2014"
)
_HAN_CHAR = re.compile(f"[{HAN_TEXT}]")
_ASCII = "(),;:?!"
_MARKS = ",;:?!"
_CHAIN = re.compile(r"[(),;:?!]+")
_MARK_RUN_AT_END = re.compile(r"[,;:?!]+$")
_FULL_WIDTH = str.maketrans(_ASCII, "（），；：？！")


class PunctuationRule(NamedTuple):
    """When a mark converts; every rule has a row in tests/test_normalize.py."""

    name: str
    description: str


PUNCTUATION_RULES: tuple[PunctuationRule, ...] = (
    PunctuationRule("beside-han", "marks or parentheses with Han text right beside them; 1,000 3:2 12:30 stay"),
    PunctuationRule("parenthesis-pair", "both parentheses of a pair whose inside or either outside is Han text"),
    PunctuationRule("url", "marks right before // (a URL scheme) ignore Han text on their left: 网址:https://"),
    PunctuationRule("comma-after-percent", "8.7%,31: a thousands separator never follows a percent sign"),
    PunctuationRule("chain", "a converted mark is Han text for its neighbours and for the pair around it"),
)


@dataclass
class _Graph:
    """The marks of one text: who converts whom. Pair nodes are ``-(open + 1)``."""

    text: str
    blocked: set[int] = field(default_factory=set)  # marks before "//": no Han from the left
    pair_of: dict[int, int] = field(default_factory=dict)  # parenthesis -> its pair's open position
    partner: dict[int, int] = field(default_factory=dict)  # open -> close
    inside: dict[int, int] = field(default_factory=dict)  # mark or pair open -> innermost pair around it
    seeds: list[int] = field(default_factory=list)


def _is_han(text: str, at: int) -> bool:
    return 0 <= at < len(text) and _HAN_CHAR.match(text, at) is not None


def _chains(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, a line break before it) of every run of ASCII marks and parentheses."""
    previous = 0
    for match in _CHAIN.finditer(text):
        yield match.start(), match.end(), text.find("\n", previous, match.start()) != -1
        previous = match.end()


def _match_pairs(graph: _Graph, chains: list[tuple[int, int, bool]]) -> None:
    """Bracket matching within each line; then the innermost pair around every mark."""
    text, stack = graph.text, []
    for start, end, new_line in chains:
        if new_line:
            stack.clear()
        for at in range(start, end):
            if text[at] == "(":
                stack.append(at)
            elif text[at] == ")" and stack:
                opening = stack.pop()
                graph.partner[opening] = at
                graph.pair_of[opening] = graph.pair_of[at] = opening
    around: list[int] = []
    for start, end, _ in chains:
        for at in range(start, end):
            if at in graph.partner:
                if around:
                    graph.inside[at] = around[-1]
                around.append(at)
            elif at in graph.pair_of:
                around.pop()
            elif around:
                graph.inside[at] = around[-1]


def _seed_chain(graph: _Graph, start: int, end: int) -> None:
    """The marks of one chain that Han text (or a percent sign) converts directly."""
    text = graph.text
    if text.startswith("//", end):
        run = _MARK_RUN_AT_END.search(text, start, end)
        if run:
            graph.blocked.update(range(run.start(), end))
    if _is_han(text, end):
        graph.seeds.append(end - 1)
    if _is_han(text, start - 1) and start not in graph.blocked:
        graph.seeds.append(start)
    if text[start] == "," and start > 0 and text[start - 1] in "%‰" and not text.startswith(" ", start + 1):
        graph.seeds.append(start)


def _seed_pairs(graph: _Graph) -> None:
    """Pairs with Han text inside them."""
    if not graph.partner:
        return
    han = [match.start() for match in _HAN_CHAR.finditer(graph.text)]
    for opening, closing in graph.partner.items():
        first = bisect.bisect_right(han, opening)
        if first < len(han) and han[first] < closing:
            graph.seeds.append(-(opening + 1))


def _neighbours(graph: _Graph, node: int) -> Iterator[int]:
    if node < 0:  # a pair: both its parentheses and the pair around it
        opening = -node - 1
        yield opening
        yield graph.partner[opening]
        if opening in graph.inside:
            yield -(graph.inside[opening] + 1)
        return
    text = graph.text
    for beside in (node - 1, node + 1):
        if 0 <= beside < len(text) and text[beside] in _ASCII and beside not in graph.blocked:
            yield beside
    if node in graph.pair_of:
        yield -(graph.pair_of[node] + 1)
    elif node in graph.inside:
        yield -(graph.inside[node] + 1)


def _converted(graph: _Graph) -> set[int]:
    """Every node the seeds reach."""
    reached: set[int] = set()
    todo = list(graph.seeds)
    while todo:
        node = todo.pop()
        if node in reached:
            continue
        reached.add(node)
        todo.extend(n for n in _neighbours(graph, node) if n not in reached)
    return {node for node in reached if node >= 0}


def fix_punctuation(text: str) -> str:
    """ASCII ``, ; : ? ! ( )`` beside Han text -> full-width; numbers, Latin text, URLs stay.

    One pass: a chain such as ``(a),中`` or ``()()(月`` converts as a whole, and running it
    again changes nothing.
    """
    if not any(mark in text for mark in _ASCII):
        return text
    graph = _Graph(text)
    chains = list(_chains(text))
    _match_pairs(graph, chains)
    for start, end, _ in chains:
        _seed_chain(graph, start, end)
    _seed_pairs(graph)
    positions = _converted(graph)
    if not positions:
        return text
    chars = list(text)
    for at in positions:
        chars[at] = chars[at].translate(_FULL_WIDTH)
    return "".join(chars)
