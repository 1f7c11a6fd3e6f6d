"""An ``official_content.Case`` laid out as .docx (python-docx), as print-ready HTML (for Chromium's
print-to-PDF, optionally with radical glyphs) and as OFD pages (``ofd_writer``'s runs, a running header and
wrapped table cells), in GB/T 9704 order: 版头, 标题, 主送, 正文, 附件说明, 署名, 成文日期, 附注, the
attachment pages, then the 版记 on the last page."""

from __future__ import annotations

import html
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor

import ofd_writer as ow
from document_content import CSS, RADICALS
from make_documents import ARGS, CHROMIUM, RUNNING_HEADER, _indent_chars, _page_field, _para
from official_content import Attachment, Case


def attachment_lines(doc: Case) -> list[str]:
    """附件说明: ``附件：甲`` for one attachment, ``附件：1．甲`` then ``2．乙`` for several."""
    if len(doc.attachments) == 1:
        return [f"附件：{doc.attachments[0].name}"]
    return [("附件：" if i == 0 else "") + f"{i + 1}．{a.name}" for i, a in enumerate(doc.attachments)]


def _label(doc: Case, i: int) -> str:
    return "附件" if len(doc.attachments) == 1 else f"附件{i + 1}"


# --- HTML for print-to-PDF -------------------------------------------------------------------------


def to_html(doc: Case) -> str:
    """DOC as an HTML page for print-to-PDF (radical glyphs in the text layer when ``doc.radicals``)."""

    def e(text: str) -> str:
        if doc.radicals:
            text = "".join(RADICALS.get(ch, ch) for ch in text)
        return html.escape(text)

    def p(cls: str, text: str) -> str:
        return f'<p class="{cls}">{e(text)}</p>'

    parts = [p("header", line) for line in doc.mark]
    parts += [p("number", doc.number), '<div class="rule"></div>', p("title", doc.title)]
    parts += [p("", doc.recipients)] if doc.recipients else []
    parts += [p("indent", text) for _kind, text in doc.body]
    parts += [p("indent gap" if i == 0 else "indent", line) for i, line in enumerate(attachment_lines(doc))]
    if doc.side_by_side:
        names = "".join(f"<span>{e(name)}</span>" for name in doc.issuers)
        parts.append(f'<p class="printer gap" style="border:0;padding:0 2em">{names}</p>')
    else:
        parts += [p("right gap" if i == 0 else "right", name) for i, name in enumerate(doc.issuers)]
    parts += [p("right", doc.date)] + ([p("indent", doc.note)] if doc.note else [])
    parts += [_html_imprint(doc, e)] if doc.imprint_first else []
    for i, item in enumerate(doc.attachments):
        parts.append(f'<div class="attachment">{p("", _label(doc, i))}{p("title gap", item.name)}')
        parts += [p("indent", text) for text in item.paragraphs]
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in item.table)
        parts.append(f"<table>{rows}</table></div>" if rows else "</div>")
    parts += [] if doc.imprint_first else [_html_imprint(doc, e)]
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head><body>'
        + "".join(parts)
        + "</body></html>"
    )


def _html_imprint(doc: Case, e) -> str:
    copies = f"<p>{e(doc.copy_to)}</p>" if doc.copy_to else ""
    return (
        f'<div class="banji">{copies}<p class="printer"><span>{e(doc.printer[0])}</span>'
        f"<span>{e(doc.printer[1])}</span></p></div>"
    )


FOOTERS = ("— {n} —", "- {n} -", "第 {n} 页", "{n}")


def footer(style: int) -> str:
    """A Chromium footer template with page numbers in STYLE (an index of FOOTERS)."""
    number = FOOTERS[style].format(n='<span class="pageNumber"></span>')
    return f"<div style=\"width:100%;text-align:center;font-size:14pt;font-family:'DejaVu Sans'\">{number}</div>"


