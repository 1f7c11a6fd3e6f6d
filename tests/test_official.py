"""Official documents in the archive: laid-out and text 公文 through ingest into the article
header, body (tables, the attachment break) and ``inspect --json``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from bulletins.cli import main
from bulletins.ingest import frontmatter, official, pipeline
from bulletins.ingest.blocks import Block, blocks_text
from bulletins.ingest.dates import YearRange
from bulletins.ingest.normalize import clean_paragraphs
from bulletins.models import Context, RawBulletin
from support.frontmatter import make_article, pelican_read, pelican_values
from support.gongwen import LETTER, NOT_OFFICIAL, NOTICE_LINES

ALIGN = {"c": "center", "r": "right", "l": "left", "j": "justify"}
TABLE_ROWS = (("序号", "项目名称", "责任单位"), ("1", "星湖算力中心", "市发展改革委"))
GONGWEN_FIELDS = {
    "date_written": dt.date(2025, 3, 12),
    "recipients": "各县（市、区）人民政府，市政府各部门，各直属机构",
    "attachments": ("澄江市数字经济重点项目清单", "澄江市数字经济发展指标分解表"),
    "note": "（此件公开发布）",
    "copy_to": "市委各部门，市人大常委会办公室，市政协办公室",
    "printed_by": "澄江市人民政府办公室",
    "date_printed": dt.date(2025, 3, 14),
}


def notice_blocks(rows=TABLE_ROWS) -> tuple[Block, ...]:
    """The notice as a .docx reader hands it over: the attachment's table as a table block."""
    head = [Block(text, align=ALIGN[a]) for a, text in NOTICE_LINES[:18]]
    tail = [Block(text, align=ALIGN[a]) for a, text in NOTICE_LINES[20:]]
    return (*head, Block("", kind="table", rows=rows), *tail)


def docx(blocks=None, **fields) -> RawBulletin:
    blocks = blocks or notice_blocks()
    return RawBulletin(
        source="sources/chengjiang/2025-7.docx",
        text=blocks_text(blocks),
        source_hash="sha256:" + "1" * 64,
        format="docx",
        blocks=blocks,
        **fields,
    )


def test_laid_out_notice():
    document = official.read(docx())
    metadata = official.describe(docx(), document)
    assert {name: getattr(metadata, name) for name in GONGWEN_FIELDS} == GONGWEN_FIELDS
    assert metadata.title == "澄江市人民政府关于印发澄江市加快数字经济发展三年行动方案的通知"
    assert (metadata.date, metadata.date_source, metadata.title_source) == (
        dt.date(2025, 3, 12),
        "date-written",
        "source",
    )
    assert (metadata.doc_number, metadata.publisher, metadata.format) == ("澄府发〔2025〕7号", "澄江市人民政府", "docx")
    assert document.paragraphs[0].startswith("现将《澄江市加快数字经济发展三年行动方案")
    assert document.paragraphs[document.appendix_at] == "附件1"
    assert document.tables == ((len(document.paragraphs) - 1, TABLE_ROWS),)
    assert document.paragraphs[-1] == "序号 项目名称 责任单位 1 星湖算力中心 市发展改革委"


@pytest.mark.parametrize(
    "date, expected",
    [
        pytest.param("2025-03-20", (dt.date(2025, 3, 20), "record"), id="publication-date-given"),
        pytest.param(None, (dt.date(2025, 3, 12), "date-written"), id="none-given"),
    ],
)
def test_date_is_the_publication_date_else_the_date_written(date, expected):
    metadata = official.describe(docx(date=date), official.read(docx(date=date)))
    assert (metadata.date, metadata.date_source) == expected
    assert metadata.date_written == dt.date(2025, 3, 12)


