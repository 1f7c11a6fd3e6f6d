"""``.html``/``.htm``: one bulletin per page saved from a government site (see ``htmltext``).

The page's declared charset (``<meta charset>``) is tried before detection; a label no codec
knows (``<meta charset=rot13>``) is ignored and detection decides.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from bulletins.ingest.disclosure import Facts
from bulletins.ingest.htmltables import body
from bulletins.ingest.htmltext import extract_page
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES, read_decoded, sha256, source_name
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["declared_charset", "read"]

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read(
    path: Path, context: Context, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[RawBulletin | SourceProblem]:
    """The page's title, date and body paragraphs as one RawBulletin, or the problem with it."""
    source = source_name(path)
    decoded = read_decoded(path, max_record_bytes, declared_charset)
    if isinstance(decoded, str):
        yield SourceProblem(source, decoded)
        return
    data, text = decoded
    try:
        page = extract_page(text)
    except Exception as error:  # the parser on hostile markup: one problem, never a crash
        logger.debug("%s: HTML parser failed", source, exc_info=True)
        yield SourceProblem(source, f"cannot parse the HTML: {type(error).__name__}: {error}")
        return
    if not page.paragraphs:
        yield SourceProblem(source, "no text found in the HTML page")
        return
    text, blocks = body(page.paragraphs, page.tables)
    yield RawBulletin(
        source=source,
        text=text,
        source_hash=sha256(data),
        context=_with_facts(context, page.facts),
        title=page.title,
        date=page.date,
        format="html",
        blocks=blocks,
    )


def _with_facts(context: Context, facts: Facts) -> Context:
    """CONTEXT with the publisher and 主题分类 the page's 信息公开 table gives (the page's own
    account of the document, over a defaults file's)."""
    given = {"publisher": facts.publisher, "category": facts.category}
    given = {key: value for key, value in given.items() if value}
    return dataclasses.replace(context, **given) if given else context


def declared_charset(data: bytes) -> str | None:
    """The charset label a page declares in its first 4 KB (``<meta charset="gbk">``), or None."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None
