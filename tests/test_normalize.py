"""The normalization stage, rule by rule (each row named for its quirk), then the seed."""

from __future__ import annotations

import re

import pytest

from bulletins.ingest.normalize import (
    PUNCTUATION_RULES,
    WHITESPACE_RULES,
    clean_paragraphs,
    fix_punctuation,
    looks_machine_punctuated,
    normalize_whitespace,
)
from bulletins.ingest.pinyin import is_reading, strip_pinyin_annotations
from bulletins.ingest.script import (
    SIMPLIFIED,
    TRADITIONAL,
    UNKNOWN,
    convert_script,
    converter,
    detect_script,
    to_simplified_config,
)
from support.shared import SEED, require

# --- whitespace rules: (rule name, raw, expected) ---------------------------------------------

WHITESPACE_CASES = [
    ("html-entity", "渝中区&nbsp;政府", "渝中区 政府"),
    ("html-entity", "研究&amp;部署", "研究&部署"),
    ("html-entity", "&#37325;&#x5e86;市", "重庆市"),
    ("html-entity", "double-escaped&amp;nbsp;space", "double-escaped space"),
    ("html-entity", "zero&#8203;width", "zerowidth"),
    ("html-entity", "a&amp;amp;amp;lt;b", "a<b"),
    ("html-entity", "&nbsp&nbsp渝中区", "渝中区"),
    ("html-entity", "R&D部门 &copy &unknown; a&b", "R&D部门 &copy &unknown; a&b"),
    ("html-entity", "https://a.cn/?q=1&amp=2&nbspx=3", "https://a.cn/?q=1&amp=2&nbspx=3"),
    ("invisible", "渝\u200b中\u200c区\u200d政\u2060府\ufeff", "渝中区政府"),
    ("invisible", "soft\u00adhyphen and \u202ebidi\u202c marks", "softhyphen and bidi marks"),
    ("invisible", "control\x00\x07\x1b\x7f\x9fchars", "controlchars"),
    ("invisible", "渝&\u200bnbsp;中", "渝 中"),
    ("line-break", "第一段\r\n第二段\r第三段", "第一段\n第二段\n第三段"),
    (
        "line-break",
        "第一段\u2028第二段\u2029第三段\f第四段\x85第五段",
        "第一段\n第二段\n第三段\n第四段\n第五段",
    ),
    ("space-run", "会议\t\t指出", "会议 指出"),
    ("space-run", "会议\u00a0\u3000\u2002 指出", "会议 指出"),
    ("space-run", "  \u3000会议指出。 \n\t全区上下 ", "会议指出。\n全区上下"),
    ("space-run", "返回波兰 。", "返回波兰 。"),
    ("blank-lines", "第一段\n\n\n第二段\n \n\u3000\n第三段", "第一段\n第二段\n第三段"),
]


@pytest.mark.parametrize(
    ("rule", "raw", "expected"),
    [pytest.param(*case, id=f"{case[0]}:{case[1][:12]!r}") for case in WHITESPACE_CASES],
)
def test_normalize_whitespace(rule: str, raw: str, expected: str) -> None:
    assert normalize_whitespace(raw) == expected


# --- punctuation rules ------------------------------------------------------------------------

PUNCTUATION_CASES = [
    ("beside-han", "央视网消息(新闻联播)：", "央视网消息（新闻联播）："),
    ("parenthesis-pair", "GDP(国内生产总值)", "GDP（国内生产总值）"),
    ("parenthesis-pair", "规划(2021-2025年)", "规划（2021-2025年）"),
    ("parenthesis-pair", "刚果(金)", "刚果（金）"),
    ("parenthesis-pair", "加入世界贸易组织(WTO)后", "加入世界贸易组织（WTO）后"),
    ("parenthesis-pair", "f(x) = sin(x)", "f(x) = sin(x)"),
    ("parenthesis-pair", "中(a(b)c)", "中（a(b)c）"),
    ("chain", "(a(中)c)", "（a（中）c）"),
    ("parenthesis-pair", "(a(b)c)", "(a(b)c)"),
    ("parenthesis-pair", "(1)\n(2)中", "(1)\n（2）中"),
    ("beside-han", "今天(9月1日）上午", "今天（9月1日）上午"),
    ("beside-han", "((中", "（（中"),
    ("beside-han", "今天（9月1日)上午", "今天（9月1日）上午"),
    ("beside-han", "2月28日,重庆市", "2月28日，重庆市"),
    ("beside-han", "“开门红”,“开门稳”", "“开门红”，“开门稳”"),
    ("beside-han", "收购1,000亿斤", "收购1,000亿斤"),
    ("beside-han", "Hello, world", "Hello, world"),
    ("comma-after-percent", "同比增长8.7%,31个省份", "同比增长8.7%，31个省份"),
    ("comma-after-percent", "rates of 5%, 6%", "rates of 5%, 6%"),
    ("beside-han", "收尾阶段;东北", "收尾阶段；东北"),
    ("beside-han", "会议指出:一年之计", "会议指出：一年之计"),
    ("beside-han", "比分3:2,时间12:30", "比分3:2，时间12:30"),
    ("beside-han", "网址:https://www.gov.cn/", "网址：https://www.gov.cn/"),
    ("beside-han", "怎么办?要狠抓", "怎么办？要狠抓"),
    ("url", "见https://a.cn/q?id=1", "见https://a.cn/q?id=1"),
    ("url", "中://a.cn", "中://a.cn"),
    ("url", "中)://a.cn", "中）://a.cn"),
    ("beside-han", "大力营造!", "大力营造！"),
    ("beside-han", "什么?!", "什么？！"),
    ("beside-han", "中,,,;", "中，，，；"),
    ("chain", "(a),中", "（a），中"),
    ("chain", "()()()()(月", "（）（）（）（）（月"),
    ("chain", "中(:)x", "中（：）x"),
    ("chain", "x(,)x", "x(,)x"),
]


