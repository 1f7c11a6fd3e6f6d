"""docx reader on documents built here: indents as Word writes them, inherited alignment, headings by
style or outline level, merged cells once, text boxes once, page numbers of the footer dropped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from bulletins.ingest.readers import docx
from bulletins.ingest.readers.docx_numbering import FORMATS, chinese_count
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


# Runs that python-docx's Paragraph.text leaves out, each in one paragraph of the body: (what, the
# paragraph's inner XML, the text the reader must give).
INLINE = {
    "tracked insertion": ("<w:r><w:t>现将</w:t></w:r><w:ins w:id='1' w:author='张三'><w:r><w:t>有关</w:t></w:r></w:ins>"
                          "<w:r><w:t>事项通知如下</w:t></w:r>", "现将有关事项通知如下"),
    "tracked deletion": ("<w:r><w:t>现将</w:t></w:r><w:del w:id='2' w:author='张三'><w:r><w:delText>删去的</w:delText>"
                         "</w:r></w:del><w:r><w:t>事项通知如下</w:t></w:r>", "现将事项通知如下"),
    "content control": ("<w:r><w:t>文号：</w:t></w:r><w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>澄府发〔2025〕7号</w:t>"
                        "</w:r></w:sdtContent></w:sdt>", "文号：澄府发〔2025〕7号"),
    "smart tag": ("<w:smartTag w:uri='urn:schemas-microsoft-com:office:smarttags' w:element='chsdate'><w:r>"
                  "<w:t>2025年3月18日</w:t></w:r></w:smartTag>", "2025年3月18日"),
    "simple field": ("<w:r><w:t>印发日期：</w:t></w:r><w:fldSimple w:instr='DATE'><w:r><w:t>2025年3月18日</w:t></w:r>"
                     "</w:fldSimple>", "印发日期：2025年3月18日"),
    "complex field": ("<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
                      "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>3</w:t></w:r>"
                      "<w:r><w:fldChar w:fldCharType='end'/></w:r>", "3"),
    "hyperlink": ("<w:r><w:t>详见</w:t></w:r><w:hyperlink w:anchor='a'><w:r><w:t>附件1</w:t></w:r></w:hyperlink>",
                  "详见附件1"),
    "moved text": ("<w:moveFrom w:id='3' w:author='张三'><w:r><w:t>旧位置</w:t></w:r></w:moveFrom>"
                   "<w:moveTo w:id='4' w:author='张三'><w:r><w:t>新位置</w:t></w:r></w:moveTo>", "新位置"),
}  # fmt: skip


@pytest.mark.parametrize(("inner", "text"), INLINE.values(), ids=INLINE.keys())
def test_every_run_word_shows_is_read(tmp_path, inner, text):
    def fill(d):
        d.element.body.insert(0, parse_xml(f"<w:p {nsdecls('w')}>{inner}</w:p>"))

    assert [b.text for b in build(tmp_path, fill).blocks] == [text]


def controlled_paragraphs(d):
    d.add_paragraph("澄江市人民政府")
    d.element.body.insert(
        1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>关于印发方案的通知</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>各区人民政府：</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )


def nested_table(d):
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "牵头单位"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "市财政局"
    inner.cell(0, 1).text = "市审计局"


def test_paragraphs_inside_a_content_control_are_read_in_place(tmp_path):
    blocks = build(tmp_path, controlled_paragraphs).blocks
    assert [b.text for b in blocks] == ["澄江市人民政府", "关于印发方案的通知", "各区人民政府："]


def test_a_table_nested_in_a_cell_keeps_its_text(tmp_path):
    (table,) = build(tmp_path, nested_table).blocks
    assert table.rows == (("牵头单位", "市财政局 市审计局"),)


GONGWEN_LIST = (  # a 公文 template's heading list: 一、 then （一） then 1. then (1)
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
    "</w:abstractNum>"
)


def numbered(items, *, restart_at=None):
    """A document whose paragraphs ITEMS (level, text) are items of one list; with RESTART_AT a
    second list of the same levels, started at that number, takes the last item."""

    def fill(d):
        root = d.part.numbering_part.element
        root.insert(0, parse_xml(GONGWEN_LIST))
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        override = f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>{override}</w:num>'))
        for n, (level, text) in enumerate(items):
            p = d.add_paragraph(text)
            num_id = "91" if restart_at and n == len(items) - 1 else "90"
            numpr = f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            p._p.get_or_add_pPr().append(parse_xml(numpr))

    return fill


def test_word_list_numbers_are_printed_before_their_paragraphs(tmp_path):
    items = [(0, "总体要求"), (1, "指导思想"), (1, "工作目标"), (2, "到2025年底"), (2, "到2027年底"),
             (3, "要点"), (0, "主要任务"), (1, "加强组织领导")]  # fmt: skip
    blocks = build(tmp_path, numbered(items)).blocks
    assert [(b.text, b.kind) for b in blocks] == [
        ("一、总体要求", "heading"),
        ("（一）指导思想", "heading"),
        ("（二）工作目标", "heading"),
        ("1.到2025年底", "heading"),
        ("2.到2027年底", "heading"),
        ("要点", "paragraph"),  # a bullet prints no number
        ("二、主要任务", "heading"),
        ("（一）加强组织领导", "heading"),  # a deeper level starts again under a new item
    ]


def test_a_list_started_at_another_number_keeps_it(tmp_path):
    blocks = build(tmp_path, numbered([(0, "总体要求"), (0, "保障措施")], restart_at=11)).blocks
    assert [b.text for b in blocks] == ["一、总体要求", "十一、保障措施"]


CHINESE_COUNTS = {1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 105: "一百零五",
                  110: "一百一十", 1001: "一千零一"}  # fmt: skip


@pytest.mark.parametrize(("n", "text"), CHINESE_COUNTS.items())
def test_chinese_counting(n, text):
    assert chinese_count(n) == text


LABELS = [("upperRoman", 14, "XIV"), ("lowerRoman", 3999, "mmmcmxcix"), ("upperRoman", 4000, "4000"),
          ("upperLetter", 28, "BB"), ("lowerLetter", 260, "zzzzzzzzzz"), ("upperLetter", 261, "261"),
          ("upperRoman", 10**12, str(10**12)), ("upperLetter", 10**12, str(10**12)),
          ("upperRoman", 0, "0")]  # fmt: skip


@pytest.mark.parametrize(("fmt", "n", "text"), LABELS)
def test_list_numbers_stay_short(fmt, n, text):
    """A list started at 10¹² (w:start, one attribute) made a roman label of a billion M's, a
    letter label of 38 billion letters: past what Word prints, the number is written in digits."""
    assert FORMATS[fmt](n) == text


NOTES = {  # part -> its XML: a separator, then one note with a tracked insertion and one of two paragraphs
    "word/footnotes.xml": (
        f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
        '</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>本方案自</w:t></w:r><w:ins w:id="9" w:author="张三">'
        "<w:r><w:t>2025年4月1日</w:t></w:r></w:ins><w:r><w:t>起施行。</w:t></w:r></w:p></w:footnote></w:footnotes>"
    ),
    "word/endnotes.xml": (
        f'<w:endnotes {nsdecls("w")}><w:endnote w:type="continuationSeparator" w:id="0"><w:p/></w:endnote>'
        '<w:endnote w:id="1"><w:p><w:r><w:t>数据来源：</w:t></w:r></w:p><w:p><w:r><w:t>市统计局。</w:t></w:r></w:p>'
        "</w:endnote></w:endnotes>"
    ),
}


def test_footnotes_then_endnotes_follow_the_body(tmp_path):
    document = Document()
    document.add_paragraph("各区人民政府：")
    path = tmp_path / "notes.docx"
    document.save(path)
    with zipfile.ZipFile(path, "a") as package:
        for name, xml in NOTES.items():
            if name in package.namelist():
                pytest.skip(f"python-docx's template already has {name}")
            package.writestr(name, xml)
    (item,) = docx.read(path, Context())
    assert [b.text for b in item.blocks] == [
        "各区人民政府：",
        "注：本方案自2025年4月1日起施行。",
        "注：数据来源：市统计局。",
    ]


W_DOCUMENT = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'


@pytest.mark.parametrize(
    "member, data, reason",
    [
        ("[Content_Types].xml", b"<foo/>", "its parts are not laid out as Word writes them"),
        ("_rels/.rels", b"<foo/>", "its parts are not laid out as Word writes them"),
        ("word/document.xml", b"<foo/>", "its parts are not laid out as Word writes them"),
        ("word/document.xml", W_DOCUMENT, "its parts are not laid out as Word writes them"),
        ("word/styles.xml", b"<foo/>", "its parts are not laid out as Word writes them"),
        ("word/styles.xml", b"", "a part is not well-formed XML"),
    ],
)
def test_a_damaged_package_is_reported_in_plain_words(tmp_path, member, data, reason):
    good = tmp_path / "good.docx"
    document = Document()
    document.add_paragraph("正文")
    document.save(good)
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as damaged:
        for info in source.infolist():
            damaged.writestr(info, data if info.filename == member else source.read(info))
    (problem,) = docx.read(path, Context())
    assert problem.reason.startswith(f"damaged Word document: {reason}"), problem.reason
    assert "Error" not in problem.reason and "object" not in problem.reason


def test_a_cell_cannot_span_more_columns_than_its_table(tmp_path):
    """python-docx repeats a merged cell once per grid column it spans: w:gridSpan="20000000" took
    1.7 s and 227 MB, two billion would take the machine. A span is bounded by the table's grid."""
    import tracemalloc

    def spanned(d):
        table = d.add_table(rows=2, cols=2)
        for (r, c), text in {(0, 0): "序号", (0, 1): "单位", (1, 0): "1", (1, 1): "区财政局"}.items():
            table.cell(r, c).text = text
        table.cell(1, 1)._tc.get_or_add_tcPr().append(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="2000000000"/>'))

    tracemalloc.start()
    item = build(tmp_path, spanned)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert item.blocks[-1].rows == (("序号", "单位"), ("1", "区财政局")) and peak < 32 * 2**20, peak
