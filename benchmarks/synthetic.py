"""A synthetic archive for scale benchmarks: N bulletins assembled from real corpus paragraphs.

Nothing here is committed or written to disk: the bulletins are made in memory from
``../shared/corpus`` with a fixed seed, so every run indexes the same archive.

    paragraphs = corpus_paragraphs(records)          # every <p> of every bulletin, as text
    for doc in synthetic_bulletins(paragraphs, 100_000):
        ...                                          # SyntheticBulletin(id, title, date, ...)
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SEED = 100_000
CATEGORIES = ("常务会议", "通知公告", "政策解读", "人事任免", "国内要闻", "国际要闻", "经济运行", "民生服务")
FIRST_DAY = dt.date(2010, 1, 1)
DAYS = 15 * 365
_PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SyntheticBulletin:
    id: str
    title: str
    date: str  # ISO
    category: str
    paragraphs: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"bulletins/{self.date[:4]}/{self.date[5:7]}/{self.id}.html"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def html_paragraphs(markup: str) -> list[str]:
    """Plain text of each ``<p>`` of MARKUP, tags dropped, entities decoded, blanks skipped."""
    found = (_SPACE.sub(" ", html.unescape(_TAG.sub("", p))).strip() for p in _PARAGRAPH.findall(markup))
    return [p for p in found if p]


def corpus_paragraphs(records: Iterable[dict]) -> list[str]:
    """Every paragraph of every corpus record (``html`` or ``text``), in corpus order."""
    paragraphs: list[str] = []
    for record in records:
        if record.get("html"):
            paragraphs.extend(html_paragraphs(record["html"]))
        elif record.get("text"):
            paragraphs.extend(p.strip() for p in record["text"].splitlines() if p.strip())
    return paragraphs


def synthetic_bulletins(paragraphs: list[str], count: int, seed: int = SEED) -> Iterator[SyntheticBulletin]:
    """COUNT bulletins of 2-12 random paragraphs each; titles cut from a paragraph's start."""
    rng = random.Random(seed)
    for number in range(count):
        body = tuple(rng.choice(paragraphs) for _ in range(rng.randint(2, 12)))
        opening = body[0].split("。")[0]
        title = opening[: rng.randint(8, 24)]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        yield SyntheticBulletin(
            id=f"syn-{number:06d}",
            title=title,
            date=day.isoformat(),
            category=rng.choice(CATEGORIES),
            paragraphs=body,
        )
