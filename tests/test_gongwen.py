"""The 公文 parser: the frame of official documents of several offices and kinds, in text and
laid out, and ordinary bulletins (samples, fixtures) coming out unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bulletins.ingest.gongwen import Gongwen, normalize_doc_number, parse, parse_date
from bulletins.ingest.gongwen_order import order_head
from bulletins.ingest.normalize import clean_paragraphs
from bulletins.ingest.sources import read_source
from bulletins.models import Context, RawBulletin
from support.gongwen import CASES, NOT_OFFICIAL, NOTICE_APPENDIX, NOTICE_LINES
from support.shared import BULLETINS, DIRTY, require

ROOT = Path(__file__).resolve().parent.parent
FIELDS = [f.name for f in dataclasses.fields(Gongwen) if f.name not in ("body", "body_lines", "appendix_at")]
OFFICIAL_SAMPLES = {"0516-notice-gb18030.txt", "0608-personnel-utf16.txt"}
# the gazette's related documents (sources/gazette/), written in 2024
OFFICIAL_SAMPLES_2024 = {"01-hedao-banfa.txt", "02-tingche-xiugai.txt", "01-shoufei-feizhi.txt"}
# a record whose title (关于…的通知) is a field and whose text opens with its 主送 (各部门：)
OFFICIAL_BY_TITLE = {
    "collection_with_markup.jsonl:1": "各部门",
    "2023-11-21-heating-notice.html:None": "各街道办事处，区政府各部门，有关单位",
}


def _value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("sample", CASES.values(), ids=CASES.keys())
def test_frame(sample):
    found = parse(sample.paragraphs, sample.aligns)
    assert found.is_official
    got = {name: _value(getattr(found, name)) for name in FIELDS if getattr(found, name)}
    assert got == sample.expected
    assert (found.body[0], found.body[-1]) == (sample.body_first, sample.body_last)
    assert all(sample.paragraphs[i] == p for i, p in zip(found.body_lines, found.body, strict=True))


@pytest.mark.parametrize("sample", CASES.values(), ids=CASES.keys())
def test_frame_is_not_body(sample):
    body = set(parse(sample.paragraphs, sample.aligns).body)
    frame = {sample.expected.get(k) for k in ("mark", "doc_number", "publisher")}
    assert not body & frame
    assert not any(line.startswith(("抄送", "附件：", "签发人")) or line.endswith("印发") for line in body)


@pytest.mark.parametrize("aligned", [True, False], ids=["laid-out", "text"])
def test_attachment_pages_follow_the_body_after_a_separator(aligned):
    sample = CASES["notice-laid-out" if aligned else "notice-as-text"]
    found = parse(sample.paragraphs, sample.aligns)
    assert found.body[found.appendix_at :] == NOTICE_APPENDIX
    assert found.body[found.appendix_at - 1] == "各地各部门要加强统筹协调，每季度向市发展改革委报送工作进展。"
    assert "一、总体要求" in found.body[: found.appendix_at]  # headings stay in the body


@pytest.mark.parametrize("paragraphs", NOT_OFFICIAL.values(), ids=NOT_OFFICIAL.keys())
def test_ordinary_bulletins_come_out_unchanged(paragraphs):
    found = parse(paragraphs)
    assert found == Gongwen(body=paragraphs, body_lines=tuple(range(len(paragraphs))))
    assert not found.is_official


def _sample_texts() -> list:
    folders = [ROOT / "sources", ROOT / "tests" / "fixtures"]
    files = sorted(
        p for folder in folders for p in folder.rglob("*") if p.suffix in (".txt", ".html", ".htm", ".jsonl")
    )
    return [pytest.param(p, id=p.relative_to(ROOT).as_posix()) for p in files]


@pytest.mark.parametrize("path", _sample_texts())
def test_samples_and_fixtures(path):
    """The two 公文 among the samples are read as such; from every other bulletin nothing is taken."""
    bulletins = [b for b in read_source(path, Context(year=2023)) if isinstance(b, RawBulletin)]
    for raw in bulletins:
        paragraphs = clean_paragraphs(raw.text)
        found = parse(paragraphs, title=raw.title or "")
        if recipients := OFFICIAL_BY_TITLE.get(f"{path.name}:{raw.line}"):  # the title comes apart from the text
            assert found.is_official and found.title == raw.title and found.recipients == recipients
            assert found.body[0] == paragraphs[1] and set(found.body) < set(paragraphs)  # from after the 主送
        elif path.name in OFFICIAL_SAMPLES | OFFICIAL_SAMPLES_2024:
            year = 2024 if path.name in OFFICIAL_SAMPLES_2024 else 2023
            assert found.doc_number.startswith("青溪府") and found.publisher == "临江市青溪区人民政府"
            assert found.title.startswith("临江市青溪区人民政府关于") and found.date_written.year == year
        else:
            assert found.body == paragraphs and not found.is_official, raw.where


@pytest.mark.parametrize(
    "line, expected",
    [
        pytest.param("澄府发〔2025〕7号", "澄府发〔2025〕7号", id="hexagonal"),
        pytest.param("澄府发[2025]7号", "澄府发〔2025〕7号", id="ascii-square"),
        pytest.param("澄府发［2025］7号", "澄府发〔2025〕7号", id="full-width-square"),
        pytest.param("澄府发（2025）7号", "澄府发〔2025〕7号", id="full-width-parentheses"),
        pytest.param("澄府发(2025)7号", "澄府发〔2025〕7号", id="ascii-parentheses"),
        pytest.param("澄府发【2025】7号", "澄府发〔2025〕7号", id="lenticular"),
        pytest.param("澄府发〔２０２５〕第７号", "澄府发〔2025〕7号", id="full-width-digits-and-di"),
        pytest.param("澄府发 〔2025〕 7号 签发人：罗明远", "澄府发〔2025〕7号", id="with-signer"),
        pytest.param("根据澄府发〔2025〕7号文件精神", "", id="inside-a-sentence"),
        pytest.param("2025年3月12日", "", id="a-date"),
    ],
)
def test_normalize_doc_number(line, expected):
    assert normalize_doc_number(line) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("2025年3月12日", dt.date(2025, 3, 12), id="arabic"),
        pytest.param("二〇二五年三月十二日", dt.date(2025, 3, 12), id="cjk"),
        pytest.param("二○二五年十二月三十一日", dt.date(2025, 12, 31), id="circle-zero"),
        pytest.param("二〇二五年二月三十日", None, id="no-such-day"),
        pytest.param("三月十二日", None, id="no-year"),
        pytest.param("２０２４年１１月５日", dt.date(2024, 11, 5), id="full-width-digits"),
        pytest.param("２０２４年２月３０日", None, id="full-width-no-such-day"),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("澄府发〔2025〕7号",), id="number-only"),
        pytest.param(("",), id="empty-line"),
        pytest.param((), id="nothing"),
        pytest.param(("澄江市人民政府文件", "澄府发〔2025〕7号"), id="header-without-body"),
        pytest.param(("附件：", "2025年3月12日"), id="bare-words"),
    ],
)
def test_fragments_never_fail(lines):
    found = parse(lines)
    assert set(found.body) <= set(lines)


def test_aligns_may_be_shorter_than_the_paragraphs():
    paragraphs = [text for _, text in NOTICE_LINES]
    assert parse(paragraphs, ["center", "center"]).doc_number == "澄府发〔2025〕7号"


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("corpus", [BULLETINS, DIRTY], ids=["bulletins", "dirty"])
def test_nothing_is_taken_from_the_corpus(corpus):
    """The real corpus holds meeting bulletins and news, no 公文: the parser must leave every one alone."""
    taken = []
    for raw in read_source(require(corpus), Context(year=2023)):
        paragraphs = clean_paragraphs(raw.text) if isinstance(raw, RawBulletin) else ()
        if paragraphs and parse(paragraphs, title=raw.title or "").body != paragraphs:
            taken.append(raw.where)
    assert not taken, f"{len(taken)} bulletins read as 公文, first: {taken[:5]}"


# a notice as its web page gives it: the title in <h1>, apart from the text; the attachment after the date
WEB_NOTICE = (
    "各街道办事处，区政府各部门：",
    "为切实做好安全生产工作，区政府决定开展年度安全生产检查。现将有关事项通知如下。",
    "一、检查时间为2023年5月10日至6月30日。",
    "青溪区人民政府办公室",
    "2023年5月6日",
    "附件：各单位联系人名单",
    *("序号", "单位", "1", "区应急管理局"),
)
WEB_TITLE = "关于开展2023年度安全生产检查的通知"


def test_a_title_given_apart_is_read_with_the_text():
    found = parse(WEB_NOTICE, title=WEB_TITLE)
    got = {name: _value(getattr(found, name)) for name in FIELDS if getattr(found, name)}
    assert got == {
        "title": WEB_TITLE,
        "recipients": "各街道办事处，区政府各部门",
        "publisher": "青溪区人民政府办公室",
        "date_written": "2023-05-06",
        "attachments": ("各单位联系人名单",),
    }
    assert found.body[: found.appendix_at] == WEB_NOTICE[1:3]
    assert found.body[found.appendix_at :] == WEB_NOTICE[5:]


@pytest.mark.parametrize(
    "paragraphs, title",
    [
        pytest.param(WEB_NOTICE, "", id="no-title-given"),
        pytest.param(WEB_NOTICE, "区政府部署年度安全生产检查", id="a-headline-is-no-document-title"),
        pytest.param(WEB_NOTICE[1:], WEB_TITLE, id="no-addressee"),
        pytest.param(
            ("央视网消息（新闻联播）：", "中共中央、国务院、中央军委决定，授予某某荣誉称号。"),
            "中共中央 国务院 中央军委关于授予某某荣誉称号的决定",
            id="a-news-lead-is-no-addressee",
        ),
        pytest.param(
            ("近日，区政府发布通知：", "各单位要做好冬季供暖保障工作。", "青溪区人民政府办公室", "2023年11月20日"),
            WEB_TITLE,
            id="a-lead-ending-in-a-colon-is-no-addressee",
        ),
    ],
)
def test_a_title_given_apart_alone_makes_no_document(paragraphs, title):
    assert not parse(paragraphs, title=title).is_official


NOTICE_TO_ALL = ("为保障群众生命财产安全，现就春节期间烟花爆竹燃放管理通告如下。", "一、白鹭街道全域禁止燃放。")
SIGNED = ("临江市青溪区人民政府", "2023年12月25日")


@pytest.mark.parametrize(
    "title, official",
    [
        pytest.param(
            "临江市青溪区人民政府关于春节期间烟花爆竹燃放管理的通告", True, id="signed-by-the-office-its-title-names"
        ),
        pytest.param("关于春节期间烟花爆竹燃放管理的通告", False, id="title-names-no-office"),
        pytest.param("临江市白鹭区人民政府关于春节期间烟花爆竹燃放管理的通告", False, id="signed-by-another-office"),
    ],
)
def test_a_document_without_addressees_is_known_by_its_signature(title, official):
    found = parse((*NOTICE_TO_ALL, *SIGNED), title=title)
    assert found.is_official is official
    if official:
        assert (found.publisher, found.date_written, found.body) == (SIGNED[0], dt.date(2023, 12, 25), NOTICE_TO_ALL)


@pytest.mark.parametrize(
    "recipients",
    [
        "各街道办事处，区政府各部门，有关单位：",
        "市教委：",
        "各区县人民政府，市政府有关部门：",
        "区应急管理局、区财政局：",
    ],
)
def test_offices_are_addressees(recipients):
    assert parse((recipients, *WEB_NOTICE[1:]), title=WEB_TITLE).recipients == recipients[:-1]


NUMBERED_NOTE = (
    "松岭县人民政府文件",
    "松政发〔2024〕3号",
    "松岭县人民政府关于印发《松岭县城市道路挖掘管理办法》的通知",
    "各乡（镇）人民政府，县政府各部门：",
    "现将《松岭县城市道路挖掘管理办法》印发给你们，请认真遵照执行。",
    "附件1：松岭县城市道路挖掘管理办法",
    "附件 2．挖掘申请表。",
    "松岭县人民政府",
    "2024年1月15日",
)


def test_an_attachment_note_of_one_line_each():
    """附件说明 as many offices type it, ``附件1：甲`` a line each, where GB/T 9704 writes
    ``附件：1．甲`` then ``2．乙``: the names, numbers and full stops left out, out of the body."""
    found = parse(NUMBERED_NOTE)
    assert found.attachments == ("松岭县城市道路挖掘管理办法", "挖掘申请表")
    assert found.body == (NUMBERED_NOTE[4],)
    assert (found.publisher, found.date_written) == ("松岭县人民政府", dt.date(2024, 1, 15))


ORDER = (
    "松岭县人民政府令",
    "第3号",
    "《松岭县城市绿化管理办法》已经2024年1月15日县人民政府第12次常务会议通过，现予公布，自2024年3月1日起施行。",
    "县长  张明远",
    "2024年1月20日",
)


@pytest.mark.parametrize(
    "paragraphs",
    [
        pytest.param(ORDER, id="number-below"),
        pytest.param(("松岭县人民政府令（第3号）", *ORDER[2:]), id="number-beside"),
        pytest.param(("松岭县人民政府令 第 3 号", *ORDER[2:]), id="number-spaced"),
    ],
)
def test_an_order_is_issued_by_the_office_its_mark_names(paragraphs):
    """A 令 (GB/T 9704's 命令格式): no title, no 主送; its head signs with office and name, the
    office its mark names issues it, and the date under the name is its 成文日期, not the date
    of the meeting its text names."""
    found = parse(paragraphs)
    assert (found.mark, found.doc_number, found.title) == (
        "松岭县人民政府令",
        "松岭县人民政府令第3号",
        "松岭县人民政府令第3号",
    )
    assert (found.publisher, found.signer, found.date_written) == ("松岭县人民政府", "张明远", dt.date(2024, 1, 20))
    assert found.body == (ORDER[2],)


@pytest.mark.parametrize(
    "paragraphs",
    [
        pytest.param(("松岭县发布禁渔令", "第3号", "即日起全县水域禁渔。"), id="a-headline-with-a-number-line-is-news"),
        pytest.param(("松岭县人民政府令", "即日起全县水域禁渔。"), id="a-mark-without-its-number"),
        pytest.param(("县长张明远主持召开会议，研究防汛工作。", "2024年6月3日"), id="a-head-in-a-sentence"),
    ],
)
def test_what_is_no_order(paragraphs):
    assert parse(paragraphs).doc_number == ""


@pytest.mark.parametrize(
    "lines, expected",
    [
        pytest.param(("国务院令 第 712 号",), ("国务院令", "国务院令第712号", 1), id="state-council"),
        pytest.param(("公安部令", "（第5号）"), ("公安部令", "公安部令第5号", 2), id="number-below-in-brackets"),
        pytest.param(
            ("中华人民共和国主席令（第十号）",),
            ("中华人民共和国主席令", "中华人民共和国主席令第十号", 1),
            id="chinese-numerals",
        ),
        pytest.param(
            ("中国人民银行令〔2024〕第3号",),
            ("中国人民银行令", "中国人民银行令〔2024〕第3号", 1),
            id="year-in-brackets",
        ),
        pytest.param(
            ("交通运输部令2024年第5号",), ("交通运输部令", "交通运输部令2024年第5号", 1), id="year-as-written"
        ),
        pytest.param(
            ("上海市人民政府令第012号",), ("上海市人民政府令", "上海市人民政府令第12号", 1), id="leading-zero"
        ),
        pytest.param(
            ("松岭县人民政府常务会议纪要", "第5期"),
            ("松岭县人民政府常务会议纪要", "松岭县人民政府常务会议纪要第5期", 2),
            id="minutes-by-issue",
        ),
        pytest.param(
            ("县长办公会议纪要（第12期）",), ("县长办公会议纪要", "县长办公会议纪要第12期", 1), id="minutes-beside"
        ),
        pytest.param(("松岭县人民政府常务会议纪要", "〔2024〕3号"), None, id="minutes-numbered-as-a-document"),
        pytest.param(
            ("松岭县人民政府公告", "（第1号）"), ("松岭县人民政府公告", "松岭县人民政府公告第1号", 2), id="notice"
        ),
        pytest.param(
            ("松岭县公安局通告〔2024〕第2号",), ("松岭县公安局通告", "松岭县公安局通告〔2024〕第2号", 1), id="notice-2"
        ),
        pytest.param(("松岭县人民政府关于征收土地的公告", "第1号"), None, id="a-titled-notice-is-no-mark"),
        pytest.param(("松岭县人民政府公告",), None, id="a-notice-without-its-number"),
        pytest.param(("松岭县发布禁渔令", "第3号"), None, id="an-order-that-no-office-issues"),
        pytest.param(("松岭县人民政府令",), None, id="no-number"),
    ],
)
def test_order_head(lines, expected):
    assert order_head(lines, 0) == expected


NUMBERED_NOTICE = (
    "松岭县人民政府公告",
    "（第1号）",
    "根据《中华人民共和国土地管理法》有关规定，现将征收土地有关事项公告如下：",
    "一、征收范围：青溪镇青溪村。",
    "特此公告。",
    "松岭县人民政府",
    "2024年1月15日",
)


def test_a_notice_numbered_in_its_offices_series_is_read_as_its_mark_and_number():
    """``XX公告`` over ``（第1号）`` (no other title): the mark and its number, the title they make
    (one office's notices share the mark), signed and dated by the office. Before, it was read as
    no 公文, its mark and number the body's first paragraphs."""
    found = parse(NUMBERED_NOTICE)
    assert (found.mark, found.doc_number, found.title) == (
        "松岭县人民政府公告",
        "松岭县人民政府公告第1号",
        "松岭县人民政府公告第1号",
    )
    assert (found.publisher, found.date_written, found.signer) == ("松岭县人民政府", dt.date(2024, 1, 15), "")
    assert found.body == NUMBERED_NOTICE[2:5]


MINUTES_BY_ISSUE = (
    "松岭县人民政府常务会议纪要",
    "第5期",
    "松岭县人民政府办公室 2024年4月12日",
    "2024年4月10日，县长张明远主持召开县人民政府第5次常务会议。纪要如下：",
    "一、关于防汛准备工作。会议要求，各乡镇要提前做好准备。",
    "出席：张明远、李建国、王芳",
)


def test_minutes_numbered_by_issue_are_signed_and_dated_under_their_number():
    """A 纪要 numbered by 期, its office and date on the line under the number (纪要格式): read as
    its mark, number, 署名 and 成文日期, its text the body. Before, it was no 公文, and the three
    lines were the body's first paragraphs."""
    found = parse(MINUTES_BY_ISSUE)
    assert (found.mark, found.doc_number) == ("松岭县人民政府常务会议纪要", "松岭县人民政府常务会议纪要第5期")
    assert (found.publisher, found.date_written) == ("松岭县人民政府办公室", dt.date(2024, 4, 12))
    assert found.body == MINUTES_BY_ISSUE[3:]


FULL_WIDTH = (
    "松岭县人民政府办公室关于开展２０２４年度政务公开工作考核的通知",
    "松政办字〔２０２４〕１８号",
    "各乡镇人民政府，县政府各部门：",
    "根据上级工作安排，决定开展２０２４年度政务公开工作考核。",
    "附件：１．松岭县政务公开考核指标",
    "２．松岭县政务公开考核评分表",
    "松岭县人民政府办公室",
    "２０２４年１１月５日",
    "附件１",
    "松岭县政务公开考核指标",
    "一、主动公开情况。",
)


def test_a_document_typed_in_full_width_digits():
    """Full-width digits (``２０２４年１１月５日``, ``附件１``), as Word documents are often typed: the
    date under the signature and the attachment pages are read, and the body keeps its digits.
    Before, no date was found at all, and the document was reported and left out."""
    found = parse(FULL_WIDTH)
    assert (found.doc_number, found.publisher, found.date_written) == (
        "松政办字〔2024〕18号",
        "松岭县人民政府办公室",
        dt.date(2024, 11, 5),
    )
    assert found.attachments == ("松岭县政务公开考核指标", "松岭县政务公开考核评分表")
    assert found.body == (FULL_WIDTH[3], *FULL_WIDTH[8:]) and found.appendix_at == 1


PAGED = (
    "松岭县人民政府关于进一步加强农村饮水安全工作的意见",
    "松政发〔2024〕9号",
    "各乡镇人民政府，县政府各部门：",
    "为进一步加强农村饮水安全工作，现提出如下意见。",
    "— 1 —",
    "一、强化水质监测。",
    "松岭县人民政府",
    "2024年3月18日",
    "－ 2 －",
)


@pytest.mark.parametrize(
    "paragraphs, date_written, body",
    [
        pytest.param(PAGED, dt.date(2024, 3, 18), (PAGED[3], PAGED[5]), id="page-numbers-left-out"),
        pytest.param(("区政府召开会议。", "— 1 —", "会议研究了防汛工作。"), None, None, id="no-document-keeps-them"),
    ],
)
def test_page_numbers_a_text_kept_from_its_printed_pages(paragraphs, date_written, body):
    """``— 1 —`` lines of a 公文 copied from its printed pages are no part of it: before, the
    last one under the date hid the signature (no 成文日期, the signature in the body). A text
    that is no 公文 keeps every line."""
    found = parse(paragraphs)
    assert found.date_written == date_written
    assert found.body == (body if body is not None else paragraphs)


NEWS_LEAD = ("青溪网消息（新闻联播）：", *NUMBERED_NOTICE)


@pytest.mark.parametrize(
    "paragraphs, title, official",
    [
        pytest.param(NUMBERED_NOTICE[2:], "松岭县人民政府公告（第1号）", True, id="page-titled-by-its-mark-and-number"),
        pytest.param(NEWS_LEAD, "松岭县人民政府公告（第1号）", False, id="news-quoting-a-notice"),
    ],
)
def test_a_page_titled_by_a_numbered_notice(paragraphs, title, official):
    """A web page whose ``<h1>`` is the notice's mark and number is read as it; a news item that
    quotes one under its lead (``…消息：``, the corpus's three 治丧委员会公告) stays news."""
    found = parse(paragraphs, title=title)
    assert found.is_official is official
    assert found.doc_number == ("松岭县人民政府公告第1号" if official else "")
    assert found.body == (NUMBERED_NOTICE[2:5] if official else paragraphs)


JOINT_LETTERHEAD = (
    "中共松岭县委办公室",
    "松岭县人民政府办公室",
    "关于印发《松岭县乡村振兴示范村创建方案》的通知",
    "松委办发〔2024〕5号",
    "各乡镇党委、人民政府，县委各部门，县直各单位：",
    "经县委、县政府同意，现将《松岭县乡村振兴示范村创建方案》印发给你们，请认真贯彻落实。",
    "中共松岭县委办公室 松岭县人民政府办公室",
    "2024年6月1日",
)


@pytest.mark.parametrize(
    "paragraphs, mark, title",
    [
        pytest.param(
            JOINT_LETTERHEAD,
            "中共松岭县委办公室 松岭县人民政府办公室",
            "关于印发《松岭县乡村振兴示范村创建方案》的通知",
            id="two-offices-over-a-title-of-guanyu",
        ),
        pytest.param(
            JOINT_LETTERHEAD[1:],
            "",
            "松岭县人民政府办公室关于印发《松岭县乡村振兴示范村创建方案》的通知",
            id="one-office-over-its-title-is-the-titles-first-line",
        ),
    ],
)
def test_a_joint_letterhead_of_two_offices_is_the_mark(paragraphs, mark, title):
    """Two offices' names stacked over a title of 关于 are a joint letterhead: before, the second
    was read as the title's first line, and the title named one office of two."""
    found = parse(paragraphs)
    assert (found.mark, found.title, found.doc_number) == (mark, title, "松委办发〔2024〕5号")
    assert found.body == (JOINT_LETTERHEAD[5],)


ADOPTED = (
    "松岭县人民政府关于表彰2023年度安全生产工作先进单位的决定",
    "（2024年2月6日县人民政府第5次常务会议通过）",
    "各乡镇人民政府，县政府各部门：",
    "为表彰先进，县人民政府决定，对青溪镇等10个单位予以通报表彰。",
    "松岭县人民政府",
    "2024年2月8日",
)


@pytest.mark.parametrize(
    "paragraphs, recipients, body",
    [
        pytest.param(ADOPTED, "各乡镇人民政府，县政府各部门", (ADOPTED[1], ADOPTED[3]), id="note-then-recipients"),
        pytest.param((ADOPTED[0], ADOPTED[1], *ADOPTED[3:]), "", ADOPTED[1:2] + ADOPTED[3:4], id="note-then-text"),
        pytest.param(
            (ADOPTED[0], "（2024年2月6日）", *ADOPTED[2:]),
            "",
            ("（2024年2月6日）", *ADOPTED[2:4]),
            id="a-bare-date-is-no-note",
        ),
    ],
)
def test_a_titles_adoption_note_stays_in_the_body_and_the_recipients_under_it_are_read(paragraphs, recipients, body):
    """题注 under a title (``（…常务会议通过）``) stays the body's first paragraph, and the 主送
    under it is read; before, the 主送 stayed in the body and the document had none."""
    found = parse(paragraphs)
    assert (found.recipients, found.body) == (recipients, body)
    assert found.date_written == dt.date(2024, 2, 8)


ISSUING = (
    "松岭县人民政府办公室关于印发松岭县2024年防汛抗旱工作方案的通知",
    "松政办发〔2024〕9号",
    "各乡镇人民政府，县政府有关部门：",
    "经县政府同意，现将《松岭县2024年防汛抗旱工作方案》印发给你们，请结合实际认真组织实施。",
    "松岭县人民政府办公室",
    "2024年4月10日",
    "《松岭县2024年防汛抗旱工作方案》",
    "为做好2024年防汛抗旱工作，制定本方案。",
)


def test_what_a_notice_issues_may_follow_its_date_without_an_attachment_line():
    found = parse(ISSUING)
    assert (found.publisher, found.date_written) == ("松岭县人民政府办公室", dt.date(2024, 4, 10))
    assert found.body[: found.appendix_at] == (ISSUING[3],)
    assert found.body[found.appendix_at :] == ISSUING[6:]


def test_another_title_under_the_date_is_not_what_the_notice_issues():
    lines = (*ISSUING[:6], "松岭县2024年地质灾害防治方案", ISSUING[7])
    assert parse(lines).date_written is None


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        pytest.param(
            (
                "松岭县人民政府",
                "公  告",
                "松政告〔2024〕2号",
                "自2024年7月1日起对松岭大桥实施交通管制。",
                "特此公告。",
                "松岭县人民政府",
                "2024年6月25日",
            ),
            ("松岭县人民政府公告", "松政告〔2024〕2号", dt.date(2024, 6, 25)),
            id="a-kind-spaced-out-under-the-office",
        ),
        pytest.param(
            (
                "松岭县人民政府常务会议纪要",
                "〔2024〕3号",
                "2024年3月5日，县长张明远主持召开会议。现纪要如下：",
                "松岭县人民政府办公室",
                "2024年3月6日",
            ),
            ("松岭县人民政府常务会议纪要", "〔2024〕3号", dt.date(2024, 3, 6)),
            id="minutes-numbered-without-an-issuer",
        ),
    ],
)
def test_title_and_number_as_offices_set_them(paragraphs, expected):
    found = parse(paragraphs)
    assert (found.title, found.doc_number, found.date_written) == expected
    assert found.body == tuple(p for p in paragraphs[:-2] if "。" in p)  # the text, and none of the frame


REPORT = (
    "关于2023年度松岭县法治政府建设情况的报告",
    "松岭县人民政府",
    "（2024年1月28日）",
    "2023年，县政府深入推进法治政府建设。现将有关情况报告如下。",
    "一、主要工作",
)


def test_an_office_and_its_date_under_a_title_sign_it():
    """A 报告 as published: the office and its date in brackets under the title are its 署名
    and 成文日期, not the first lines of its body."""
    found = parse(REPORT)
    assert (found.title, found.publisher, found.date_written) == (REPORT[0], "松岭县人民政府", dt.date(2024, 1, 28))
    assert found.body == REPORT[3:]


def test_an_office_under_a_title_without_a_date_is_body():
    lines = (REPORT[0], REPORT[1], "（联系电话：023-12345678）", *REPORT[3:])
    assert parse(lines).date_written is None