@pytest.mark.parametrize(
    ("rule", "raw", "expected"),
    [pytest.param(*case, id=f"{case[0]}:{case[1][:14]!r}") for case in PUNCTUATION_CASES],
)
def test_fix_punctuation(rule: str, raw: str, expected: str) -> None:
    assert fix_punctuation(raw) == expected
    assert fix_punctuation(expected) == expected  # a second pass changes nothing


def test_every_rule_has_a_test_row() -> None:
    covered = {case[0] for case in WHITESPACE_CASES + PUNCTUATION_CASES}
    assert {rule.name for rule in WHITESPACE_RULES + PUNCTUATION_RULES} == covered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2月28日,重庆市渝中区政府,研究部署", True, id="ascii-commas-throughout"),
        pytest.param("这是什么?", True, id="one-ascii-mark-no-full-width"),
        pytest.param("其中,快递业务量，同比增长，超过", False, id="stray-ascii-comma-in-full-width-text"),
        pytest.param("收购1,000亿斤，比分3:2", False, id="numbers-are-not-beside-han"),
        pytest.param("Hello, world", False, id="latin-only"),
    ],
)
def test_looks_machine_punctuated(text: str, expected: bool) -> None:
    assert looks_machine_punctuated(text) is expected


# --- pinyin annotations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("渝中區(qū)政府", "渝中區政府", id="tone-mark-after-traditional"),
        pytest.param("经(jīng)济(jì)", "经济", id="tone-marks-after-simplified"),
        pytest.param("向着(zhe)构建", "向着构建", id="neutral-tone-without-mark"),
        pytest.param("的(de)可(kě)能(néng)", "的可能", id="neutral-and-marked-in-a-row"),
        pytest.param("长(zhǎng)期", "长期", id="heteronym-not-the-first-reading"),
        pytest.param("区(qu1)县(xian4)", "区县", id="tone-numbers"),
        pytest.param("着(zhe5)", "着", id="tone-number-five-for-neutral"),
        pytest.param("区(qu)县", "区县", id="toneless"),
        pytest.param("区(QU)", "区(QU)", id="capitals-are-an-acronym-and-stay"),
        pytest.param("区(qu\u0304)", "区", id="combining-macron"),
        pytest.param("绿(lv4)地(dì)", "绿地", id="v-for-u-umlaut"),
        pytest.param("區(qū)(qū)", "區", id="repeated-annotation"),
        pytest.param("區(qū)(jīn)(qū)", "區(jīn)(qū)", id="chain-stops-at-a-non-reading"),
        pytest.param("(2021-2025年)", "(2021-2025年)", id="years-in-parentheses-stay"),
        pytest.param("刚果(金)", "刚果(金)", id="han-in-parentheses-stays"),
        pytest.param("GDP(国内生产总值)", "GDP(国内生产总值)", id="gloss-stays"),
        pytest.param("(新闻联播)", "(新闻联播)", id="programme-name-stays"),
        pytest.param("中(guo)国", "中(guo)国", id="reading-of-another-character-stays"),
        pytest.param("中国(China)", "中国(China)", id="english-gloss-stays"),
        pytest.param("世贸组织(wto)", "世贸组织(wto)", id="lower-case-acronym-stays"),
        pytest.param("区 (qū)", "区 (qū)", id="not-adjacent-stays"),
        pytest.param("(qū)开头", "(qū)开头", id="no-character-before-stays"),
    ],
)
def test_strip_pinyin_annotations(raw: str, expected: str) -> None:
    assert strip_pinyin_annotations(raw) == expected


