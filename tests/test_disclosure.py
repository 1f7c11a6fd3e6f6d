"""A government page's 信息公开 table (``ingest/disclosure.py``): its facts taken, the table
out of the text, the 文号 at the top of the text where ``gongwen`` reads it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from bulletins.ingest import official
from bulletins.ingest.disclosure import Facts, take_facts
from bulletins.ingest.readers import webpage
from bulletins.models import Context

PAIRS = """<table>
<tr><td>索引号：</td><td>11500230MB0X12345K/2024-00012</td><td>主题分类：</td><td>水利</td></tr>
<tr><td>发文机关：</td><td>松岭县人民政府</td><td>成文日期：</td><td>2024年03月05日</td></tr>
<tr><td>标题：</td><td colspan="3">松岭县人民政府关于加强河道管理的通知</td></tr>
<tr><td>发文字号：</td><td>松府发〔2024〕6号</td><td>发布日期：</td><td>2024年03月08日</td></tr>
</table>"""
IN_CELLS = """<table><tr><td>索引号：QX-2024-0031</td></tr><tr><td>发布机构：青溪区水利局</td></tr>
<tr><td>文号：青水发〔2024〕2号</td></tr><tr><td>发布日期：2024-04-02</td></tr></table>"""
DATA = """<table><tr><th>名称</th><th>数量</th></tr><tr><td>河道</td><td>12</td></tr></table>"""
LISTING = """<table><tr><th>序号</th><th>名称</th><th>文号</th><th>发布日期</th></tr>
<tr><td>1</td><td>松岭县河道管理办法</td><td>松府发〔2020〕3号</td><td>2020-05-01</td></tr></table>"""
NO_NUMBER = """<table><tr><th>发布机构</th><td>松岭县水利局</td></tr><tr><th>主题分类</th><td>水利</td></tr>
<tr><th>发布日期</th><td>2024年5月6日</td></tr></table>"""


@pytest.mark.parametrize(
    "html, facts, left",
    [
        pytest.param(
            PAIRS,
            Facts("松府发〔2024〕6号", "松岭县人民政府", "2024年03月05日", "2024年03月08日", "水利"),
            0,
            id="label-and-value-cells",
        ),
        pytest.param(
            IN_CELLS,
            Facts("青水发〔2024〕2号", "青溪区水利局", "", "2024-04-02", ""),
            0,
            id="label-and-value-in-a-cell",
        ),
        pytest.param(NO_NUMBER, Facts("", "松岭县水利局", "", "2024年5月6日", "水利"), 0, id="labels-without-colons"),
        pytest.param(DATA, Facts(), 1, id="a-data-table-stays"),
        pytest.param(LISTING, Facts(), 1, id="a-table-of-documents-stays"),
    ],
)
def test_take_facts(html, facts, left):
    soup = BeautifulSoup(f"<div>{html}<p>正文。</p></div>", "html.parser")
    assert take_facts(soup) == facts
    assert len(soup.find_all("table")) == left


PAGE = f"""<html><head><meta charset="utf-8"><title>通知_松岭县人民政府</title></head><body>
{PAIRS}
<h1>松岭县人民政府关于加强河道管理的通知</h1>
<div class="content"><p>各乡镇人民政府，县政府各部门：</p><p>为加强河道管理，现就有关事项通知如下。</p>
<p style="text-align:right">松岭县人民政府</p><p style="text-align:right">2024年3月5日</p></div></body></html>"""


def test_a_disclosure_page_is_read_as_its_document(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(PAGE, encoding="utf-8")
    (raw,) = webpage.read(path, Context(category="通知公告"))
    assert (raw.date, raw.context.publisher, raw.context.category) == ("2024年03月08日", "松岭县人民政府", "水利")
    assert raw.text.split("\n")[0] == "松府发〔2024〕6号" and "索引号" not in raw.text
    meta = official.describe(raw, official.read(raw))
    assert (meta.doc_number, meta.recipients, meta.date.isoformat()) == (
        "松府发〔2024〕6号",
        "各乡镇人民政府，县政府各部门",
        "2024-03-08",
    )
    assert meta.date_written.isoformat() == "2024-03-05"
