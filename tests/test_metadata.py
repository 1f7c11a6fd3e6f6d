"""Metadata extraction: the seed end to end, then one table per rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bulletins.ingest.keywords import extract_keywords, topic_sample
from bulletins.ingest.mentions import (
    find_government,
    find_meeting,
    find_named,
    region_of,
)
from bulletins.ingest.metadata import (
    classify,
    extract_metadata,
    generate_title,
    lead_text,
    summarize,
)
from bulletins.ingest.signing import signature
from bulletins.models import Context, MissingYear, RawBulletin
from support.metadata import clean, seed_paragraphs, seed_raw

SEED_ATTENDEES = ("黄孝明", "邓光怀", "梁栋", "陈平", "艾正兵", "罗毅", "朱荣堂", "高琳")
SEED_PLANS = ("重庆市渝中区应急管理“十四五”规划", "重庆市渝中区数字经济“十四五”发展规划")


def raw(title=None, date=None, **context) -> RawBulletin:
    return RawBulletin(
        source="sample.txt",
        text="",
        source_hash="sha256:0",
        title=title,
        date=date,
        context=Context(**context),
    )


# --- the seed ------------------------------------------------------------------------------


def test_seed_with_year_and_publisher():
    meta = extract_metadata(seed_raw(2022, "重庆市渝中区人民政府"), seed_paragraphs())
    assert meta.date == dt.date(2022, 2, 28)
    assert meta.date_source == "text+context-year"
    assert meta.date_precision == "day"
    assert meta.title == "黄茂军主持召开区政府第5次常务会议"
    assert meta.title_source == "generated"
    assert meta.presider == "黄茂军"
    assert meta.publisher == "重庆市渝中区人民政府"
    assert meta.region == "重庆市渝中区"
    assert meta.documents == SEED_PLANS
    assert meta.people == SEED_ATTENDEES
    assert meta.category == "常务会议"
    assert meta.summary.startswith("2月28日，重庆市渝中区政府区长黄茂军主持召开")
    assert 0 < len(meta.keywords) <= 8
    assert "渝中区" in meta.keywords


def test_seed_without_year_is_missing_year():
    with pytest.raises(MissingYear, match=r"^date 2月28日 has no year; give --year"):
        extract_metadata(seed_raw(year=None), seed_paragraphs())


def test_seed_publisher_derived_from_text_when_context_has_none():
    meta = extract_metadata(seed_raw(2022, None), seed_paragraphs())
    assert (meta.publisher, meta.region) == ("重庆市渝中区人民政府", "重庆市渝中区")


def test_seed_kept_in_traditional_is_read_through_a_simplified_copy():
    raw = dataclasses.replace(seed_raw(2022, None), context=Context(year=2022, script="keep"))
    meta = extract_metadata(raw, clean(raw.text, "keep"))
    assert meta.title == "黃茂軍主持召開區政府第5次常務會議"
    assert meta.presider == "黃茂軍"
    assert meta.people == ("黃孝明", "鄧光懷", "梁棟", "陳平", "艾正兵", "羅毅", "朱榮堂", "高琳")
    assert meta.documents[0] == "重慶市渝中區應急管理“十四五”規劃"
    assert (meta.publisher, meta.region, meta.category) == (
        "重慶市渝中區人民政府",
        "重慶市渝中區",
        "常務會議",
    )


def test_seed_keywords_are_deterministic():
    first = extract_metadata(seed_raw(), seed_paragraphs()).keywords
    assert all(extract_metadata(seed_raw(), seed_paragraphs()).keywords == first for _ in range(3))


# --- titles --------------------------------------------------------------------------------

TITLE_CASES = [
    pytest.param(
        "黄茂军",
        "区政府第5次常务会议",
        ["2月28日，区长黄茂军主持召开区政府第5次常务会议，研究工作。"],
        "黄茂军主持召开区政府第5次常务会议",
        id="meeting-bulletin",
    ),
    pytest.param(
        "",
        "",
        ["3月1日，青禾区举行春季植树活动，机关干部二百余人参加。"],
        "青禾区举行春季植树活动",
        id="headline-drops-leading-date-and-cuts-at-clause",
    ),
    pytest.param(
        "",
        "",
        ["央视网消息（新闻联播）：国务院近日印发通知，部署做好今年的防汛抗旱工作。"],
        "国务院近日印发通知",
        id="headline-drops-dateline",
    ),
    pytest.param(
        "",
        "",
        ["区人力资源和社会保障局会同区财政局区税务局全面落实稳岗返还政策助力中小微企业渡过难关。"],
        "区人力资源和社会保障局会同区财政局区税务局全面落实稳岗返还",
        id="long-clause-cut-at-a-word",
    ),
    pytest.param(
        "张三",
        "中华人民共和国某某某某某某某某某某某某某某工作领导小组第一次全体会议",
        ["张三主持召开中华人民共和国某某某某某某某某某某某某某某工作领导小组第一次全体会议。"],
        "张三主持召开中华人民共和国某某某某某某某某某某某某某某工作",
        id="too-long-meeting-title-falls-back-to-headline",
    ),
    pytest.param(
        "",
        "",
        ["中共中央政治局常委、国务院副总理丁薛祥出席会议并讲话。"],
        "丁薛祥出席会议并讲话",
        id="headline-drops-the-offices-before-a-name",
    ),
    pytest.param(
        "",
        "",
        ["今天（9月14日），杭州亚运会火炬在浙江台州传递。"],
        "杭州亚运会火炬在浙江台州传递",
        id="headline-skips-a-when-clause",
    ),
    pytest.param(
        "",
        "",
        ["新华社播发《“为祖国发展繁荣而不懈奋斗”——以习近平同志为核心的党中央关心港澳工作纪实》。"],
        "新华社播发",
        id="headline-never-leaves-a-bracket-open",
    ),
]


@pytest.mark.parametrize(("presider", "meeting", "paragraphs", "expected"), TITLE_CASES)
def test_generate_title(presider, meeting, paragraphs, expected):
    title = generate_title(presider, meeting, tuple(paragraphs))
    assert title == expected
    assert len(title) <= 30


def test_source_title_is_kept_exactly():
    title = "汪洋主持召开全国政协主席会议 决定10月底召开全国政协十三届常委会第二十四次会议"
    meta = extract_metadata(raw(title=title, date="2022-09-26"), ("会议召开。",))
    assert (meta.title, meta.title_source) == (title, "source")


HIDDEN = {
    "bidi-override": "\u202e",
    "bidi-isolate": "\u2067",
    "zero-width-space": "\u200b",
    "byte-order-mark": "\ufeff",
    "control": "\x07",
}


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
def test_given_values_lose_the_characters_the_text_loses(char):
    """A title, publisher, region or category given by the source or the operator keeps its
    words and loses what is never shown (a bidi override would reorder the title on every page)."""
    given = raw(
        title=f"青溪区{char}召开防汛工作会议",
        date="2023-05-06",
        publisher=f"青溪区{char}人民政府",
        region=f"{char}青溪区",
        category=f"工作{char}动态",
    )
    meta = extract_metadata(given, ("5月6日，青溪区召开防汛工作会议。",))
    assert (meta.title, meta.publisher, meta.region, meta.category) == (
        "青溪区召开防汛工作会议",
        "青溪区人民政府",
        "青溪区",
        "工作动态",
    )


MEETING_CASES = [
    pytest.param(
        "区长黄茂军主持召开区政府第5次常务会议，研究部署工作。",
        "区政府第5次常务会议",
        id="convene-then-comma",
    ),
    pytest.param(
        "习近平在上海主持召开深入推进长三角一体化发展座谈会并发表重要讲话。",
        "深入推进长三角一体化发展座谈会",
        id="meeting-then-speech",
    ),
    pytest.param(
        "十四届全国人大常委会第二次委员长会议14日下午在北京人民大会堂举行。赵乐际委员长主持会议。",
        "十四届全国人大常委会第二次委员长会议",
        id="meeting-held-then-presided",
    ),
    pytest.param("区长张三深入企业调研。", "", id="no-meeting"),
]


@pytest.mark.parametrize(("text", "expected"), MEETING_CASES)
def test_find_meeting(text, expected):
    assert find_meeting((text,)) == expected


def test_presider_not_among_people():
    meta = extract_metadata(raw(year=2022), ("2月28日，区长黄茂军主持召开区政府常务会议。", "区领导陈平参加。"))
    assert (meta.presider, meta.people) == ("黄茂军", ("陈平",))


# --- category, publisher, region, summary ----------------------------------------------------------

CATEGORY_CASES = [
    pytest.param("李强主持召开国务院常务会议", "", "常务会议", id="executive-meeting"),
    pytest.param("李强主持召开国务院第六次全体会议 决定任命岑浩辉", "", "全体会议", id="plenary-before-appointment"),
    pytest.param("区政府召开安全生产专题会议", "", "专题会议", id="special-meeting"),
    pytest.param("李强主持召开经济形势专家座谈会", "", "座谈会", id="symposium"),
    pytest.param("关于召开区政府常务会议的通知", "", "通知公告", id="notice-about-a-meeting"),
    pytest.param("区政府关于张三同志任免职务的通知", "", "人事任免", id="personnel-notice"),
    pytest.param("区政府关于召开安全生产工作会议的通知", "", "通知公告", id="notice-title-wins-over-meeting"),
    pytest.param("国务院任免国家工作人员", "", "人事任免", id="appointments"),
    pytest.param("青禾区举行春季植树活动", "机关干部参加植树。", "综合", id="default"),
    pytest.param("青禾区开展调研", "3月1日，区长主持召开会议。", "会议", id="lead-decides-when-title-is-silent"),
]


@pytest.mark.parametrize(("title", "lead", "expected"), CATEGORY_CASES)
def test_classify(title, lead, expected):
    assert classify(title, lead) == expected


def test_context_category_wins():
    meta = extract_metadata(raw(year=2022, category="政务动态"), ("2月28日，区政府召开常务会议。",))
    assert meta.category == "政务动态"


GOVERNMENT_CASES = [
    pytest.param("2月28日，重庆市渝中区政府区长黄茂军主持召开", "重庆市渝中区", id="province-level-city-and-district"),
    pytest.param("3月1日，浙江省杭州市人民政府召开会议", "浙江省杭州市", id="province-and-city-people-government"),
    pytest.param("3月1日，青禾区人民政府召开常务会议", "青禾区", id="fictional-district-at-clause-start"),
    pytest.param("会议要求召开区政府会议", "", id="no-named-government"),
    pytest.param("应澳门特别行政区政府邀请，代表团访问澳门", "", id="government-as-object-not-subject"),
    pytest.param("北京市副市长高朋代表北京市政府致辞", "", id="office-inside-is-not-a-place"),
    pytest.param("香港特区政府今天宣布", "香港特区", id="special-administrative-region"),
    pytest.param("自治区政府召开会议", "", id="bare-unit-word"),
]


@pytest.mark.parametrize(("text", "expected"), GOVERNMENT_CASES)
def test_find_government(text, expected):
    assert find_government(text) == expected


REGION_CASES = [
    pytest.param("重庆市渝中区人民政府", "重庆市渝中区", id="government"),
    pytest.param("临江市人民政府办公室", "临江市", id="government-office"),
    pytest.param("松岭县生态环境局", "松岭县", id="county-bureau"),
    pytest.param("临江市青溪区市场监督管理局", "临江市青溪区", id="district-of-a-city"),
    pytest.param("重庆市渝中区教育委员会", "重庆市渝中区", id="province-level-city-commission"),
    pytest.param("江西省教育厅", "江西省", id="province-department"),
    pytest.param("雄安新区管理委员会", "雄安新区", id="new-area-committee"),
    pytest.param("中共松岭县委办公室", "松岭县", id="party-committee-office"),
    pytest.param("中共松岭县委宣传部", "松岭县", id="party-committee-department"),
    pytest.param("中共临江市青溪区委", "临江市青溪区", id="party-committee"),
    pytest.param("松岭县融媒体中心", "松岭县", id="county-centre"),
    pytest.param("临江市青溪区城关街道办事处", "临江市青溪区", id="sub-district-office"),
    pytest.param("松岭县财政局、松岭县教育局", "松岭县", id="joint-offices"),
    pytest.param("国家税务总局松岭县税务局", "", id="national-body-first"),
    pytest.param("国家发展和改革委员会", "", id="national-commission"),
    pytest.param("县住建局", "", id="no-place-name"),
    pytest.param("松岭县自来水有限公司", "", id="company"),
    pytest.param("松岭县", "", id="a-place-alone"),
    pytest.param("", "", id="empty"),
]


@pytest.mark.parametrize(("publisher", "expected"), REGION_CASES)
def test_region_of(publisher, expected):
    assert region_of(publisher) == expected


def test_context_publisher_and_region_win():
    meta = extract_metadata(
        raw(year=2022, publisher="青禾区人民政府办公室", region="青禾区"),
        ("2月28日，重庆市渝中区政府召开会议。",),
    )
    assert (meta.publisher, meta.region) == ("青禾区人民政府办公室", "青禾区")


SUMMARY_CASES = [
    pytest.param(["短导语。"], "短导语。", id="short-lead-kept"),
    pytest.param(["甲" * 100 + "。" + "乙" * 100 + "。"], "甲" * 100 + "。", id="cut-at-sentence"),
    pytest.param(["甲" * 100 + "，" + "乙" * 100 + "。"], "甲" * 100 + "…", id="cut-at-clause"),
    pytest.param(["央视网消息（新闻联播）：国务院召开会议。"], "国务院召开会议。", id="dateline-dropped"),
    pytest.param(["", "  ", "第二段才是导语。"], "第二段才是导语。", id="blank-paragraphs-skipped"),
]


@pytest.mark.parametrize(("paragraphs", "expected"), SUMMARY_CASES)
def test_summarize(paragraphs, expected):
    summary = summarize(tuple(paragraphs))
    assert summary == expected
    assert len(summary) <= 120


# --- official documents (公文) -------------------------------------------------------------------

NOTICE = (
    "青溪府发〔2023〕12号",
    "临江市青溪区人民政府关于印发《青溪区促进夜间经济发展若干措施》的通知",
    "各街道办事处，区政府各部门，有关单位：",
    "《青溪区促进夜间经济发展若干措施》已经区政府第8次常务会议审议通过，现印发给你们，请认真贯彻执行。",
    "一、延长经营时间。",
    "临江市青溪区人民政府",
    "2023年5月16日",
)

# a notice as a web page gives it: the title in <h1> (not in the text), the 落款 and its date,
# then an attachment whose table cells are paragraphs of their own
NOTICE_WITH_TABLE = (
    "各街道办事处，区政府各部门：",
    "为切实做好安全生产工作，区政府决定开展年度安全生产检查。现将有关事项通知如下。",
    "一、检查时间为2023年5月10日至6月30日。",
    "二、各单位要明确专人负责，按时报送检查情况。",
    "青溪区人民政府办公室",
    "2023年5月6日",
    "附件：各单位联系人名单",
    *("序号", "单位", "联系人", "1", "区应急管理局", "林晓", "2", "区财政局", "王芳"),
)


@pytest.mark.parametrize("tail", [NOTICE_WITH_TABLE[6:], ()], ids=["attachment-table", "nothing-after"])
def test_a_signed_date_is_the_date_when_the_lead_names_none(tail):
    meta = extract_metadata(raw(title="关于开展2023年度安全生产检查的通知"), (*NOTICE_WITH_TABLE[:6], *tail))
    assert (meta.date, meta.date_source) == (dt.date(2023, 5, 6), "text")  # not 10 May, named in the body
    assert meta.publisher == "青溪区人民政府办公室"


def test_a_dated_lead_still_comes_first():
    paragraphs = ("5月8日，区政府召开安全生产工作会议。", "青溪区人民政府办公室", "2023年5月6日")
    assert extract_metadata(raw(year=2023), paragraphs).date == dt.date(2023, 5, 8)


def test_official_notice():
    meta = extract_metadata(raw(), NOTICE)
    assert meta.title == "关于印发《青溪区促进夜间经济发展若干措施》的通知"
    assert (meta.date, meta.date_source) == (dt.date(2023, 5, 16), "text")
    assert meta.doc_number == "青溪府发〔2023〕12号"
    assert meta.publisher == "临江市青溪区人民政府"
    assert meta.region == "临江市青溪区"
    assert meta.category == "通知公告"
    assert meta.summary.startswith("《青溪区促进夜间经济发展若干措施》已经区政府第8次常务会议审议通过")


LEAD_CASES = [
    pytest.param(NOTICE, NOTICE[3], id="skips-doc-number-title-and-addressee"),
    pytest.param(
        ("经区政府研究决定：", "任命方立新为区发改委副主任；"),
        "经区政府研究决定：任命方立新为区发改委副主任；",
        id="colon-line-joined-with-what-follows",
    ),
    pytest.param(("新华社北京3月5日电 国务院召开会议。",), "国务院召开会议。", id="xinhua-dateline"),
    pytest.param(("央视网消息 （新闻联播）：国务院召开会议。",), "国务院召开会议。", id="cctv-dateline"),
    pytest.param(("本报讯（记者 张三）3月1日，区政府召开会议。",), "3月1日，区政府召开会议。", id="reporter-dateline"),
    pytest.param(
        ("区政府发布最新消息，全区复工。",),
        "区政府发布最新消息，全区复工。",
        id="news-word-is-not-a-dateline",
    ),
]


@pytest.mark.parametrize(("paragraphs", "expected"), LEAD_CASES)
def test_lead_text(paragraphs, expected):
    assert lead_text(paragraphs) == expected


SIGNATURE_CASES = [
    pytest.param(NOTICE, "临江市青溪区人民政府", id="government-signature-before-date"),
    pytest.param(
        ("正文。", "临江市青溪区人民政府办公室", "2023年5月16日"),
        "临江市青溪区人民政府办公室",
        id="office-signature",
    ),
    pytest.param(("正文。", "会议强调，要抓好落实。"), "", id="no-signature"),
    pytest.param(("正文。", "美民调显示近七成受访者不信任政府"), "", id="headline-ending-in-government"),
    pytest.param(NOTICE_WITH_TABLE, "青溪区人民政府办公室", id="signature-above-its-date-before-an-attachment-table"),
    pytest.param(
        ("正文。", "青溪区人民政府办公室", "2023年2月30日", "附件：名单", "区财政局"),
        "区财政局",
        id="a-date-that-is-no-day-signs-nothing",
    ),
]


@pytest.mark.parametrize(("paragraphs", "expected"), SIGNATURE_CASES)
def test_signature(paragraphs, expected):
    assert signature(paragraphs) == expected


# --- keywords ----------------------------------------------------------------------------------


def test_keywords_skip_pieces_of_names_numbers_and_filler():
    paragraphs = (
        "3月14日，区长周文澜主持召开区政府第5次常务会议，研究部署春季防汛备汛工作。",
        "会议强调，防汛工作要落实2023年责任。",
    )
    keywords = extract_keywords("", paragraphs, exclude=find_named(paragraphs))
    assert "防汛" in keywords
    assert not {"文澜", "工作", "强调", "2023", "14"} & set(keywords)
    assert len(keywords) <= 8


def test_keywords_read_every_paragraph_subject_within_the_sample():
    paragraphs = ("2月28日，区政府召开常务会议。" + "研究部署工作，" * 60, "会议指出，发展数字经济是战略选择。")
    sample = topic_sample("", paragraphs)
    assert len(sample) <= 400
    assert "研究部署工作" in sample
    long_body = ("区政府召开常务会议。", "会议指出，应急管理是重要组成部分。" + "甲乙丙丁" * 300)
    assert topic_sample("", long_body).endswith("会议指出，应急管理是重要组成部分。")


NAMED_CASES = [
    pytest.param("区长周文澜主持会议，副区长许明远参加。", ("周文澜", "许明远"), id="after-offices"),
    pytest.param("任命方立新为区发改委副主任；免去程国栋的职务。", ("方立新", "程国栋"), id="appointed-and-removed"),
    pytest.param("区长助理参加。", (), id="office-without-name"),
]


@pytest.mark.parametrize(("text", "expected"), NAMED_CASES)
def test_find_named(text, expected):
    assert find_named((text,)) == expected
