"""Word reader (.docx, python-docx): paragraphs and tables in body order, footnotes, layout kept.

Each paragraph (a text box's paragraphs come before the paragraph they are anchored in) becomes a block
with its alignment (set on the paragraph or inherited from its style) and its first-line indent in
characters (``w:firstLineChars``, as Chinese Word writes it, or a length divided by the font size).
Headings come from the paragraph style (``Heading N``/``标题 N``, an outline level) or a 公文 heading
number (``一、`` ``（一）``). A table becomes one ``table`` block with every cell's text, row by row (a
merged cell once; a table nested in a cell joins that cell's text). Footnotes, then endnotes, follow the
body. Headers and footers (running titles, page numbers) are not part of the body and are dropped. A
paragraph's text is every run Word shows, also inside tracked insertions, content controls, smart tags and
fields, and never a tracked deletion (``paragraph_text``); paragraphs wrapped in a content control are read
in place. A paragraph that is an item of a Word list gets its number as printed (``一、``, ``（二）``:
``docx_numbering``).

A password-protected file (an OLE container, not a zip), a damaged or truncated package and a document
without text each give one ``SourceProblem``.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from bulletins.ingest.blocks import Block, table_block
from bulletins.ingest.documents import file_hash, finish
from bulletins.ingest.layout import heading_kind
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES, unpacked_problem
from bulletins.ingest.readers.docx_numbering import Numbering
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["read"]

logger = logging.getLogger(__name__)
FORMAT = "docx"
OLE = bytes.fromhex("d0cf11e0a1b11ae1")
_ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
    WD_ALIGN_PARAGRAPH.DISTRIBUTE: "justify",
}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DEFAULT_SIZE_PT = 10.5  # 五号, Word's Chinese default when neither paragraph nor style says
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TEXT, _BREAK = qn("w:t"), qn("w:br")
_NOTES = ("footnote", "endnote")
_MARKS = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
# Never text of the paragraph: deleted or moved-away runs, text boxes, drawings' fallback copies,
# properties and field instructions.
_NOT_TEXT = frozenset(
    {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), _FALLBACK, qn("w:pPr"), qn("w:rPr"), qn("w:instrText")}
)


def read(
    path: Path, context: Context, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[RawBulletin | SourceProblem]:
    """One .docx file -> one RawBulletin (format ``docx``, blocks, text), or one SourceProblem."""
    path = Path(path)
    source = path.as_posix()
    try:
        digest = file_hash(path)
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head == OLE:
            yield SourceProblem(source, _ole_problem(path))
            return
        if too_big := unpacked_problem(path, max_record_bytes):
            yield SourceProblem(source, too_big)
            return
        document = Document(str(path))
        blocks = (*_body_blocks(document), *_notes(path))
    except OSError as error:
        yield SourceProblem(source, f"cannot read: {error.strerror or error}")
        return
    except PackageNotFoundError:
        yield SourceProblem(source, "not a readable Word document: not a .docx package (damaged or cut short?)")
        return
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as error:
        logger.debug("%s: cannot open", source, exc_info=True)
        yield SourceProblem(source, f"not a readable Word document (damaged or cut short?): {error}")
        return
    except Exception as error:  # python-docx and lxml on a damaged package: one problem, never a crash
        logger.debug("%s: cannot parse", source, exc_info=True)
        yield SourceProblem(source, f"damaged Word document: {_damage(error)}")
        return
    yield finish(path, context, FORMAT, tuple(blocks), digest)


def _damage(error: Exception) -> str:
    """What is wrong with a package python-docx or lxml failed on, in words (the exception is logged)."""
    if isinstance(error, (ElementTree.ParseError, etree.XMLSyntaxError)):
        return f"a part is not well-formed XML ({getattr(error, 'msg', None) or error})"
    if isinstance(error, (zlib.error, NotImplementedError)):
        return f"a part cannot be unpacked ({error})"
    if isinstance(error, UnicodeDecodeError):
        return f"a part is not in the encoding it declares ({error.reason} at byte {error.start})"
    return "its parts are not laid out as Word writes them (open it in Word or WPS and save it again)"


def _ole_problem(path: Path) -> str:
    data = path.read_bytes()[: 1 << 16]
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "password-protected Word document: save a copy without the password"
    return "a Word 97-2003 document named .docx: rename it .doc (read through LibreOffice)"


def _body_blocks(document) -> Iterator[Block]:
    # Paragraph.style looks the default style up by scanning every style, per paragraph: resolve once.
    styles = {style.style_id: style for style in document.styles}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    numbering = Numbering.of(document)
    for child in _block_children(document.element.body):
        if child.tag == qn("w:p"):
            for box in _text_boxes(child):  # a 版头 is often a text box anchored to the first paragraph
                for inner in box.iter(qn("w:p")):
                    block = _paragraph(Paragraph(inner, document), styles.get(inner.style, default), numbering)
                    yield from [block] if block else []
            block = _paragraph(Paragraph(child, document), styles.get(child.style, default), numbering)
            if block:
                yield block
        elif child.tag == qn("w:tbl"):
            block = _table(Table(child, document))
            if block:
                yield block


def _block_children(parent) -> Iterator:
    """The paragraphs and tables of PARENT in order, also those wrapped in a content control
    (``w:sdt``, which 公文 templates put around whole paragraphs) or in custom XML."""
    for child in parent.iterchildren():
        if child.tag in (_SDT, _CUSTOM_XML):
            yield from _block_children(child.find(_SDT_CONTENT) if child.tag == _SDT else child)
        elif child.tag in (qn("w:p"), qn("w:tbl")):
            yield child


def paragraph_text(paragraph) -> str:
    """The text of a ``w:p`` element as Word shows it: every run, also those inside a tracked
    insertion, a hyperlink, a content control, a smart tag or a field; not tracked deletions,
    text boxes (read on their own) or the compatibility copy of a drawing. python-docx's
    ``Paragraph.text`` reads only the paragraph's direct runs and hyperlinks."""
    out: list[str] = []
    _collect_text(paragraph, out)
    return "".join(out)


