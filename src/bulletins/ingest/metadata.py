"""Cleaned paragraphs + what the source and context said -> ``Metadata``.

Each field has one small rule: dates in ``dates``; presider, attendees, documents, 文号
and the government a text names in ``entities``; keywords in ``keywords``. This module
holds the rules about the shape of a bulletin (its lead, the frame of an official
document, the generated title, the summary, the category) and puts the fields together.
What the source or the context gives explicitly always wins over what is read from the
text; a text in Traditional is read through a Simplified copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from bulletins.ingest import gazette
from bulletins.ingest.dates import resolve_date
from bulletins.ingest.keywords import extract_keywords
from bulletins.ingest.mentions import (
    find_doc_number,
    find_documents,
    find_government,
    find_meeting,
    find_named,
    find_people,
    find_presider,
    government_name,
    region_of,
    trailing_name,
)
from bulletins.ingest.normalize import visible
from bulletins.ingest.script import (
    SIMPLIFIED,
    TRADITIONAL,
    convert_script,
    converter,
    detect_script,
)
from bulletins.ingest.signing import last_signature, signed
from bulletins.models import BulletinError, Metadata, RawBulletin

logger = logging.getLogger(__name__)

MAX_TITLE = 30
MAX_SUMMARY = 120

# --- lead, headline, summary -------------------------------------------------------------

# News-agency datelines and a leading bare date clause: not part of what the bulletin says.
_DATELINE = re.compile(
    r"^(?:[^，,。：:；\s]{1,24}?(?:消息|讯)\s*(?:[（(][^）)]{1,16}[）)]\s*[：:]?|[：:]|\s)"
    r"|新华社[^，,。：:]{0,16}?电\s*(?:[（(][^）)]{1,20}[）)])?)\s*"
)
# A leading clause that only says when: ``2月28日，`` ``今天（9月14日），`` ``当地时间16日上午，``.
_LEADING_WHEN = re.compile(
    r"^(?=[^，,。]{2,24}[，,])(?:当地时间|北京时间)?"
    r"(?:今天|昨天|近日|日前|目前|截至目前|今年以来|近年来|近期|(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?"
    r"(?:[（(][^）)]{1,12}[）)])?(?:凌晨|上午|下午|晚上|晚间|中午|傍晚|早上)?(?:\d{1,2}[时点](?:\d{1,2}分)?许?)?"
    r"[，,]\s*"
)
# A leading clause that only says where the news comes from: ``记者从区商务委获悉，``.
_LEADING_SOURCE = re.compile(
    r"^(?:(?:本报)?记者|笔者)?(?:近日|今天)?(?:从|在)?[^，,。]{0,20}(?:获悉|了解到|得知)[，,：:]\s*"
    r"|^据[^，,。]{1,20}(?:消息|介绍|统计|报道)[，,：:]\s*"
)
_SENTENCE_END = "。！？!?"
_CLAUSE_END = "，,；;：:、"
_HEADLINE_CLAUSE_END = "，,；;：:"
_WHITESPACE = re.compile(r"\s+")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _one_line(text: str) -> str:
    """A value given by the operator or the source (publisher, region, category) on one line,
    without the characters that are never shown (a bidi override could reorder what it shows)."""
    return _WHITESPACE.sub(" ", visible(text)).strip()


def _keep_exactly(text: str) -> str:
    """A value given by the source, unchanged except that line breaks become spaces and the
    characters the text loses as invisible (zero-width, bidi controls, control characters) go."""
    return _LINE_BREAKS.sub(" ", visible(text))


# --- the frame of an official document (公文): 文号, 标题, 主送机关, 落款 ---------------------

_DOC_NUMBER_LINE = re.compile(r"^\S{1,16}[〔\[［【（(]\s*(?:19|20)\d{2}\s*[〕\]］】）)]\s*第?\d{1,4}\s*号$")
_DOC_TITLE_LINE = re.compile(
    r"^[^。，,；;！？]{4,80}(?:通知|通报|决定|意见|通告|公告|公示|批复|办法|规定|方案|函|报告|请示|纪要|细则|规划|公报|命令|令)$"
)
_ADDRESSEE_LINE = re.compile(r"^(?!.*(?:决定|如下|研究|经|为))[^。！？]{2,80}[：:]$")


def _is_frame(paragraph: str) -> bool:
    return any(rule.match(paragraph) for rule in (_DOC_NUMBER_LINE, _DOC_TITLE_LINE, _ADDRESSEE_LINE))


def document_title(paragraphs: tuple[str, ...]) -> str:
    """The title line of an official document among its first lines, or ``""``."""
    for paragraph in paragraphs[:3]:
        line = _one_line(paragraph)
        if _DOC_TITLE_LINE.match(line) and not _ADDRESSEE_LINE.match(line):
            return line
    return ""


def lead_text(paragraphs: tuple[str, ...]) -> str:
    """The first paragraph that says something, without its dateline, after an official
    document's 文号, title and addressee lines."""
    for i, paragraph in enumerate(paragraphs):
        text = _DATELINE.sub("", _one_line(paragraph), count=1).strip()
        if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text) and not _is_frame(text):
            if text.endswith(("：", ":")) and i + 1 < len(paragraphs):
                text += _one_line(paragraphs[i + 1])  # 经区政府研究决定：+ what was decided
            return text
    return ""


