"""Relations resolved across the archive and the 效力状态 of every document (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.ingest.relations import AMENDS, INTERPRETS, REPEALS, Reference
from bulletins.site import lifecycle
from bulletins.site.lifecycle import (
    AMENDED,
    EXPIRED,
    IN_FORCE,
    REPEALED,
    DocumentFacts,
    issued_title,
    parse_date,
    parse_validity,
    resolve,
)

TODAY = dt.date(2025, 6, 1)


def doc(key, title, date="2020-01-01", number="", **kw):
    return DocumentFacts(key=key, title=title, date=dt.date.fromisoformat(date), doc_number=number, **kw)


ARCHIVE = [
    doc("old", "澄溪区河道管理暂行办法", "2020-03-02", "澄府发〔2020〕12号"),
    doc(
        "new",
        "澄溪区河道管理办法",
        "2024-02-10",
        "澄府发〔2024〕3号",
        date_effective=dt.date(2024, 3, 1),
        repeals=(Reference(REPEALS, "澄溪区河道管理暂行办法", "澄府发[2020]12号"),),
    ),
    doc(
        "reading",
        "《澄溪区河道管理办法》政策解读",
        "2024-02-11",
        interprets=(Reference(INTERPRETS, "澄溪区河道管理办法"),),
    ),
    doc("parking", "澄溪区停车管理规定", "2021-05-06", "澄府发〔2021〕5号"),
    doc(
        "amend",
        "关于修改《澄溪区停车管理规定》的决定",
        "2024-09-01",
        "澄府发〔2024〕20号",
        amends=(Reference(AMENDS, "澄溪区停车管理规定", "澄府发〔2021〕5号"),),
    ),
    # two documents with one title, told apart by 文号
    doc("fee-2019", "澄溪区收费管理办法", "2019-01-05", "澄府发〔2019〕2号"),
    doc("fee-2023", "澄溪区收费管理办法", "2023-01-05", "澄府发〔2023〕2号"),
    doc(
        "fee-repeal",
        "关于废止《澄溪区收费管理办法》的决定",
        "2023-02-01",
        "澄府发〔2023〕9号",
        repeals=(Reference(REPEALS, "澄溪区收费管理办法", "澄府发〔2019〕2号"),),
    ),
    doc(
        "ambiguous",
        "关于清理收费文件的通知",
        "2023-03-01",
        repeals=(Reference(REPEALS, "澄溪区收费管理办法"), Reference(REPEALS, "澄溪区不存在的办法")),
    ),
    doc("expired", "澄溪区防汛临时措施", "2022-06-01", "澄府办发〔2022〕8号", date_expires=dt.date(2023, 12, 31)),
    doc(
        "future",
        "澄溪区排水管理办法",
        "2025-05-20",
        "澄府发〔2025〕7号",
        date_effective=dt.date(2025, 7, 1),
        repeals=(Reference(REPEALS, "", "澄府办发〔2022〕8号"),),
    ),
    doc("news", "区水利局开展河道检查", "2024-04-01"),
    doc("issuing", "澄溪区人民政府关于印发《澄溪区绿化管理办法》的通知", "2022-01-01", "澄府发〔2022〕1号"),
    doc(
        "green-reading",
        "一图读懂《澄溪区绿化管理办法》",
        "2022-01-02",
        interprets=(Reference(INTERPRETS, "澄溪区绿化管理办法"),),
    ),
    doc("hand", "澄溪区旧规定", "2010-01-01", "澄府发〔2010〕1号", validity=EXPIRED),
]


@pytest.fixture(scope="module")
def resolution():
    return resolve(ARCHIVE, TODAY)


@pytest.mark.parametrize(
    "key, status",
    [
        ("old", REPEALED),
        ("new", IN_FORCE),
        ("reading", ""),
        ("parking", AMENDED),
        ("amend", IN_FORCE),
        ("fee-2019", REPEALED),
        ("fee-2023", IN_FORCE),
        ("fee-repeal", IN_FORCE),
        ("ambiguous", ""),
        ("expired", EXPIRED),
        ("future", IN_FORCE),
        ("news", ""),
        ("issuing", IN_FORCE),
        ("green-reading", ""),
        ("hand", EXPIRED),
    ],
)
def test_status(resolution, key, status):
    assert resolution.documents[key].status == status


@pytest.mark.parametrize(
    "key, field, keys",
    [
        ("old", "repealed_by", ["new"]),
        ("new", "repeals", ["old"]),
        ("new", "interpretations", ["reading"]),
        ("reading", "interprets", ["new"]),
        ("parking", "amended_by", ["amend"]),
        ("amend", "amends", ["parking"]),
        ("fee-2019", "repealed_by", ["fee-repeal"]),
        ("fee-2023", "repealed_by", []),
        ("issuing", "interpretations", ["green-reading"]),
        ("expired", "repealed_by", ["future"]),
        ("news", "repealed_by", []),
    ],
)
def test_links_on_both_sides(resolution, key, field, keys):
    assert getattr(resolution.documents[key], field) == keys


def test_repeal_date_is_when_the_repealing_document_takes_effect(resolution):
    assert resolution.documents["old"].repealed_on == dt.date(2024, 3, 1)


def test_unresolved_are_listed_not_guessed(resolution):
    listed = sorted((u.key, u.reference.title, u.candidates) for u in resolution.unresolved)
    assert listed == [("ambiguous", "澄溪区不存在的办法", 0), ("ambiguous", "澄溪区收费管理办法", 2)]
    assert "2 documents" in str(next(u for u in resolution.unresolved if u.candidates == 2))


def test_a_repeal_not_yet_in_force_leaves_the_status():
    result = resolve(ARCHIVE, dt.date(2025, 6, 1))
    assert result.documents["expired"].status == EXPIRED  # expired anyway
    early = resolve(ARCHIVE, dt.date(2024, 2, 20))
    assert early.documents["old"].status == IN_FORCE  # the new 办法 starts on 1 March


def test_a_title_with_another_number_is_not_matched():
    archive = [
        doc("a", "澄溪区甲办法", number="澄府发〔2019〕2号"),
        doc("b", "关于废止的决定", "2021-01-01", repeals=(Reference(REPEALS, "澄溪区甲办法", "澄府发〔2018〕7号"),)),
    ]
    result = resolve(archive, TODAY)
    assert result.documents["a"].status == IN_FORCE
    assert [u.candidates for u in result.unresolved] == [0]


def test_a_document_never_matches_itself():
    archive = [doc("a", "澄溪区甲办法", number="澄府发〔2019〕2号", repeals=(Reference(REPEALS, "澄溪区甲办法"),))]
    assert resolve(archive, TODAY).documents["a"].status == IN_FORCE


@pytest.mark.parametrize(
    "title, expected",
    [
        ("澄溪区人民政府关于印发《澄溪区绿化管理办法》的通知", "澄溪区绿化管理办法"),
        ("关于印发《甲》的通知", "甲"),
        ("关于开展检查的通知", ""),
    ],
)
def test_issued_title(title, expected):
    assert issued_title(title) == expected


@pytest.mark.parametrize(
    "value, expected", [("已废止", REPEALED), ("废止", REPEALED), ("现行有效", IN_FORCE), ("draft", ""), ("", "")]
)
def test_parse_validity(value, expected):
    assert parse_validity(value) == expected


@pytest.mark.parametrize("value, expected", [("2024-03-01", dt.date(2024, 3, 1)), ("2024-13-01", None), (None, None)])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_a_number_read_from_a_reference_is_not_the_documents_own():
    number = "澄府发〔2020〕12号"
    archive = [
        doc("x", "澄溪区甲办法", number=number),
        # ingest took the cited 文号 for this news item's own
        doc(
            "news", "区里废止甲办法", "2021-01-01", number=number, repeals=(Reference(REPEALS, "澄溪区甲办法", number),)
        ),
        doc(
            "later",
            "关于废止的决定",
            "2022-01-01",
            number="澄府发〔2022〕1号",
            repeals=(Reference(REPEALS, "", number),),
        ),
    ]
    result = resolve(archive, TODAY)
    assert result.documents["x"].repealed_by == ["news", "later"]
    assert result.unresolved == []


@pytest.mark.corpus
@pytest.mark.slow
def test_no_corpus_bulletin_is_marked_repealed_or_amended():
    """The 11,442 real bulletins are news and meetings: the documents they report repealed or
    amended are not in the archive, so nothing may be marked (and nothing is guessed)."""
    from bulletins.ingest.gazette import document_life
    from bulletins.ingest.relations import parse_references
    from support.metadata import record_paragraphs
    from support.shared import bulletin_records

    documents = []
    for i, record in enumerate(bulletin_records()):
        date = dt.date.fromisoformat(record["date"][:10])
        life = document_life(record.get("title") or "", record_paragraphs(record["html"]), date)
        documents.append(
            doc(
                str(i),
                record.get("title") or "",
                date.isoformat(),
                repeals=parse_references("; ".join(life.repeals), REPEALS),
                amends=parse_references("; ".join(life.amends), AMENDS),
                interprets=parse_references("; ".join(life.interprets), INTERPRETS),
            )
        )
    result = resolve(documents, TODAY)
    marked = [k for k, life in result.documents.items() if life.status in (REPEALED, AMENDED)]
    assert marked == []
    assert len(result.unresolved) < 50


@pytest.mark.parametrize(
    "cited, expected",
    [
        pytest.param("关于修改〈澄溪区停车管理规定〉的决定", ["decision"], id="inner-angle-brackets-and-no-issuer"),
        pytest.param("澄溪区人民政府关于修改《澄溪区停车管理规定》的决定", ["decision"], id="exact"),
        pytest.param("关于修改 《澄溪区停车管理规定》 的决定", ["decision"], id="spaces"),
        pytest.param("澄溪区停车管理规定", [], id="the-amended-one-is-another-document"),
    ],
)
def test_title_forms_that_match(cited, expected):
    archive = [
        doc("decision", "澄溪区人民政府关于修改《澄溪区停车管理规定》的决定", "2024-01-01", "澄府发〔2024〕5号"),
        doc("reading", "解读", "2024-01-02", interprets=(Reference(INTERPRETS, cited),)),
    ]
    assert resolve(archive, TODAY).documents["reading"].interprets == expected


@pytest.mark.parametrize(
    "title, number, written, status",
    [
        pytest.param("澄溪区停车管理规定", "澄府发〔2021〕5号", False, IN_FORCE, id="regulation-by-title"),
        pytest.param("关于开展河道检查的通知", "澄府办发〔2023〕4号", False, IN_FORCE, id="notice-by-title"),
        pytest.param("澄溪区2024年重点工作安排", "澄府发〔2024〕1号", True, IN_FORCE, id="by-its-frame"),
        pytest.param("区水利局开展河道检查", "澄府发〔2023〕4号", False, "", id="news-quoting-a-number"),
        pytest.param("澄溪区停车管理规定", "", False, "", id="no-number"),
    ],
)
def test_status_of_an_official_document_alone(title, number, written, status):
    effective = dt.date(2024, 3, 1)  # never a status by itself: news retells when laws take effect
    facts = DocumentFacts(
        key="a", title=title, date=dt.date(2024, 1, 1), doc_number=number, written=written, date_effective=effective
    )
    assert resolve([facts], TODAY).documents["a"].status == status


# --- what the article page is given ---------------------------------------------------------
NEWS = lifecycle.DocumentFacts("a.html", "区政府召开会议", dt.date(2023, 1, 5))
DATED_NEWS = lifecycle.DocumentFacts(
    "b.html", "关于实施新版收费标准的公告", dt.date(2023, 1, 5), date_effective=dt.date(2023, 3, 1)
)


@pytest.mark.parametrize(
    ("doc", "shown", "effective"),
    [
        pytest.param(NEWS, False, None, id="no-status-no-dates"),
        pytest.param(DATED_NEWS, True, dt.date(2023, 3, 1), id="effective-date-without-status"),
    ],
)
def test_views_show_every_lifecycle_date(doc, shown, effective):
    today = dt.date(2026, 1, 1)
    views = lifecycle.views(lifecycle.resolve([doc], today), [doc], {doc.key: doc.key}, today)
    assert (doc.key in views) == shown
    assert (views[doc.key].date_effective if shown else None) == effective


@pytest.mark.parametrize(
    "reference",
    [
        Reference(REPEALS, "澄溪区甲办法"),  # its own title
        Reference(AMENDS, "", "澄府发[2019]2号"),  # its own 文号, spelled otherwise
        Reference(INTERPRETS, "《澄溪区甲办法》"),
    ],
)
def test_a_reference_to_itself_is_named_so(reference):
    kind = {REPEALS: "repeals", AMENDS: "amends", INTERPRETS: "interprets"}[reference.kind]
    archive = [doc("a", "澄溪区甲办法", number="澄府发〔2019〕2号", **{kind: (reference,)})]
    (unresolved,) = resolve(archive, TODAY).unresolved
    assert str(unresolved) == f"a: {reference.kind} {reference.label()} names the document itself"


def test_a_reference_to_another_of_the_same_title_is_not_called_itself():
    archive = [
        doc("a", "澄溪区甲办法", "2019-01-01", "澄府发〔2019〕2号"),
        doc("b", "澄溪区甲办法", "2019-01-01", "澄府发〔2019〕2号", repeals=(Reference(REPEALS, "澄溪区甲办法"),)),
    ]
    resolution = resolve(archive, TODAY)
    assert resolution.unresolved == []
    assert resolution.documents["a"].repealed_by == ["b"]
