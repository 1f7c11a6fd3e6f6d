"""docx reader on documents built here: indents as Word writes them, inherited alignment, headings by
style or outline level, merged cells once, text boxes once, page numbers of the footer dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from bulletins.ingest.readers import docx
from bulletins.models import Context, RawBulletin

TEXT_BOX = (
    f'<w:r {nsdecls("w", "wp", "a")} xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
    "<w:p><w:r><w:t>澄江市人民政府文件</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>"
    "</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>澄江市人民政府文件</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
    "</mc:Fallback></mc:AlternateContent></w:r>"
)


def build(tmp_path: Path, fill) -> RawBulletin:
    document = Document()
    fill(document)
    path = tmp_path / "t.docx"
    document.save(path)
    (item,) = docx.read(path, Context())
    assert isinstance(item, RawBulletin), item
    return item


def indent_twips(d):
    d.add_paragraph("现将方案印发给你们。").paragraph_format.first_line_indent = Pt(21)  # 2 × 五号 (10.5 pt)


def indent_chars(d):
    p = d.add_paragraph("现将方案印发给你们。")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:ind {nsdecls("w")} w:firstLineChars="200" w:firstLine="420"/>'))


def inherited_alignment(d):
    style = d.styles.add_style("落款", 1)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_paragraph("澄江市人民政府", style="落款")


def outline_heading(d):
    p = d.add_paragraph("总体要求")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))


def style_heading(d):
    d.add_heading("总体要求", level=2)


def merged_cells(d):
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "澄江市重点任务分工表"
    for i, text in enumerate(("1", "编制专项规划", "市发展改革委")):
        table.cell(1, i).text = text


def text_box(d):
    d.add_paragraph()._p.append(parse_xml(TEXT_BOX))
    d.add_paragraph("澄府发〔2025〕7号").alignment = WD_ALIGN_PARAGRAPH.CENTER


def page_number_footer(d):
    d.sections[0].footer.paragraphs[0].text = "— 1 —"
    d.sections[0].header.paragraphs[0].text = "澄江市人民政府公报"
    d.add_paragraph("各区人民政府：")


CASES = [  # (what, build, expected blocks as (text, kind, align, indent), rows of the table if any)
    ("first-line indent in twips", indent_twips, [("现将方案印发给你们。", "paragraph", "left", 2.0)], ()),
    ("first-line indent in characters", indent_chars, [("现将方案印发给你们。", "paragraph", "left", 2.0)], ()),
    ("alignment from the style", inherited_alignment, [("澄江市人民政府", "paragraph", "right", 0.0)], ()),
    ("heading by outline level", outline_heading, [("总体要求", "heading", "left", 0.0)], ()),
    ("heading by style", style_heading, [("总体要求", "heading", "left", 0.0)], ()),
    ("merged cell once", merged_cells, [], (("澄江市重点任务分工表",), ("1", "编制专项规划", "市发展改革委"))),
    ("text box once", text_box,
     [("澄江市人民政府文件", "paragraph", "left", 0.0), ("澄府发〔2025〕7号", "paragraph", "center", 0.0)], ()),
    ("header and footer dropped", page_number_footer, [("各区人民政府：", "paragraph", "left", 0.0)], ()),
]  # fmt: skip


@pytest.mark.parametrize(("what", "fill", "expected", "rows"), CASES, ids=[c[0] for c in CASES])
def test_docx_layout(tmp_path, what, fill, expected, rows):
    item = build(tmp_path, fill)
    assert [(b.text, b.kind, b.align, b.indent) for b in item.blocks if b.kind != "table"] == expected
    assert tuple(r for b in item.blocks if b.kind == "table" for r in b.rows) == rows
