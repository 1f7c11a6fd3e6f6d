"""layout: lines from placed glyphs, page furniture removed, paragraphs rebuilt across lines and pages."""

from __future__ import annotations

import pytest

from bulletins.ingest.layout import Glyph, Line, heading_kind, join_text, page_lines, paragraph_blocks, strip_furniture

SIZE = 16.0
LEFT, RIGHT = 80.0, 80.0 + 28 * SIZE  # 28 characters a line


def line(text: str, page: int = 1, row: int = 0, indent: float = 0.0, right: float | None = None, size=SIZE) -> Line:
    """A line of TEXT on PAGE at ROW: starting INDENT characters in, ending at RIGHT, or centred (indent -1)."""
    width = len(text) * size
    x0 = LEFT + indent * size if right is None else right - width
    if indent < 0:
        x0 = (LEFT + RIGHT - width) / 2
    top = 100.0 + row * 28
    return Line(text, x0, x0 + width, top, top + size, size, page)


def full(text: str, page: int = 1, row: int = 0, indent: float = 0.0) -> Line:
    """A line that fills the measure (the middle of a paragraph)."""
    made = line(text, page, row, indent)
    return Line(made.text, made.x0, RIGHT, made.top, made.bottom, SIZE, page)


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [("澄江市人民", "政府", "澄江市人民政府"), ("Chengjiang", "Municipal", "Chengjiang Municipal"),
     ("2025年", "3月", "2025年3月"), ("共计2025", "个", "共计2025个"), ("", "政府", "政府"),
     ("the plan,", "so that", "the plan, so that"), ("（2025—2", "027年）", "（2025—2027年）"),
     ("ISO 9001", "standard", "ISO 9001 standard"), ("（2025—", "2027年）", "（2025—2027年）")],
)  # fmt: skip
def test_join_text(left, right, joined):
    assert join_text(left, right) == joined


def test_page_lines_rebuilds_order_and_spaces_from_positions():
    chars = [Glyph(c, 100 + i * 16, 116 + i * 16, 50, 66, 16) for i, c in enumerate("澄江市")]
    words = [Glyph("Qingxi", 100, 148, 80, 96, 16), Glyph("District", 152, 212, 80, 96, 16)]
    cells = [Glyph("序号", 100, 132, 110, 126, 16), Glyph("牵头单位", 200, 264, 110, 126, 16)]
    marked = [
        Glyph("印发", 100, 132, 140, 156, 16),
        Glyph(" ISO", 132, 160, 140, 156, 16),
        Glyph(" ", 0, 1, 140, 156, 16),
    ]
    lines = page_lines(list(reversed(chars + words + cells + marked)), page=2)
    texts = [(ln.text, ln.page) for ln in lines]
    assert texts == [("澄江市", 2), ("Qingxi District", 2), ("序号 牵头单位", 2), ("印发 ISO", 2)]
    assert lines[2].cells == ("序号", "牵头单位")


@pytest.mark.parametrize(
    ("furniture", "page_height"),
    [("— 3 —", 800), ("- 3 -", 800), ("第3页", 800), ("第 3 页 共 5 页", 800), ("3", 800), ("3/5", 800)],
)
def test_page_numbers_dropped(furniture, page_height):
    body = line("澄江市人民政府文件", row=5)
    number = Line(furniture, 300, 340, 760, 774, 14, 1)
    assert strip_furniture([([body, number], page_height)]) == [body]


def test_running_header_dropped_but_first_page_header_kept():
    pages = []
    for n in (1, 2, 3):
        header = Line("澄江市人民政府公报", 250, 350, 20, 29, 9, n)
        pages.append(([header, line(f"第{n}段正文内容", page=n, row=5)], 800.0))
    red = Line("澄江市人民政府文件", 150, 450, 60, 92, 32, 1)
    pages[0][0].insert(1, red)
    kept = strip_furniture(pages)
    assert "澄江市人民政府公报" not in [ln.text for ln in kept] and red in kept


def test_number_inside_the_body_is_kept():
    body = line("2025", row=10)
    assert strip_furniture([([body], 800.0)]) == [body]


def blocks(lines):
    return [(b.text, b.kind, b.align, b.indent, b.page) for b in paragraph_blocks(lines)]