def cut_at_boundary(text: str, limit: int, ellipsis: str = "", clause_marks: str = _CLAUSE_END) -> str:
    """TEXT if it fits LIMIT, else its longest prefix ending at a sentence end, else at a
    clause end, else at a word boundary (jieba), with ELLIPSIS appended within LIMIT."""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    window = text[: room + 1]
    for marks in (_SENTENCE_END, clause_marks):
        cut = max(window.rfind(mark, 0, room + 1) for mark in marks)
        if cut >= room // 3:
            if marks is _SENTENCE_END:
                return window[: cut + 1]
            return window[:cut] + ellipsis
    return _cut_at_word(text, room) + ellipsis


def _cut_at_word(text: str, room: int) -> str:
    from bulletins.ingest.keywords import segment

    out = ""
    for word in segment(text[: room + 8]):
        if len(out) + len(word) > room:
            break
        out += word
    return out or text[:room]


def generate_headline(paragraphs: tuple[str, ...], lead: str | None = None) -> str:
    """A short headline (<= 30 characters) from the lead: its first clause after any clause
    that only says when (joined with the next while shorter than 8 characters), cut at a
    word boundary when still too long. LEAD: ``lead_text(paragraphs)`` when known."""
    lead = lead_text(paragraphs) if lead is None else lead
    lead = _LEADING_SOURCE.sub("", _LEADING_WHEN.sub("", lead, count=1), count=1)
    sentence = re.split(r"[。！？!?]", lead, maxsplit=1)[0]
    marks = _HEADLINE_CLAUSE_END
    clauses = re.findall(rf"[^{marks}]+[{marks}]?", sentence)
    headline = clauses[0] if clauses else ""
    for clause in clauses[1:]:
        if len(headline.rstrip(marks)) >= 8 or len(headline + clause) > MAX_TITLE + 1:
            break
        headline += clause
    headline = _drop_leading_offices(headline.rstrip(marks + " "))
    headline = _close_brackets(cut_at_boundary(headline, MAX_TITLE, clause_marks=marks))
    return headline.rstrip(_CLAUSE_END + " ") or lead[:MAX_TITLE].strip()


_OFFICE_CHAIN = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,14}?(?:常委|委员|书记|主席|总理|委员长|部长|主任|省长|市长|区长|县长|秘书长|领导)、?)+"
)


def _drop_leading_offices(clause: str) -> str:
    """``中共中央政治局常委、国务院副总理丁薛祥出席…`` -> ``丁薛祥出席…``: headlines name people
    without their offices."""
    chain = _OFFICE_CHAIN.match(clause)
    if chain is None or chain.group(0).endswith("、"):
        return clause
    for size in (3, 2):
        name = clause[chain.end() : chain.end() + size]
        if len(name) == size and trailing_name(chain.group(0) + name) == name:
            return clause[chain.end() :]
    return clause