def _collect_text(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _TEXT:
            out.append(child.text or "")
        elif tag in _MARKS:
            out.append(_MARKS[tag])
        elif tag == _BREAK:
            out.append("" if child.get(qn("w:type")) in ("page", "column") else "\n")
        elif tag not in _NOT_TEXT:
            _collect_text(child, out)


def _text_boxes(paragraph) -> list:
    """The text boxes anchored in PARAGRAPH, each once: Word writes a VML copy in ``mc:Fallback`` too."""
    boxes = []
    for box in paragraph.iter(qn("w:txbxContent")):
        if not _in_fallback(box):
            boxes.append(box)
    return boxes


def _paragraph(paragraph: Paragraph, style, numbering: Numbering | None = None) -> Block | None:
    text = " ".join(part.strip() for part in paragraph_text(paragraph._p).split("\t") if part.strip())
    if not text:
        return None
    if numbering is not None:
        text = numbering.label(*_list_of(paragraph, style)) + text
    kind = "heading" if _is_heading(paragraph, style) else heading_kind(text)
    return Block(text=text, kind=kind, align=_alignment(paragraph, style), indent=_indent(paragraph, style))


def _list_of(paragraph: Paragraph, style) -> tuple[str | None, int]:
    """``(numId, level)`` of the list PARAGRAPH is an item of (set on it, or on its style chain);
    numId None or ``"0"`` (Word's "no list") when it is none."""
    for ppr in (paragraph._p.pPr, *(s.element.pPr for s in _styles(style))):
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is None:
            continue
        num_id = num.find(qn("w:numId"))
        ilvl = num.find(qn("w:ilvl"))
        level = ilvl.get(qn("w:val")) if ilvl is not None else "0"
        if num_id is not None:
            return num_id.get(qn("w:val")), int(level) if (level or "").isdigit() else 0
    return None, 0


def _styles(style) -> Iterator:
    seen = 0
    while style is not None and seen < 10:
        yield style
        style, seen = style.base_style, seen + 1


def _is_heading(paragraph: Paragraph, style) -> bool:
    for each in _styles(style):
        name = (each.name or "").lower()
        if name.startswith(("heading", "标题", "title")):
            return True
    ppr = paragraph._p.pPr
    level = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    return level is not None and level.get(qn("w:val")) not in (None, "9")


def _alignment(paragraph: Paragraph, style) -> str:
    align = paragraph.paragraph_format.alignment
    for each in _styles(style):
        if align is not None:
            break
        align = each.paragraph_format.alignment
    return _ALIGN.get(align, "left")


def _indent(paragraph: Paragraph, style) -> float:
    for ppr in (paragraph._p.pPr, *(s.element.pPr for s in _styles(style))):
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if ind is None:
            continue
        chars = ind.get(qn("w:firstLineChars"))
        if chars is not None:
            return int(chars) / 100
        twips = ind.get(qn("w:firstLine"))
        if twips is not None:
            return round(int(twips) / 20 / _font_size(paragraph, style) * 2) / 2
        if ind.get(qn("w:hanging")) is not None:
            return 0.0
    return 0.0


def _font_size(paragraph: Paragraph, style) -> float:
    for run in paragraph.runs:
        if run.font.size:
            return run.font.size.pt
    for each in _styles(style):
        if each.font.size:
            return each.font.size.pt
    return DEFAULT_SIZE_PT


def _table(table: Table) -> Block | None:
    _bound_spans(table)
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # a cell merged across columns appears once per grid column
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell._tc))
        if any(cells):
            rows.append(tuple(cells))
    if not rows:
        return None
    return table_block(tuple(rows))


def _bound_spans(table: Table) -> None:
    """No cell spans more grid columns than the table has: python-docx repeats a merged cell once
    per column it spans, and ``w:gridSpan="2000000000"`` (one attribute) would make that many."""
    grid = table._tbl.tblGrid
    columns = max(1, len(grid.gridCol_lst) if grid is not None else 1)
    for span in table._tbl.iter(qn("w:gridSpan")):
        value = span.get(qn("w:val"), "1")
        if not value.isdigit() or int(value) > columns:
            span.set(qn("w:val"), str(columns))


def _cell_text(cell) -> str:
    """A table cell's paragraphs, those of a table nested in it and of content controls included."""
    texts = (paragraph_text(p).strip() for p in cell.iter(qn("w:p")) if not _in_fallback(p))
    return " ".join(text for text in texts if text)


def _in_fallback(element) -> bool:
    return any(ancestor.tag == _FALLBACK for ancestor in element.iterancestors())


def _notes(path: Path) -> Iterator[Block]:
    """The footnotes, then the endnotes, each one ``注：`` paragraph (their text read as the body's)."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        parts = [(ElementTree.fromstring(package.read(f"word/{kind}s.xml")), kind) for kind in _NOTES if
                 f"word/{kind}s.xml" in names]  # fmt: skip
    for root, kind in parts:
        for note in root.iter(f"{_W}{kind}"):
            if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = "".join(paragraph_text(p) for p in note.iter(f"{_W}p")).strip()
            if text:
                yield Block(text=f"注：{text}", kind="paragraph")
