"""Helpers for the metadata tests: the seed's cleaned paragraphs and corpus records as RawBulletins."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from bulletins.models import Context, RawBulletin
from support.shared import SEED, require

_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]+\)")


def _stand_in_clean(text: str) -> tuple[str, ...]:
    """What normalize.clean_paragraphs does to the seed, in a few lines (used until it exists)."""
    import opencc

    text = opencc.OpenCC("t2s").convert(_PINYIN.sub("", text)).replace(",", "，")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def clean(text: str, script: str = "simplified") -> tuple[str, ...]:
    """normalize.clean_paragraphs, or the stand-in while that module is absent."""
    try:
        from bulletins.ingest.normalize import clean_paragraphs
    except ImportError:
        return _stand_in_clean(text)
    return tuple(clean_paragraphs(text, script))


def seed_paragraphs() -> tuple[str, ...]:
    return clean(require(SEED).read_text(encoding="utf-8"))


def seed_raw(year: int | None = 2022, publisher: str | None = "重庆市渝中区人民政府") -> RawBulletin:
    text = require(SEED).read_text(encoding="utf-8")
    return RawBulletin(
        source=str(SEED.name),
        text=text,
        source_hash="sha256:0",
        context=Context(year=year, publisher=publisher),
    )


def record_paragraphs(html: str) -> tuple[str, ...]:
    """The text of a corpus record's <p> elements, one paragraph each."""
    soup = BeautifulSoup(html, "html.parser")
    texts = (p.get_text(" ", strip=True) for p in soup.find_all("p"))
    return tuple(text for text in texts if text)
