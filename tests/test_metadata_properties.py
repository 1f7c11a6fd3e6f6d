"""Properties of extract_metadata on random and mutated input: it returns a Metadata or raises
a BulletinError, never anything else, and every field respects its limits."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bulletins.ingest.metadata import extract_metadata
from bulletins.ingest.script import converter
from bulletins.models import SCRIPTS, BulletinError, Context, Metadata, RawBulletin
from support.metadata import sample_paragraphs

# Characters that trigger the rules, plus ordinary Han text, digits, whitespace and oddities.
TRIGGERS = [
    "主持召开",
    "主持",
    "主持会议",
    "参加",
    "出席",
    "列席",
    "、",
    "，",
    "。",
    "；",
    "：",
    "《",
    "》",
    "〔2022〕",
    "号",
    "月",
    "日",
    "年",
    "2月28日",
    "2月30日",
    "2022年",
    "二〇二二年",
    "区长",
    "书记",
    "黄茂军",
    "欧阳",
    "·",
    "常务会议",
    "通知",
    "重庆市",
    "渝中区",
    "政府",
    "人民政府",
    "等",
    "同志",
    "会议",
    "在北京",
    "下午",
    "\n",
    " ",
    "\t",
    "\u2028",
    "\u200b",
    "<p>",
    "*",
    "#",
    "0",
    "12",
    "…",
    "青溪府发〔2023〕12号",
    "关于印发",
    "的通知",
    "各街道办事处：",
    "经研究决定：",
    "任命",
    "免去",
    "人民政府",
    "记者从",
    "获悉",
    "今天（9月14日）",
    "中共中央政治局常委、",
    "副总理",
    "“",
    "”",
    "（",
    "）",
]
fragment = st.one_of(
    st.sampled_from(TRIGGERS),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=6),
    st.text(max_size=4),
)
paragraph = st.lists(fragment, max_size=25).map("".join)
paragraphs = st.lists(paragraph, max_size=6).map(tuple)
contexts = st.builds(
    Context,
    year=st.one_of(st.none(), st.integers(min_value=1, max_value=9999)),
    publisher=st.one_of(st.none(), st.text(max_size=12)),
    region=st.one_of(st.none(), st.text(max_size=8)),
    category=st.one_of(st.none(), st.text(max_size=8)),
    script=st.sampled_from(SCRIPTS),
)
source_dates = st.one_of(
    st.none(),
    st.sampled_from(["2022-02-28", "2022年2月28日", "20220230", "", " ", "x"]),
    st.text(max_size=12),
)
titles = st.one_of(st.none(), st.text(max_size=40))


def _check(meta: Metadata) -> None:
    for field in dataclasses.fields(meta):
        value = getattr(meta, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, str):
                assert "\n" not in item and "\r" not in item and "\u2028" not in item, (field.name, item)
    assert meta.title.strip()
    if meta.title_source == "generated":
        assert len(meta.title) <= 30, meta.title
    assert len(meta.summary) <= 120
    assert len(meta.keywords) <= 8
    assert meta.date_precision == "day"
    assert meta.date_source in ("record", "text", "text+context-year")


def _run(raw: RawBulletin, paras: tuple[str, ...]) -> None:
    try:
        meta = extract_metadata(raw, paras)
    except BulletinError as error:
        assert "\n" not in str(error)
        return
    _check(meta)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(paras=paragraphs, context=contexts, date=source_dates, title=titles)
@example(paras=(), context=Context(), date="2022-02-28", title=None)
@example(paras=("《\n》", "2月28日"), context=Context(year=2022), date=None, title="a\nb")
def test_random_paragraphs(paras, context, date, title):
    raw = RawBulletin(source="random.txt", text="", source_hash="sha256:0", context=context, date=date, title=title)
    _run(raw, paras)


@st.composite
def mutated_sample(draw):
    """The in-repo sample's paragraphs with characters deleted, inserted or replaced, and lines split."""
    paras = list(sample_paragraphs())
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        i = draw(st.integers(min_value=0, max_value=len(paras) - 1))
        text = paras[i]
        pos = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "split", "drop"]))
        if action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:pos] + draw(fragment) + text[pos:]
        elif action == "replace":
            text = text[:pos] + draw(fragment) + text[pos + 1 :]
        elif action == "split":
            paras.insert(i + 1, text[pos:])
            text = text[:pos]
        elif len(paras) > 1:
            del paras[i]
            continue
        paras[i] = text
    return tuple(paras)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(paras=mutated_sample(), year=st.one_of(st.none(), st.just(2022)), traditional=st.booleans())
def test_mutated_sample(paras, year, traditional):
    if traditional:
        paras = tuple(converter("s2t").convert(p) for p in paras)
    context = Context(year=year, script="keep" if traditional else "simplified")
    raw = RawBulletin(source="sample.txt", text="", source_hash="sha256:0", context=context)
    _run(raw, paras)


PATHOLOGICAL = [
    pytest.param(("会" * 5000,), id="one-character-repeated"),
    pytest.param(("区长" * 3000 + "主持",), id="office-words-repeated-before-preside"),
    pytest.param(("张三、" * 3000 + "出席",), id="very-long-attendee-list"),
    pytest.param(("《" * 5000,), id="unclosed-brackets"),
    pytest.param(("，" * 5000,), id="punctuation-only"),
    pytest.param(("会议在" * 2000 + "举行",), id="meeting-words-repeated"),
    pytest.param(("各部门：",) * 50, id="colon-lines-only"),
]


@pytest.mark.parametrize("paras", PATHOLOGICAL)
def test_pathological_paragraphs(paras):
    raw = RawBulletin(source="odd.txt", text="", source_hash="sha256:0", date="2022-02-28")
    _run(raw, paras)