def test_traditional_articles_keep_the_frame_in_their_script():
    raw = RawBulletin(
        source="letter.txt", text="\n".join(p for _, p in LETTER), source_hash="", context=Context(script="traditional")
    )
    metadata = official.describe(raw, official.read(raw))
    assert metadata.title.endswith("發展和改革委員會關於商請提供重點項目用地情況的函")
    assert metadata.publisher.endswith("發展和改革委員會") and metadata.recipients == "市自然資源局"
    assert metadata.doc_number.endswith("發改函〔2025〕9號")


ORDER_HEAD = (
    "松岭县人民政府令",
    "第3号",
    "《松岭县城市绿化管理办法》已经2024年5月6日县人民政府第12次常务会议通过，现予公布，自2024年7月1日起施行。",
    "县长  张明远",
    "2024年5月20日",
)
REQUEST = (
    "松岭县教育局",
    "松教文〔2024〕7号                签发人：王立新",
    "松岭县教育局关于申请追加2024年校舍维修经费的请示",
    "县人民政府：",
    "我县部分中小学校舍年久失修，现申请追加校舍维修经费三百万元。",
    "妥否，请批示。",
    "松岭县教育局",
    "2024年3月12日",
)


@pytest.mark.parametrize(
    "lines, signer",
    [
        pytest.param([p for _, p in LETTER], "罗明远", id="own-line-under-the-number"),
        pytest.param(REQUEST, "王立新", id="beside-the-number"),
        pytest.param(ORDER_HEAD, "张明远", id="order-head"),
        pytest.param([p for _, p in NOTICE_LINES], "", id="downward-notice-has-none"),
    ],
)
def test_the_signer_reaches_the_header_and_the_record(lines, signer, tmp_path):
    """签发人 was read and dropped: it is now the article's ``Signer`` (and ``signer`` in
    ``inspect --json``), written only when there is one, and read back."""
    raw = RawBulletin(source="a.txt", text="\n".join(lines), source_hash="")
    metadata = official.describe(raw, official.read(raw))
    assert metadata.signer == signer
    item = pipeline._prepare(raw, str(tmp_path), YearRange().bounds())
    article = pipeline.Archive(tmp_path / "content").identify(item)
    text = frontmatter.render_article(article)
    assert frontmatter.parse_article(text).get("Signer", "") == signer
    assert frontmatter.read_article(text).metadata.signer == signer
    _, meta = pelican_read(text)
    assert meta.get("signer", "") == signer


@pytest.mark.parametrize("paragraphs", NOT_OFFICIAL.values(), ids=NOT_OFFICIAL.keys())
def test_ordinary_bulletins_keep_every_paragraph(paragraphs):
    raw = RawBulletin(source="a.txt", text="\n".join(paragraphs), source_hash="", date="2025-03-01")
    document = official.read(raw)
    assert document.paragraphs == clean_paragraphs(raw.text) and not document.tables
    metadata = official.describe(raw, document)
    assert metadata.date_source != "date-written" and metadata.format == "txt"
    assert not any(getattr(metadata, name) for name in GONGWEN_FIELDS)


@pytest.mark.parametrize(
    "source, given, expected",
    [
        pytest.param("a/b.txt", "", "txt", id="txt"),
        pytest.param("a/b.HTM", "", "html", id="htm"),
        pytest.param("a/b.html", "", "html", id="html"),
        pytest.param("a/b.jsonl.gz", "", "jsonl", id="jsonl-gz"),
        pytest.param("a/b.jsonl", "", "jsonl", id="jsonl"),
        pytest.param("a/b.pdf", "ofd", "ofd", id="reader-says"),
        pytest.param("a.b/README", "", "", id="no-suffix"),
    ],
)
def test_source_format(source, given, expected):
    assert official.source_format(RawBulletin(source=source, text="", source_hash="", format=given)) == expected


# --- the article -----------------------------------------------------------------------------

