"""主题词: up to eight keywords by jieba's TF-IDF, deterministic, without filler or numbers.

jieba is loaded lazily, once per process, the first time keywords are asked for; its
start-up message is silenced. Only the first ``MAX_CHARS`` characters are read: the subject
of a bulletin is in its first paragraphs, and this bounds the cost of very long texts.
"""

from __future__ import annotations

import functools
import logging
import re

MAX_KEYWORDS = 8
MAX_CHARS = 400

# Words every bulletin uses: they say nothing about this one.
STOP_WORDS = frozenset(
    """
    工作 会议 强调 指出 要求 进一步 推动 推进 加强 坚持 全面 深入 扎实 切实 持续 研究 部署
    加快 做好 抓好 确保 提升 落实 有关 相关 认真 积极 主动 重要 重点 各项 全力 不断 着力
    围绕 主持 召开 举行 出席 参加 列席 讲话 表示 同志 领导 方面 问题 情况 时间 目前 当前
    今年 去年 一是 二是 三是 以及 我们 他们 这个 一个 进行 开展 实施 听取 审议 通过 会上
    """.split()
)
_NUMBERISH = re.compile(r"^[\d０-９.,%．，％〇零一二三四五六七八九十百千万亿第次年月日号]+$")


@functools.lru_cache(maxsize=1)
def _tfidf():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.analyse.TFIDF()


def segment(text: str) -> list[str]:
    """TEXT cut into words by jieba (same dictionary as the keywords)."""
    return _tfidf().tokenizer.lcut(text)


def extract_keywords(title: str, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The bulletin's keywords, best first; the same text always gives the same keywords."""
    text = "\n".join((title, *paragraphs))[:MAX_CHARS]
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", text):
        return ()
    keywords = []
    for word in _tfidf().extract_tags(text, topK=MAX_KEYWORDS * 3):
        word = word.strip()
        if word and word not in STOP_WORDS and not _NUMBERISH.match(word) and len(word) <= 20:
            if not any(ch.isspace() for ch in word):
                keywords.append(word)
        if len(keywords) == MAX_KEYWORDS:
            break
    return tuple(keywords)
