"""The search benchmark's query set and what each query should find (``bench_search.py``; also
``bench_index_rebuild.py``'s queries).

The records are the index builder's input, read from the Markdown articles ingest wrote. The
queries are fixed-seed exact substrings (2-8 Han characters) of bulletin bodies; a bulletin is
relevant when its folded title or body contains the folded query.
"""

from __future__ import annotations

import os
import random
import re
import statistics
from pathlib import Path

from bulletins.ingest.frontmatter import body_paragraphs, parse_article
from bulletins.models import split_documents, split_names
from bulletins.search.documents import from_dict
from bulletins.search.foldmap import build_fold_map
from bulletins.search.tokens import FoldTable, fold

SEED = 2024
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def read_records(content: Path) -> list[dict]:
    """The index builder's input records, from the Markdown articles ingest wrote."""
    records = []
    for path in sorted((content / "bulletins").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        header = parse_article(text)
        date = header["Date"][:10]
        records.append(
            {
                "url": f"bulletins/{date[:4]}/{date[5:7]}/{header['Slug']}.html",
                "title": header.get("Title", ""),
                "date": date,
                "body": "\n".join(body_paragraphs(text)),
                "category": header.get("Category", ""),
                "people": split_names(header.get("People")),
                "documents": split_documents(header.get("Documents")),
                "source_id": header.get("SourceId", ""),
            }
        )
    return records


def searchable(record: dict, table: FoldTable) -> str:
    """What a query must be a substring of (folded title and rest, never across them)."""
    doc = from_dict(record)
    return fold(doc.title, table) + "\n" + fold(doc.rest, table)


def pick_queries(texts: list[str], count: int, seed: int = SEED) -> list[str]:
    """COUNT distinct exact substrings of 2-8 Han characters, drawn from random texts."""
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        runs = HAN_RUN.findall(rng.choice(texts))
        if not runs:
            continue
        run_ = rng.choice(runs)
        size = rng.randint(2, min(8, len(run_)))
        start = rng.randrange(len(run_) - size + 1)
        query = run_[start : start + size]
        if query not in queries:
            queries.append(query)
    return queries


def truth(records: list[dict], queries: list[str]) -> list[set[str]]:
    """For each query, the URLs of the bulletins that contain it."""
    table = FoldTable(build_fold_map())
    texts = [(r["url"], searchable(r, table)) for r in records]
    return [{url for url, text in texts if fold(q, table) in text} for q in queries]


def recall(found: list[set[str]], expected: list[set[str]]) -> tuple[float, float, float]:
    """Mean recall, mean precision, and the share of queries answered completely."""
    recalls = [len(f & e) / len(e) for f, e in zip(found, expected)]
    precisions = [len(f & e) / len(f) if f else 0.0 for f, e in zip(found, expected)]
    complete = sum(e <= f for f, e in zip(found, expected)) / len(expected)
    return statistics.mean(recalls), statistics.mean(precisions), complete


def sample_texts(content: Path, count: int, seed: int = SEED) -> list[str]:
    """The bodies of COUNT articles of CONTENT drawn at random (a fixed seed)."""
    paths = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(content / "bulletins")
        for name in names
        if name.endswith(".md")
    )
    chosen = random.Random(seed).sample(paths, min(count, len(paths)))
    return ["\n".join(body_paragraphs(Path(p).read_text(encoding="utf-8"))) for p in chosen]
