"""HTML -> paragraphs: saved government pages and JSONL article fragments."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletins.ingest.htmltext import extract_page, fragment_paragraphs

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


PAGES = [
    pytest.param(
        "page_gov_site_zoom.html",
        "青溪区召开2023年河长制工作会议",
        "2023-04-11",
        (
            "4月11日，青溪区召开2023年河长制工作会议，总结去年工作，部署今年任务。",
            "会议要求，各级河长要把巡河护河常态化，对白鹭溪、望江渠等重点河段实行“一河一策”。",
            "区领导许明远、韩素琴参加会议。",
        ),
        id="zoom-container-pubdate-meta-h1-outside-body",
    ),
    pytest.param(
        "page_article_h1_and_br.html",
        "青溪区启动“青溪夜市”消费季活动",
        "2023年6月2日",
        (
            "6月1日晚，“青溪夜市”消费季在柳荫街步行街启动。",
            "活动持续至8月底，将推出夜间美食、非遗展演、文创集市等三大板块。",
            "区商务委负责人表示，将同步发放1000万元消费券。",
        ),
        id="article-h1-br-paragraphs-date-line",
    ),
    pytest.param(
        "page_body_only_date_line.html",
        "关于临时调整望江路公交线路的通告",
        "2023年9月18日",
        (
            "因望江路雨污分流改造施工，自9月20日起，12路、35路公交车临时绕行青溪大道。",
            "施工结束后恢复原线路，给市民出行带来不便，敬请谅解。",
            "线路 绕行路段 12路 青溪大道—柳荫街",  # a data table: one paragraph, its rows in Page.tables
        ),
        id="body-only-chrome-title-and-date-lines-dropped",
    ),
]


@pytest.mark.parametrize(("name", "title", "date", "paragraphs"), PAGES)
def test_extract_page(name, title, date, paragraphs):
    result = extract_page(page(name))
    assert (result.title, result.date, result.paragraphs) == (title, date, paragraphs)


@pytest.mark.parametrize(
    "noise",
    [
        "统计代码",
        "console.log",
        "政务公开",
        "无障碍",
        "备案号",
        "分享到",
        "text-indent",
        "相关新闻",
        "版权所有",
        "搜索",
        "网站地图",
    ],
)
@pytest.mark.parametrize("name", [p.values[0] for p in PAGES])
def test_page_chrome_never_reaches_the_body(name, noise):
    assert noise not in "\n".join(extract_page(page(name)).paragraphs)


@pytest.mark.parametrize(
    ("html", "title"),
    [
        pytest.param(
            "<title>青溪区召开安全生产会议_临江市青溪区人民政府</title><p>正文</p>",
            "青溪区召开安全生产会议",
            id="underscore-site-suffix",
        ),
        pytest.param(
            "<title>青溪区召开安全生产会议 - 首页</title><p>正文</p>", "青溪区召开安全生产会议", id="dash-suffix"
        ),
        pytest.param("<title>会议 - 青溪 - 首页</title><p>正文</p>", "会议 - 青溪", id="only-last-dash-segment"),
        pytest.param("<title>青溪区政务 | 通知公告</title><p>正文</p>", "青溪区政务", id="pipe-suffix"),
        pytest.param("<title>无后缀标题</title><p>正文</p>", "无后缀标题", id="no-suffix"),
        pytest.param(
            '<meta name="ArticleTitle" content="元数据标题"><title>别的_站点</title><p>正文</p>',
            "元数据标题",
            id="article-title-meta",
        ),
        pytest.param("<p>只有正文</p>", None, id="no-title"),
    ],
)
def test_page_title(html, title):
    assert extract_page(html).title == title


@pytest.mark.parametrize(
    ("html", "date"),
    [
        pytest.param('<meta name="PubDate" content="2023-03-14 10:20"><p>x</p>', "2023-03-14", id="pubdate-with-time"),
        pytest.param('<meta name="publishdate" content="2023/3/14"><p>x</p>', "2023/3/14", id="publishdate-slashes"),
        pytest.param(
            '<meta property="article:published_time" content="2023-03-14T08:00:00+08:00"><p>x</p>',
            "2023-03-14",
            id="open-graph-iso",
        ),
        pytest.param("<p>发布时间：2023-03-14 09:00</p><p>x</p>", "2023-03-14", id="date-line-fullwidth-colon"),
        pytest.param("<p>发布日期: 2023年3月14日</p>", "2023年3月14日", id="date-line-chinese-date"),
        pytest.param("<p>3月14日，区政府召开会议。</p>", None, id="month-day-only-is-not-a-page-date"),
    ],
)
def test_page_date(html, date):
    assert extract_page(html).date == date


def test_truncated_page_still_gives_its_text():
    html = page("page_gov_site_zoom.html")
    cut = html[: html.index("常态化") + 3]
    result = extract_page(cut)
    assert result.title == "青溪区召开2023年河长制工作会议"
    assert result.paragraphs[0].startswith("4月11日，青溪区召开")
    assert result.paragraphs[-1].endswith("巡河护河常态化")


FRAGMENTS = [
    pytest.param("<p>甲。</p><p>乙。</p>", ["甲。", "乙。"], id="one-paragraph-per-p"),
    pytest.param(
        "<p><strong>央视网消息</strong>（新闻联播）：正文。</p>",
        ["央视网消息（新闻联播）：正文。"],
        id="strong-kept-inline",
    ),
    pytest.param("<p><strong>小标题</strong><br></p><p>正文。</p>", ["小标题", "正文。"], id="trailing-br"),
    pytest.param("<p>公报<br><br>（2023年通过）</p>", ["公报  （2023年通过）"], id="br-inside-p-is-a-space"),
    pytest.param("<p>数量&nbsp;</p>", ["数量"], id="trailing-nbsp-is-whitespace"),
    pytest.param("<p>关于修改&lt;章程&gt;的决定</p>", ["关于修改<章程>的决定"], id="entities-decoded"),
    pytest.param(
        '<p style="text-indent: 2em;"><span style="text-indent: 2em;">缩进</span>段落</p>',
        ["缩进段落"],
        id="styled-spans",
    ),
    pytest.param("<p>跨\n行</p>", ["跨 行"], id="newline-in-markup-is-a-space"),
    pytest.param("<p><br></p><p>&nbsp;</p><p>有字</p>", ["有字"], id="empty-paragraphs-dropped"),
    pytest.param("undefined", ["undefined"], id="text-outside-any-p"),
    pytest.param("<p>未闭合的段落", ["未闭合的段落"], id="truncated-fragment"),
    pytest.param("<p>正文</p><script>alert(1)</script>", ["正文"], id="script-dropped"),
    pytest.param("<p>甲 <b>乙</b> <i>丙</i></p>", ["甲 乙 丙"], id="inline-spaces-kept"),
]


@pytest.mark.parametrize(("html", "paragraphs"), FRAGMENTS)
def test_fragment_paragraphs(html, paragraphs):
    assert fragment_paragraphs(html) == paragraphs


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        pytest.param(
            "<h1>标题</h1><p>来源：区政府办</p><p>正文。</p><p>日期：2023年1月1日</p>",
            ("正文。", "日期：2023年1月1日"),
            id="info-lines-dropped-only-above-the-body",
        ),
        pytest.param("<body><div>标题</div><p>正文。</p></body>", ("标题", "正文。"), id="no-title-nothing-dropped"),
        pytest.param(
            "<title>标题_青溪区</title><body><div class='menu'>首页</div><div>标题</div><p>正文。</p></body>",
            ("正文。",),
            id="menu-by-class-and-repeated-title",
        ),
        pytest.param(
            "<body><pre>　　各区人民政府：\n\n　　现将有关事项<b>通知</b>如下。\r\n"
            "青溪区人民政府\n2023年1月1日\n</pre></body>",
            ("各区人民政府：", "现将有关事项通知如下。", "青溪区人民政府", "2023年1月1日"),
            id="preformatted-notice-one-paragraph-per-line",
        ),
        pytest.param(
            "<body><p>前言。</p><pre>甲\n乙</pre><p>结语。</p></body>",
            ("前言。", "甲", "乙", "结语。"),
            id="preformatted-lines-between-paragraphs",
        ),
    ],
)
def test_page_body_edges(html, paragraphs):
    assert extract_page(html).paragraphs == paragraphs


def test_a_data_table_stays_a_table():
    found = extract_page(page("page_body_only_date_line.html"))
    assert found.tables == ((2, (("线路", "绕行路段"), ("12路", "青溪大道—柳荫街"))),)


LAYOUT = "<p>为做好供暖保障工作，现通知如下。</p>"
GRID = "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
TABLES = {
    "data": ("<table><tr><th>序号</th><th>单位</th></tr><tr><td><p>1</p></td><td>区财政局</td></tr></table>", True),
    "one-row": ("<table><tr><td>序号</td><td>单位</td></tr></table>", False),
    "one-column": ("<table><tr><td>标题</td></tr><tr><td>正文第一段。</td></tr></table>", False),
    "signature-set-right": ("<table><tr><td></td><td>青溪区人民政府办公室</td></tr>"
                            "<tr><td> </td><td>2023年5月6日</td></tr></table>", False),
    "a-page-in-a-cell": (f"<table><tr><td>栏目</td><td>{'正文。' * 40}</td></tr>{GRID[7:]}", False),
    "nested": (f"<table><tr><td>{GRID}</td></tr></table>", True),
    "menu": ('<table><tr><td><a href="/">首页</a></td><td><a href="/a">政务</a></td></tr>'
             '<tr><td><a href="/b">公开</a></td><td><a href="/c">互动</a></td></tr></table>', False),
}  # fmt: skip


@pytest.mark.parametrize(("table", "data"), TABLES.values(), ids=TABLES.keys())
def test_only_data_tables_stay_tables(table, data):
    found = extract_page(
        f"<html><body><h1>关于做好供暖保障工作的通知</h1><div id='zoom'>{LAYOUT}{table}</div></body></html>"
    )
    assert bool(found.tables) is data  # "nested": the inner table is data, the outer one layout
    if not data:
        assert not any("\ue010" in paragraph for paragraph in found.paragraphs)


def test_page_text_cannot_pose_as_a_table():
    markup = f"<div id='zoom'><p>\ue0100:0\ue010</p>{GRID}</div>"
    found = extract_page(markup)
    assert found.paragraphs == ("\ue0100:0\ue010", "1 2 3 4") and [i for i, _ in found.tables] == [1]
