"""Reading sources: speed on the real corpus, and encoding detection on real text.

    python benchmarks/bench_sources.py [--sample N]

1. Reads ../shared/corpus/bulletins-2022-2024.jsonl.gz through ``read_source`` (gzip, JSON,
   HTML -> paragraphs) and prints records per second.
2. Takes a fixed random sample of those bulletins, writes each as GB18030, as Big5 (after
   OpenCC s2tw, where every character fits) and as BOM-less UTF-16 (both byte orders), in full and cut to 20
   and 60 characters, and counts how often ``decode_bytes`` gives back the same text. The
   same bytes go through charset-normalizer for comparison.
3. Lost bytes: deletes single bytes from sampled bulletins written as GBK and Big5 and counts how
   many readings ``decode_bytes`` reports rather than returns as mojibake.
4. Scaling of a large collection through ``pipeline.prepare_all`` (``--jobs 2``): synthetic
   ``.jsonl.gz`` files of 100,000 and 400,000 records without text (each one cheap problem), so
   the figure is the cost of counting, reading once, chunking and parsing; it must grow linearly.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import charset_normalizer
import opencc

from bulletins.ingest import pipeline
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


def lost_bytes(bulletins: list[RawBulletin], sample: int) -> None:
    s2tw = opencc.OpenCC("s2tw")
    rng = random.Random(20240601)
    chosen = rng.sample(bulletins, min(sample, len(bulletins)))
    for codec, script in (("gbk", "simplified"), ("gbk", "traditional"), ("big5hkscs", "traditional")):
        counts = {"reported": 0, "mojibake returned": 0, "same text": 0}
        for bulletin in chosen:
            text = (s2tw.convert(bulletin.text) if script == "traditional" else bulletin.text)[:400]
            try:
                data = text.encode(codec)
            except UnicodeEncodeError:
                continue
            for index in (i for i in rng.sample(range(len(data)), min(8, len(data))) if data[i] >= 0x80):
                try:
                    decoded = decode_bytes(data[:index] + data[index + 1 :])[0]
                except DecodeError:
                    counts["reported"] += 1
                    continue
                counts["same text" if decoded == text else "mojibake returned"] += 1
        print(f"lost byte in {script} {codec}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def collection_scaling(sizes: tuple[int, ...] = (100_000, 400_000)) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"c{size}.jsonl.gz"
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
                for i in range(size):
                    fh.write(json.dumps({"id": f"r{i}", "title": f"青溪区第{i}次常务会议"}, ensure_ascii=False) + "\n")
            options = pipeline.Options(content=Path(folder) / "content", jobs=2, progress=False)
            start = time.perf_counter()
            count = sum(1 for _ in pipeline.prepare_all([path], options))
            seconds = time.perf_counter() - start
            print(f"collection of {size:,} records: {count:,} results in {seconds:.1f} s ({size / seconds:,.0f}/s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1500, help="bulletins used for the detection figures")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} is absent", file=sys.stderr)
        return 1
    bulletins = read_speed()
    detection(bulletins, args.sample)
    lost_bytes(bulletins, args.sample // 5)
    collection_scaling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