def test_annotation_made_before_conversion_reads_the_twin() -> None:
    """瞭解 was 了解 when it was annotated: 瞭 alone never reads ``le``."""
    raw = "記者瞭(le)解到,闡明瞭(le)立場"
    assert strip_pinyin_annotations(raw) == raw
    assert strip_pinyin_annotations(raw, twin=converter("t2s").convert) == "記者瞭解到,闡明瞭立場"


@pytest.mark.parametrize(
    ("char", "annotation", "expected"),
    [
        pytest.param("區", "ōu", True, id="rare-heteronym"),
        pytest.param("发", "fà", True, id="reading-of-the-traditional-twin"),
        pytest.param("金", "jin", True, id="toneless-reading"),
        pytest.param("金", "jīng", False, id="near-miss"),
        pytest.param("果", "jīn", False, id="reading-of-the-next-character"),
    ],
)
def test_is_reading(char: str, annotation: str, expected: bool) -> None:
    assert is_reading(char, annotation) is expected


# --- script -----------------------------------------------------------------------------------

# t2s changes each of these in some OpenCC version; 1.4.2 still changes the last four
SIMPLIFIED_WITH_TRAPS = "覆盖全区。蒜薹丰收。乾隆年间的《樂府》抄本，王丙乾同志，破坏土耳其的李奕昇。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("渝中區政府區長黃茂軍主持召開", TRADITIONAL, id="traditional"),
        pytest.param("渝中区政府区长黄茂军主持召开", SIMPLIFIED, id="simplified"),
        pytest.param(SIMPLIFIED_WITH_TRAPS, SIMPLIFIED, id="simplified-quoting-traditional"),
        pytest.param("2022年2月28日", UNKNOWN, id="no-script-specific-character"),
        pytest.param("", UNKNOWN, id="empty"),
    ],
)
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        pytest.param("區政府經濟發展", "simplified", "区政府经济发展", id="traditional-to-simplified"),
        pytest.param(
            SIMPLIFIED_WITH_TRAPS,
            "simplified",
            SIMPLIFIED_WITH_TRAPS,
            id="simplified-never-through-t2s",
        ),
        pytest.param(
            "帶著使命，著力推動，為民",
            "simplified",
            "带着使命，着力推动，为民",
            id="taiwan-forms-use-tw2s",
        ),
        pytest.param("堅持讀原著,爲民", "simplified", "坚持读原著,为民", id="opencc-forms-use-t2s"),
        pytest.param("区政府经济发展", "traditional", "區政府經濟發展", id="simplified-to-traditional"),
        pytest.param("區政府經濟發展", "traditional", "區政府經濟發展", id="traditional-stays-traditional"),
        pytest.param("區政府經濟發展", "keep", "區政府經濟發展", id="keep"),
    ],
)
def test_convert_script(text: str, target: str, expected: str) -> None:
    assert convert_script(text, target) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("為人民服務，眾志成城", "tw2s", id="taiwan-forms"),
        pytest.param("爲人民服務，衆志成城", "t2s", id="opencc-forms"),
        pytest.param("人民", "t2s", id="neither"),
    ],
)
def test_to_simplified_config(text: str, expected: str) -> None:
    assert to_simplified_config(text) == expected


# --- the stage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "script", "expected"),
    [
        pytest.param(
            "渝中區(qū)政府,發(fā)展(新聞聯播)",
            "simplified",
            ("渝中区政府，发展（新闻联播）",),
            id="all-dirt-at-once",
        ),
        pytest.param("渝中區(qū)政府,發(fā)展", "keep", ("渝中區政府，發展",), id="keep-script-still-cleans"),
        pytest.param(
            "剛果(金)和(hé)GDP(國內生產總值),《規劃(2021-2025年)》",
            "simplified",
            ("刚果（金）和GDP（国内生产总值），《规划（2021-2025年）》",),
            id="text-in-parentheses-stays-in-full-width",
        ),
        pytest.param("渝中区(qū)政府,发展", "traditional", ("渝中區政府，發展",), id="to-traditional"),
        pytest.param(
            "\n\n  第一段 \r\n\u3000\n第二段\u200b\n",
            "simplified",
            ("第一段", "第二段"),
            id="blank-and-padded-lines",
        ),
        pytest.param(" \n\u3000\u200b\n", "simplified", (), id="nothing-but-whitespace"),
        pytest.param(
            "其中,快递业务量（不包含邮政集团包裹业务）同比增长，超过“2022中国(曲阜)国际孔子文化节”。",
            "simplified",
            ("其中,快递业务量（不包含邮政集团包裹业务）同比增长，超过“2022中国(曲阜)国际孔子文化节”。",),
            id="clean-text-keeps-its-stray-ascii",
        ),
        pytest.param(
            SIMPLIFIED_WITH_TRAPS,
            "simplified",
            (SIMPLIFIED_WITH_TRAPS,),
            id="clean-text-keeps-its-characters",
        ),
    ],
)
def test_clean_paragraphs(raw: str, script: str, expected: tuple[str, ...]) -> None:
    assert clean_paragraphs(raw, script) == expected


