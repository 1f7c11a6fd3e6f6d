"""How to cite a bulletin: GB/T 7714-2015, BibTeX, RIS, CSL-JSON and the page's head tags (pure).

``fields_of`` turns one article's header (the open data's column names, already plain strings)
into ``CitationFields``; every other function renders those fields and nothing else, so the page,
the per-article files and the archive's CSL-JSON always agree.

The GB/T 7714-2015 reference of an electronic bulletin is written by hand, not through a CSL
processor: the standard's form for an online document is one line,
``主要责任者. 题名[EB/OL]. (更新或修改日期)[引用日期]. 获取和访问路径.``, and the 引用日期 is
the reader's, so it is filled in by the browser, never at build time.

**No publisher.** GB/T 7714-2015 (numeric system) leaves an element out when the document does
not give it: with no 发布机构 the reference starts with the title. We do not write ``佚名``
(anonymous): the bulletin is not anonymous, the archive just does not know who issued it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from bulletins.site.output_files import with_suffix

ARCHIVE_CSL = "bulletins-csl.json"  # the whole archive as CSL-JSON, in the open-data folder

# The fifteen kinds of 公文 (党政机关公文处理工作条例, art. 8) and the regulations they issue.
_KIND = re.compile(
    r"(决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要|办法|规定|细则|条例|规则|方案)$"
)
_SPACE = re.compile(r"[\s\u2028\u2029\x00-\x1f\x7f]+")
_KEY_JUNK = re.compile(r"[^A-Za-z0-9_-]+")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not ``\{``: BibTeX counts every brace, escaped or not
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
# Characters a URL keeps as they are; anything else (space, braces, backslash, Han) is %-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
PLACEHOLDER = "引用日期"  # shown in brackets until the reader's browser puts today's date there
RIS_TYPE = "GOVDOC"
# CSL type: ``report`` ("a technical report, government report, white paper, brief…") fits
# meeting bulletins and 公文 alike; ``legislation`` would only fit the regulations among them.
CSL_TYPE = "report"


@dataclass(frozen=True)
class CitationFields:
    """What a reference says about one bulletin, each value one line of plain text."""

    key: str  # stable ASCII key: the page's path without its suffix
    title: str
    date: str  # ISO YYYY-MM-DD
    url: str  # the page's public URL, else its path relative to the site root
    publisher: str = ""  # 发布机构
    identifier: str = ""  # 索引号
    doc_number: str = ""  # 文号
    doc_type: str = ""  # 公文 kind (通知, 办法…) when the bulletin is one
    pdf_url: str = ""  # the original PDF, when the site ships one
    public: bool = False  # ``url`` is absolute (the site has a public URL)


def one_line(text: str | None) -> str:
    """Every run of whitespace or control characters (newlines too) -> one space, trimmed."""
    return _SPACE.sub(" ", text or "").strip()


def citation_key(save_as: str) -> str:
    """``bulletins/2019/01/g-003.html`` -> ``bulletins-2019-01-g-003``: unique as the page is."""
    stem = with_suffix(save_as, "")
    return _KEY_JUNK.sub("-", stem).strip("-") or "bulletin"


def document_type(title: str, doc_number: str) -> str:
    """The 公文 kind a title ends with (``…的通知`` -> 通知), for a document with a 文号; else ""."""
    found = _KIND.search(one_line(title)) if doc_number else None
    return found.group(1) if found else ""


def safe_url(url: str) -> str:
    """URL with anything outside URL syntax %-encoded, so it can go in any of the formats."""
    return quote(one_line(url), safe=_URL_SAFE)


def fields_of(
    row: Mapping[str, str], save_as: str, url: str, *, public: bool = False, pdf_url: str = ""
) -> CitationFields:
    """An article's header as the open data names it (``title``, ``date``, ``publisher``,
    ``identifier``, ``doc_number``) -> its citation fields."""
    title = one_line(row.get("title"))
    doc_number = one_line(row.get("doc_number"))
    return CitationFields(
        key=citation_key(save_as),
        title=title,
        date=one_line(row.get("date"))[:10],
        url=safe_url(url),
        publisher=one_line(row.get("publisher")),
        identifier=one_line(row.get("identifier")),
        doc_number=doc_number,
        doc_type=document_type(title, doc_number),
        pdf_url=safe_url(pdf_url) if pdf_url else "",
        public=public,
    )


def date_parts(iso: str) -> list[int]:
    """``2025-03-12`` -> ``[2025, 3, 12]``; [] when the text is no ISO date."""
    found = _ISO.match(iso)
    return [int(part) for part in found.groups()] if found else []


def gbt7714_head(f: CitationFields) -> str:
    """``发布机构. 标题[EB/OL]. (2025-03-12)``: the reference up to the 引用日期."""
    author = f"{f.publisher}. " if f.publisher else ""  # none known: start with the title
    return f"{author}{f.title}[EB/OL]. ({f.date})"


def gbt7714(f: CitationFields, accessed: str = PLACEHOLDER) -> str:
    """The GB/T 7714-2015 reference: ``发布机构. 标题[EB/OL]. (发布日期)[引用日期]. URL.``"""
    return f"{gbt7714_head(f)}[{accessed}]. {f.url}."


def bibtex_escape(text: str) -> str:
    """TEXT for a braced BibTeX value: LaTeX's special characters written as commands."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], one_line(text))


