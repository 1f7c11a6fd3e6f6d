"""Search documents made straight from the real corpus, the way ingest reads its records.

``corpus_docs()`` gives one builder record per bulletin of ../shared/corpus (title, date,
body paragraphs from the record's HTML as ``support.corpus_texts`` gives them, its id as
source id), so the index and the tests' "contains" check read exactly the same text. The
index builder is the pure ``build_index``; no site build is needed.
"""

from __future__ import annotations

import functools

from support.corpus_texts import record_fragments
from support.shared import bulletin_records


@functools.lru_cache(maxsize=1)
def corpus_docs() -> tuple[dict, ...]:
    docs = []
    for record, paragraphs in zip(bulletin_records(), record_fragments(), strict=True):
        year, month = record["date"][:4], record["date"][5:7]
        docs.append(
            {
                "url": f"bulletins/{year}/{month}/{record['id']}.html",
                "title": record.get("title") or "",
                "date": record["date"],
                "body": "\n".join(paragraphs),
                "category": "新闻联播",
                "source_id": record["id"],
            }
        )
    return tuple(docs)
