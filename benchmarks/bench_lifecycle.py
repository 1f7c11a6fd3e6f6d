"""Time the gazette steps on the real corpus: python benchmarks/bench_lifecycle.py.

Ingest side: relations, effective/expiry dates and series read from every bulletin's text.
Build side: ``lifecycle.resolve`` and the page views over all 11,442 bulletins at once (the
one-pass resolution the gazette plugin runs), with the references found in their texts.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bulletins.ingest.gazette import find_effective, find_expiry, parse_series
from bulletins.ingest.relations import AMENDS, INTERPRETS, REPEALS, find_relations, relations_of
from bulletins.site import gazette, lifecycle
from support.metadata import record_paragraphs
from support.shared import bulletin_records


def read_texts(records):
    started = time.process_time()
    facts, series = [], []
    for i, record in enumerate(records):
        paragraphs = record_paragraphs(record["html"])
        title = record.get("title") or ""
        date = dt.date.fromisoformat(record["date"][:10])
        found = find_relations(title, paragraphs)
        effective = find_effective(paragraphs, date)
        facts.append(
            lifecycle.DocumentFacts(
                key=str(i),
                title=title,
                date=date,
                date_effective=effective,
                date_expires=find_expiry(paragraphs, effective),
                repeals=relations_of(found, REPEALS),
                amends=relations_of(found, AMENDS),
                interprets=relations_of(found, INTERPRETS),
            )
        )
        meeting = parse_series(title)
        if meeting:
            series.append((i, "", meeting, i))
    return facts, series, time.process_time() - started


def main() -> None:
    records = bulletin_records()
    started = time.process_time()
    for record in records:
        record_paragraphs(record["html"])
    html_cpu = time.process_time() - started
    facts, series, cpu = read_texts(records)
    text_cpu = cpu - html_cpu
    started = time.perf_counter()
    resolution = lifecycle.resolve(facts, dt.date.today())
    shown = lifecycle.views(resolution, facts, {f.key: f.key for f in facts}, dt.date.today())
    groups = gazette.group_series(series)
    resolve_s = time.perf_counter() - started
    refs = sum(len(f.repeals) + len(f.amends) + len(f.interprets) for f in facts)
    status = sum(1 for life in resolution.documents.values() if life.status)
    print(
        f"{len(facts)} bulletins: reading relations, dates and series {1000 * text_cpu / len(facts):.2f} ms CPU "
        f"per bulletin ({text_cpu:.1f} s in all, HTML parsing excluded); {refs} repeal/amend/interpret "
        f"references, {len(resolution.unresolved)} unresolved; {status} documents with a status, "
        f"{len(shown)} with something to show; {len(groups)} meeting series"
    )
    print(f"build step (resolve + views + series over the whole archive): {resolve_s:.3f} s wall clock")


if __name__ == "__main__":
    main()
