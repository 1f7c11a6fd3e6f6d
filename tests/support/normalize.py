"""Helpers for the normalization tests: an exact edit distance fast enough for a corpus."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute: cost 1 each).

    Myers' bit-parallel algorithm (Hyyrö's formulation) with Python's big integers as the bit
    vectors: one pass over B with a handful of integer operations per character, so two
    1,000-character paragraphs take about a millisecond instead of a million DP cells.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    # bit i of peq[c] is set where b[i] == c; b is the pattern, a is scanned
    peq: dict[str, int] = {}
    for i, ch in enumerate(b):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    m = len(b)
    mask = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def levenshtein_dp(a: str, b: str) -> int:
    """The textbook O(len(a)·len(b)) dynamic programme: the reference for ``levenshtein``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
