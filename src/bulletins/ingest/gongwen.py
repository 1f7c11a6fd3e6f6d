"""The parts of an official document (公文, laid out per GB/T 9704-2012), from its paragraphs.

    parse(paragraphs, aligns=None) -> Gongwen

A 公文 reads, top to bottom: 份号/密级/紧急程度, 发文机关标志 (``XX人民政府文件``), 发文字号
(``澄府发〔2025〕7号``, with 签发人 on 上行文), 标题 (centred, wrapping over 2–3 lines), 主送机关
(``各县（市、区）人民政府，市政府各部门：``), 正文, 附件说明 (``附件：1．…``), 发文机关署名 and 成文日期,
附注 (``（此件公开发布）``), the attachment pages (``附件1`` + title + content) and the 版记
(``抄送：…``, ``XX办公室 2025年3月14日印发``). A 令 has its number under its mark and its
head's office and name above the date (``gongwen_order``).

Text sources carry the paragraphs only; laid-out ones also tell how each paragraph is aligned,
which finds a title that does not end with its kind (通知, 意见...) and a signature that is not a
known kind of office. A text is taken for a 公文 only when at least two parts of its frame are
found, one of them at the top (mark, number or title): otherwise ``body`` is every paragraph
and every other field is empty, so a meeting bulletin or a news item comes out unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bulletins.ingest.dates import ascii_digits, parse_date
from bulletins.ingest.gongwen_order import head_signs, order_head, order_signature
from bulletins.ingest.gongwen_parts import (
    NUMBER,
    ORG,
    Gongwen,
    addressees,
    join_lines,
    normalize_doc_number,
    reading_lines,
    signatures,
)

MAX_TITLE_LINES = 3

# --- the lines of the frame ----------------------------------------------------------------

_KINDS = (
    "通知|通报|决定|决议|意见|通告|公告|公报|公示|批复|办法|规定|规则|细则|方案|函|复函|报告|请示|纪要|规划|命令|令"
    "|议案|指引|指南|标准|章程|条例|要点|计划|清单|目录|名单|答复|解释"
)
_TITLE_END = re.compile(rf"(?:{_KINDS})$")
_OWN_TITLE = re.compile(r"关于|(?:办法|规定|细则|条例|规则|章程|准则|守则)$")
_SKIP = re.compile(r"^(?:\d{6}|(?:绝密|机密|秘密)(?:★.*)?|特急|加急|特提|平急|急件)$")
_MARK = re.compile(r"^[^\s，。；：:][^，。；：:]{1,60}(?<!的)文件$")
_SIGNER = re.compile(r"^签发人[：:]\s*(.+)$")
_NOT_BODY = r"(?!.*(?:决定|如下|研究|现将|根据|按照|为了|经))"  # words of the body's first sentence, not of 主送
_RECIPIENTS = re.compile(rf"^{_NOT_BODY}[^。！？；]{{2,120}}[：:]$")
_RECIPIENTS_HEAD = re.compile(rf"^{_NOT_BODY}[^。！？；：:]{{2,80}}[，、,]$")
_ATTACHMENT_NOTE = re.compile(r"^附\s*件[：:]\s*(.*)$")
_ATTACHMENT_ITEM = re.compile(r"^(\d{1,2})\s*[．.、]\s*(.+)$")
_ISSUES = re.compile(r"印发《?(?P<name>[^《》]{4,60}?)》?的通知$")
_PROMULGATED = re.compile(r"^《(?P<name>[^《》]{4,60})》(?:已经|经)")  # what a 令 promulgates
_ATTACHMENT_NUMBERED = re.compile(r"^附\s*件\s*(\d{1,2})\s*[：:．.、]\s*(.+)$")  # ``附件1：甲``, a line each
_ATTACHMENT_PAGE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]{0,3}$")
_NOTE = re.compile(r"^[（(](?:此件|本件|联系人|联系电话|此文|本文件|主动公开|依申请公开|不予公开).*[）)]$")
_COPY_TO = re.compile(r"^(?:抄\s*送|分\s*送)[：:]\s*(.*?)[。．]?$")
_DATE = (
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零ＯO一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)"
)
_DATE_LINE = re.compile(rf"^(?:(?P<org>.+?)\s+)?(?P<date>{_DATE})$")
_BYLINE_DATE = re.compile(rf"^[（(]\s*(?P<date>{_DATE})\s*[）)]$")
# 题注 under a title: ``（2024年2月6日县人民政府第5次常务会议通过）``
_ADOPTED = re.compile(
    rf"^[（(][^（）()]{{0,40}}{_DATE}[^（）()]{{0,80}}(?:通过|批准|修订|修正|发布|公布)[^（）()]{{0,40}}[）)]$"
)
_PRINTED = re.compile(rf"^(?P<org>.*?)\s*(?P<date>{_DATE})\s*印\s*发$")
_TAIL_EXTRA = re.compile(r"^[（(]共印\d+份[）)]$|^主题词[：:]")
_SENTENCE = re.compile(r"[。；！？：:]")


# --- the head: 版头 and 标题, 主送机关 ----------------------------------------------------------


@dataclass
class _Reading:
    """The paragraphs and what has been read of them so far."""

    lines: tuple[str, ...]
    aligns: tuple[str, ...]
    fields: dict
    kept: tuple[int, ...] = ()  # lines of the head that stay in the body (a title's 题注)
    start: int = 0  # first body line
    end: int = 0  # one past the last 正文 line (before 附件说明 and the signature)
    appendix: tuple[int, int] | None = None  # [first, last) lines of the attachment pages

    def centred(self, i: int) -> bool:
        return i < len(self.aligns) and self.aligns[i] == "center"

    def right(self, i: int) -> bool:
        return i < len(self.aligns) and self.aligns[i] == "right"


def _read_head(r: _Reading) -> None:
    """版头 (份号, 密级, mark, number, 签发人), then the title and 主送机关, from the top."""
    i, lines, head_limit = 0, r.lines, min(len(r.lines), 8)
    while i < head_limit:
        line = lines[i]
        number = NUMBER.match(ascii_digits(line))
        if _SKIP.match(line):
            pass
        elif number and not r.fields.get("doc_number"):
            r.fields["doc_number"] = normalize_doc_number(line)
            r.fields["signer"] = (number["signer"] or "").strip()
        elif _SIGNER.match(line):
            r.fields["signer"] = _SIGNER.match(line).group(1).strip()
        elif not r.fields.get("doc_number") and (order := order_head(lines, i)):
            r.fields.update(mark=order[0], doc_number=order[1], title=r.fields.get("title") or order[1])
            i += order[2] + _read_issue_line(r, i + order[2])
            continue
        elif _is_mark(line) or _letterhead_over_mark(r, i) or _second_office(r, i):
            r.fields["mark"] = (r.fields.get("mark", "") + " " + line).strip()
        elif not r.fields.get("title") and (size := _title_size(r, i)):
            r.fields["title"] = join_lines(lines[i : i + size])
            i += size + _read_byline(r, i + size)
            continue
        elif r.fields.get("title") and not r.kept and _ADOPTED.match(line):
            r.kept = (i,)  # the body's, though 主送 may follow it
        else:
            break
        i += 1
    r.start = _read_recipients(r, i)


def _read_issue_line(r: _Reading, i: int) -> int:
    """A 纪要's office and date on the line under its number (``松岭县人民政府办公室  2024年4月12日``):
    its 署名 and 成文日期; the lines taken (0 or 1)."""
    found = _DATE_LINE.match(r.lines[i]) if i < len(r.lines) and r.fields["mark"].endswith("纪要") else None
    day = parse_date(found["date"]) if found and found["org"] and ORG.match(found["org"]) else None
    if day is None:
        return 0
    r.fields.update(publisher=found["org"], date_written=day)
    return 1


def _read_byline(r: _Reading, i: int) -> int:
    """The office and its date in brackets under a title (``松岭县人民政府`` / ``（2024年1月28日）``,
    as a 报告 is published): read as its 署名 and 成文日期; the lines taken (0 or 2)."""
    if i + 1 >= len(r.lines) or not ORG.match(r.lines[i]):
        return 0
    dated = _BYLINE_DATE.match(r.lines[i + 1])
    day = parse_date(dated["date"]) if dated else None
    if day is None:
        return 0
    r.fields.update(publisher=r.lines[i], date_written=day)
    return 2


def _letterhead_over_mark(r: _Reading, i: int) -> bool:
    """Line I is a letterhead and a mark or number follows it."""
    return _is_letterhead(r, i) and i + 1 < len(r.lines) and _is_mark_or_number(r.lines[i + 1])


def _second_office(r: _Reading, i: int) -> bool:
    """Line I is the second office of a joint letterhead (``中共松岭县委办公室`` / ``松岭县人民政府办公室``
    / ``关于…的通知``): an office's name right under one read as the mark, a title of 关于 under it."""
    above = r.lines[i - 1] if i else ""
    joint = bool(ORG.match(above)) and r.fields.get("mark", "").endswith(above)
    return joint and bool(ORG.match(r.lines[i])) and i + 1 < len(r.lines) and r.lines[i + 1].startswith("关于")


