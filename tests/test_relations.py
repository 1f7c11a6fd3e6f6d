"""Relations found in a document's text: repeal, amendment, interpretation, plain citation."""

from __future__ import annotations

import pytest

from bulletins.ingest.relations import (
    AMENDS,
    CITES,
    INTERPRETS,
    REPEALS,
    Reference,
    find_relations,
    format_references,
    is_interpretation,
    normalize_doc_number,
    parse_references,
    relations_of,
)

OLD = "澄溪区河道管理暂行办法"
NUMBER = "澄府发〔2020〕12号"


def kinds(title, paragraphs):
    found = find_relations(title, paragraphs)
    return sorted({(r.kind, r.title, r.doc_number) for r in found})


@pytest.mark.parametrize(
    "title, paragraphs, expected",
    [
        pytest.param(
            "澄溪区河道管理办法",
            [f"本办法自2024年3月1日起施行。《{OLD}》（{NUMBER}）同时废止。"],
            [(REPEALS, OLD, NUMBER)],
            id="repeal-same-time",
        ),
        pytest.param(
            "澄溪区河道管理办法",
            [f"本办法自2024年3月1日起施行，原《{OLD}》（澄府发[2020]12号）同时废止。"],
            [(REPEALS, OLD, NUMBER)],
            id="repeal-original-bracket-spelling",
        ),
        pytest.param(
            f"澄溪区人民政府关于废止《{OLD}》的决定",
            [
                "根据《澄溪区规范性文件管理规定》，经区政府研究，决定废止《澄溪区河道管理暂行办法》（澄府发（2020）第12号）。"
            ],
            [(CITES, "澄溪区规范性文件管理规定", ""), (REPEALS, OLD, ""), (REPEALS, OLD, NUMBER)],
            id="repeal-decision-with-citation",
        ),
        pytest.param(
            "澄溪区人民政府关于废止部分规范性文件的决定",
            [
                "经区政府同意，决定废止以下规范性文件：",
                "1.《澄溪区甲办法》（澄府发〔2018〕1号）",
                "2.《澄溪区乙规定》（澄府办发〔2017〕9号）",
                "本决定自印发之日起施行。根据《澄溪区丙办法》开展清理。",
            ],
            [
                (CITES, "澄溪区丙办法", ""),
                (REPEALS, "澄溪区甲办法", "澄府发〔2018〕1号"),
                (REPEALS, "澄溪区乙规定", "澄府办发〔2017〕9号"),
            ],
            id="repeal-list",
        ),
        pytest.param(
            "关于修改《澄溪区停车管理规定》的决定",
            ["区政府决定对《澄溪区停车管理规定》（澄府发〔2021〕5号）作如下修改：", "一、将第三条修改为……"],
            [(AMENDS, "澄溪区停车管理规定", ""), (AMENDS, "澄溪区停车管理规定", "澄府发〔2021〕5号")],
            id="amend-decision",
        ),
        pytest.param(
            "澄溪区人民政府关于调整停车收费的通知",
            ["《澄溪区停车管理规定》（澄府发〔2021〕5号）部分条款修改如下："],
            [(AMENDS, "澄溪区停车管理规定", "澄府发〔2021〕5号")],
            id="amend-as-follows",
        ),
        pytest.param(
            "《澄溪区河道管理办法》政策解读",
            ["一、起草背景", f"此次《{OLD}》同时废止，《澄溪区停车管理规定》作如下修改。"],
            [(CITES, OLD, ""), (CITES, "澄溪区停车管理规定", ""), (INTERPRETS, "澄溪区河道管理办法", "")],
            id="interpretation-body-only-cites",
        ),
        pytest.param(
            "澄溪区人民政府办公室关于对《澄溪区河道管理办法》第五条的解释",
            ["现对《澄溪区河道管理办法》（澄府发〔2024〕3号）第五条作如下解释：", f"《{OLD}》不再适用。"],
            [
                (INTERPRETS, "澄溪区河道管理办法", ""),
                (CITES, "澄溪区河道管理办法", "澄府发〔2024〕3号"),
                (CITES, OLD, ""),
            ],
            id="formal-interpretation-of-an-article",
        ),
        pytest.param(
            "关于《澄溪区河道管理办法》有关条款适用问题的解释",
            [],
            [(INTERPRETS, "澄溪区河道管理办法", "")],
            id="formal-interpretation-of-its-terms",
        ),
        pytest.param(
            "澄溪区水利局关于河道管理有关问题的函",
            ["经研究，对《澄溪区河道管理办法》第五条作如下解释：……"],
            [(CITES, "澄溪区河道管理办法", "")],
            id="a-letter-that-explains-only-cites",
        ),
        pytest.param("一图读懂《澄溪区河道管理办法》", [], [(INTERPRETS, "澄溪区河道管理办法", "")], id="one-picture"),
        pytest.param("解读《澄溪区河道管理办法》", [], [(INTERPRETS, "澄溪区河道管理办法", "")], id="interpret-verb"),
        pytest.param(
            "澄溪区河道管理办法解读",
            ["现就《澄溪区河道管理办法》（澄府发〔2024〕3号）解读如下："],
            [
                (CITES, "澄溪区河道管理办法", "澄府发〔2024〕3号"),
                (INTERPRETS, "澄溪区河道管理办法", "澄府发〔2024〕3号"),
            ],
            id="interpretation-named-in-opening",
        ),
        pytest.param(
            "关于开展河道检查的通知",
            [f"根据《{OLD}》（{NUMBER}）有关规定，区水利局开展检查。"],
            [(CITES, OLD, NUMBER)],
            id="plain-citation",
        ),
        pytest.param(
            "关于开展河道检查的通知",
            ["区水利局依据《关于废止部分规范性文件的决定》开展检查。"],
            [(CITES, "关于废止部分规范性文件的决定", "")],
            id="repeal-word-inside-a-cited-title",
        ),
        pytest.param(
            "通知",
            ["《澄溪区甲办法》同时废止，《澄溪区乙办法》继续有效。"],
            [(CITES, "澄溪区乙办法", ""), (REPEALS, "澄溪区甲办法", "")],
            id="kept-in-force",
        ),
        pytest.param(
            "区司法局开展规范性文件清理",
            ["区司法局根据《澄溪区规范性文件管理规定》开展清理，共废止文件3件。"],
            [(CITES, "澄溪区规范性文件管理规定", "")],
            id="citing-verb-inside-repeal-sentence",
        ),
        pytest.param(
            "国务院常务会议",
            ["会议决定，对《甲条例》等8部行政法规的部分条款予以修改，对《乙办法》等13部行政法规予以废止。"],
            [(AMENDS, "甲条例", ""), (REPEALS, "乙办法", "")],
            id="amend-and-repeal-in-one-sentence",
        ),
        pytest.param(
            "决定",
            ["对《甲条例》《乙条例》《丙条例》等21部行政法规的部分条款予以修改，废止《丁规定》等4部行政法规。"],
            [(AMENDS, "甲条例", ""), (AMENDS, "乙条例", ""), (AMENDS, "丙条例", ""), (REPEALS, "丁规定", "")],
            id="several-amended-in-a-row",
        ),
        pytest.param(
            "通知",
            ["《澄溪区甲办法》（澄府发〔2019〕4号），自2024年1月1日起废止。"],
            [(REPEALS, "澄溪区甲办法", "澄府发〔2019〕4号")],
            id="repeal-in-the-next-clause",
        ),
        pytest.param(
            "会议",
            ["审议通过《甲意见（送审稿）》，决定一揽子修改和废止部分行政法规，讨论《乙决定（草案）》。"],
            [(CITES, "甲意见（送审稿）", ""), (CITES, "乙决定（草案）", "")],
            id="repeal-word-in-another-clause",
        ),
        pytest.param(
            "科技创新成就",
            ["修订《科技进步法》等法律法规，一批科研成果走出实验室。"],
            [(CITES, "科技进步法", "")],
            id="a-report-of-a-revision-is-no-amendment",
        ),
        pytest.param(
            "澄溪区排水管理办法",
            ["本办法自2024年5月1日起施行。原《澄溪区排水管理暂行规定》（澄府办发〔2018〕3号）同时停止执行。"],
            [(REPEALS, "澄溪区排水管理暂行规定", "澄府办发〔2018〕3号")],
            id="repeal-by-ceasing-to-apply",
        ),
        pytest.param(
            "关于修改《澄溪区停车管理规定》部分条款的决定",
            ["一、将《澄溪区停车管理规定》第五条中的“每小时3元”修改为“首小时2元”。"],
            [(AMENDS, "澄溪区停车管理规定", "")],
            id="amend-by-replacing-words",
        ),
        pytest.param(
            "关于废止部分规范性文件的决定",
            ["现决定对以下规范性文件予以废止：", "《澄溪区甲办法》（澄府发〔2018〕1号）", "《澄溪区乙规定》"],
            [(REPEALS, "澄溪区甲办法", "澄府发〔2018〕1号"), (REPEALS, "澄溪区乙规定", "")],
            id="repeal-list-without-numbers",
        ),
        pytest.param(
            "【图解】《澄溪区河道管理办法》", [], [(INTERPRETS, "澄溪区河道管理办法", "")], id="bracketed-tag"
        ),
        pytest.param("《澄溪区河道管理办法》政策问答", [], [(INTERPRETS, "澄溪区河道管理办法", "")], id="questions"),
        pytest.param(
            "关于澄溪区河道管理办法的政策解读",
            [],
            [(INTERPRETS, "澄溪区河道管理办法", "")],
            id="title-without-brackets",
        ),
        pytest.param(
            "一图读懂澄溪区河道管理办法", [], [(INTERPRETS, "澄溪区河道管理办法", "")], id="picture-without-brackets"
        ),
        pytest.param(
            "区政府新闻办发布会解读澄溪区发展新路重大政策", [], [], id="news-about-an-interpretation-names-nothing"
        ),
        pytest.param(
            "澄溪区排水管理办法",
            ["《澄溪区排水管理暂行规定》第五条同时废止。《澄溪区甲办法》中的有关规定停止执行。"],
            [(AMENDS, "澄溪区排水管理暂行规定", ""), (AMENDS, "澄溪区甲办法", "")],
            id="a-part-repealed-is-an-amendment",
        ),
        pytest.param(
            "关于《澄溪区河道管理办法（征求意见稿）》的起草说明",
            [],
            [(INTERPRETS, "澄溪区河道管理办法（征求意见稿）", "")],
            id="drafting-notes",
        ),
    ],
)
def test_find_relations(title, paragraphs, expected):
    assert kinds(title, paragraphs) == sorted(expected)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("澄府发〔2020〕12号", "澄府发〔2020〕12号"),
        ("澄府发[2020]12号", "澄府发〔2020〕12号"),
        ("澄府发（2020）第12号", "澄府发〔2020〕12号"),
        ("澄府发 【2020】 12号", "澄府发〔2020〕12号"),
        ("", ""),
    ],
)
def test_normalize_doc_number(value, expected):
    assert normalize_doc_number(value) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("《甲办法》政策解读", True),
        ("一图读懂《甲办法》", True),
        ("关于废止《甲办法》的决定", False),
        ("《读懂解读》印发", False),
        ("关于对《甲办法》第五条的解释", True),
        ("局长就《甲办法》答记者问时的解释", False),
    ],
)
def test_is_interpretation(title, expected):
    assert is_interpretation(title) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "《甲办法》（澄府发〔2020〕12号）; 《乙规定》",
            (Reference(REPEALS, "甲办法", NUMBER), Reference(REPEALS, "乙规定", "")),
            id="written",
        ),
        pytest.param("澄府发[2020]12号", (Reference(REPEALS, "", NUMBER),), id="bare-number"),
        pytest.param(
            "甲办法；乙规定", (Reference(REPEALS, "甲办法", ""), Reference(REPEALS, "乙规定", "")), id="bare-titles"
        ),
        pytest.param("", (), id="empty"),
    ],
)
def test_parse_references(value, expected):
    assert parse_references(value, REPEALS) == expected


def test_header_round_trip():
    refs = (Reference(AMENDS, "甲办法", NUMBER), Reference(AMENDS, "乙规定", ""), Reference(AMENDS, "", "澄府令第3号"))
    assert parse_references(format_references(refs), AMENDS) == refs


def test_relations_of_drops_title_only_duplicate():
    found = find_relations(f"关于废止《{OLD}》的决定", [f"决定废止《{OLD}》（{NUMBER}）。"])
    assert relations_of(found, REPEALS) == (Reference(REPEALS, OLD, NUMBER),)
