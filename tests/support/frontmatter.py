"""Helpers for the writer and pipeline tests: hand-made articles and Pelican's own reader."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from dataclasses import replace
from pathlib import Path

from bs4 import BeautifulSoup

from bulletins.models import Article, Metadata

ROOT = Path(__file__).resolve().parents[2]


def make_article(paragraphs=("会议指出，要抓好经济运行。",), **fields) -> Article:
    """An Article with plausible defaults; FIELDS override Metadata or Article fields by name."""
    metadata = Metadata(
        title="张明主持召开区政府第3次常务会议",
        date=dt.date(2023, 4, 7),
        category="常务会议",
        publisher="临江市青溪区人民政府",
        region="临江市青溪区",
        presider="张明",
        people=("李华", "王芳"),
        documents=("青溪区“十四五”交通规划",),
        keywords=("交通", "规划"),
        summary="4月7日，张明主持召开区政府第3次常务会议。",
    )
    meta_names = set(Metadata.__dataclass_fields__)
    metadata = replace(metadata, **{k: v for k, v in fields.items() if k in meta_names})
    article = Article(
        metadata=metadata,
        paragraphs=tuple(paragraphs),
        identifier="2023-0407-0A1B2C3D",
        slug="qx-2023-0407",
        source="sources/qingxi-2023/0407.txt",
        source_hash="sha256:" + "0" * 64,
    )
    return replace(article, **{k: v for k, v in fields.items() if k not in meta_names})


@functools.lru_cache(maxsize=1)
def pelican_settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))


def pelican_read(text: str) -> tuple[str, dict]:
    """(html, metadata) exactly as Pelican's MarkdownReader reads a content file holding TEXT."""
    from pelican.readers import MarkdownReader

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.md"
        path.write_text(text, encoding="utf-8")
        return MarkdownReader(dict(pelican_settings())).read(str(path))


def html_paragraphs(html: str) -> list[str]:
    """The text of each top-level element of rendered HTML (one per paragraph)."""
    soup = BeautifulSoup(html, "html.parser")
    return [element.get_text() for element in soup.find_all(recursive=False)]


def html_tags(html: str) -> set[str]:
    """Every element name in HTML: a body that renders as plain text has only ``p``."""
    return {element.name for element in BeautifulSoup(html, "html.parser").find_all(True)}


def pelican_values(meta: dict) -> dict[str, str]:
    """Pelican's metadata as header strings (Tag/Category/date objects back to text)."""
    values = {}
    for key, value in meta.items():
        if key == "tags":
            values[key] = ", ".join(str(tag) for tag in value)
        elif key == "date":
            values[key] = value.date().isoformat()
        else:
            values[key] = str(value)
    return values
