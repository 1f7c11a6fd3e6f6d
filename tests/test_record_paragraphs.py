"""support.metadata: a corpus record's <p> texts as BeautifulSoup's ``get_text(" ", strip=True)``
(``record_paragraphs``) and ``get_text()`` (``paragraph_texts``) over ``html.parser`` give
them; the helpers parse with lxml."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from support.metadata import paragraph_texts, record_paragraphs

CASES = {
    "comment_between_text": ("<p>青溪区<!-- 编者注 -->召开会议</p>", ("青溪区 召开会议",)),
    "entities_and_inline_markup": ("<p>&lt;通知&gt;&amp;<b> 附件 </b>\u3000</p><p> </p>", ("<通知>& 附件",)),
    "nested_in_div_with_break": (
        "<div><p>会议指出<br>要压实责任</p></div><p>许明远<span>主持</span>会议</p>",
        ("会议指出 要压实责任", "许明远 主持 会议"),
    ),
    "script_and_style_are_no_text": ("<p>防汛<script>track()</script>工作<style>p{}</style></p>", ("防汛 工作",)),
    "empty_record": ("", ()),
    "no_paragraph": ("<div>只有块</div>", ()),
}  # fmt: skip


def with_beautifulsoup(html: str) -> tuple[str, ...]:
    texts = (p.get_text(" ", strip=True) for p in BeautifulSoup(html, "html.parser").find_all("p"))
    return tuple(text for text in texts if text)


@pytest.mark.parametrize(("html", "expected"), CASES.values(), ids=CASES.keys())
def test_record_paragraphs(html, expected):
    assert record_paragraphs(html) == expected == with_beautifulsoup(html)


@pytest.mark.parametrize("html", [html for html, _ in CASES.values()], ids=CASES.keys())
def test_paragraph_texts_are_get_text(html):
    assert paragraph_texts(html) == [p.get_text() for p in BeautifulSoup(html, "html.parser").find_all("p")]