HOSTILE_CELLS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("</td></tr></table><img src=x onerror=alert(1)>", id="table-breakout"),
    pytest.param('"><a href="javascript:alert(1)">x</a>', id="attribute-breakout"),
    pytest.param("*重要* [点此](javascript:alert(1)) `代码`", id="markdown"),
    pytest.param("&amp; &lt;b&gt; R&D", id="entities"),
    pytest.param("第一行\n\n第二行", id="blank-line-would-end-the-html-block"),
    pytest.param("<!-- 注释", id="open-comment"),
]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_table_cells_render_as_their_text(cell):
    rows = (("项目", "说明"), ("甲", cell))
    article = make_article(paragraphs=("开头。", "表格", "结尾。"), tables=((1, rows),))
    text = frontmatter.render_article(article)
    html, _ = pelican_read(text)
    soup = BeautifulSoup(html, "html.parser")
    assert {tag.name for tag in soup.find_all(True)} == {"p", "table", "tr", "td"}
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find_all("tr")]
    assert cells == [["项目", "说明"], ["甲", frontmatter.clean_text(cell)]]
    assert [p.get_text() for p in soup.find_all("p")] == ["开头。", "结尾。"]
    back = frontmatter.read_article(text)
    assert back.tables == ((1, (("项目", "说明"), ("甲", frontmatter.clean_text(cell)))),)
    assert back.paragraphs == ("开头。", f"项目 说明 甲 {frontmatter.clean_text(cell)}", "结尾。")


def test_article_of_a_laid_out_notice_reads_back():
    item = pipeline._prepare(docx(), str(pipeline.Path.cwd()), YearRange().bounds())
    article = pipeline.Archive(pipeline.Path("/nonexistent")).identify(item)
    text = frontmatter.render_article(article)
    header = frontmatter.parse_article(text)
    assert header["DateWritten"] == "2025-03-12" and header["DateSource"] == "date-written"
    assert header["Attachments"] == "澄江市数字经济重点项目清单, 澄江市数字经济发展指标分解表"
    assert (header["Format"], header["Original"]) == ("docx", "sources/chengjiang/2025-7.docx")
    assert '<hr class="doc-appendix">\n\n附件1' in text
    assert frontmatter.read_article(text) == article
    _, meta = pelican_read(text)
    assert pelican_values(meta) == {key.lower(): value for key, value in header.items()}


def test_header_values_cannot_break_the_header():
    article = make_article(recipients="各部门：\nSlug: evil", attachments=("甲,乙", " "), note="（此件\r公开）")
    header = frontmatter.header_fields(article)
    assert header["Recipients"] == "各部门： Slug: evil" and header["Slug"] == "qx-2023-0407"
    assert header["Attachments"] == "甲，乙" and header["Note"] == "（此件 公开）"
    assert "Original" not in header and "DateWritten" not in header