@pytest.mark.parametrize(
    ("step", "raw", "expected"),
    [
        pytest.param(fix_punctuation, "中" + "," * 20_000, "中" + "，" * 20_000, id="comma-run"),
        pytest.param(fix_punctuation, "(" * 5_000 + "中", "（" * 5_000 + "中", id="parenthesis-run"),
        pytest.param(fix_punctuation, "()" * 5_000 + "(月", "（）" * 5_000 + "（月", id="parenthesis-chain"),
        pytest.param(fix_punctuation, "(" * 5_000 + "中" + ")" * 5_000, "（" * 5_000 + "中" + "）" * 5_000, id="nest"),
        pytest.param(strip_pinyin_annotations, "区" + "(qū)" * 5_000, "区", id="annotation-chain"),
        pytest.param(normalize_whitespace, "&" + "amp;" * 20_000 + "lt;", "<", id="escaping-depth"),
    ],
)
def test_long_runs_are_handled_in_one_pass(step, raw: str, expected: str) -> None:
    """Hostile input: each of these would take quadratic time if each pass fixed one item."""
    assert step(raw) == expected


def test_unknown_script_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown script 'klingon'"):
        clean_paragraphs("文本", "klingon")


# --- the seed ---------------------------------------------------------------------------------

SEED_FIRST = (
    "2月28日，重庆市渝中区政府区长黄茂军主持召开区政府第5次常务会议，研究部署一季度经济运行、"
    "区人大代表建议及政协委员提案办理工作，审议《重庆市渝中区应急管理“十四五”规划》"
    "《重庆市渝中区数字经济“十四五”发展规划》。"
)
SEED_LAST = "渝中区领导黄孝明、邓光怀、梁栋、陈平、艾正兵、罗毅、朱荣堂、高琳参加。"
_ANY_PARENTHESISED_LATIN = re.compile(r"\([^()\u3400-\u9fff]*[a-zA-Z][^()\u3400-\u9fff]*\)")


@pytest.fixture(scope="module")
def seed_raw() -> bytes:
    return require(SEED).read_bytes()


def test_seed_file_ends_with_the_full_stop(seed_raw: bytes) -> None:
    # The file is 5,288 bytes of UTF-8 and ends with 参加 and U+3002 (e3 80 82), with no final
    # newline and no "2" after it: a "2" seen right after 参加。 on a terminal is the next
    # output running on from the unterminated last line, not part of the bulletin.
    assert seed_raw.endswith("參加。".encode())
    assert seed_raw.count(b"\n") == 6


def test_seed_cleans_to_seven_simplified_paragraphs(seed_raw: bytes) -> None:
    paragraphs = clean_paragraphs(seed_raw.decode("utf-8"))
    assert len(paragraphs) == 7
    assert paragraphs[0] == SEED_FIRST
    assert paragraphs[-1] == SEED_LAST
    body = "\n".join(paragraphs)
    assert not _ANY_PARENTHESISED_LATIN.search(body)
    assert not re.search("[(),]", body)
    assert detect_script(body) == SIMPLIFIED
    assert "带着使命" in body and "着力推动" in body  # Taiwan-form 著 back to 着


def test_seed_loses_nothing_but_its_dirt(seed_raw: bytes) -> None:
    """Derive the expectation independently: drop every parenthesised Latin run, make every
    ASCII comma full-width, convert with tw2s; the cleaned body must be exactly that."""
    raw = seed_raw.decode("utf-8")
    annotations = _ANY_PARENTHESISED_LATIN.findall(raw)
    assert len(annotations) == 128
    expected = converter("tw2s").convert(_ANY_PARENTHESISED_LATIN.sub("", raw).replace(",", "，"))
    assert "\n".join(clean_paragraphs(raw)) == expected