_BRACKETS = {"《": "》", "“": "”", "（": "）", "〈": "〉", "「": "」", "【": "】"}


def _close_brackets(text: str) -> str:
    """TEXT cut before its last unclosed bracket, when that leaves a few characters."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            stack.append(i)
        elif stack and ch == _BRACKETS[text[stack[-1]]]:
            stack.pop()
    if stack and stack[0] >= 4:
        return text[: stack[0]]
    return text


def shorten_document_title(title: str) -> str:
    """An official title within 30 characters: whole, else from its ``关于``, else cut at a word."""
    if len(title) > MAX_TITLE and "关于" in title:
        title = title[title.index("关于") :]
    return _close_brackets(cut_at_boundary(title, MAX_TITLE)) if len(title) > MAX_TITLE else title


def generate_title(presider: str, meeting: str, paragraphs: tuple[str, ...], lead: str | None = None) -> str:
    """An official document's own title line; ``{presider}主持召开{meeting}`` for a meeting
    bulletin; else a headline from the lead (LEAD: ``lead_text(paragraphs)`` when known).
    Never more than 30 characters."""
    own = document_title(paragraphs)
    if own:
        return shorten_document_title(own)
    if presider and meeting:
        title = f"{presider}主持召开{meeting}"
        if len(title) <= MAX_TITLE:
            return title
    return generate_headline(paragraphs, lead)


def summarize(paragraphs: tuple[str, ...]) -> str:
    """内容概述: the lead, at most 120 characters, cut at a sentence or clause boundary."""
    return _summary(lead_text(paragraphs))


def _summary(lead: str) -> str:
    return cut_at_boundary(lead, MAX_SUMMARY, ellipsis="…")


# --- category ----------------------------------------------------------------------------

CATEGORY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("人事任免", re.compile(r"(?:任免|任命|免去|聘任)[^。]*(?:通知|决定)$")),
    ("通知公告", re.compile(r"(?:通知|公告|通告|公示)$")),
    ("常务会议", re.compile(r"常务会议")),
    ("全体会议", re.compile(r"全体(?:（扩大）)?会议")),
    ("专题会议", re.compile(r"专题(?:会议|会|研究)")),
    ("座谈会", re.compile(r"座谈会")),
    ("人事任免", re.compile(r"任免|任命|免去[^。]{0,30}职务")),
    ("通知公告", re.compile(r"通知|公告|通告|公示")),
    ("会议", re.compile(r"会议|召开|主持")),
)
DEFAULT_CATEGORY = "综合"


def classify(title: str, lead: str) -> str:
    """主题分类 by the first rule of ``CATEGORY_RULES`` that matches the title, else the lead.

    The rules run from the most specific to the least: a personnel notice (…任免…的通知) is
    人事任免; any other title ending in 通知/公告 is a notice even when it names a meeting; then the meeting kinds
    (常务会议 — a government's
    executive meeting —, 全体会议, 专题会议, 座谈会); then 人事任免 (appointments, which
    full meetings also decide, hence after them); then any notice; then any other meeting.
    A bulletin that matches none is ``综合``.
    """
    for text in (title, lead):
        for name, pattern in CATEGORY_RULES:
            if pattern.search(text):
                return name
    return DEFAULT_CATEGORY


# --- the stage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TextFields:
    """What the text of a bulletin tells (``read_fields``); the source and context may override."""

    title: str  # generated; "" when the source gives a title
    category: str
    publisher: str
    region: str
    doc_number: str
    presider: str
    people: tuple[str, ...]
    documents: tuple[str, ...]
    keywords: tuple[str, ...]
    summary: str

    def written_back(self, back: Callable[[str], str]) -> TextFields:
        """Every value passed through BACK (Simplified -> the text's own script)."""
        values = {}
        for item in fields(self):
            value = getattr(self, item.name)
            values[item.name] = tuple(map(back, value)) if isinstance(value, tuple) else back(value)
        return TextFields(**values)


def read_fields(paragraphs: tuple[str, ...], title: str | None, sign: tuple[str, dt.date] | None) -> TextFields:
    """Every field the text tells, from Simplified PARAGRAPHS (TITLE: the source's, if any; SIGN:
    their 落款 and its date, ``signing.signed``)."""
    lead = lead_text(paragraphs)
    presider = find_presider(paragraphs)
    people = find_people(paragraphs)
    generated = "" if title else _one_line(generate_title(presider, find_meeting(paragraphs), paragraphs, lead))
    government = find_government(re.split(r"[。！？!?]", lead, maxsplit=1)[0])
    signer = sign[0] if sign else last_signature(paragraphs)
    publisher = signer or (government_name(government) if government else "")
    return TextFields(
        title=generated,
        category=classify(title or generated, lead),
        publisher=publisher,
        region=region_of(publisher) or government,
        doc_number=find_doc_number(paragraphs),
        presider=presider,
        people=people,
        documents=tuple(_one_line(d) for d in find_documents(paragraphs)),
        keywords=extract_keywords(title or generated, paragraphs, exclude=(presider, *people, *find_named(paragraphs))),
        summary=_summary(lead),
    )


def reading_copy(paragraphs: tuple[str, ...], script: str) -> tuple[tuple[str, ...], Callable[[str], str]]:
    """PARAGRAPHS in Simplified for the rules to read, and how to write a value found there
    back in the text's own script.

    Articles written in Traditional (``--script traditional`` or ``keep`` on a Traditional
    source) are read through OpenCC; a value goes back character by character as this text
    writes it (OpenCC converts almost one to one), else through ``s2t``.
    """
    text = "\n".join(paragraphs)
    if script == SIMPLIFIED or detect_script(text) != TRADITIONAL:
        return paragraphs, _same
    simplified = convert_script(text, SIMPLIFIED)
    own: dict[str, str] = {}
    if len(simplified) == len(text):
        for plain, written in zip(simplified, text):
            if plain != written:
                own.setdefault(plain, written)
    s2t = converter("s2t").convert

    def back(value: str) -> str:
        return "".join(own.get(ch) or s2t(ch) for ch in value)

    return tuple(simplified.split("\n")), back


def _same(value: str) -> str:
    return value


def extract_metadata(raw: RawBulletin, paragraphs: tuple[str, ...]) -> Metadata:
    """Cleaned paragraphs + what the source/context said -> Metadata.

    Paragraphs in Traditional are read through a Simplified copy (``reading_copy``). Raises
    ``BulletinError`` (``MissingYear`` among them) when the bulletin has no usable date (none,
    one without a year and no context year, one that does not exist, a source date that
    cannot be read) or no title (none given and no lead to make one). Its message is the
    reason only; the caller knows the place.
    """
    context = raw.context
    paragraphs = tuple(p for p in paragraphs if p.strip())
    reading, back = reading_copy(paragraphs, context.script)
    sign = signed(reading)
    date, date_source = resolve_date(raw.date, paragraphs, context.year, sign[1] if sign else None)
    source_title = _keep_exactly(raw.title) if raw.title and raw.title.strip() else None
    title_read = convert_script(source_title, SIMPLIFIED) if source_title and back is not _same else source_title
    found = read_fields(reading, title_read, sign)
    if back is not _same:
        found = found.written_back(back)
    if source_title is None and not found.title:
        raise BulletinError("no title: the source gives none and the text has no lead to make one")
    publisher = _one_line(context.publisher or "") or found.publisher
    metadata = Metadata(
        title=source_title or found.title,
        date=date,
        date_precision="day",
        date_source=date_source,
        title_source="source" if source_title else "generated",
        category=_one_line(context.category or "") or found.category,
        publisher=publisher,
        region=_one_line(context.region or "") or region_of(publisher) or found.region,
        doc_number=found.doc_number,
        presider=found.presider,
        people=found.people,
        documents=found.documents,
        keywords=found.keywords,
        summary=found.summary,
    )
    life = gazette.document_life(title_read or (found.title if back is _same else ""), reading, date, context.issue)
    metadata = dataclasses.replace(metadata, **gazette.metadata_values(life, back))
    logger.debug("%s: %s (%s, %s)", raw.where, metadata.title, metadata.date, metadata.date_source)
    return metadata