def test_paragraphs_split_at_indents_headings_alignment_and_short_lines():
    lines = [
        line("澄江市人民政府关于印发方案的通知", row=0, indent=-1, size=22),
        line("各区人民政府，市政府各部门：", row=1),
        full("现将方案印发给你们，请认真贯彻执行。各区各部门要", row=2, indent=2),
        line("认真组织实施。", row=3),
        line("一、总体要求", row=4, indent=2),
        full("到2027年底重点任务全面完成，群众满意度达到九十", row=5, indent=2),
        full("以上，形成一批可复制、可推广的经验做法，建立健全", page=2, row=0),
        line("工作机制。", page=2, row=1),
        line("澄江市人民政府", page=2, row=3, right=RIGHT - 4 * SIZE),
        line("2025年3月18日", page=2, row=4, right=RIGHT - 4 * SIZE),
    ]
    assert blocks(lines) == [
        ("澄江市人民政府关于印发方案的通知", "paragraph", "center", 0.0, 1),
        ("各区人民政府，市政府各部门：", "paragraph", "left", 0.0, 1),
        ("现将方案印发给你们，请认真贯彻执行。各区各部门要认真组织实施。", "paragraph", "left", 2.0, 1),
        ("一、总体要求", "heading", "left", 2.0, 1),
        ("到2027年底重点任务全面完成，群众满意度达到九十以上，形成一批可复制、可推广的经验做法，建立健全工作机制。",
         "paragraph", "left", 2.0, 1),
        ("澄江市人民政府", "paragraph", "right", 0.0, 2),
        ("2025年3月18日", "paragraph", "right", 0.0, 2),
    ]  # fmt: skip


def test_rows_of_cells_become_a_table_and_a_lone_gap_does_not():
    printer = Line(
        "澄江市人民政府办公室 2025年3月18日印发",
        LEFT,
        RIGHT,
        100,
        116,
        SIZE,
        1,
        ("澄江市人民政府办公室", "2025年3月18日印发"),
    )
    header = Line("序号 牵头单位", LEFT, RIGHT, 200, 216, SIZE, 2, ("序号", "牵头单位"))
    row = Line("1 市财政局", LEFT, RIGHT, 228, 244, SIZE, 2, ("1", "市财政局"))
    result = paragraph_blocks([line("抄送：市委各部门。", row=-2), printer, header, row])
    assert [(b.kind, b.rows) for b in result] == [
        ("paragraph", ()),
        ("paragraph", ()),
        ("table", (("序号", "牵头单位"), ("1", "市财政局"))),
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("一、总体要求", "heading"), ("（二）强化资金保障。", "heading"), ("3. 工作要求", "heading"),
     ("一、各区要认真组织实施。市财政局要保障资金。", "paragraph"), ("2025年3月18日", "paragraph"),
     ("1.5万人受益", "paragraph")],
)  # fmt: skip
def test_heading_kind(text, kind):
    assert heading_kind(text) == kind


def test_mirrored_margins_of_even_pages_do_not_change_indents():
    odd = [full(f"第{i}行正文内容，第一页的左边距较宽，行行写满版心宽度", row=i) for i in range(9)]
    even = [
        Line(ln.text, ln.x0 - 3 * SIZE, ln.x1 - 3 * SIZE, ln.top, ln.bottom, SIZE, 2, ())
        for ln in [full("第二页续写上一页的段落，左右边距与第一页对称", page=2, row=0)]
        + [full(f"第{i}行正文内容，第二页的左边距较窄，行行写满版心宽度", page=2, row=i) for i in range(1, 8)]
        + [line("本段至此结束。", page=2, row=8), line("新的一段从这里开始。", page=2, row=9, indent=2)]
    ]
    result = paragraph_blocks(odd + even)
    assert [(b.indent, b.page) for b in result] == [(0.0, 1), (2.0, 2)]


def test_last_page_of_indented_lines_is_not_moved():
    first = [full(f"第{i}行正文内容，第一页的行都写满版心宽度的正文内容", row=i) for i in range(9)]
    tail = [
        full("续写上一页的段落，这一行仍然写满版心宽度的正文", page=2, row=0),
        line("本段至此结束。", page=2, row=1),
    ]
    banji = [
        Line(
            f"抄送：市委各部门，市人大常委会办公室第{i}行",
            LEFT + 2 * SIZE,
            RIGHT - 2 * SIZE,
            200 + 28 * i,
            216 + 28 * i,
            SIZE,
            2,
        )
        for i in range(6)
    ]
    result = paragraph_blocks(first + tail + banji)
    assert result[0].text.endswith("续写上一页的段落，这一行仍然写满版心宽度的正文本段至此结束。")
