"""What a bulletin names: presider, attendees, documents in 《》 and 文号."""

from __future__ import annotations

import pytest

from bulletins.ingest.mentions import (
    find_doc_number,
    find_documents,
    find_people,
    find_presider,
    trailing_name,
)

# --- presider ------------------------------------------------------------------------------

PRESIDER_CASES = [
    pytest.param("2月28日，重庆市渝中区政府区长黄茂军主持召开区政府第5次常务会议。", "黄茂军", id="office-then-name"),
    pytest.param("国务院总理李克强26日主持召开国务院常务会议。", "李克强", id="day-between-name-and-verb"),
    pytest.param("国务院总理李强7月21日主持召开国务院常务会议。", "李强", id="two-char-name-and-full-month-day"),
    pytest.param(
        "中共中央总书记、国家主席习近平7日下午在黑龙江省哈尔滨市主持召开座谈会。",
        "习近平",
        id="time-and-place-before-verb",
    ),
    pytest.param("会议在北京人民大会堂举行，栗战书委员长主持。", "栗战书", id="office-after-name"),
    pytest.param(
        "十四届全国人大常委会第三十五次委员长会议13日在京举行。赵乐际主持。",
        "赵乐际",
        id="bare-name-at-sentence-start",
    ),
    pytest.param("中共中央政治局常委、全国政协主席王沪宁主持并讲话。", "王沪宁", id="presided-and-spoke"),
    pytest.param("会议由副市长欧阳明主持。", "欧阳明", id="compound-surname"),
    pytest.param("自治区主席艾尔肯·吐尼亚孜主持会议。", "艾尔肯·吐尼亚孜", id="ethnic-minority-name"),
    pytest.param("会议由区长助理孙立新同志主持。", "孙立新", id="comrade-suffix"),
    pytest.param("国务院总理李强在主持学习时强调，要深化改革。", "李强", id="while-presiding"),
    pytest.param("李强同朔尔茨总理共同主持第七轮中德政府磋商。", "", id="co-chair-with-unknown-name"),
    pytest.param("区政府召开常务会议，研究部署工作。", "", id="no-presider"),
    pytest.param("会议指出，要培训节目主持人。", "", id="host-is-not-presider"),
]


@pytest.mark.parametrize(("text", "expected"), PRESIDER_CASES)
def test_find_presider(text, expected):
    assert find_presider((text,)) == expected


NAME_CASES = [
    pytest.param("渝中区领导黄孝明", "黄孝明", id="leader-prefix"),
    pytest.param("全国政协主席汪洋", "汪洋", id="two-char-name-after-office-char-surname"),
    pytest.param("主任任敏", "任敏", id="surname-equals-office-char"),
    pytest.param("陈平", "陈平", id="bare-name"),
    pytest.param("全区各部门", "", id="not-a-name"),
    pytest.param("区政府办公室", "", id="office-not-a-name"),
]


@pytest.mark.parametrize(("segment", "expected"), NAME_CASES)
def test_trailing_name(segment, expected):
    assert trailing_name(segment) == expected


# --- attendees -----------------------------------------------------------------------------

