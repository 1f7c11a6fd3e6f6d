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
_PARENTHESIS = re.compile(r"[()]")
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
    """The chains of marks of one text and who converts whom.

    A *unit* is a chain less the marks right before ``//`` at its end (those convert only after
    a percent sign): the marks of a unit touch each other, so they convert together. Pair
    nodes are numbered by the position of their ``(``.
    """

    text: str
    units: list[tuple[int, int]] = field(default_factory=list)  # [start, stop) of each unit
    unit_pairs: dict[int, list[int]] = field(default_factory=dict)  # unit -> pairs it converts
    pair_units: dict[int, list[int]] = field(default_factory=dict)  # pair -> units of its parentheses
    parent: dict[int, int] = field(default_factory=dict)  # pair -> innermost pair around it
    seeds: list[tuple[str, int]] = field(default_factory=list)  # ("unit" | "pair", index)
    lone_commas: list[int] = field(default_factory=list)  # "%," before "//": converts alone


def _is_han(text: str, at: int) -> bool:
    return 0 <= at < len(text) and _HAN_CHAR.match(text, at) is not None


def _chains(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, a line break before it) of every run of ASCII marks and parentheses."""
    previous = 0
    for match in _CHAIN.finditer(text):
        yield match.start(), match.end(), text.find("\n", previous, match.start()) != -1
        previous = match.end()


def _match_pairs(text: str, chains: list[tuple[int, int, bool]]) -> dict[int, int]:
    """Bracket matching within each line: open -> close of every pair."""
    partner: dict[int, int] = {}
    stack: list[int] = []
    for start, end, new_line in chains:
        if new_line:
            stack.clear()
        for paren in _PARENTHESIS.finditer(text, start, end):
            if paren.group() == "(":
                stack.append(paren.start())
            elif stack:
                partner[stack.pop()] = paren.start()
    return partner


def _add_unit(graph: _Graph, start: int, end: int) -> int:
    """The unit of one chain; seeds what Han text or a percent sign converts directly."""
    text = graph.text
    stop = end
    if text.startswith("//", end):
        run = _MARK_RUN_AT_END.search(text, start, end)
        stop = run.start() if run else end
    unit = len(graph.units)
    graph.units.append((start, stop))
    percent = text[start] == "," and start > 0 and text[start - 1] in "%‰" and not text.startswith(" ", start + 1)
    if start < stop and (_is_han(text, start - 1) or (stop == end and _is_han(text, end)) or percent):
        graph.seeds.append(("unit", unit))
    elif percent:
        graph.lone_commas.append(start)
    return unit


def _link(graph: _Graph, chains: list[tuple[int, int, bool]], partner: dict[int, int]) -> None:
    """Units, the pairs their parentheses belong to, the pair around their marks."""
    closes = {close: opening for opening, close in partner.items()}
    around: list[int] = []  # the pairs open at this point, innermost last
    for start, end, _ in chains:
        unit = _add_unit(graph, start, end)
        stop = graph.units[unit][1]
        links = graph.unit_pairs.setdefault(unit, [])
        if around and graph.lone_commas and graph.lone_commas[-1] == start:
            graph.seeds.append(("pair", around[-1]))  # the comma converts inside that pair
        previous = start
        for paren in _PARENTHESIS.finditer(graph.text, start, end):
            at = paren.start()
            if at > previous and around:
                links.append(around[-1])  # marks inside a pair
            if at in partner:
                if around:
                    graph.parent[at] = around[-1]
                around.append(at)
            elif at in closes:
                around.pop()
            pair = at if at in partner else closes.get(at)
            if pair is not None:
                links.append(pair)
                graph.pair_units.setdefault(pair, []).append(unit)
            previous = at + 1
        if stop > previous and around:
            links.append(around[-1])


def _seed_pairs(graph: _Graph, partner: dict[int, int]) -> None:
    """Pairs with Han text inside them."""
    han = [match.start() for match in _HAN_CHAR.finditer(graph.text)] if partner else []
    for opening, closing in partner.items():
        first = bisect.bisect_right(han, opening)
        if first < len(han) and han[first] < closing:
            graph.seeds.append(("pair", opening))


def _converted_units(graph: _Graph) -> set[int]:
    """Every unit the seeds reach (a pair reaches its parentheses' units and the pair around it)."""
    units: set[int] = set()
    pairs: set[int] = set()
    todo = list(graph.seeds)
    while todo:
        kind, node = todo.pop()
        if kind == "unit" and node not in units:
            units.add(node)
            todo.extend(("pair", pair) for pair in graph.unit_pairs.get(node, ()) if pair not in pairs)
        elif kind == "pair" and node not in pairs:
            pairs.add(node)
            todo.extend(("unit", unit) for unit in graph.pair_units[node] if unit not in units)
            if node in graph.parent:
                todo.append(("pair", graph.parent[node]))
    return units


def fix_punctuation(text: str) -> str:
    """ASCII ``, ; : ? ! ( )`` beside Han text -> full-width; numbers, Latin text, URLs stay.

    One pass: a chain such as ``(a),中`` or ``()()(月`` converts as a whole, and running it
    again changes nothing.
    """
    if not any(mark in text for mark in _ASCII):
        return text
    graph = _Graph(text)
    chains = list(_chains(text))
    partner = _match_pairs(text, chains)
    _link(graph, chains, partner)
    _seed_pairs(graph, partner)
    spans = sorted([graph.units[unit] for unit in _converted_units(graph)] + [(at, at + 1) for at in graph.lone_commas])
    if not spans:
        return text
    pieces, previous = [], 0
    for start, stop in spans:
        pieces.append(text[previous:start])
        pieces.append(text[start:stop].translate(_FULL_WIDTH))
        previous = stop
    pieces.append(text[previous:])
    return "".join(pieces)
