"""The tokenizer spec, from the table shared with tests/js/tokens.test.mjs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulletins.search import tokens
from bulletins.search.foldmap import build_fold_map

CASES = json.loads((Path(__file__).parent / "fixtures" / "tokenize_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def table():
    return tokens.FoldTable(build_fold_map())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fold(case, table):
    assert tokens.fold(case["input"], table) == case["folded"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_positional_tokens(case):
    assert [[k, p] for k, p in tokens.positional_tokens(case["folded"])] == case["tokens"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("渝中区", ["渝", "中", "区"]),
        ("2022年G20", ["年"]),
        ("abc", []),
        ("發展，发展", ["發", "展", "发", "展"]),  # unigrams read folded text; this one is not folded
    ],
    ids=["han_run", "han_between_words", "no_han", "repeats_kept"],
)
def test_unigrams(text, expected):
    assert list(tokens.unigrams(text)) == expected


@pytest.mark.parametrize(
    "a, b",
    [("經濟", "發展"), ("ＧＤＰ", "增长"), ("區(qū)", "2022年"), ("\U00020000", "中")],
    ids=["traditional", "fullwidth", "annotation", "astral"],
)
def test_fold_is_per_code_point(a, b, table):
    """fold(a + b) == fold(a) + fold(b): positions in a folded text match the folded query."""
    assert tokens.fold(a + b, table) == tokens.fold(a, table) + tokens.fold(b, table)


def test_offset_shifts_positions():
    assert list(tokens.positional_tokens("2022年度", offset=256)) == [("2022", 256), ("^年", 260), ("年度", 260)]


@pytest.mark.parametrize("text, last", [("国内联播快讯", 5), ("快讯（二）", 3), ("g20。", 2), ("，。", None)])
def test_last_token_char(text, last):
    assert tokens.last_token_char(text) == last
