"""Broken documents for the readers' tests: each must give exactly one problem, never a traceback.

Hand-built PDFs (a text layer of private-use code points, CID glyphs without a Unicode map, an image-only
scan), an encrypted PDF (pypdf), a PDF and a .docx cut short, a password-protected .docx (an OLE container,
as Word writes it) and an OFD whose page part is missing.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from OBJECTS (1-based; object 1 is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _page_pdf(content: bytes, resources: bytes, more: list[bytes]) -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % resources,
            _stream(content),
            *more,
        ]
    )


def latin_pdf() -> bytes:
    """A small readable PDF (Helvetica, Latin text) to protect or cut short."""
    lines = b"".join(
        b"BT /F1 12 Tf 72 %d Td (Chengjiang Municipal Government Notice, line %d) Tj ET\n" % (760 - 18 * i, i)
        for i in range(30)
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return _page_pdf(lines, b"<< /Font << /F1 5 0 R >> >>", [font])


def private_use_pdf() -> bytes:
    """Text drawn in a font whose ToUnicode map points every code at the private-use area."""
    cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> "
    cmap += b"endcodespacerange 1 beginbfrange <20> <7E> <E020> endbfrange endcmap end end"
    lines = b"".join(
        b"BT /F1 16 Tf 72 %d Td (Chengjiang Municipal Notice %d) Tj ET\n" % (760 - 24 * i, i) for i in range(12)
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    return _page_pdf(lines, b"<< /Font << /F1 5 0 R >> >>", [font, _stream(cmap)])


def cid_pdf() -> bytes:
    """Two-byte CID glyphs (Identity-H) with neither an embedded font nor a ToUnicode map: (cid:NN)."""
    text = b"".join(b"<%04X>" % (0x0400 + i) for i in range(40))
    lines = b"".join(b"BT /F1 16 Tf 72 %d Td %s Tj ET\n" % (760 - 24 * i, text) for i in range(10))
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /FZSSK /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    cid = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /FZSSK /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>"
    )
    descriptor = b"<< /Type /FontDescriptor /FontName /FZSSK /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
    descriptor += b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    return _page_pdf(lines, b"<< /Font << /F1 5 0 R >> >>", [font, cid, descriptor])


def image_only_pdf() -> bytes:
    """A scanned page: one grey image over the page, no text at all."""
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(64) for x in range(48))
    image = _stream(
        zlib.compress(pixels),
        b"/Type /XObject /Subtype /Image /Width 48 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode",
    )
    return _page_pdf(b"q 595 0 0 842 0 0 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])


def encrypted_pdf(good: bytes) -> bytes:
    """GOOD protected with a user password (pypdf: a bench extra, imported only here)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.encrypt(user_password="qingxi-2025", owner_password="chengjiang-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def protected_docx() -> bytes:
    """What Word saves for a password-protected .docx: an OLE compound file holding EncryptionInfo."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
    names = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    return header + bytes(512 - len(header)) + names + bytes(2048)


def missing_page_ofd(good: bytes) -> bytes:
    """GOOD without the part of its second page."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if "Page_1/" not in item.filename:
                dst.writestr(item, src.read(item))
    return out.getvalue()


def write_broken(folder: Path, good_docx: bytes, good_ofd: bytes) -> list[Path]:
    """Every broken case into FOLDER; the paths written."""
    small_pdf = latin_pdf()
    cases = {
        "broken-private-use.pdf": private_use_pdf(),
        "broken-cid.pdf": cid_pdf(),
        "broken-scan.pdf": image_only_pdf(),
        "broken-encrypted.pdf": encrypted_pdf(small_pdf),
        "broken-truncated.pdf": small_pdf[: len(small_pdf) * 3 // 5],
        "broken-truncated.docx": good_docx[:3000],
        "broken-protected.docx": protected_docx(),
        "broken-not-a-zip.docx": "澄江市人民政府文件\n".encode() * 20,
        "broken-missing-page.ofd": missing_page_ofd(good_ofd),
        "broken-truncated.ofd": good_ofd[: len(good_ofd) // 2],
    }
    written = []
    for name, data in cases.items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written
