"""Cleaning the 1,000 seed-style dirty records reproduces their gold text; cleaning the
11,442 real (clean, Simplified) bulletins changes nothing but whitespace."""

from __future__ import annotations

import random
import re

import pytest

from bulletins.ingest.normalize import clean_paragraphs
from support.metadata import paragraph_texts
from support.normalize import levenshtein, levenshtein_dp
from support.shared import bulletin_records, dirty_records


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        pytest.param("", "", 0, id="both-empty"),
        pytest.param("", "区政府", 3, id="one-empty"),
        pytest.param("区政府", "区政府", 0, id="equal"),
        pytest.param("區政府", "区政府", 1, id="one-substitution"),
        pytest.param("区（qū）政府", "区政府", 4, id="deletions"),
        pytest.param("kitten", "sitting", 3, id="textbook"),
        pytest.param("央" * 70 + "视", "视" + "央" * 70, 2, id="longer-than-a-machine-word"),
    ],
)
def test_levenshtein(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == levenshtein(b, a) == distance


def test_levenshtein_agrees_with_the_textbook_programme() -> None:
    rng = random.Random(20220228)
    for _ in range(500):
        a = "".join(rng.choices("区政府,(", k=rng.randrange(90)))
        b = "".join(rng.choices("区政府,(", k=rng.randrange(90)))
        assert levenshtein(a, b) == levenshtein_dp(a, b), (a, b)


@pytest.mark.corpus
def test_dirty_records_clean_to_their_gold(record_property) -> None:
    records = dirty_records()
    distance = total = exact = 0
    worst: list[tuple[int, str]] = []
    for record in records:
        cleaned = "\n".join(clean_paragraphs(record["dirty"]))
        d = levenshtein(cleaned, record["gold"])
        distance += d
        total += len(record["gold"])
        exact += d == 0
        if d:
            worst.append((d, record["id"]))
    char_accuracy = 1 - distance / total
    exact_share = exact / len(records)
    figures = (
        f"characters right: {char_accuracy:.5%} ({distance} edits over {total} gold characters); "
        f"records exact: {exact_share:.1%} ({exact} of {len(records)}); "
        f"worst: {sorted(worst, reverse=True)[:5]}"
    )
    print(figures)
    record_property("dirty_char_accuracy", round(char_accuracy, 6))
    record_property("dirty_exact_share", round(exact_share, 4))
    assert char_accuracy >= 0.999, figures
    assert exact_share >= 0.95, figures


_INVISIBLE_OR_SPACE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


@pytest.mark.corpus
@pytest.mark.slow
def test_clean_bulletins_change_only_in_whitespace(record_property) -> None:
    """Every <p> of every real bulletin comes out with the same characters, in order, once
    spaces and zero-width characters are set aside."""
    changed: list[tuple[str, str]] = []
    paragraphs = 0
    for record in bulletin_records():
        source = paragraph_texts(record["html"])
        lines = (line for p in source for line in p.splitlines())  # a <br> inside a <p>
        expected = [s for line in lines if (s := _INVISIBLE_OR_SPACE.sub("", line))]
        cleaned = [_INVISIBLE_OR_SPACE.sub("", p) for p in clean_paragraphs("\n".join(source))]
        paragraphs += len(expected)
        if cleaned != expected:
            lost = set(expected) - set(cleaned)
            changed.extend((record["id"], p[:60]) for p in lost or expected[:1])
    print(f"paragraphs changed beyond whitespace: {len(changed)} of {paragraphs}")
    record_property("clean_paragraphs_changed", len(changed))
    assert not changed, f"{len(changed)} of {paragraphs} paragraphs changed, e.g. {changed[:5]}"