def bibtex(f: CitationFields) -> str:
    """One ``@online`` entry (biblatex and the gbt7714 BibTeX styles print it as [EB/OL]); the
    publisher is a corporate author in double braces, so it is never split into personal names."""
    parts = date_parts(f.date)
    fields = [
        ("author", "{" + bibtex_escape(f.publisher) + "}" if f.publisher else ""),
        ("title", "{" + bibtex_escape(f.title) + "}"),
        ("publisher", bibtex_escape(f.publisher)),
        ("year", str(parts[0]) if parts else ""),
        ("month", str(parts[1]) if parts else ""),
        ("date", f.date if parts else ""),
        ("number", bibtex_escape(f.doc_number)),
        ("type", bibtex_escape(f.doc_type)),
        ("url", f.url),  # verbatim in biblatex; safe_url leaves no brace, backslash or space
        ("note", "索引号：" + bibtex_escape(f.identifier) if f.identifier else ""),
        ("language", "zh"),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@online{{{f.key},\n{body}}}\n"


def ris(f: CitationFields) -> str:
    """One RIS record (``TY  - GOVDOC`` … ``ER  - ``), CRLF line ends as the format asks."""
    parts = date_parts(f.date)
    tags = [
        ("TY", RIS_TYPE),
        ("TI", f.title),
        ("AU", f.publisher),
        ("PB", f.publisher),
        ("PY", f"{parts[0]:04d}" if parts else ""),
        ("DA", f"{parts[0]:04d}/{parts[1]:02d}/{parts[2]:02d}/" if parts else ""),
        ("M1", f.doc_number),
        ("M3", f.doc_type),
        ("AN", f.identifier),
        ("LA", "zh"),
        ("UR", f.url),
        ("L1", f.pdf_url),
    ]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def csl_item(f: CitationFields) -> dict:
    """A CSL-JSON item: ``report``, ``issued.date-parts``, ``publisher``, ``number`` (文号),
    ``URL``; ``accessed`` is left out (it is the reader's date, not the archive's)."""
    item: dict = {"id": f.key, "type": CSL_TYPE, "title": f.title, "language": "zh-CN"}
    parts = date_parts(f.date)
    optional = {
        "author": [{"literal": f.publisher}] if f.publisher else None,
        "publisher": f.publisher,
        "issued": {"date-parts": [parts]} if parts else None,
        "number": f.doc_number,
        "genre": f.doc_type,
        "medium": "EB/OL",
        "URL": f.url,
        "archive_location": f.identifier,
    }
    item.update({name: value for name, value in optional.items() if value})
    return item


def render_csl(items: Iterable[dict]) -> bytes:
    """A CSL-JSON file: an array of items, one item per line, UTF-8, keys in a fixed order."""
    return "".join(csl_pieces(items)).encode("utf-8")


CSL_OPEN, CSL_SEPARATOR, CSL_CLOSE = "[\n", ",\n", "]\n"  # one item per line between them


def csl_line(item: dict) -> str:
    """An item's line of a CSL-JSON file (JSON escapes every newline, so it holds none)."""
    return json.dumps(item, ensure_ascii=False)


def csl_pieces(items: Iterable[dict]) -> Iterator[str]:
    """``render_csl``'s text an item at a time (the archive's file is written so)."""
    yield CSL_OPEN
    separator = ""
    for item in items:
        yield separator + csl_line(item)
        separator = CSL_SEPARATOR
    yield ("\n" if separator else "") + CSL_CLOSE


def slash_date(iso: str) -> str:
    """``2025-03-12`` -> ``2025/03/12``, the form Google Scholar reads."""
    parts = date_parts(iso)
    return f"{parts[0]:04d}/{parts[1]:02d}/{parts[2]:02d}" if parts else ""


def head_meta(f: CitationFields, page_base: str = "") -> list[tuple[str, str]]:
    """``(name, content)`` of the Highwire Press and Dublin Core ``<meta>`` tags; empty values
    are left out. The template escapes them. PAGE_BASE (``../../../``) leads from the page to the
    site root, so a relative PDF address still works where the tags are read."""
    pdf_url = f.pdf_url if f.public or not f.pdf_url else page_base + f.pdf_url
    tags = [
        ("citation_title", f.title),
        ("citation_publication_date", slash_date(f.date)),
        ("citation_date", slash_date(f.date)),
        ("citation_publisher", f.publisher),
        ("citation_language", "zh"),
        ("citation_public_url", f.url if f.public else ""),
        ("citation_pdf_url", pdf_url),
        ("DC.title", f.title),
        ("DC.identifier", f.identifier),
        ("DC.date", f.date),
        ("DC.publisher", f.publisher),
        ("DC.type", "Text"),
        ("DC.type", f.doc_type),
        ("DC.language", "zh-CN"),
    ]
    return [(name, value) for name, value in tags if value]


FILE_KINDS = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))


@dataclass(frozen=True)
class ArticleCitation:
    """What the article page shows: the head tags, the reference up to its 引用日期, the files."""

    fields: CitationFields
    meta: tuple[tuple[str, str], ...]
    head: str
    files: tuple[tuple[str, str, str], ...]  # (suffix, label, path relative to the site root)


def file_path(save_as: str, suffix: str) -> str:
    """``bulletins/2019/01/g-003.html`` + ``bib`` -> ``bulletins/2019/01/g-003.bib``: beside the page
    (what ``PurePosixPath.with_suffix`` gives)."""
    return with_suffix(save_as, f".{suffix}")


def article_citation(f: CitationFields, save_as: str) -> ArticleCitation:
    page_base = "../" * save_as.count("/")
    files = tuple((suffix, label, file_path(save_as, suffix)) for suffix, label in FILE_KINDS)
    return ArticleCitation(f, tuple(head_meta(f, page_base)), gbt7714_head(f), files)


def file_bytes(f: CitationFields) -> dict[str, bytes]:
    """The bytes of an article's ``.bib``, ``.ris`` and ``.json`` (a one-item CSL-JSON array)."""
    return {
        "bib": bibtex(f).encode("utf-8"),
        "ris": ris(f).encode("utf-8"),
        "json": render_csl([csl_item(f)]),
    }
