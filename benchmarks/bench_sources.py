"""Reading sources: speed on the real corpus, and encoding detection on real text.

    python benchmarks/bench_sources.py [--sample N]

1. Reads ../shared/corpus/bulletins-2022-2024.jsonl.gz through ``read_source`` (gzip, JSON,
   HTML -> paragraphs) and prints records per second.
2. Takes a fixed random sample of those bulletins, writes each as GB18030, as Big5 (after
   OpenCC s2tw, where every character fits) and as BOM-less UTF-16 (both byte orders), in full and cut to 20
   and 60 characters, and counts how often ``decode_bytes`` gives back the same text. The
   same bytes go through charset-normalizer for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from pathlib import Path

import charset_normalizer
import opencc

from bulletins.ingest.decode import DecodeError, decode_bytes
from bulletins.ingest.sources import read_source
from bulletins.models import Context, RawBulletin

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
ENCODINGS = {"gb18030": "gb18030", "big5": "big5hkscs", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}


def read_speed() -> list[RawBulletin]:
    start, cpu = time.perf_counter(), time.process_time()
    results = list(read_source(CORPUS, Context()))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    bulletins = [r for r in results if isinstance(r, RawBulletin)]
    print(
        f"read_source: {len(bulletins)} bulletins, {len(results) - len(bulletins)} problems, "
        f"{seconds:.2f} s wall, {cpu:.2f} s CPU, {len(bulletins) / cpu:,.0f} bulletins per CPU second"
    )
    return bulletins


def detection(bulletins: list[RawBulletin], sample: int) -> None:
    s2tw = opencc.OpenCC("s2tw")
    chosen = random.Random(20231114).sample(bulletins, min(sample, len(bulletins)))
    for length in (20, 60, None):
        counts = {name: [0, 0, 0] for name in ENCODINGS}  # tried, ours right, charset-normalizer right
        for bulletin in chosen:
            for name, codec in ENCODINGS.items():
                text = s2tw.convert(bulletin.text) if name == "big5" else bulletin.text
                text = text[:length] if length else text
                try:
                    data = text.encode(codec)
                except UnicodeEncodeError:
                    continue
                counts[name][0] += 1
                with contextlib.suppress(DecodeError):
                    counts[name][1] += decode_bytes(data)[0] == text
                best = charset_normalizer.from_bytes(data).best()
                counts[name][2] += best is not None and str(best) == text
        label = f"first {length} chars" if length else "whole text"
        for name, (tried, ours, theirs) in counts.items():
            print(f"{label:>15} {name:>9}: decode_bytes {ours}/{tried}, charset-normalizer {theirs}/{tried}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1500, help="bulletins used for the detection figures")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} is absent", file=sys.stderr)
        return 1
    bulletins = read_speed()
    detection(bulletins, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
