"""Defects the end-to-end check of official documents found (benchmarks/bench_official_e2e.py), each with the
layout that showed it: tables whose cells wrap or sit vertically centred, narrow table columns, a table that
starts at the foot of a page, a line wider than the text block, an attachment label right under a full line,
wrapped lines joined with a space before a dash, and an OFD glyph's width guessed without its advance."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from bulletins.ingest.gongwen import join_lines, parse
from bulletins.ingest.layout import Glyph, Line, page_lines, paragraph_blocks
from bulletins.ingest.readers import ofd

SIZE = 14.0
LEFT, RIGHT = 80.0, 80.0 + 31 * 16.0
PITCH = 28.0


def cell_line(page: int, top: float, *cells: tuple[float, str]) -> Line:
    """A line of table cells at TOP, each (x where it starts, text)."""
    text = " ".join(t for _, t in cells)
    x1 = cells[-1][0] + len(cells[-1][1]) * SIZE
    split = len(cells) > 1
    starts = tuple(x for x, _ in cells)
    return Line(text, cells[0][0], x1, top, top + SIZE, SIZE, page, tuple(t for _, t in cells) * split, starts * split)


def body(text: str, top: float, page: int = 1, indent: float = 2, full: bool = True) -> Line:
    x0 = LEFT + indent * 16
    return Line(text, x0, RIGHT if full else x0 + len(text) * 16, top, top + 16, 16.0, page)


COLUMNS = (86.0, 127.0, 250.0)
# Chromium's print of an HTML table: td centred vertically, 14pt text in a 28pt line, rows 22pt apart
CENTRED = [
    body("各单位要加强协调配合。", 600, full=False),
    cell_line(1, 684, (86, "序")),
    cell_line(1, 698, (127, "重点任务"), (250, "牵头单位")),
    cell_line(1, 712, (86, "号")),
    cell_line(2, 116, (127, "农村饮水安全项"), (250, "完成农村饮水安全年度任务，覆盖25个社")),
    cell_line(2, 130, (86, "1")),
    cell_line(2, 144, (127, "目"), (250, "区")),
    cell_line(2, 180, (86, "2"), (127, "市财政局"), (250, "农村饮水安全项目")),
]
# the header alone above a page break: no gap between rows anywhere on the page
HEADER_ABOVE_A_BREAK = [
    cell_line(1, 684, (86, "序")),
    cell_line(1, 698, (124, "重点任务"), (326, "牵头单位")),
    cell_line(1, 712, (86, "号")),
    cell_line(2, 116, (124, "完成城市公共交通年度任务，覆盖"), (326, "城市公共交通项")),
    cell_line(2, 130, (86, "1")),
    cell_line(2, 144, (124, "10个社区"), (326, "目")),
]
DONE = "完成河湖长制年度任务，覆盖"
# a second row whose wrapped cell begins a row gap (1.45 lines) below the first row
ROW_GAP = [
    cell_line(1, 460, (86, "序")),
    cell_line(1, 474, (124, "重点任务"), (326, "牵头单位")),
    cell_line(1, 488, (86, "号")),
    cell_line(1, 525, (124, "完成河湖长制年度任务，覆盖"), (326, "完成河湖长制年度任务，覆盖")),
    cell_line(1, 539, (86, "1")),
    cell_line(1, 553, (124, "22个社区"), (326, "40个社区")),
    cell_line(1, 586, (124, "完成河湖长制年度任务，覆盖")),
    cell_line(1, 600, (86, "2"), (326, "河湖长制项目")),
    cell_line(1, 614, (124, "30个社区")),
]
# a row the page break cuts: the rest of one cell at the top of the next page
OVER_THE_PAGE = [
    cell_line(3, 628, (86, "序"), (410, "完成")),
    cell_line(3, 642, (118, "重点任务"), (261, "牵头单位"), (336, "配合单位"), (453, "工作要求")),
    cell_line(3, 656, (86, "号"), (410, "时限")),
    cell_line(
        3, 693, (86, "1"), (118, "市财政局"), (261, "市财政局"), (336, "公共数据"), (410, "市财"), (453, "市财政局")
    ),
    cell_line(3, 721, (336, "开放共享"), (410, "政局")),
    cell_line(4, 111, (336, "项目")),
    cell_line(4, 148, (118, "完成公共数据开放共"), (261, "公共数据"), (453, "公共数据")),
    cell_line(4, 162, (410, "市财")),
    cell_line(4, 176, (86, "2"), (118, "享年度任务，覆盖13"), (261, "开放共享"), (336, "市财政局"), (453, "开放共享")),
    cell_line(4, 190, (410, "政局")),
    cell_line(4, 204, (118, "个社区"), (261, "项目"), (453, "项目")),
]
# a cell that wraps under the last column only, cells top-aligned (Word, OFD)
WRAPPED = [
    cell_line(1, 100, (86, "序号"), (127, "重点任务"), (250, "牵头单位")),
    cell_line(1, 136, (86, "1"), (127, "编制专项规划"), (250, "市发展改革委、市自然资源")),
    cell_line(1, 150, (250, "局、市住房城乡建设局")),
    cell_line(1, 186, (86, "2"), (127, "落实资金保障"), (250, "市财政局")),
    body("附件2", 300, indent=0, full=False),
]


@pytest.mark.parametrize(
    ("lines", "rows"),
    [
        pytest.param(
            CENTRED,
            (("序号", "重点任务", "牵头单位"), ("1", "农村饮水安全项目", "完成农村饮水安全年度任务，覆盖25个社区"),
             ("2", "市财政局", "农村饮水安全项目")),
            id="vertically-centred-cells-over-a-page-break",
        ),
        pytest.param(
            WRAPPED,
            (("序号", "重点任务", "牵头单位"), ("1", "编制专项规划", "市发展改革委、市自然资源局、市住房城乡建设局"),
             ("2", "落实资金保障", "市财政局")),
            id="cell-wrapping-in-the-last-column",
        ),
        pytest.param(
            HEADER_ABOVE_A_BREAK,
            (("序号", "重点任务", "牵头单位"), ("1", "完成城市公共交通年度任务，覆盖10个社区", "城市公共交通项目")),
            id="header-alone-above-a-page-break",
        ),
        pytest.param(
            ROW_GAP,
            (("序号", "重点任务", "牵头单位"), ("1", f"{DONE}22个社区", f"{DONE}40个社区"),
             ("2", f"{DONE}30个社区", "河湖长制项目")),
            id="wrapped-cell-opening-a-row",
        ),
        pytest.param(
            OVER_THE_PAGE,
            (("序号", "重点任务", "牵头单位", "配合单位", "完成时限", "工作要求"),
             ("1", "市财政局", "市财政局", "公共数据开放共享项目", "市财政局", "市财政局"),
             ("2", "完成公共数据开放共享年度任务，覆盖13个社区", "公共数据开放共享项目", "市财政局", "市财政局",
              "公共数据开放共享项目")),
            id="row-cut-by-a-page-break",
        ),
    ],
)  # fmt: skip
def test_table_rows_keep_wrapped_and_centred_cells(lines, rows):
    blocks = paragraph_blocks(lines)
    assert [b.rows for b in blocks if b.kind == "table"] == [rows]
    assert not [b.text for b in blocks if b.kind != "table" and b.text in ("1", "序", "号", "目 区")]


def _glyphs(text: str, x: float, top: float, size: float, gap: float) -> list[Glyph]:
    """TEXT set from X, one glyph a character, with GAP characters of space before each tab-separated cell."""
    out = []
    for i, part in enumerate(text.split("\t")):
        x += gap * size if i else 0
        for ch in part:
            out.append(Glyph(ch, x, x + size, top, top + size, size))
            x += size
    return out


@pytest.mark.parametrize(
    ("text", "gap", "cells"),
    [
        pytest.param("1\t市财政局\t农村饮水安全项目", 0.93, ("1", "市财政局", "农村饮水安全项目"), id="narrow-columns"),
        pytest.param("序号\t重点任务", 2.0, ("序号", "重点任务"), id="wide-columns"),
        pytest.param("依托GIS系统建设监测模块", 0.0, (), id="body-text-is-one-cell"),
    ],
)
def test_cells_split_at_the_padding_of_narrow_columns(text, gap, cells):
    (line,) = page_lines(_glyphs(text, 86.0, 100.0, SIZE, gap), 1)
    assert line.cells == cells


def test_a_line_wider_than_the_text_block_does_not_move_the_right_margin():
    lines = [body(f"第{i}行正文，写满版心宽度的正文内容，一行接着一行", 100 + i * PITCH, indent=2 if i == 0 else 0)
             for i in range(6)]  # fmt: skip
    lines.append(body("本段至此结束。", 100 + 6 * PITCH, indent=0, full=False))
    wide = Line("澄江市义务教育优质均衡发展三年行动方案（2025—2027年）", 2.0, RIGHT + 80, 100, 122, 22.0, 2)
    blocks = paragraph_blocks([*lines, wide, body("新的一段。", 160, page=2, full=False)])
    assert len(blocks[0].text) == sum(len(line.text) for line in lines)


def test_attachment_label_starts_a_page_even_under_a_full_line():
    lines = [body("组织第三方机构开展绩效评估，评估结果向社会公开，接受群众", 100),
             body("监督，确保各项任务落到实处，形成可复制可推广的经验做法。", 128, indent=0),
             body("附件2", 100, page=2, indent=0, full=False)]  # fmt: skip
    assert [b.text for b in paragraph_blocks(lines)][-1] == "附件2"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["临川市三年行动方案（2025", "—2027年）的通知"], "临川市三年行动方案（2025—2027年）的通知"),
        (["关于推进5G", "基站布局的通知"], "关于推进5G基站布局的通知"),
        (["Work Plan", "for 2025"], "Work Plan for 2025"),
        (["对照ISO", "9001标准的意见"], "对照ISO 9001标准的意见"),
        (["关于做好2025", "年度工作的通知"], "关于做好2025年度工作的通知"),
    ],
)  # fmt: skip
def test_wrapped_lines_join_without_a_space_next_to_chinese_or_a_dash(lines, joined):
    assert join_lines(lines) == joined


def test_title_wrapped_at_a_dash_is_read_whole():
    found = parse(
        [
            "临府办发〔2025〕7号",
            "临川市人民政府办公室关于印发临川市行动方案（2025",
            "—2027年）的通知",
            "各区人民政府：",
        ],
        ["center", "center", "center", "left"],
    )
    assert found.title == "临川市人民政府办公室关于印发临川市行动方案（2025—2027年）的通知"


@pytest.mark.parametrize(
    ("text", "width"),
    [
        pytest.param("任务，覆盖6", 4.9 * 5 + 2.45, id="narrow-last-glyph"),
        pytest.param("市财政局", 4.9 * 4, id="wide-last-glyph"),
        pytest.param("ISO", 2.45 * 3, id="latin"),
    ],
)
def test_ofd_glyph_without_an_advance_is_as_wide_as_its_kind(text, width):
    deltas = " ".join("2.45" if ch.isascii() else "4.9" for ch in text[:-1])
    code = ElementTree.fromstring(f'<TextCode X="0" Y="4.3" DeltaX="{deltas}">{text}</TextCode>')
    glyphs = list(ofd._code_glyphs(code, (28.0, 100.0), 4.9, [1, 0, 0, 1, 0, 0]))
    assert glyphs[-1].x1 - glyphs[0].x0 == pytest.approx(width)


def test_ofd_cells_ending_in_a_number_stay_apart():
    glyphs = []
    for x, text in ((33.2, "任务，覆盖6"), (64.4, "任务，覆盖3")):
        deltas = " ".join("2.45" if ch.isascii() else "4.9" for ch in text[:-1])
        code = ElementTree.fromstring(f'<TextCode X="0" Y="4.3" DeltaX="{deltas}">{text}</TextCode>')
        glyphs += ofd._code_glyphs(code, (x, 100.0), 4.9, [1, 0, 0, 1, 0, 0])
    (line,) = page_lines(glyphs, 1)
    assert line.cells == ("任务，覆盖6", "任务，覆盖3")


def test_left_margin_is_the_leftmost_common_edge_when_indents_outnumber_it():
    """Headings and one-line paragraphs start indented: the indent is the commonest edge, not the margin."""
    lines, top = [], 100.0
    for n in range(4):
        lines.append(body(f"{'一二三四'[n]}、工作要求", top, full=False))
        lines.append(body("各责任单位要加强协调配合，于每月5日前报送工作进展情况，遇有", top + PITCH))
        lines.append(body("重大问题及时报告，确保各项任务落到实处，形成可推广的经验做法。", top + 2 * PITCH, indent=0))
        lines.append(body("（1）各单位要坚持以人民为中心的发展思想，把工作摆在突出", top + 3 * PITCH))
        lines.append(body("位置，主要负责同志亲自研究、亲自部署。各单位要加强协调配合", top + 4 * PITCH, indent=0))
        top += 5 * PITCH
    lines[-1] = body("位置，主要负责同志亲自研究、亲自部署。", lines[-1].top, indent=0, full=False)
    texts = [b.text for b in paragraph_blocks(lines)]
    assert texts[:3] == [
        "一、工作要求",
        "各责任单位要加强协调配合，于每月5日前报送工作进展情况，遇有重大问题及时报告，确保各项任务落到实处，形成可推广的经验做法。",
        "（1）各单位要坚持以人民为中心的发展思想，把工作摆在突出位置，主要负责同志亲自研究、亲自部署。各单位要加强协调配合",
    ]
