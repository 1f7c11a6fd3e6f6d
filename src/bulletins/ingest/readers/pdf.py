"""PDF reader: the text layer of a PDF (pypdfium2), laid out again as paragraphs.

Pages are loaded one at a time and closed before the next, so a 500-page PDF stays small: only the lines of
each page are kept (page furniture is told apart across pages). Every character comes with its loose box
and font size; ``layout`` rebuilds lines, drops page numbers and running headers and footers, and splits
paragraphs at indents, headings and centred or right-aligned lines, across page breaks.

An encrypted PDF, a file that is not a PDF (or is cut short), a decompression bomb (a stream other than an
image that inflates past 8 × ``max_record_bytes``, checked before PDFium decodes anything), a page that
cannot be loaded, a text layer that cannot be read and an image-only scan each give one ``SourceProblem``;
nothing raises.
"""

from __future__ import annotations

import ctypes
import logging
import math
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from bulletins.ingest.documents import file_hash, finish
from bulletins.ingest.layout import Glyph, Line, page_lines, paragraph_blocks, strip_furniture
from bulletins.ingest.readers.common import (
    DEFAULT_MAX_RECORD_BYTES,
    TextBudget,
    TooMuchText,
    inflated_stream_problem,
)
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["read"]

logger = logging.getLogger(__name__)
FORMAT = "pdf"


def read(
    path: Path, context: Context, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[RawBulletin | SourceProblem]:
    """One .pdf file -> one RawBulletin (format ``pdf``, blocks, text), or one SourceProblem."""
    path = Path(path)
    source = path.as_posix()
    try:
        digest = file_hash(path)
        if not _complete(path):
            yield SourceProblem(source, "PDF cut short: no %%EOF marker at the end (an interrupted download?)")
            return
        if too_big := inflated_stream_problem(path, max_record_bytes):
            yield SourceProblem(source, too_big)
            return
        document = pdfium.PdfDocument(path)
    except OSError as error:
        yield SourceProblem(source, f"cannot read: {error.strerror or error}")
        return
    except pdfium.PdfiumError as error:
        yield SourceProblem(source, _open_problem(path, str(error)))
        return
    try:
        pages = _pages(document, TextBudget(max_record_bytes))
        empty = not any(lines for lines, _ in pages) and _textless(document)
    except pdfium.PdfiumError as error:
        logger.debug("%s: page failed", source, exc_info=True)
        yield SourceProblem(source, f"damaged PDF: {error}")
        return
    except TooMuchText as error:
        yield SourceProblem(source, str(error))
        return
    finally:
        document.close()
    if not pages or empty:
        yield SourceProblem(source, empty or "PDF without pages")
        return
    yield finish(path, context, FORMAT, paragraph_blocks(strip_furniture(pages)), digest)


def _complete(path: Path) -> bool:
    """Whether the file ends like a PDF: ``%%EOF`` in its last kilobyte (PDFium would patch up the rest)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 1024))
        return b"%%EOF" in fh.read()


def _open_problem(path: Path, message: str) -> str:
    """Why PDFium could not open PATH. Its reason is the library's last error, which a failure
    that sets none leaves as the previous file's ("Incorrect password" after an encrypted PDF):
    encryption is read from the file itself (an ``/Encrypt`` entry), and a stale or empty
    reason is left out."""
    if _names_encryption(path):
        return "encrypted PDF: a password is needed to read it (save an unprotected copy)"
    if "password" in message.lower() or "success" in message.lower():
        return "not a readable PDF (damaged or cut short?)"
    return f"not a readable PDF (damaged or cut short?): {message}"


def _names_encryption(path: Path, block: int = 1 << 20) -> bool:
    """Whether PATH has an ``/Encrypt`` entry (every encrypted PDF's trailer names its dictionary)."""
    key, tail = b"/Encrypt", b""
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            if key in tail + chunk:
                return True
            tail = chunk[-len(key) :]
    return False


def _textless(document: pdfium.PdfDocument) -> str:
    """Why a PDF without one extractable character has no text: glyphs without Unicode, or a scan."""
    for index in range(min(len(document), 20)):
        page = document[index]
        try:
            if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=3)):
                return "text layer unreadable: its glyphs have no Unicode mapping ((cid:NN) text)"
        finally:
            page.close()
    return "no text layer: image-only pages (a scan?); OCR is not supported"


def _pages(document: pdfium.PdfDocument, budget: TextBudget) -> list[tuple[list[Line], float]]:
    pages: list[tuple[list[Line], float]] = []
    for index in range(len(document)):
        page = document[index]
        try:
            height = page.get_height()
            textpage = page.get_textpage()
            try:
                lines = page_lines(_glyphs(textpage, height), index + 1)
            finally:
                textpage.close()
        finally:
            page.close()
        budget.add((line.text for line in lines), index + 1)
        pages.append((lines, height))
    return pages


def _glyphs(textpage: pdfium.PdfTextPage, height: float) -> list[Glyph]:
    """Every character of the page with its loose box (top-down) and its font size in page units.

    Raw PDFium calls, a handful per character: the size is worked out once per text object (the font size
    is in text space, so it is scaled by the object's matrix, e.g. Chromium's 0.75 from CSS pixels).
    """
    raw = textpage.raw
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    sizes: dict[int, float] = {}
    glyphs: list[Glyph] = []
    space = ""
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE, 0xFFFF):
            continue
        char = "\ufffd" if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1 else chr(code)
        if char.isspace():  # a space glyph's box is unreliable: it marks the next glyph instead
            space = " " if char not in "\r\n" else space
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        handle = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value or 0
        size = sizes.get(handle) or sizes.setdefault(handle, _size(raw, i, matrix) or (box.top - box.bottom))
        glyphs.append(Glyph(space + char, box.left, box.right, height - box.top, height - box.bottom, size))
        space = ""
    return glyphs


def _size(raw, index: int, matrix) -> float:
    size = pdfium_c.FPDFText_GetFontSize(raw, index)
    if size and pdfium_c.FPDFText_GetMatrix(raw, index, ctypes.byref(matrix)):
        size *= math.hypot(matrix.c, matrix.d)
    return size
