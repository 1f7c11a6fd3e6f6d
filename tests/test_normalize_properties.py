"""Property tests: whatever comes in, clean_paragraphs returns tidy paragraphs, and running it
again changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bulletins.ingest.normalize import clean_paragraphs, fix_punctuation, normalize_whitespace
from bulletins.ingest.pinyin import strip_pinyin_annotations
from bulletins.models import SCRIPTS

PROPERTIES = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# Fixed in-repo samples (seed-style dirt: pinyin glued to Traditional characters, ASCII marks,
# parentheses in chains): the properties draw the same examples with or without ../shared.
SAMPLES = (
    "2月28日,重慶市渝中區(qū)政府區(qū)長黃茂軍主持召開區(qū)政府第5次常務會議,研究部署一季度經(jīng)濟運行。",
    "央視網消息(新聞聯播)：國家衛生健康委今(jīn)天(11月20日)通報,31個省(自治區、直轄市)。",
    "要加大文物和(hé)文化遺產保(bǎo)護力度,《全國智慧農業行動計劃(2024—2028年)》出台。",
    "GDP(国内生产总值)增长8.7%,收购1,000亿斤,比分3:2,时间12:30,网址https://www.gov.cn/a?id=1。",
    "會議指出:一要(yào)抓(zhuā)好(a)項目建設;二要()()()(月底前完成?!見http://b.cn/x?y=1,(1)(2)。",
    "青溪區(qū)召開會議(扩大),(一)部署工作,(二)((落實))責任:(a(b)c),增長5%,6%。\n(續)第二段,完。",
)


_PARENTHESES = ["(", ")", "()", "(qū)", "(zhe)", "(qu1)", "(jīn)", "(le)", "(金)", "(WTO)"]
_ASCII_MARKS = [",", ";", ":", "?", "!", ",,", "?!", "://", "1,000", "12:30", "8.7%,3"]
_SPACES = [" ", "  ", "\t", "\n", "\r\n", "\n\n", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u2028"]
_CONTROLS = ["\x00", "\x07", "\x1f", "\x85", "&", "&nbsp;", "&nbsp", "&amp;", "&amp", "&amp;nbsp;"]
_ENTITIES = ["&#12345;", "&#x4e2d;", "&#8203;"]
_HAN = list("區区着瞭乾樂爲為《》“”。，（）")
_DIRT = st.sampled_from(_PARENTHESES + _ASCII_MARKS + _SPACES + _CONTROLS + _ENTITIES + _HAN)
_PINYINISH = st.from_regex(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}[1-5]?\)", fullmatch=True)


@st.composite
def mutated_texts(draw) -> str:
    """A real-looking text with dirt inserted, parts deleted, and random characters thrown in."""
    text = draw(st.sampled_from(SAMPLES))
    start = draw(st.integers(0, len(text)))
    text = text[start : start + draw(st.integers(0, 400))]
    for _ in range(draw(st.integers(0, 12))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["dirt", "pinyin", "random", "delete"]))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
            continue
        piece = {"dirt": _DIRT, "pinyin": _PINYINISH, "random": st.text(max_size=3)}[action]
        text = text[:at] + draw(piece) + text[at:]
    return text


def _assert_tidy(paragraphs: tuple[str, ...]) -> None:
    assert isinstance(paragraphs, tuple)
    for paragraph in paragraphs:
        assert paragraph, "empty paragraph"
        assert paragraph == paragraph.strip(), f"untrimmed {paragraph!r}"
        assert len(paragraph.splitlines()) == 1, f"line break inside {paragraph!r}"
        assert "\u200b" not in paragraph and "\ufeff" not in paragraph


@pytest.mark.parametrize("script", SCRIPTS)
@PROPERTIES
@given(text=st.text())
def test_random_unicode_gives_tidy_stable_paragraphs(script: str, text: str) -> None:
    paragraphs = clean_paragraphs(text, script)
    _assert_tidy(paragraphs)
    assert clean_paragraphs("\n".join(paragraphs), script) == paragraphs


@pytest.mark.parametrize("script", SCRIPTS)
@PROPERTIES
@given(text=mutated_texts())
def test_mutated_bulletins_give_tidy_stable_paragraphs(script: str, text: str) -> None:
    paragraphs = clean_paragraphs(text, script)
    _assert_tidy(paragraphs)
    assert clean_paragraphs("\n".join(paragraphs), script) == paragraphs


@PROPERTIES
@given(text=mutated_texts())
def test_each_step_is_idempotent(text: str) -> None:
    for step in (normalize_whitespace, strip_pinyin_annotations, fix_punctuation):
        once = step(text)
        assert step(once) == once, step.__name__


@PROPERTIES
@given(text=st.text(alphabet=st.characters(categories=["Lo", "Nd", "Zs"]), max_size=200))
def test_text_without_markup_or_annotations_keeps_every_character(text: str) -> None:
    """Han text, digits and spaces with no punctuation to repair: only spaces may change."""
    cleaned = "".join(clean_paragraphs(text, "keep"))
    assert cleaned.replace(" ", "") == "".join(text.split())


@PROPERTIES
@example(text="()()()()(月")
@example(text="中(a(b)c)x)(")
@given(text=st.lists(st.sampled_from(["()", "(", ")", ",", "月", "a"]), max_size=30).map("".join))
def test_punctuation_chains_convert_in_one_pass(text: str) -> None:
    """Runs of marks and parentheses, however they nest or chain: one pass reaches the end."""
    once = fix_punctuation(text)
    assert fix_punctuation(once) == once
