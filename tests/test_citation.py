"""The citation formats of one bulletin (pure functions): GB/T 7714-2015, BibTeX, RIS, CSL-JSON, head tags.

Every format is read back with a standard parser (bibtexparser, rispy, json) and must give the
same title, date and publisher, whatever the title holds.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import bibtexparser
import pytest
import rispy

from bulletins.site import citation
from bulletins.site.citation import CitationFields
from support.bibtex import bibtex_text

PAGE = "bulletins/2025/03/qxfb-2025-07.html"
PUBLIC = "https://archive.qingxi.example/"

# (id, header row as the open data names it): real-looking bulletins of fictional bodies.
ROWS = [
    (
        "gongwen-with-docnumber",
        {
            "title": "青溪区人民政府关于印发《青溪区河道管理暂行办法》的通知",
            "date": "2025-03-12",
            "publisher": "临江市青溪区人民政府",
            "identifier": "2025-0312-7A1C33E0",
            "doc_number": "青溪府发〔2025〕7号",
        },
    ),
    (
        "meeting-without-docnumber",
        {
            "title": "周文澜主持召开区政府第5次常务会议",
            "date": "2023-03-14 00:00:00",
            "publisher": "临江市青溪区人民政府",
            "identifier": "2023-0314-55B0D2C1",
        },
    ),
    ("no-publisher", {"title": "白鹭街道柳荫社区食堂开门迎客", "date": "2022-11-10", "identifier": ""}),
    (
        "braces-and-percent",
        {
            "title": "关于{青溪}区100%完成清理的通报",
            "date": "2024-01-02",
            "publisher": "青溪区司法局",
            "doc_number": "青司〔2024〕1号",
        },
    ),
    ("newlines", {"title": "第一行\n第二行\r\n\u2028第三行", "date": "2024-05-06", "publisher": "青溪区\n发展改革委"}),
    ("quotes-and-script", {"title": '“两会”"精神"</script><script>alert(1)</script>', "date": "2021-07-08"}),
    ("latex-specials", {"title": r"a\b & c_d #1 $2 ~x ^y {unbalanced", "date": "2020-02-29", "publisher": "A&B}局"}),
]


def fields(row: dict, public: bool = False, pdf: str = "") -> CitationFields:
    url = (PUBLIC if public else "") + PAGE
    return citation.fields_of(row, PAGE, url, public=public, pdf_url=pdf)


def expected(row: dict, key: str) -> str:
    return citation.one_line(row.get(key, ""))


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r[0] for r in ROWS])
@pytest.mark.parametrize("public", [False, True], ids=["relative", "public"])
def test_gbt7714_reference_field_by_field(name, row, public):
    f = fields(row, public)
    text = citation.gbt7714(f, "2026-11-30")
    publisher = expected(row, "publisher")
    if publisher:
        assert text.startswith(publisher + ". ")
        text = text.removeprefix(publisher + ". ")
    found = re.fullmatch(
        r"(?P<title>.+)\[EB/OL\]\. \((?P<date>\d{4}-\d{2}-\d{2})\)\[(?P<accessed>[^\]]+)\]\. (?P<url>\S+)\.", text
    )
    assert found, text
    assert found["title"] == expected(row, "title")
    assert found["date"] == row["date"][:10]
    assert found["accessed"] == "2026-11-30"
    assert found["url"] == (PUBLIC if public else "") + PAGE
    assert "\n" not in text


def test_missing_publisher_starts_with_the_title():
    row = dict(ROWS[2][1])
    assert citation.gbt7714(fields(row)) == f"{row['title']}[EB/OL]. (2022-11-10)[引用日期]. {PAGE}."
    assert citation.gbt7714_head(fields(row)) == f"{row['title']}[EB/OL]. (2022-11-10)"


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r[0] for r in ROWS])
def test_bibtex_parses_and_agrees(name, row):
    text = citation.bibtex(fields(row, public=True))
    assert text.count("{") == text.count("}"), "BibTeX counts every brace: they must balance"
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "online" and entry.key == "bulletins-2025-03-qxfb-2025-07"
    values = {f.key: f.value for f in entry.fields}
    assert bibtex_text(values["title"]) == expected(row, "title")
    assert values["date"] == row["date"][:10] and values["year"] == row["date"][:4]
    assert values["url"] == PUBLIC + PAGE
    publisher = expected(row, "publisher")
    assert bibtex_text(values.get("publisher", "")) == publisher
    assert bibtex_text(values.get("author", "")) == publisher
    assert bibtex_text(values.get("number", "")) == expected(row, "doc_number")


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r[0] for r in ROWS])
def test_ris_parses_and_agrees(name, row):
    text = citation.ris(fields(row, public=True))
    assert text.startswith("TY  - GOVDOC\r\n") and text.endswith("ER  - \r\n")
    (record,) = rispy.loads(text)
    assert record["title"] == expected(row, "title")
    assert record["date"] == row["date"][:10].replace("-", "/") + "/"
    assert record["year"] == row["date"][:4]
    assert record["urls"] == [PUBLIC + PAGE]
    assert record.get("publisher", "") == expected(row, "publisher")
    assert record.get("authors", []) == ([expected(row, "publisher")] if row.get("publisher") else [])
    assert record.get("note", "") == expected(row, "doc_number")
    assert record.get("accession_number", "") == expected(row, "identifier")


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r[0] for r in ROWS])
def test_csl_item_fields(name, row):
    item = json.loads(citation.render_csl([citation.csl_item(fields(row, public=True))]))[0]
    assert item["type"] == "report" and item["id"] == "bulletins-2025-03-qxfb-2025-07"
    assert item["title"] == expected(row, "title")
    assert item["issued"] == {"date-parts": [[int(p) for p in row["date"][:10].split("-")]]}
    assert item["URL"] == PUBLIC + PAGE
    assert "accessed" not in item
    assert item.get("publisher", "") == expected(row, "publisher")
    assert item.get("number", "") == expected(row, "doc_number")
    assert ("author" in item) is bool(row.get("publisher"))


@pytest.mark.parametrize(
    ("items", "count"),
    [([], 0), ([{"id": "a", "title": "甲"}], 1), ([{"id": "a"}, {"id": "b", "title": "</script>"}], 2)],
)
def test_archive_csl_is_one_json_array(items, count):
    data = citation.render_csl(items)
    assert len(json.loads(data)) == count
    assert data.endswith(b"]\n")


@pytest.mark.parametrize(
    ("title", "doc_number", "kind"),
    [
        ("青溪区人民政府关于印发《青溪区河道管理暂行办法》的通知", "青溪府发〔2025〕7号", "通知"),
        ("青溪区收费管理办法", "青溪府发〔2019〕2号", "办法"),
        ("关于同意设立白鹭街道的批复", "青溪府函〔2024〕3号", "批复"),
        ("关于商请支持的函", "青溪府函〔2024〕4号", "函"),
        ("周文澜主持召开区政府第5次常务会议", "", ""),
        ("关于做好防汛工作的通知", "", ""),  # no 文号 of its own: a news item, not a 公文
        ("青溪区举行重点项目集中开工活动", "青溪府发〔2023〕9号", ""),
    ],
)
def test_document_type(title, doc_number, kind):
    assert citation.document_type(title, doc_number) == kind


@pytest.mark.parametrize(
    ("save_as", "key"),
    [
        ("bulletins/2019/01/g-003.html", "bulletins-2019-01-g-003"),
        ("bulletins/2022/02/0228_cwhy.5.html", "bulletins-2022-02-0228_cwhy-5"),
        ("x.html", "x"),
    ],
)
def test_citation_key(save_as, key):
    assert citation.citation_key(save_as) == key


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.example/b/c.html", "https://a.example/b/c.html"),
        ("bulletins/2025/03/a b{c}.html", "bulletins/2025/03/a%20b%7Bc%7D.html"),
        ("https://a.example/公报/x.html?q=1#n", "https://a.example/%E5%85%AC%E6%8A%A5/x.html?q=1#n"),
    ],
)
def test_safe_url(url, safe):
    assert citation.safe_url(url) == safe


def test_head_meta_values():
    row = ROWS[0][1]
    relative = dict(citation.head_meta(fields(row, pdf="originals/x.pdf"), "../../../"))
    assert relative["citation_publication_date"] == relative["citation_date"] == "2025/03/12"
    assert relative["citation_pdf_url"] == "../../../originals/x.pdf"
    assert "citation_public_url" not in relative
    public = citation.head_meta(fields(row, public=True, pdf=PUBLIC + "originals/x.pdf"), "../../../")
    names = dict(public)
    assert names["citation_public_url"] == PUBLIC + PAGE
    assert names["citation_pdf_url"] == PUBLIC + "originals/x.pdf"
    assert [v for n, v in public if n == "DC.type"] == ["Text", "通知"]
    assert names["DC.identifier"] == row["identifier"]
    assert all(value for _, value in public)


def test_head_meta_leaves_out_what_is_unknown():
    names = {name for name, _ in citation.head_meta(fields(ROWS[2][1]))}
    assert not names & {"DC.identifier", "DC.publisher", "citation_publisher", "citation_pdf_url"}


def test_article_files_sit_beside_the_page():
    c = citation.article_citation(fields(ROWS[0][1]), PAGE)
    assert [path for _, _, path in c.files] == [
        "bulletins/2025/03/qxfb-2025-07.bib",
        "bulletins/2025/03/qxfb-2025-07.ris",
        "bulletins/2025/03/qxfb-2025-07.json",
    ]
    assert set(citation.file_bytes(c.fields)) == {"bib", "ris", "json"}


def row_articles(cls) -> list:
    """The first three ROWS as articles of class CLS, as Pelican gives their headers."""
    headers = {"doc_number": "docnumber"}  # the column's header key, as Pelican gives it
    return [
        cls(
            metadata={headers.get(k, k): v for k, v in row.items() if k != "title"},
            title=row["title"],
            save_as=PAGE,
            url=PAGE,
        )
        for _, row in ROWS[:3]
    ]


def test_a_lazy_citation_reads_as_the_citation_and_keeps_none_but_the_last():
    from bulletins.plugins.citations.generator import LazyCitation

    articles = row_articles(SimpleNamespace)
    lazy = [LazyCitation(article, "") for article in articles]
    for (_, row), one in zip(ROWS[:3], lazy, strict=True):
        whole = citation.article_citation(fields(row), PAGE)
        assert (one.meta, one.head, one.files, one.fields) == (whole.meta, whole.head, whole.files, whole.fields)
    assert not hasattr(lazy[0], "__dict__")  # nothing made is kept on the article's citation
    assert lazy[0].head == citation.article_citation(fields(ROWS[0][1]), PAGE).head  # made again when read again


@pytest.mark.parametrize("slim", [True, False], ids=["build-class", "shared-class"])
def test_an_article_of_a_build_class_holds_no_citation_of_its_own(slim):
    """``give_citations``: through the class the build made for its articles (nothing on the
    article), else on each article; read either way, the same citation as ``LazyCitation``'s."""
    from bulletins.plugins.citations.generator import CitationOf, LazyCitation, give_citations
    from bulletins.plugins.compact.slim import SLIM

    cls = type("Article", (SimpleNamespace,), {SLIM: True} if slim else {})
    articles = row_articles(cls)
    draft = cls(metadata={}, title="草稿", save_as="drafts/d.html", url="drafts/d.html")
    give_citations(articles, PUBLIC, [draft])
    assert not hasattr(draft, "bulletins_citation")  # a draft of the same class: none, as before
    assert all(("bulletins_citation" in vars(a)) is not slim for a in articles)
    assert isinstance(vars(cls).get("bulletins_citation"), CitationOf) is slim
    for article in (*articles, articles[0]):  # read again after the others: made again, the same
        made = LazyCitation(article, PUBLIC)
        assert (article.bulletins_citation.meta, article.bulletins_citation.files) == (made.meta, made.files)
        assert article.bulletins_citation.fields.public and article.bulletins_citation.fields.title == article.title
    give_citations(articles, "")  # a later build of the same class, another public URL
    assert not articles[1].bulletins_citation.fields.public


def test_the_others_are_every_article_of_the_context_not_listed():
    from bulletins.plugins.citations.generator import others_of

    def one(name, translations=()):
        return SimpleNamespace(name=name, translations=list(translations))

    fr, draft_fr = one("fr"), one("draft-fr")
    listed = [one("a", [fr]), one("b")]
    draft, hidden = one("draft", [draft_fr]), one("hidden")
    context = {"articles": listed, "drafts": [draft], "hidden_articles": [hidden], "translations": [fr]}
    assert sorted(a.name for a in others_of(context, listed)) == ["draft", "draft-fr", "fr", "fr", "hidden"]
    assert others_of({"articles": listed}, listed) == [fr]