PEOPLE_CASES = [
    pytest.param("出席：张明远、李清和、王素梅", ("张明远", "李清和", "王素梅"), id="minutes-list"),
    pytest.param("列席人员：王素梅，赵文海。", ("王素梅", "赵文海"), id="minutes-list-commas"),
    pytest.param("出席单位：县发展改革委、县财政局", (), id="minutes-list-of-offices"),
    pytest.param("渝中区领导黄孝明、邓光怀、梁栋参加。", ("黄孝明", "邓光怀", "梁栋"), id="leaders-list-attend"),
    pytest.param("副区长王一、李二，区政府秘书长赵三参加会议。", ("王一", "李二", "赵三"), id="lists-across-commas"),
    pytest.param("中共中央政治局常委、国务院副总理丁薛祥出席会议并讲话。", ("丁薛祥",), id="titles-joined-by-dunhao"),
    pytest.param("区领导张红和刘伟出席。", ("张红", "刘伟"), id="joined-by-he"),
    pytest.param("副区长刘和平、王与之参加。", ("刘和平", "王与之"), id="conjunction-inside-a-name"),
    pytest.param("区委常委周明等出席。", ("周明",), id="deng-suffix"),
    pytest.param("区政府办公室主任吴刚列席会议。", ("吴刚",), id="sits-in"),
    pytest.param("全区各部门、街道负责同志参加。", (), id="no-names-in-list"),
    pytest.param("要组织企业参加培训。", (), id="attend-a-training-not-a-list"),
    pytest.param("黄孝明参加。黄孝明、陈平出席。", ("黄孝明", "陈平"), id="deduplicated"),
    pytest.param(
        "副委员长李鸿忠、铁凝、洛桑江村、雪克来提·扎克尔，秘书长刘奇出席会议。",
        ("李鸿忠", "铁凝", "洛桑江村", "雪克来提·扎克尔", "刘奇"),
        id="rare-surname-and-ethnic-names-inside-a-list",
    ),
    pytest.param(
        "全国人大常委会副委员长、全国妇联主席沈跃跃出席会议并讲话。",
        ("沈跃跃",),
        id="office-chain-before-one-name",
    ),
    pytest.param("所有越共中央政治局委员悉数出席。", (), id="adverb-after-office-is-not-a-name"),
    pytest.param("蔡奇、王毅陪同出席。", ("蔡奇", "王毅"), id="adverb-before-the-verb"),
]


@pytest.mark.parametrize(("text", "expected"), PEOPLE_CASES)
def test_find_people(text, expected):
    assert find_people((text,)) == expected


# --- documents and document numbers ------------------------------------------------------------

DOCUMENT_CASES = [
    pytest.param(["审议《甲规划》《乙方案》。"], ("甲规划", "乙方案"), id="adjacent-titles"),
    pytest.param(["审议《甲规划》。", "会议指出《甲规划》很重要。"], ("甲规划",), id="deduplicated-across-paragraphs"),
    pytest.param(
        ["讨论《〈中华人民共和国农业技术推广法〉等3部法律的修正案（草案）》。"],
        ("〈中华人民共和国农业技术推广法〉等3部法律的修正案（草案）",),
        id="inner-angle-brackets",
    ),
    pytest.param(["学习《论语《学而》篇》。"], ("论语《学而》篇",), id="nested-double-brackets"),
    pytest.param(["未闭合《标题"], (), id="unclosed-bracket"),
    pytest.param(["《》"], (), id="empty-title"),
]


@pytest.mark.parametrize(("paragraphs", "expected"), DOCUMENT_CASES)
def test_find_documents(paragraphs, expected):
    assert find_documents(paragraphs) == expected


DOC_NUMBER_CASES = [
    pytest.param("根据渝中府发〔2022〕5号文件", "渝中府发〔2022〕5号", id="hexagonal-brackets"),
    pytest.param("（国办发〔2023〕12号）", "国办发〔2023〕12号", id="inside-parentheses"),
    pytest.param("国发[2021]3号", "国发〔2021〕3号", id="ascii-brackets-normalized"),
    pytest.param("京政办发【2024】7号", "京政办发〔2024〕7号", id="lenticular-brackets"),
    pytest.param("位于（2022）5号楼", "", id="building-number-is-not-a-doc-number"),
    pytest.param("区政府召开会议。", "", id="none"),
    pytest.param("《青溪区收费管理办法》（青溪府发〔2023〕2号）继续有效。", "", id="number-of-a-cited-document"),
    pytest.param(
        "《甲办法》（青溪府发〔2020〕1号）同时废止。青溪府发〔2024〕3号",
        "青溪府发〔2024〕3号",
        id="own-number-after-a-cited-one",
    ),
]


@pytest.mark.parametrize(("text", "expected"), DOC_NUMBER_CASES)
def test_find_doc_number(text, expected):
    assert find_doc_number((text,)) == expected