def _is_letterhead(r: _Reading, i: int) -> bool:
    """An office's name alone at the top (信函格式), or any centred line without punctuation there."""
    return bool(ORG.match(r.lines[i]) or (r.centred(i) and not _SENTENCE.search(r.lines[i])))


def _is_mark(line: str) -> bool:
    """``XX人民政府文件``, or the ``文件`` that a joint header sets beside its offices' names."""
    return bool(_MARK.match(line)) or line == "文件"


def _is_mark_or_number(line: str) -> bool:
    return bool(_is_mark(line) or NUMBER.match(ascii_digits(line)) or (ORG.match(line) and len(line) <= 40))


def _title_size(r: _Reading, i: int) -> int:
    """How many lines from I make the title (0: no title there)."""
    lines = r.lines
    if r.centred(i):
        size = 1
        while size < MAX_TITLE_LINES and i + size < len(lines) and r.centred(i + size):
            if _is_mark_or_number(lines[i + size]) or _SENTENCE.search(lines[i + size]):
                break
            size += 1
        return size if not _SENTENCE.search(lines[i]) or lines[i].endswith("》") else 0
    for size in range(1, MAX_TITLE_LINES + 1):
        part = lines[i : i + size]
        if len(part) < size or any(_SENTENCE.search(line) or len(line) > 60 for line in part):
            return 0
        if size > 1 and _is_mark_or_number(part[-1]):
            return 0
        if _TITLE_END.search(part[-1]) and len(join_lines(part)) >= 4:
            return size
    return 0