def test_text_source_through_ingest_and_inspect(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notice.txt").write_text("\n".join(p for _, p in NOTICE_LINES), encoding="utf-8")
    assert main(["inspect", "src/notice.txt", "--json", "--jobs", "1"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["date_written"] == "2025-03-12" and record["date_printed"] == "2025-03-14"
    assert record["attachments"] == list(GONGWEN_FIELDS["attachments"])
    assert (record["format"], record["date_source"], record["doc_number"]) == (
        "txt",
        "date-written",
        "澄府发〔2025〕7号",
    )
    assert "澄府发〔2025〕7号" not in record["paragraphs"] and "附件1" in record["paragraphs"]
    assert main(["ingest", "src", "--jobs", "1"]) == 0
    text = next((tmp_path / "content").rglob("*.md")).read_text(encoding="utf-8")
    article = frontmatter.read_article(text)
    expected = {name: getattr(article.metadata, name) for name in GONGWEN_FIELDS}
    assert expected == GONGWEN_FIELDS
    assert "Original" not in frontmatter.parse_article(text)
    assert dataclasses.replace(article, paragraphs=()).appendix_at == article.paragraphs.index("附件1")


WEB_NOTICE_PAGE = """<html><head><meta charset="utf-8"><title>关于开展2023年度安全生产检查的通知_青溪区</title></head>
<body><div class="nav"><a href="/">首页</a></div><div id="zoom"><h1>关于开展2023年度安全生产检查的通知</h1>
<p>各街道办事处，区政府各部门：</p><p>区政府决定开展年度安全生产检查。检查时间为2023年5月10日至6月30日。</p>
<p style="text-align:right">青溪区人民政府办公室</p><p style="text-align:right">2023年5月6日</p>
<p>附件：各单位联系人名单</p><table><tr><th>序号</th><th>单位</th><th>联系人</th></tr>
<tr><td>1</td><td>区应急管理局</td><td>林晓</td></tr><tr><td>2</td><td>区财政局</td><td>王芳</td></tr></table>
</div></body></html>"""


def test_a_notice_posted_as_a_web_page_through_ingest(tmp_path, monkeypatch):
    """Title in <h1>, 主送 first, 落款 and its date, then the attachment and its table: the frame is
    read, the date is the 成文日期 (not the body's 5月10日), the table stays a table."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notice.html").write_text(WEB_NOTICE_PAGE, encoding="utf-8")
    assert main(["ingest", "src", "--jobs", "1"]) == 0
    text = next((tmp_path / "content").rglob("*.md")).read_text(encoding="utf-8")
    header = frontmatter.parse_article(text)
    assert (header["Date"], header["DateWritten"], header["DateSource"]) == ("2023-05-06", "2023-05-06", "date-written")
    assert (header["Recipients"], header["Publisher"]) == ("各街道办事处，区政府各部门", "青溪区人民政府办公室")
    assert header["Attachments"] == "各单位联系人名单"
    assert '<hr class="doc-appendix">\n\n附件：各单位联系人名单\n\n<table class="doc-table"><tr><td>序号</td>' in text
    assert "<td>区财政局</td><td>王芳</td>" in text and "\n\n区财政局\n\n" not in text


def test_a_collection_record_keeps_its_html_table(tmp_path, monkeypatch):
    """A JSONL record's ``html`` with a data table: the same table block as a web page's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    rows = "<tr><td>单位</td><td>联系人</td></tr><tr><td>区财政局</td><td>王芳</td></tr>"
    markup = f"<p>各部门：</p><p>请按附表报送。</p><table>{rows}</table>"
    record = {"id": "n1", "date": "2023-05-06", "title": "关于开展安全生产检查的通知", "html": markup}
    (tmp_path / "src" / "c.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["ingest", "src", "--jobs", "1"]) == 0
    text = next((tmp_path / "content").rglob("*.md")).read_text(encoding="utf-8")
    assert frontmatter.parse_article(text)["Recipients"] == "各部门"
    assert text.endswith(f'<table class="doc-table">{rows}</table>\n')


ORDER_PAGE = (
    "《松岭县城市绿化管理办法》已经2024年1月15日县人民政府第12次常务会议通过，现予公布，自2024年3月1日起施行。",
    "县长  张明远",
    "2024年1月20日",
)


@pytest.mark.parametrize(
    "title, category, expected",
    [
        pytest.param("松岭县人民政府令（第3号）", None, "综合", id="not-the-meeting-its-text-names"),
        pytest.param("松岭县人民政府令（第3号）", "政府规章", "政府规章", id="the-publisher-s-category-wins"),
    ],
)
def test_an_order_titled_apart_is_classed_by_its_title(title, category, expected):
    """A 令's page gives its mark and number as its title (``<h1>``): the 令 is read from it,
    and like any 公文 it is classed by its title, not by the meeting its text says passed it."""
    raw = RawBulletin(
        source="s/p.html",
        text="\n".join(ORDER_PAGE),
        source_hash="sha256:0",
        context=Context(category=category),
        title=title,
        format="html",
    )
    meta = official.describe(raw, official.read(raw))
    assert (meta.doc_number, meta.publisher, meta.date_written) == (
        "松岭县人民政府令第3号",
        "松岭县人民政府",
        dt.date(2024, 1, 20),
    )
    assert meta.category == expected
