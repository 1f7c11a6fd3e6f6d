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
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bulletins.ingest.gazette import find_effective, find_expiry, parse_series
from bulletins.ingest.relations import AMENDS, INTERPRETS, REPEALS, find_relations, relations_of
from bulletins.plugins.gazette.generator import OPTIONS, GazetteGenerator
from bulletins.site import gazette, lifecycle
from support.metadata import record_paragraphs
from support.shared import bulletin_records

OPTION_DEFAULTS = {option.name: option.default for option in OPTIONS}


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
    print(f"the gazette plugin's whole pass over the articles' headers: {plugin_pass(records, facts):.3f} s wall clock")


def plugin_pass(records, facts) -> float:
    """Time GazetteGenerator.generate_context over stand-ins of the Pelican articles (their
    header as ingest writes it), as the build runs it once."""
    articles = []
    for record, doc in zip(records, facts):
        metadata = {
            "docnumber": doc.doc_number,
            "dateeffective": doc.date_effective.isoformat() if doc.date_effective else "",
            "dateexpires": doc.date_expires.isoformat() if doc.date_expires else "",
            "repeals": "; ".join(r.label() for r in doc.repeals),
            "amends": "; ".join(r.label() for r in doc.amends),
            "interprets": "; ".join(r.label() for r in doc.interprets),
            "publisher": record.get("publisher") or "",
            "source": "corpus.jsonl",
            "sourceline": doc.key,
        }
        when = dt.datetime.combine(doc.date, dt.time())
        articles.append(
            SimpleNamespace(
                metadata=metadata, title=doc.title, date=when, slug=doc.key, url=f"{doc.key}.html", source_path=doc.key
            )
        )
    generator = GazetteGenerator.__new__(GazetteGenerator)
    generator.context = {"articles": articles}
    generator.settings = {"BULLETINS_BUILD_DATE": "", "TIMEZONE": "Asia/Shanghai", **OPTION_DEFAULTS}
    started = time.perf_counter()
    generator.generate_context()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