def _read_recipients(r: _Reading, i: int) -> int:
    """主送机关 at line I (one line, or one ending in ``，`` and the next): the first body line."""
    lines = r.lines
    if not (r.fields.get("title") or r.fields.get("doc_number")) or i >= len(lines):
        return i
    if _RECIPIENTS.match(lines[i]):
        r.fields["recipients"] = lines[i][:-1].strip()
        return i + 1
    if i + 1 < len(lines) and _RECIPIENTS_HEAD.match(lines[i]) and _RECIPIENTS.match(lines[i + 1]):
        r.fields["recipients"] = (lines[i] + lines[i + 1])[:-1].strip()
        return i + 2
    return i


# --- the tail: 版记, 附注, attachment pages, 署名 and 成文日期, 附件说明 ------------------------------


def _printed_line(r: _Reading) -> tuple[int | None, int]:
    """The 印发 line of the 版记 and the lowest line its 抄送 may be on: right above the attachment pages
    (版记 printed after the 附注, before the attachments), else among the last lines."""
    lines = r.lines
    before = (
        i for i in range(len(lines) - 2, r.start - 1, -1)
        if _PRINTED.match(lines[i]) and _ATTACHMENT_PAGE.match(lines[i + 1])
    )  # fmt: skip
    printed = next(before, None)
    if printed is not None:
        r.appendix = (printed + 1, len(lines))
        return printed, max(r.start, printed - 5)
    low = max(r.start, len(lines) - 6)
    return next((i for i in range(len(lines) - 1, low - 1, -1) if _PRINTED.match(lines[i])), None), low


