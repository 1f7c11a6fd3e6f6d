"""Time the metadata stage alone on real bulletins: python benchmarks/bench_metadata.py [N]."""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bulletins.ingest.metadata import extract_metadata
from bulletins.models import RawBulletin
from support.metadata import record_paragraphs
from support.shared import bulletin_records


def main(count: int = 2000) -> None:
    records = random.Random(7).sample(bulletin_records(), count)
    samples = [
        (RawBulletin(source="corpus", text="", source_hash="", date=r["date"]), record_paragraphs(r["html"]))
        for r in records
    ]
    extract_metadata(*samples[0])  # loads jieba once, as each worker process does
    per_bulletin = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for raw, paragraphs in samples:
        t0 = time.perf_counter()
        extract_metadata(raw, paragraphs)
        per_bulletin.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    chars = statistics.mean(sum(map(len, p)) for _, p in samples)
    print(
        f"{count} bulletins (mean {chars:.0f} characters): {count / total:.0f}/s on one core, "
        f"mean {1000 * total / count:.2f} ms, median {1000 * statistics.median(per_bulletin):.2f} ms, "
        f"p95 {1000 * sorted(per_bulletin)[int(0.95 * count)]:.2f} ms (wall clock); "
        f"CPU time {1000 * cpu / count:.2f} ms per bulletin"
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