def to_pdfs(docs: list[Case]) -> list[bytes]:
    """DOCS printed to PDF by Chromium (one browser for all), each with its footer and running header."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for doc in docs:
            page.set_content(to_html(doc))
            header = RUNNING_HEADER if doc.runs_header else "<span></span>"
            margin = {"top": "37mm", "bottom": "30mm", "left": "28mm", "right": "26mm"}
            options = {"display_header_footer": True, "header_template": header, "footer_template": footer(doc.footer)}
            out.append(page.pdf(format="A4", margin=margin, **options))
        browser.close()
    return out


# --- Word ------------------------------------------------------------------------------------------


def _docx_attachment(d, doc: Case, i: int, item: Attachment) -> None:
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(d, _label(doc, i))
    _para(d, item.name, WD_ALIGN_PARAGRAPH.CENTER, size=22)
    for text in item.paragraphs:
        _para(d, text, indent=True)
    if item.table:
        table = d.add_table(rows=len(item.table), cols=len(item.table[0]))
        table.style = "Table Grid"
        for r, row in enumerate(item.table):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell


def _docx_imprint(d, doc: Case) -> None:
    if doc.copy_to:
        _para(d, doc.copy_to, size=14)
    _para(d, "\t".join(doc.printer), size=14)


def to_docx(doc: Case) -> bytes:
    """DOC as a .docx (a running header when ``doc.runs_header``, a PAGE field in the footer)."""
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    d.styles["Normal"].font.size = Pt(16)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    if doc.runs_header:
        section.header.paragraphs[0].text = doc.printer[0]
    _page_field(section.footer.paragraphs[0])
    if doc.side_by_side:  # a joint header as Word users set it: the offices stacked, 文件 beside them
        mark = d.add_table(rows=len(doc.issuers), cols=2)
        for r, name in enumerate(doc.issuers):
            mark.cell(r, 0).text = name
        mark.cell(0, 1).merge(mark.cell(len(doc.issuers) - 1, 1)).text = "文件"
    else:
        for line in doc.mark:
            _para(d, line, center, size=26, red=True)
    _para(d, doc.number, center)
    half = len(doc.title) // 2 if doc.split_title else len(doc.title)
    for part in filter(None, (doc.title[:half], doc.title[half:])):
        _para(d, part, center, size=22)
    if doc.recipients:
        _para(d, doc.recipients)
    for kind, text in doc.body:
        if kind == "h1":
            heading = d.add_paragraph(text, style="Heading 1")
            heading.runs[0].font.color.rgb = RGBColor(0, 0, 0)
            _indent_chars(heading, 2)
        else:
            _para(d, text, indent=True, bold=kind == "h2")
    for line in attachment_lines(doc):
        _para(d, line, indent=True)
    signatures = ["\t".join(doc.issuers)] if doc.side_by_side else list(doc.issuers)
    for line in [*signatures, doc.date]:
        _para(d, line, right).paragraph_format.right_indent = Pt(64)
    if doc.note:
        _para(d, doc.note, indent=True)
    if doc.imprint_first:
        _docx_imprint(d, doc)
    for i, item in enumerate(doc.attachments):
        _docx_attachment(d, doc, i, item)
    if not doc.imprint_first:
        _docx_imprint(d, doc)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# --- OFD -------------------------------------------------------------------------------------------


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines, current, used = [], "", 0.0
    for char in text:
        advance = size / 2 if char.isascii() else size
        if current and used + advance > width:
            lines.append(current)
            current, used = "", 0.0
        current, used = current + char, used + advance
    return [*lines, current]


def _room(s: ow._Setter, height: float) -> None:
    """A new page when HEIGHT does not fit on this one (``_Setter.cells`` never turns the page)."""
    if s.y + height > ow.TOP + ow.HEIGHT:
        s.pages.append([])
        s.y = ow.TOP


def _row(s: ow._Setter, row: tuple[str, ...]) -> None:
    """A table row: each cell wrapped in its column, the row as tall as its tallest cell."""
    width, pad = ow.WIDTH / len(row), 2.0  # Word's default cell margins: 1.9 mm a side
    cells = [_wrap(cell, ow.SMALL, width - 2 * pad) for cell in row]
    _room(s, ow.PITCH * max(map(len, cells)))
    for k in range(max(map(len, cells))):
        placed = [(lines[k], c * width + pad) for c, lines in enumerate(cells) if k < len(lines) and lines[k]]
        s.cells(tuple(t for t, _ in placed), tuple(x for _, x in placed), ow.SMALL)
    s.y += ow.PITCH / 3  # cell padding and the rule between rows


def _ofd_imprint(s: ow._Setter, doc: Case) -> None:
    s.y += ow.PITCH
    if doc.copy_to:
        s.paragraph(doc.copy_to, ow.SMALL, indent=False)
    printed = ow.WIDTH - ow.SMALL - sum(ow._advance(c, ow.SMALL) for c in doc.printer[1])
    _room(s, ow.PITCH)
    s.cells(doc.printer, (ow.SMALL, printed), ow.SMALL)


def typeset(doc: Case) -> list[list[ow.Run]]:
    """DOC in pages of runs, the title placed glyph by glyph, a running header when asked."""
    s = ow._Setter()
    for line in doc.mark:
        s.line(line, 10.0, "center")
    s.line(doc.number, ow.BODY, "center")
    s.y += ow.PITCH
    for part in ow._wrap(doc.title, ow.TITLE, 4 * ow.TITLE):
        s.line(part, ow.TITLE, "center", per_glyph=True)
    s.y += ow.PITCH / 2
    if doc.recipients:
        s.paragraph(doc.recipients, indent=False)
    for _kind, text in doc.body:
        s.paragraph(text)
    s.y += ow.PITCH
    for line in attachment_lines(doc):
        s.paragraph(line)
    s.y += ow.PITCH
    if doc.side_by_side:
        second = ow.WIDTH - 4 * ow.BODY - len(doc.issuers[1]) * ow.BODY
        _room(s, ow.PITCH)
        s.cells(doc.issuers, (2 * ow.BODY, second), ow.BODY)
    else:
        for line in doc.issuers:
            s.paragraph(line, align="right")
    s.paragraph(doc.date, align="right")
    if doc.note:
        s.paragraph(doc.note)
    if doc.imprint_first:
        _ofd_imprint(s, doc)
    for i, item in enumerate(doc.attachments):
        s.pages.append([])
        s.y = ow.TOP
        s.paragraph(_label(doc, i), indent=False)
        for part in ow._wrap(item.name, ow.TITLE, 0.0):
            s.line(part, ow.TITLE, "center")
        for text in item.paragraphs:
            s.paragraph(text)
        for row in item.table:
            _row(s, row)
    if not doc.imprint_first:
        _ofd_imprint(s, doc)
    if doc.runs_header:
        for page in s.pages:
            deltas = tuple(ow.SMALL for _ in doc.printer[0])
            x = ow.LEFT + (ow.WIDTH - sum(deltas)) / 2
            page.insert(0, ow.Run(x, ow.TOP - 12, ow.SMALL, doc.printer[0], deltas[:-1]))
    return s.pages


def to_ofd(doc: Case, seed: int) -> bytes:
    return ow.to_ofd(doc, seed, typeset(doc))