def _read_imprint(r: _Reading) -> int:
    """版记 (抄送, 印发机关 and 印发日期), at the end or before the attachment pages: where it begins."""
    lines, first = r.lines, len(r.lines)
    printed, low = _printed_line(r)
    copy = next(
        (i for i in range(low, printed if printed is not None else len(lines)) if _COPY_TO.match(lines[i])), None
    )
    if printed is not None and (day := parse_date(_PRINTED.match(lines[printed])["date"])):
        r.fields["printed_by"] = _PRINTED.match(lines[printed])["org"].strip()
        r.fields["date_printed"] = day
        first = printed
    if copy is not None:
        stop = printed if printed is not None and r.fields.get("date_printed") else min(copy + 2, len(lines))
        r.fields["copy_to"] = join_lines([_COPY_TO.match(lines[copy]).group(1), *lines[copy + 1 : stop]])
        first = copy
    while first > r.start and _TAIL_EXTRA.match(lines[first - 1]):
        first -= 1
    return first


def _after_signature(r: _Reading, k: int, imprint: int) -> tuple[list[str], tuple[int, int] | None] | None:
    """What follows a date at line K: notes, then attachment pages; None if anything else does."""
    notes, i = [], k + 1
    while i < imprint and _NOTE.match(r.lines[i]):
        notes.append(r.lines[i])
        i += 1
    if i == imprint:
        return notes, None
    if _ATTACHMENT_PAGE.match(r.lines[i]) or _ATTACHMENT_NOTE.match(r.lines[i]) or _issued_at(r, i):
        return notes, (i, imprint)  # 附件, 附件：名单 (web pages), or the document a 印发 notice issues
    return None


def _issued_at(r: _Reading, i: int) -> bool:
    """Line I is the title of what a 印发 notice issues (``关于印发《甲》的通知``) or a 令
    promulgates (``《甲》已经…通过，现予公布``), set under its date without an 附件 line, as
    many offices publish it."""
    issued = _ISSUES.search(r.fields.get("title", ""))
    if issued is None and r.fields.get("mark", "").endswith("令") and r.start < len(r.lines):
        issued = _PROMULGATED.match(r.lines[r.start])
    return issued is not None and r.lines[i].strip("《》 ") == issued["name"]


def _signature_above(r: _Reading, k: int) -> int:
    """First line of the 署名 right above line K (K itself when there is none)."""
    first = k
    while first > r.start and k - first < 3:
        line = r.lines[first - 1]
        right = r.right(first - 1) and len(line) <= 40 and not _SENTENCE.search(line)
        if not (ORG.match(line) or right or head_signs(line)):
            break
        first -= 1
    return first


def _read_signature(r: _Reading, imprint: int) -> int:
    """署名 and 成文日期 (the first that only notes, attachment pages or 版记 follow): the index of
    the first signature line, or IMPRINT when there is none."""
    strong = bool(r.fields.get("doc_number") or r.fields.get("mark"))
    for k in range(r.start, imprint):
        match = _DATE_LINE.match(r.lines[k])
        day = parse_date(match["date"]) if match else None
        if day is None or (after := _after_signature(r, k, imprint)) is None:
            continue
        first = _signature_above(r, k)
        own = match["org"] if match["org"] and ORG.match(match["org"]) else ""
        if match["org"] and not own:
            continue
        if not (own or first < k or r.right(k) or strong):
            continue
        names = [*r.lines[first:k], own] if own else r.lines[first:k]
        order = order_signature(r.fields.get("mark", ""), names)  # a 令: (its office, its head)
        publisher, signer = order or (signatures(names), r.fields.get("signer", ""))
        r.fields.update(publisher=publisher, signer=signer, date_written=day)
        r.fields["note"] = " ".join(after[0])
        r.appendix = after[1] or r.appendix
        return first
    return imprint


