"""``.html``/``.htm``: one bulletin per page saved from a government site (see ``htmltext``).

The page's declared charset (``<meta charset>``) is tried before detection; a label no codec
knows (``<meta charset=rot13>``) is ignored and detection decides.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from bulletins.ingest.htmltables import body
from bulletins.ingest.htmltext import extract_page
from bulletins.ingest.readers.common import (
    DEFAULT_MAX_RECORD_BYTES,
    given_context,
    read_decoded,
    sha256,
    source_name,
)
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
        # the publisher and 主题分类 of its 信息公开 table: the page's own account, over a defaults file's
        context=given_context(context, {"publisher": page.facts.publisher, "category": page.facts.category}),
        title=page.title,
        date=page.date,
        format="html",
        blocks=blocks,
    )


def declared_charset(data: bytes) -> str | None:
    """The charset label a page declares in its first 4 KB (``<meta charset="gbk">``), or None."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None
