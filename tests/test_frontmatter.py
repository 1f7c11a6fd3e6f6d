"""The content/*.md contract: header fields, escaping, checksum, reading back through Pelican."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.ingest import frontmatter
from bulletins.models import split_documents, split_names
from support.frontmatter import html_paragraphs, html_tags, make_article, pelican_read, pelican_values

HOSTILE_PARAGRAPHS = [
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param('"><img src=x onerror=alert(1)>', id="attribute-breakout"),
    pytest.param("<!-- 注释 --> <div>块</div>", id="html-comment-and-block"),
    pytest.param("# 标题", id="atx-heading"),
    pytest.param("###### 六级", id="deep-heading"),
    pytest.param("*重要* **加粗** _斜体_ __粗__", id="emphasis"),
    pytest.param("[点此](javascript:alert(1)) ![图](x.png)", id="link-and-image"),
    pytest.param("[1]: http://example.com", id="reference-definition"),
    pytest.param("<http://example.com> <a@b.cn>", id="autolinks"),
    pytest.param("1. 第一项", id="ordered-list"),
    pytest.param("2022. 年度总结", id="year-looks-like-list"),
    pytest.param("- 项目", id="dash-list"),
    pytest.param("+ 项目", id="plus-list"),
    pytest.param("* 项目", id="star-list"),
    pytest.param("> 引用", id="blockquote"),
    pytest.param("---", id="rule-dashes"),
    pytest.param("- - -", id="rule-spaced"),
    pytest.param("***", id="rule-stars"),
    pytest.param("___", id="rule-underscores"),
    pytest.param("`代码` ``双``", id="code-spans"),
    pytest.param("C:\\路径\\文件 \\*不是强调\\*", id="backslashes"),
    pytest.param("&amp; &copy; &#169; &#x41; R&D", id="entities"),
    pytest.param("    缩进四格", id="indented-code"),
    pytest.param("| 甲 | 乙 |", id="table-row"),
    pytest.param("第一行\n第二行\r\n第三行", id="line-breaks-inside"),
    pytest.param("Title: 伪造的标题", id="looks-like-header"),
    pytest.param("行尾两个空格  ", id="trailing-spaces"),
    pytest.param("\u3000\u3000首行缩进", id="ideographic-indent"),
    pytest.param("控制\x00字符\x02\x03\x1b", id="control-characters"),
    pytest.param("a\u2028b\u2029c\x85d", id="unicode-line-separators"),
]


@pytest.mark.parametrize("paragraph", HOSTILE_PARAGRAPHS)
def test_body_renders_as_the_literal_text(paragraph):
    text = frontmatter.render_article(make_article(paragraphs=["开头。", paragraph, "结尾。"]))
    html, _ = pelican_read(text)
    assert html_paragraphs(html) == ["开头。", frontmatter.clean_text(paragraph), "结尾。"]
    assert html_tags(html) == {"p"}
    assert frontmatter.body_paragraphs(text) == ("开头。", frontmatter.clean_text(paragraph), "结尾。")


HOSTILE_VALUES = [
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param('"><img onerror=alert(1)>', id="attribute-breakout"),
    pytest.param("标题\nSlug: evil\n\n# 正文", id="newline-injects-key"),
    pytest.param("标题\rCategory: x", id="carriage-return"),
    pytest.param("  前后空格\t ", id="surrounding-space"),
    pytest.param("---", id="yaml-fence"),
    pytest.param("[x](javascript:alert(1))", id="markdown-link"),
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("field,header", [("title", "title"), ("summary", "summary"), ("presider", "presider")])
def test_header_value_cannot_break_the_header(value, field, header):
    article = make_article(**{field: value})
    text = frontmatter.render_article(article)
    html, meta = pelican_read(text)
    assert meta[header] == frontmatter.clean_text(value)
    assert "evil" not in meta.get("slug", "")
    assert html_paragraphs(html) == list(article.paragraphs)
    assert frontmatter.parse_article(text)[header.capitalize()] == frontmatter.clean_text(value)


@pytest.mark.parametrize(
    "date,written",
    [
        pytest.param(dt.date(2023, 4, 7), "2023-04-07", id="modern"),
        pytest.param(dt.date(999, 1, 1), "0999-01-01", id="three-digit-year"),
        pytest.param(dt.date(1, 2, 3), "0001-02-03", id="year-one"),
    ],
)
def test_date_is_written_with_a_four_digit_year(date, written):
    assert frontmatter.parse_article(frontmatter.render_article(make_article(date=date)))["Date"] == written


def test_lone_surrogate_in_a_value_becomes_a_space():
    text = frontmatter.render_article(make_article(title="青溪区\ud800会议"))
    assert frontmatter.parse_article(text)["Title"] == "青溪区 会议"
    text.encode("utf-8")  # the article can be written


def test_fields_in_contract_order_and_empty_ones_left_out():
    text = frontmatter.render_article(make_article(doc_number="", source_id="20230407-01", source_line=12))
    keys = list(frontmatter.parse_article(text))
    assert keys == [k for k in frontmatter.FIELDS if k in keys]
    assert "DocNumber" not in keys and "SourceUrl" not in keys
    assert {"SourceId", "SourceLine", "Checksum", "Identifier", "Slug"} <= set(keys)


@pytest.mark.parametrize(
    "people,expected",
    [
        pytest.param(("李华", "王芳"), "李华, 王芳", id="plain"),
        pytest.param(("李,华", "王芳"), "李，华, 王芳", id="comma-in-name"),
        pytest.param(("李华", " ", "李华"), "李华", id="blank-and-duplicate"),
        pytest.param(("甲;乙",), "甲；乙", id="semicolon-would-split-pelican-lists"),
    ],
)
def test_list_fields_are_comma_separated_and_sanitized(people, expected):
    header = frontmatter.header_fields(make_article(people=people, keywords=people))
    assert header["People"] == expected
    assert header["Tags"] == expected
    assert split_names(header["People"]) == tuple(expected.split(", "))


@pytest.mark.parametrize(
    "documents,expected",
    [
        pytest.param(("甲规划", "乙方案"), ("甲规划", "乙方案"), id="two-titles"),
        pytest.param(("关于印发《甲》的通知",), ("关于印发《甲》的通知",), id="nested-balanced"),
        pytest.param(("坏《标题",), ("坏〈标题",), id="unbalanced-open"),
        pytest.param(("坏》标题",), ("坏〉标题",), id="unbalanced-close"),
        pytest.param(("", " "), (), id="blank"),
    ],
)
def test_documents_keep_brackets_and_split_back(documents, expected):
    text = frontmatter.render_article(make_article(documents=documents))
    assert split_documents(frontmatter.parse_article(text).get("Documents")) == expected
    _, meta = pelican_read(text)
    assert split_documents(meta.get("documents")) == expected


def test_pelican_reads_every_header_value_back():
    article = make_article(
        source_id="20230407-01",
        source_line=3,
        source_url="https://example.gov.cn/a.html",
        doc_number="青府发〔2023〕5号",
    )
    text = frontmatter.render_article(article)
    _, meta = pelican_read(text)
    expected = {key.lower(): value for key, value in frontmatter.parse_article(text).items()}
    assert pelican_values(meta) == expected
    assert meta["date"].date() == dt.date(2023, 4, 7)


def test_read_article_inverts_render():
    article = make_article(source_id="x-1", source_line=9, source_url="https://example.gov.cn/")
    assert frontmatter.read_article(frontmatter.render_article(article)) == article


RENDER_IN_A_PROCESS = (
    "import sys; from support.frontmatter import make_article; from bulletins.ingest import frontmatter; "
    "sys.stdout.buffer.write(frontmatter.render_article(make_article()).encode('utf-8'))"
)


@pytest.mark.parametrize(
    ("written", "number"),
    [("12", 12), ("²", None), ("١٢", None), ("12a", None), ("", None), ("+7", None)],
)
def test_a_hand_edited_source_line_reads_back_as_a_number_or_none(written, number):
    """``SourceLine`` as a hand may leave it: only ASCII digits are a line number (``²`` and
    Arabic-Indic digits pass ``isdigit`` and once stopped the read with a ValueError)."""
    text = frontmatter.render_article(make_article(source_line=3))
    text = text.replace("SourceLine: 3\n", f"SourceLine: {written}\n", 1)
    assert f"SourceLine: {written}\n" in text
    assert frontmatter.read_article(text).source_line == number


def test_render_is_deterministic():
    """Separate processes with different string hashing render the same bytes."""
    tests = str(Path(__file__).resolve().parent)
    renders = {
        seed: subprocess.run(
            [sys.executable, "-c", RENDER_IN_A_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": tests},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "4242")
    }
    assert len(set(renders.values())) == 1
    assert renders["0"].decode("utf-8") == frontmatter.render_article(make_article())


def test_a_title_is_required():
    with pytest.raises(ValueError):
        frontmatter.render_article(make_article(title=" \n "))


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t, id="untouched"),
        pytest.param(lambda t: t.replace("张明主持", "张敏主持", 1), id="title-fixed"),
        pytest.param(lambda t: t.replace("会议指出", "会议强调"), id="body-changed"),
        pytest.param(lambda t: t + "\n补充一段。\n", id="paragraph-added"),
        pytest.param(
            lambda t: "\n".join(ln for ln in t.split("\n") if not ln.startswith("Checksum:")), id="checksum-removed"
        ),
    ],
)
def test_checksum_tells_a_hand_edit(edit):
    text = frontmatter.render_article(make_article())
    edited = edit(text)
    assert frontmatter.is_edited(edited) == (edited != text)


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("\\# 标题", "# 标题", id="heading"),
        pytest.param("1\\. 项", "1. 项", id="ordered"),
        pytest.param("&lt;b> &amp;amp;", "<b> &amp;", id="entities"),
        pytest.param("\\\\\\*", "\\*", id="backslash-then-star"),
        pytest.param("a\\|b", "a\\|b", id="not-an-escape"),
    ],
)
def test_unescape_paragraph(text, expected):
    assert frontmatter.unescape_paragraph(text) == expected


def test_hostile_people_and_documents_read_back_as_literal_text():
    people = ('"><img src=x onerror=alert(1)>', "[x](javascript:alert(1))", "*李华*")
    documents = ("<script>alert(1)</script>", "# 标题 **加粗**")
    _, meta = pelican_read(frontmatter.render_article(make_article(people=people, documents=documents)))
    assert split_names(meta["people"]) == people
    assert split_documents(meta["documents"]) == documents