def _read_attachment_note(r: _Reading, end: int) -> int:
    """附件说明 right above line END (``附件：1．甲`` then ``2．乙``, or ``附件1：甲`` then
    ``附件2：乙``): the index where it begins."""
    i = end
    while i > r.start and _ATTACHMENT_NUMBERED.match(r.lines[i - 1]):
        i -= 1
    if i < end:
        names = (_ATTACHMENT_NUMBERED.match(line).group(2) for line in r.lines[i:end])
        r.fields["attachments"] = tuple(name.rstrip("。；;").strip() for name in names)
        return i
    while i > r.start and _ATTACHMENT_ITEM.match(r.lines[i - 1]):
        i -= 1
    note = _ATTACHMENT_NOTE.match(r.lines[i - 1]) if i > r.start else None
    if note is None:
        return end
    names = [note.group(1), *r.lines[i:end]]
    r.fields["attachments"] = tuple(
        _ATTACHMENT_ITEM.sub(r"\2", name).rstrip("。；;").strip() for name in names if name.strip()
    )
    return i - 1


def _accepted(fields: dict) -> bool:
    """Two parts of the frame, one at the top; a title alone at the top must be one of a 公文 (关于…)
    or of rules (…办法): a headline (``澄江市出台老旧小区改造方案``) is no 公文."""
    if not (fields.get("mark") or fields.get("doc_number")) and not _OWN_TITLE.search(fields.get("title", "")):
        return False
    top = [fields.get(k) for k in ("mark", "doc_number", "title")]
    rest = [fields.get(k) for k in ("recipients", "date_written", "copy_to", "printed_by")]
    return any(top) and sum(map(bool, top + rest)) >= 2


def parse(paragraphs: Sequence[str], aligns: Sequence[str] | None = None, title: str = "") -> Gongwen:
    """The parts of PARAGRAPHS (cleaned, non-empty) read as a 公文; ALIGNS, when given, is the
    alignment of each (``left``, ``center``, ``right``, ``justify``). TITLE: the title the source
    gives apart from its text (a web page's ``<h1>``), read as the 公文's when the text has none."""
    found = _parse(paragraphs, aligns, {})
    if found.is_official or not title.strip():
        return found
    given = " ".join(title.split())
    order = order_head((given,), 0)  # a page titled by its 令 and number: 松岭县人民政府令（第3号）
    fields = {"title": given} if order is None else {"title": given, "mark": order[0], "doc_number": order[1]}
    titled = _parse(paragraphs, aligns, fields)
    if order is not None:  # a news lead above it (``央视网消息：``) is no 主送: the page is news
        addressed = not titled.recipients or addressees(titled.recipients)
        return titled if titled.date_written and addressed else found
    if titled.recipients:
        return titled if titled.is_official and addressees(titled.recipients) else found
    # no 主送 (a 通告, a 公告): the office that signs and dates it must be the one its title names first
    signed = titled.publisher and titled.date_written and titled.title.startswith(titled.publisher)
    return titled if titled.is_official and signed else found


def _parse(paragraphs: Sequence[str], aligns: Sequence[str] | None, fields: dict) -> Gongwen:
    lines, places = reading_lines(paragraphs)  # page numbers (``— 2 —``) left out
    aligns = tuple(aligns[i] if i < len(aligns) else "" for i in places) if aligns else ()
    r = _Reading(lines, aligns, fields)
    _read_head(r)
    imprint = _read_imprint(r)
    r.end = _read_attachment_note(r, _read_signature(r, imprint))
    if not _accepted(r.fields):
        return Gongwen(body=tuple(paragraphs), body_lines=tuple(range(len(paragraphs))))
    if r.appendix and not r.fields.get("attachments"):
        named = _ATTACHMENT_NOTE.match(lines[r.appendix[0]])
        if named and named.group(1).strip():
            r.fields["attachments"] = (named.group(1).strip(),)
    index = [*r.kept, *range(r.start, r.end)]
    appendix_at = None
    if r.appendix:
        appendix_at = len(index)
        index.extend(range(*r.appendix))
    body_lines = tuple(places[i] for i in index)
    return Gongwen(
        body=tuple(paragraphs[i] for i in body_lines), body_lines=body_lines, appendix_at=appendix_at, **r.fields
    )
