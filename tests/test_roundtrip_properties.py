"""Property tests: any article, however hostile its text, reads back through Pelican unchanged.

Every rendered article is read by Pelican's own MarkdownReader with the project's settings:
the metadata values are the header values written, the body is the paragraphs as plain text
(no element but ``<p>``), and nothing raises.
"""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletins.ingest import frontmatter
from bulletins.models import Article, Metadata, split_documents, split_names
from support.frontmatter import html_paragraphs, html_tags, make_article, pelican_read, pelican_values

# Pieces that mean something to Markdown, HTML, the meta extension or our list syntax.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[x](javascript:alert(1))",
    "![i](x)",
    "<http://a.b>",
    "# ",
    "## ",
    "> ",
    "1. ",
    "- ",
    "+ ",
    "* ",
    "---",
    "***",
    "___",
    "`",
    "``",
    "*",
    "**",
    "_",
    "__",
    "\\",
    "\\*",
    "&amp;",
    "&copy;",
    "&#65;",
    "&#x41;",
    "&",
    "<",
    ">",
    "|",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "!",
    "#",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "\x00",
    "\x02",
    "\x03",
    "\x1b",
    "\x85",
    "\u2028",
    "\u3000",
    "\ufeff",
    "\u200b",
    "Title: x",
    "Slug: y",
    ":",
    ",",
    ";",
    "，",
    "《",
    "》",
    "《甲》",
    "<!--",
    "-->",
    "  ",
    "=",
    "===",
]
HAN = "会议指出要强化区政府常务经济发展规划黄茂军重庆渝中（）、。“”"

pieces = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=HAN, min_size=1, max_size=8), st.text(max_size=4))
texts = st.lists(pieces, max_size=8).map("".join)
names = st.lists(texts, max_size=5).map(tuple)
titles = texts.map(lambda t: t if frontmatter.clean_text(t) else "标题" + t)
dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))

articles = st.builds(
    Article,
    metadata=st.builds(
        Metadata,
        title=titles,
        date=dates,
        date_precision=texts,
        date_source=texts,
        title_source=texts,
        category=texts,
        publisher=texts,
        region=texts,
        doc_number=texts,
        presider=texts,
        people=names,
        documents=names,
        keywords=names,
        summary=texts,
    ),
    paragraphs=st.lists(texts, max_size=6).map(tuple),
    identifier=texts,
    slug=texts,
    source=texts,
    source_hash=texts,
    source_id=texts,
    source_line=st.none() | st.integers(min_value=1, max_value=10**7),
    source_url=texts,
)

FIELDS = ("title", "summary", "presider", "category", "publisher", "doc_number")


@st.composite
def mutated_articles(draw):
    """A realistic article with hostile pieces spliced into a few fields and paragraphs."""
    base = make_article(paragraphs=["会议指出，要强化经济运行调度。", "渝中区领导黄孝明、邓光怀参加。"])
    changes = {}
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        value = getattr(base.metadata, field)
        at = draw(st.integers(0, len(value)))
        changes[field] = value[:at] + draw(st.sampled_from(HOSTILE)) + value[at:]
    if not frontmatter.clean_text(changes.get("title", "x")):
        changes.pop("title")
    paragraphs = list(base.paragraphs)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(paragraphs) - 1))
        at = draw(st.integers(0, len(paragraphs[i])))
        paragraphs[i] = paragraphs[i][:at] + draw(st.sampled_from(HOSTILE)) + paragraphs[i][at:]
    return make_article(paragraphs=paragraphs, **changes)


def check_round_trip(article: Article) -> None:
    text = frontmatter.render_article(article)
    html, meta = pelican_read(text)
    header = frontmatter.parse_article(text)

    assert pelican_values(meta) == {key.lower(): value for key, value in header.items()}
    expected = frontmatter.header_fields(article)
    assert {k: v for k, v in header.items() if k != frontmatter.CHECKSUM} == expected
    assert [str(tag) for tag in meta.get("tags", [])] == list(split_names(expected.get("Tags")))
    assert split_documents(meta.get("documents")) == split_documents(expected.get("Documents"))

    body = [p for p in map(frontmatter.clean_text, article.paragraphs) if p]
    assert html_paragraphs(html) == body
    assert html_tags(html) <= {"p"}
    assert list(frontmatter.body_paragraphs(text)) == body
    assert not frontmatter.is_edited(text)
    assert frontmatter.render_article(frontmatter.read_article(text)) == text


PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(articles)
def test_random_articles_round_trip_through_pelican(article):
    check_round_trip(article)


@PROPERTY
@given(mutated_articles())
def test_mutated_articles_round_trip_through_pelican(article):
    check_round_trip(article)


@PROPERTY
@given(texts)
def test_escaping_is_inverted_by_unescape(text):
    assert frontmatter.unescape_paragraph(frontmatter.escape_paragraph(text)) == frontmatter.clean_text(text)
