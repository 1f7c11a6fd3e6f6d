"""The data that flows between the pipeline stages.

    sources.read_source(path, context)  -> RawBulletin (or SourceProblem)
    pipeline.articles(sources, options)  -> Article (or SourceProblem)
    normalize.clean_paragraphs(text, script) -> tuple[str, ...]
    metadata.extract_metadata(raw, paragraphs) -> Metadata
    frontmatter.render_article(article) -> str   (the content/*.md file)

Every stage is a pure function over these frozen dataclasses; only
``pipeline.py`` (and the Pelican plugins' write steps) touch the disk.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, field

SCRIPTS = ("simplified", "traditional", "keep")
_ANGLE = re.compile("[《》]")


class BulletinError(Exception):
    """A problem with one bulletin that the user can fix (bad input, missing year...).

    ``str(error)`` is the reason only; the pipeline turns it into a ``SourceProblem`` naming
    the bulletin's source and line, and goes on with the next bulletin.
    """


class MissingYear(BulletinError):
    """The text gives only a month and day and no context supplies the year."""


@dataclass(frozen=True)
class Context:
    """What the publisher told us explicitly: CLI options, a folder's defaults file,
    a JSONL record's fields. Never guessed."""

    year: int | None = None
    publisher: str | None = None
    region: str | None = None
    category: str | None = None
    script: str = "simplified"  # one of SCRIPTS: the script articles are written in
    issue: str | None = None  # the gazette issue (期) as given, e.g. 2025年第3期


@dataclass(frozen=True)
class RawBulletin:
    """One bulletin as read from a source, decoded but not cleaned."""

    source: str  # path of the raw file, POSIX, as given to ingest
    text: str  # decoded text, paragraphs separated by "\n" (HTML already reduced to text)
    source_hash: str  # "sha256:<hex>" of the raw bytes of this bulletin (file, or JSONL line)
    context: Context = field(default_factory=Context)
    line: int | None = None  # 1-based line in a JSONL collection
    title: str | None = None  # title given by the source (HTML <title>/<h1>, JSONL "title")
    date: str | None = None  # date given by the source, any common format ("2022-02-28", "2022年2月28日")
    url: str | None = None
    source_id: str | None = None  # a JSONL record's "id"
    format: str = ""  # txt, html, jsonl, docx, pdf, ofd: the reader that produced it
    blocks: tuple = ()  # laid-out documents only: tuple[ingest.blocks.Block, ...] in reading order
    ocr: bool = False  # the text was recognised from page images, not read from a text layer

    @property
    def where(self) -> str:
        """``path`` or ``path:line`` (see ``place``)."""
        return place(self.source, self.line)


@dataclass(frozen=True)
class SourceProblem:
    """A problem with one file, or one line of a collection: reported, never fatal.

    Carried as a value from the stage that finds it to the command line, which formats it
    (escaped) as one ``path[:line]: reason`` line.
    """

    source: str  # the raw file (or, for an article kept because it was edited, the article)
    reason: str
    line: int | None = None  # 1-based line of a collection record

    @property
    def where(self) -> str:
        """``path`` or ``path:line`` (see ``place``)."""
        return place(self.source, self.line)


def place(source: str, line: int | None = None) -> str:
    """``path`` or ``path:line``: how messages and logs name a source or one of its records."""
    return f"{source}:{line}" if line else source


