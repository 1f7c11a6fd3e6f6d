"""Make fictional 公文 as .docx, .pdf and .ofd (and the broken cases) for the readers' tests and samples.

    python benchmarks/make_documents.py                 # tests/fixtures/documents and sources/documents
    python benchmarks/make_documents.py --out DIR --count N --sections 4   # N documents of each format

Word through python-docx (a footnote added to the package by hand: python-docx cannot write one), PDF
through Chromium's print-to-PDF (Playwright, Debian's /usr/bin/chromium) with a ``— N —`` page-number
footer, OFD typeset by hand (``ofd_writer``). Fixed seeds: the same command writes the same text.
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from broken_documents import write_broken
from document_content import FOOTER, Gongwen, gongwen, to_html
from ofd_writer import to_ofd

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
FOOTNOTE = "本通知所称重点任务，以市政府常务会议审定的清单为准。"
RUNNING_HEADER = '<div style="width:100%;text-align:center;font-size:9pt">澄江市人民政府公报</div>'


def to_pdfs(pages: list[tuple[str, bool]]) -> list[bytes]:
    """HTML pages -> PDF bytes through Chromium (one browser for all); the flag adds a running header."""
    from playwright.sync_api import sync_playwright

    for _ in range(120):
        if Path(CHROMIUM).exists():
            break
        time.sleep(5)
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for html, header in pages:
            page.set_content(html)
            out.append(
                page.pdf(
                    format="A4",
                    display_header_footer=True,
                    header_template=RUNNING_HEADER if header else "<span></span>",
                    footer_template=FOOTER,
                    margin={"top": "37mm", "bottom": "30mm", "left": "28mm", "right": "26mm"},
                )
            )
        browser.close()
    return out


def _indent_chars(paragraph, chars: int) -> None:
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    paragraph._p.get_or_add_pPr().append(ind)


def _page_field(paragraph) -> None:
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run("1 —")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _para(d, text: str, align=None, indent: bool = False, size: float | None = None, **run):
    p = d.add_paragraph()
    r = p.add_run(text)
    if size:
        r.font.size = Pt(size)
    r.bold = run.get("bold")
    if run.get("red"):
        r.font.color.rgb = RGBColor(0xC0, 0, 0)
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    return p


def to_docx(doc: Gongwen) -> bytes:
    """DOC as a .docx: alignment and first-line indents as Word writes them, a PAGE field in the footer."""
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(37),
        Mm(35),
        Mm(28),
        Mm(26),
    )
    d.styles["Normal"].font.size = Pt(16)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    section.header.paragraphs[0].text = "澄江市人民政府"
    _page_field(section.footer.paragraphs[0])
    _para(d, doc.header, center, size=26, red=True)
    _para(d, doc.number, center)
    _para(d, doc.title, center, size=22)
    _para(d, doc.recipients)
    for kind, text in doc.body:
        if kind == "h1":
            _indent_chars(d.add_paragraph(text, style="Heading 1"), 2)
        else:
            _para(d, text, indent=True, bold=kind == "h2")
    note = _para(d, doc.attachment_note, indent=True)
    note.add_run("FNREF")
    _para(d, doc.signature, right).paragraph_format.right_indent = Pt(64)
    _para(d, doc.date, right).paragraph_format.right_indent = Pt(64)
    _para(d, doc.note, indent=True)
    _para(d, doc.copies, size=14)
    _para(d, "\t".join(doc.printer), size=14)
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(d, "附件")
    _para(d, doc.attachment_title, center, size=22)
    table = d.add_table(rows=len(doc.table), cols=len(doc.table[0]))
    table.style = "Table Grid"
    for r, row in enumerate(doc.table):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    out = io.BytesIO()
    d.save(out)
    return _with_footnote(out.getvalue(), FOOTNOTE)


def _fixed(name: str) -> zipfile.ZipInfo:
    """A part with a fixed timestamp: the same document gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2025, 3, 18, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _with_footnote(data: bytes, text: str) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
        "</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    rel = (
        '<Relationship Id="rIdFootnotes1" Target="footnotes.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/>'
    )
    override = (
        '<Override PartName="/word/footnotes.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "word/document.xml":
                body = body.replace(b"<w:t>FNREF</w:t>", b'<w:footnoteReference w:id="1"/>')
            elif item.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(_fixed(item.filename), body)
        dst.writestr(_fixed("word/footnotes.xml"), notes)
    return out.getvalue()


def write_set(folder: Path, seeds: list[int], sections: int, radicals: bool = False) -> list[Path]:
    """One .docx, .pdf and .ofd per seed into FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = [gongwen(seed, sections) for seed in seeds]
    pdfs = to_pdfs([(to_html(doc), False) for doc in docs])
    written = []
    for seed, doc, pdf in zip(seeds, docs, pdfs):
        for suffix, data in ((".docx", to_docx(doc)), (".pdf", pdf), (".ofd", to_ofd(doc, seed))):
            written.append(folder / f"chengjiang-{seed:03d}{suffix}")
            written[-1].write_bytes(data)
    return written


def write_fixtures(folder: Path) -> None:
    """The small committed fixtures: the good document in each format, a radical-glyph PDF, broken cases."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = gongwen(7, 2)
    plain, radical = to_pdfs([(to_html(doc), False), (to_html(doc, radicals=True), True)])
    files = {"gongwen.pdf": plain, "gongwen-radicals.pdf": radical, "gongwen.docx": to_docx(doc)}
    files["gongwen.ofd"] = to_ofd(doc)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    write_broken(folder, files["gongwen.docx"], files["gongwen.ofd"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write COUNT documents of each format here instead")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--sections", type=int, default=4)
    args = parser.parse_args(argv)
    if args.out:
        write_set(args.out, list(range(1, args.count + 1)), args.sections)
        return 0
    write_fixtures(ROOT / "tests" / "fixtures" / "documents")
    write_set(ROOT / "sources" / "documents", [7], 4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
