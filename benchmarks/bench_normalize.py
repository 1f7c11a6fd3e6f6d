"""Time the normalization stage per bulletin: ``python benchmarks/bench_normalize.py``.

Uses ../shared/corpus/dirty-2022-2024.jsonl.gz: its ``gold`` texts are clean Simplified
bulletins (the common case), its ``dirty`` texts carry the seed's dirt (Traditional script,
pinyin annotations, ASCII punctuation). Prints the one-off start-up cost of a process and
the best of three warm runs over each set, in CPU time of this process (on a shared machine
wall-clock time also counts the other processes' turns).
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

DIRTY = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dirty-2022-2024.jsonl.gz"


def main() -> int:
    if not DIRTY.exists():
        print(f"{DIRTY} is absent: this benchmark needs ../shared beside the project")
        return 1
    with gzip.open(DIRTY, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]

    started = time.process_time()
    from bulletins.ingest.normalize import clean_paragraphs

    clean_paragraphs(records[0]["dirty"])
    print(f"start-up (imports, OpenCC tables, first bulletin): {time.process_time() - started:.3f} s")

    for field, label in (("gold", "clean Simplified"), ("dirty", "dirty Traditional")):
        texts = [record[field] for record in records]
        for text in texts:  # fill the per-character caches
            clean_paragraphs(text)
        best = min(_run(clean_paragraphs, texts) for _ in range(3))
        chars = sum(map(len, texts)) / len(texts)
        print(
            f"{label:>18}: {best / len(texts) * 1e6:7.1f} µs per bulletin "
            f"({chars:.0f} characters on average, {len(texts) / best:,.0f} bulletins/s per core)"
        )
    return 0


def _run(clean, texts: list[str]) -> float:
    started = time.process_time()
    for text in texts:
        clean(text)
    return time.process_time() - started


if __name__ == "__main__":
    sys.exit(main())
