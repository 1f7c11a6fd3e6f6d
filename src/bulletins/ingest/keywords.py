"""主题词: up to eight keywords by jieba's TF-IDF, deterministic, without filler or numbers.

jieba is loaded lazily, once per process, the first time keywords are asked for; its
start-up message is silenced. Keywords are read from a sample of at most ``MAX_CHARS``
characters (``topic_sample``): segmenting costs about 2 µs a character, and the sample
bounds the cost of long bulletins while still seeing every paragraph's subject.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_KEYWORDS = 8
MAX_CHARS = 400

# Words every bulletin uses: they say nothing about this one.
STOP_WORDS = frozenset(
    [
        "工作",
        "会议",
        "强调",
        "指出",
        "要求",
        "进一步",
        "推动",
        "推进",
        "加强",
        "坚持",
        "全面",
        "深入",
        "扎实",
        "切实",
        "持续",
        "研究",
        "部署",
        "加快",
        "做好",
        "抓好",
        "确保",
        "提升",
        "落实",
        "有关",
        "相关",
        "认真",
        "积极",
        "主动",
        "重要",
        "重点",
        "各项",
        "全力",
        "不断",
        "着力",
        "围绕",
        "主持",
        "召开",
        "举行",
        "出席",
        "参加",
        "列席",
        "讲话",
        "表示",
        "同志",
        "领导",
        "方面",
        "问题",
        "情况",
        "时间",
        "目前",
        "当前",
        "今年",
        "去年",
        "一是",
        "二是",
        "三是",
        "以及",
        "我们",
        "他们",
        "这个",
        "一个",
        "进行",
        "开展",
        "实施",
        "听取",
        "审议",
        "通过",
        "会上",
        "在讲话中",
        "狠抓",
        "倒逼",
        "强化",
        "提高",
        "完善",
        "健全",
        "抓实",
        "压实",
        "细化",
        "筑牢",
        "守住",
        "助力",
        "助推",
        "聚焦",
        "统筹",
        "全区",
        "全市",
        "全县",
        "全省",
        "各级",
        "各地",
        "各部门",
        "有利于",
        "发展",
    ]
)
_NUMBERISH = re.compile(r"^[\d０-９.,%．，％〇零一二三四五六七八九十百千万亿第次年月日号]+$")


@dataclass(frozen=True)
class _Model:
    tokenizer: object  # jieba.Tokenizer
    idf: dict[str, float]
    median_idf: float


@functools.lru_cache(maxsize=1)
def _model() -> _Model:
    """jieba's dictionary and the IDF table it ships (jieba/analyse/idf.txt), loaded once per
    process. The table is read directly: importing ``jieba.analyse`` would also load the
    part-of-speech tables that TextRank needs, which this stage does not use."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    idf: dict[str, float] = {}
    text = (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, value = line.strip().partition(" ")
        if value:
            idf[word] = float(value)
    ordered = sorted(idf.values())
    return _Model(jieba.dt, idf, ordered[len(ordered) // 2])


def preload() -> None:
    """Load the model now: a parent that forks workers afterwards pays for it once, not once per worker."""
    _model()


def segment(text: str) -> list[str]:
    """TEXT cut into dictionary words by jieba (no HMM guessing of unknown words)."""
    return _model().tokenizer.lcut(text, HMM=False)


_FIRST_SENTENCE = re.compile(r"^.*?(?:[。！？!?]|$)", re.DOTALL)


def topic_sample(title: str, paragraphs: tuple[str, ...]) -> str:
    """What keywords are read from: the title, the lead, and the first sentence of every
    later paragraph (bulletins state each paragraph's subject first: ``会议指出，发展数字经济
    是…``), at most ``MAX_CHARS`` characters."""
    firsts = (_FIRST_SENTENCE.match(paragraph).group(0) for paragraph in paragraphs[1:])
    return "\n".join((title, *paragraphs[:1], *firsts))[:MAX_CHARS]


def extract_keywords(title: str, paragraphs: tuple[str, ...], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """The bulletin's keywords, best first; the same text always gives the same keywords.

    TF-IDF as ``jieba.analyse.extract_tags`` computes it, over dictionary words only
    (HMM off: about a third faster, and the words it would add are mostly names), ties
    broken by first occurrence. Words inside an EXCLUDE name are dropped: ``文澜`` is a
    dictionary word, but in ``区长周文澜`` it is a piece of a name, and people have their
    own field.
    """
    text = topic_sample(title, paragraphs)
    model = _model()
    names = [name for name in exclude if name]
    counts: dict[str, int] = {}
    for word in segment(text):
        if len(word) < 2 or len(word) > 20 or word in STOP_WORDS or _NUMBERISH.match(word):
            continue
        if any(ch.isspace() for ch in word) or any(word in name for name in names):
            continue
        counts[word] = counts.get(word, 0) + 1
    scores = {word: count * model.idf.get(word, model.median_idf) for word, count in counts.items()}
    return tuple(sorted(scores, key=scores.__getitem__, reverse=True)[:MAX_KEYWORDS])
