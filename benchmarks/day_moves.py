"""How many of a day's bulletins one more moves, by the rule that gives them their search ids.

    python benchmarks/day_moves.py [--days 3000] [--seed 3]

For each of DAYS random days (fixed seed) of one full block of URLs, the slots ``docids.day_slots``
gives them, then again with one URL more: how many of the first URLs changed slot. Each moved
bulletin brings its keys' posting lists and their shards into the rebuild (``full`` under
*Scale* in the README). Printed for blocks of 16 and 32 (a block holds three quarters of its
ids, ``docids.block_fill``), and for two other rules written here to compare, not used by the
index: blocks filled whole (the rule of index formats 10 and 11), and that with a second hash
choice tried before the linear probe.
"""

from __future__ import annotations

import argparse
import random
import zlib

from bulletins.search.docids import block_fill, day_slots


def other_rule(urls: list[str], step: int, fill: int, second: bool) -> list[int]:
    """``day_slots`` with FILL URLs a block, and with SECOND, each URL's second home tried first."""
    homes = [zlib.crc32(url.encode("utf-8")) for url in urls]
    ranked = sorted(range(len(urls)), key=lambda i: (homes[i], urls[i], i))
    slots = [0] * len(urls)
    for block, start in enumerate(range(0, len(ranked), fill)):
        taken = bytearray(step)
        for i in ranked[start : start + fill]:
            home, other = homes[i] % step, (homes[i] >> 16) % step
            slot = other if second and taken[home] and not taken[other] else taken.find(0, home)
            slot = slot if slot >= 0 else taken.rfind(0, 0, home)
            taken[slot], slots[i] = 1, block * step + slot
    return slots


def moves(rule, step: int, fill: int, days: int, seed: int) -> list[int]:
    rng, found = random.Random(seed), []
    for _ in range(days):
        urls = [f"https://example.org/{rng.random()}.html" for _ in range(fill)]
        before, after = rule(urls, step), rule([*urls, f"https://example.org/{rng.random()}.html"], step)
        found.append(sum(a != b for a, b in zip(before, after)))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rules = [
        (f"day_slots, {block_fill(step)} in a block of {step}", day_slots, step, block_fill(step)) for step in (16, 32)
    ]
    rules += [
        ("a block of 32 filled whole", lambda urls, step: other_rule(urls, step, 32, False), 32, 32),
        ("filled whole, a second hash choice", lambda urls, step: other_rule(urls, step, 32, True), 32, 32),
    ]
    print("| rule | mean | 90th percentile | most |\n|---|---|---|---|")
    for name, rule, step, fill in rules:
        found = moves(rule, step, fill, args.days, args.seed)
        print(f"| {name} | {sum(found) / len(found):.2f} | {found[len(found) * 9 // 10]} | {found[-1]} |")


if __name__ == "__main__":
    main()
