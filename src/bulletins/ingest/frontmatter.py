"""Article <-> Markdown: the content/*.md file and its metadata header (the front-matter contract).

A file is a Pelican Markdown header (``Key: value`` lines read by Python-Markdown's meta
extension), a blank line, then one escaped paragraph per block::

    Title: 黄茂军主持召开区政府第5次常务会议
    Date: 2022-02-28
    ...
    Checksum: sha256:<hex of everything else in the file>

    2月28日，重庆市渝中区政府区长黄茂军主持召开……

Header values are raw text (FORMATTED_FIELDS is empty, the theme escapes them) made safe for
the header: one line, no control characters, nothing the meta extension could read as a new
key. Body paragraphs are escaped just enough that Markdown and HTML in a source render as the
literal text under pelicanconf.MARKDOWN (only the meta extension): editors still read them.
``Checksum`` tells a later ingest whether an editor changed the file by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from bulletins.ingest import bodymarkup, frame, gazette
from bulletins.models import Article, Metadata, quote_path, split_documents, split_names, unquote_path

# Header keys in the order they are written. A key whose value is empty is left out.
FIELDS = (
    "Title",
    "Date",
    "Category",
    "Tags",
    "Summary",
    "Slug",
    "Identifier",
    "Publisher",
    "Region",
    "DocNumber",
    "Presider",
    "People",
    "Documents",
    "Source",
    "SourceHash",
    "SourceId",
    "SourceLine",
    "SourceUrl",
    "DatePrecision",
    "DateSource",
    "TitleSource",
    *frame.FIELDS,
    *gazette.FIELDS,
    "Checksum",
)
CHECKSUM = "Checksum"

# --- header values -------------------------------------------------------------------------
# Line breaks of any kind and control characters would end the value or start a new key, and
# a lone surrogate has no UTF-8; Python-Markdown strips the value's ends (str.strip), so we do
# the same.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SPACES = re.compile(r" {2,}")


def clean_text(value: object) -> str:
    """One line of text: control characters, line breaks and lone surrogates become a space,
    runs of spaces one space, both ends stripped. Used for header values and body paragraphs
    (and by ``identity.source_key``, which must see values as the header shows them)."""
    text = _CONTROL.sub(" ", str(value))
    return _SPACES.sub(" ", text).strip()


def _list_item(value: str) -> str:
    # "," separates items (models.split_names); Pelican's Tags split on ";" when present.
    return clean_text(value).replace(",", "，").replace(";", "；")


def _join_names(values: tuple[str, ...]) -> str:
    items = (_list_item(v) for v in values)
    return ", ".join(dict.fromkeys(item for item in items if item))


def _balanced(title: str) -> bool:
    depth = 0
    for ch in title:
        if ch == "《":
            depth += 1
        elif ch == "》":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _document(title: str) -> str:
    title = clean_text(title)
    if not _balanced(title):  # a stray bracket would split or swallow its neighbours
        title = title.replace("《", "〈").replace("》", "〉")
    return title


def _join_documents(values: tuple[str, ...]) -> str:
    titles = (_document(v) for v in values)
    return "".join(f"《{t}》" for t in dict.fromkeys(t for t in titles if t))


def header_fields(article: Article) -> dict[str, str]:
    """The header as written (without Checksum): key -> cleaned value, empty values left out."""
    m = article.metadata
    raw = {
        "Title": clean_text(m.title),
        "Date": f"{m.date.year:04d}-{m.date.month:02d}-{m.date.day:02d}",
        "Category": clean_text(m.category),
        "Tags": _join_names(m.keywords),
        "Summary": clean_text(m.summary),
        "Slug": clean_text(article.slug),
        "Identifier": clean_text(article.identifier),
        "Publisher": clean_text(m.publisher),
        "Region": clean_text(m.region),
        "DocNumber": clean_text(m.doc_number),
        "Presider": clean_text(m.presider),
        "People": _join_names(m.people),
        "Documents": _join_documents(m.documents),
        "Source": quote_path(article.source),
        "SourceHash": clean_text(article.source_hash),
        "SourceId": clean_text(article.source_id),
        "SourceLine": str(article.source_line) if article.source_line else "",
        "SourceUrl": clean_text(article.source_url),
        "DatePrecision": clean_text(m.date_precision),
        "DateSource": clean_text(m.date_source),
        "TitleSource": clean_text(m.title_source),
        **{key: clean_text(value) for key, value in frame.header_values(article).items()},
        **{key: clean_text(value) for key, value in gazette.header_values(m).items()},
    }
    if not raw["Title"]:
        raise ValueError("an article needs a title")
    return {key: value for key, value in raw.items() if value}


# --- body ----------------------------------------------------------------------------------
# Everywhere: a backslash (it would escape what follows), the inline markers ` * _ [ (code,
# emphasis, links, images, references), "<" (raw HTML, autolinks) and an "&" that starts an
# entity. At the start of a paragraph only: headings, block quotes, list items and rules.
_INLINE = re.compile(r"[\\`*_\[]|<|&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[0-9a-zA-Z]+;)")
_BLOCK_START = re.compile(r"^(?:[#>]|[-+](?= )|-(?=[- ]*$))")
_ORDERED = re.compile(r"^(\d+)\.(?= )")
_INLINE_ESCAPES = {"<": "&lt;", "&": "&amp;"}


def _escape_char(match: re.Match) -> str:
    ch = match.group()
    return _INLINE_ESCAPES.get(ch, "\\" + ch)


def escape_paragraph(text: str) -> str:
    """Plain text -> Markdown that renders as exactly that text (after clean_text)."""
    text = _INLINE.sub(_escape_char, clean_text(text))
    text = _BLOCK_START.sub(lambda m: "\\" + m.group(), text, count=1)
    return _ORDERED.sub(r"\1\\.", text, count=1)


_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])|&lt;|&amp;")


def unescape_paragraph(text: str) -> str:
    """The inverse of escape_paragraph (also accepts what an editor may escape by hand)."""
    return _UNESCAPE.sub(lambda m: m.group(1) or {"&lt;": "<", "&amp;": "&"}[m.group()], text)


# --- the file ------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _assemble(header: dict[str, str], body: str) -> str:
    lines = "".join(f"{key}: {value}\n" for key, value in header.items())
    return f"{lines}\n{body}"


def render_article(article: Article) -> str:
    """The content/*.md text of ARTICLE, Checksum included."""
    header = header_fields(article)
    paragraphs = bodymarkup.body_blocks(article.paragraphs, article.tables, article.appendix_at, escape_paragraph)
    body = "\n\n".join(paragraphs) + "\n" if paragraphs else ""
    header[CHECKSUM] = _digest(_assemble(header, body))
    return _assemble(header, body)


def split_file(text: str) -> tuple[dict[str, str], str]:
    """(header, body): header keys as written (``Title``...), a repeated key keeps its first
    value. Reads like Python-Markdown's meta extension: the header ends at the first blank line."""
    header: dict[str, str] = {}
    lines = text.lstrip("\ufeff").split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            return header, "\n".join(lines[i + 1 :])
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[ ]{0,3}[A-Za-z0-9_-]+", key):
            header.setdefault(key.strip(), value.strip())
    return header, ""


def parse_article(text: str) -> dict[str, str]:
    """The header of a content/*.md file: ``{"Title": ..., "Date": "2022-02-28", ...}``."""
    return split_file(text)[0]


def body_paragraphs(text: str) -> tuple[str, ...]:
    """The plain-text paragraphs of a content/*.md file (a table's: its cells' text)."""
    return read_body(text)[0]


def read_body(text: str) -> tuple[tuple[str, ...], tuple, int | None]:
    """(paragraphs, tables, appendix_at) of a content/*.md file (``bodymarkup.read_blocks``)."""
    body = split_file(text)[1]
    blocks = (" ".join(block.split("\n")).strip() for block in re.split(r"\n[ \t]*\n", body))
    return bodymarkup.read_blocks((block for block in blocks if block), unescape_paragraph)


def source_line(value: str) -> int | None:
    """A ``SourceLine`` header's number: None unless it is ASCII digits (a hand-edited ``²``
    passes ``isdigit`` and is no number ``int`` reads)."""
    return int(value) if value.isascii() and value.isdigit() else None


def is_edited(text: str) -> bool:
    """True when the file no longer matches its Checksum (or has none): edited by hand."""
    header, body = split_file(text)
    recorded = header.pop(CHECKSUM, None)
    if not recorded:
        return True
    head = text.lstrip("\ufeff").split("\n\n", 1)[0].split("\n")
    rest = "\n".join(line for line in head if not line.startswith(f"{CHECKSUM}:"))
    return _digest(f"{rest}\n\n{body}") != recorded


def read_article(text: str) -> Article:
    """Rebuild the Article a file holds (the inverse of render_article, up to clean_text)."""
    h, _ = split_file(text)
    metadata = Metadata(
        title=h.get("Title", ""),
        date=dt.date.fromisoformat(h["Date"][:10]),
        date_precision=h.get("DatePrecision", ""),
        date_source=h.get("DateSource", ""),
        title_source=h.get("TitleSource", ""),
        category=h.get("Category", ""),
        publisher=h.get("Publisher", ""),
        region=h.get("Region", ""),
        doc_number=h.get("DocNumber", ""),
        presider=h.get("Presider", ""),
        people=split_names(h.get("People")),
        documents=split_documents(h.get("Documents")),
        keywords=split_names(h.get("Tags")),
        summary=h.get("Summary", ""),
        **frame.metadata_values(h),
        **gazette.header_metadata(h),
    )
    paragraphs, tables, appendix_at = read_body(text)
    return Article(
        metadata=metadata,
        paragraphs=paragraphs,
        identifier=h.get("Identifier", ""),
        slug=h.get("Slug", ""),
        source=unquote_path(h.get("Source", "")),
        source_hash=h.get("SourceHash", ""),
        source_id=h.get("SourceId", ""),
        source_line=source_line(h.get("SourceLine", "")),
        source_url=h.get("SourceUrl", ""),
        tables=tables,
        appendix_at=appendix_at,
    )