@dataclass(frozen=True)
class Metadata:
    """Official metadata of one bulletin (field names follow 政府信息公开 core metadata)."""

    title: str  # 名称
    date: dt.date  # 生成日期 / 发布日期
    date_precision: str = "day"  # "day" (only full dates are written)
    date_source: str = "text"  # where the date came from: "text", "record", "text+context-year"
    title_source: str = "source"  # "source" or "generated"
    category: str = ""  # 主题分类, e.g. 常务会议
    publisher: str = ""  # 发布机构
    region: str = ""  # e.g. 重庆市渝中区
    doc_number: str = ""  # 文号, e.g. 渝中府发〔2022〕5号
    presider: str = ""  # who presided the meeting
    people: tuple[str, ...] = ()  # attendees and other named officials, in text order
    documents: tuple[str, ...] = ()  # titles inside 《》, without the brackets, in text order
    keywords: tuple[str, ...] = ()  # 主题词, at most 8
    summary: str = ""  # 内容概述, at most 120 characters
    # an official document's (公文) own parts; see ingest/gongwen.py
    date_written: dt.date | None = None  # 成文日期
    signer: str = ""  # 签发人: on a 上行文's 版头; a 令's head
    recipients: str = ""  # 主送机关
    attachments: tuple[str, ...] = ()  # 附件说明: the attachments' names
    note: str = ""  # 附注, e.g. （此件公开发布）
    copy_to: str = ""  # 抄送机关
    printed_by: str = ""  # 印发机关
    date_printed: dt.date | None = None  # 印发日期
    format: str = ""  # the source's format: txt, html, jsonl, docx, pdf, ofd
    # a gazette document's life; see ingest/gazette.py and ingest/relations.py
    issue: str = ""  # 刊期: 2025年第3期 or 2025年第3期（总第812期）
    date_effective: dt.date | None = None  # 施行日期
    date_expires: dt.date | None = None  # 有效期至
    repeals: tuple[str, ...] = ()  # documents it repeals, each 《title》（文号）, 《title》 or 文号
    amends: tuple[str, ...] = ()  # documents it amends
    interprets: tuple[str, ...] = ()  # documents it interprets (a 解读)


@dataclass(frozen=True)
class Article:
    """What ``content/bulletins/YYYY/MM/<slug>.md`` holds."""

    metadata: Metadata
    paragraphs: tuple[str, ...]  # cleaned body paragraphs, plain text
    identifier: str  # 索引号: stable, never changes once written
    slug: str  # ASCII, unique in the archive
    source: str  # path of the raw file
    source_hash: str
    source_id: str = ""  # a collection record's "id"
    source_line: int | None = None  # 1-based line of the record in a collection
    source_url: str = ""
    tables: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = ()  # (paragraph index, rows): shown as tables
    appendix_at: int | None = None  # index of the first paragraph of an official document's attachment pages

    @property
    def relpath(self) -> str:
        """Path of the Markdown file below the content folder."""
        d = self.metadata.date
        return f"bulletins/{d.year:04d}/{d.month:02d}/{self.slug}.md"


# --- list-valued header fields ------------------------------------------------------------
# ``People: 黄孝明, 邓光怀`` and ``Tags: 经济运行, 数字经济`` are comma-separated (Pelican's own
# convention for tags); ``Documents: 《甲规划》《乙方案》`` keeps the title brackets, so a
# title may hold any character. The writer and the Pelican plugins share these two functions.


def split_names(value: str | None) -> tuple[str, ...]:
    """``"甲, 乙"`` -> ``("甲", "乙")``; blanks dropped, order kept."""
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def split_documents(value: str | None) -> tuple[str, ...]:
    """``"《甲》《乙《丙》》"`` -> ``("甲", "乙《丙》")``: top-level 《》 groups, nesting kept."""
    if not value or "《" not in value:
        return ()
    titles: list[str] = []
    depth, start = 0, 0
    for bracket in _ANGLE.finditer(value):
        i = bracket.start()
        if bracket.group(0) == "《":
            if depth == 0:
                start = i + 1
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0 and value[start:i].strip():
                titles.append(value[start:i].strip())
    return tuple(titles)


# --- file paths in the header -------------------------------------------------------------
# A header value is one line with single spaces, but a file name may hold a line break, a tab
# or a run of spaces (a scraper's or a zip's name). ``Source:`` and ``Original:`` therefore keep
# such characters, and ``%``, as %XX escapes: the build still finds the very file ingest read.

_PATH_UNSAFE = re.compile(r"%|[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|(?<= ) | (?= )|^ | $")


def quote_path(path: str) -> str:
    """PATH as a header value: ``%``, control characters, line/paragraph separators and spaces
    that one-line cleaning would drop or merge as %XX escapes (UTF-8); everything else as is."""
    return _PATH_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in _path_bytes(m.group(0))), path)


def _path_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")  # a byte of a non-UTF-8 name, as os.fsdecode gives it
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def unquote_path(value: str | None) -> str:
    """The inverse of ``quote_path`` (a value without ``%`` is returned unchanged)."""
    if not value or "%" not in value:
        return value or ""
    return urllib.parse.unquote(value, errors="surrogateescape")
