"""Relations between official documents, found in the text: repeal, amendment, interpretation.

    find_relations(title, paragraphs) -> tuple[Reference, ...]

A reference is a title in 《》 with the 文号 in brackets right after it, if any
(``《青溪区河道管理办法》（青溪府发〔2020〕12号）``). What a sentence does with it decides its kind:

- ``repeals``: the sentence says 废止 outside the titles (``…同时废止``, ``原《X》…废止``,
  ``决定废止《X》``, ``关于废止《X》的决定``) or introduces a list (``决定废止以下文件：``)
  whose items follow, one per paragraph;
- ``amends``: ``关于修改《X》的决定``, ``对《X》（文号）作如下修改``, ``《X》修改如下``;
- ``interprets``: the document's own title is a 解读 of ``《X》`` (``《X》政策解读``,
  ``一图读懂《X》``, ``解读《X》``) or a formal 解释 of it or its articles (``关于对《X》第五条的
  解释``, or a body that says ``对《X》第五条作如下解释``); the body of either only cites;
- ``cites``: everything else (``根据《X》…``), and any reference in a clause that starts with
  根据/依据/按照… or says the document stays in force (``继续有效``).

Pure functions only; the lifecycle at build time (``bulletins.site.lifecycle``) matches the
references to documents of the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

REPEALS, AMENDS, INTERPRETS, CITES = "repeals", "amends", "interprets", "cites"
KINDS = (REPEALS, AMENDS, INTERPRETS)  # the kinds an article header records

# 文号: 发文机关代字 + 〔年份〕 + 序号 (any common bracket), or a 令 number (青溪区政府令第3号).
_DOC_NUMBER = (
    r"[\u4e00-\u9fffA-Za-z]{1,16}(?:[〔\[［【（(]\s*(?:19|20)\d{2}\s*[〕\]］】）)]\s*第?\s*\d{1,4}\s*号|令第\d{1,4}号)"
)
DOC_NUMBER = re.compile(_DOC_NUMBER)
_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "]": "〕", "］": "〕", "】": "〕"})
_YEAR_BRACKET = re.compile(r"[（(]\s*((?:19|20)\d{2})\s*[）)]")
_MARK = "\ue000"  # stands for one reference in a masked sentence
_SENTENCES = re.compile(r"[^。！？；;!?]+[。！？；;!?]?")
_CLAUSES = re.compile(r"[^，,：:]+[，,：:]?")
_CITING = re.compile(
    r"^\s*(?:[一二三四五六七八九十\d]+[、.．]\s*)?(?:根据|依据|按照|依照|参照|参考|遵照|对照|为贯彻|为落实|贯彻|落实)"
)
_KEEPS = re.compile(r"继续有效|继续执行|仍然有效|仍有效|不予废止|暂不废止|保留")
_REPEAL = re.compile(r"废止|予以废除|宣布失效|同时失效|停止执行|不再执行")
_MARKS = rf"{_MARK}(?:[、，,和及与]?{_MARK})*"  # one or more references in a row
_AMEND = re.compile(
    "|".join(
        (
            rf"关于(?:修改|修订|修正){_MARKS}",
            rf"决定(?:对)?(?:修改|修订|修正){_MARKS}",
            rf"对{_MARKS}(?:等[^，。；《》]{{0,15}}?)?(?:的)?(?:部分条款|部分内容|有关条款|条款|相关内容)?"
            rf"(?:予以|作|做|作出|做出|进行)(?:如下|以下|相应)?(?:的)?(?:修改|修订|修正)",
            rf"{_MARKS}(?:的)?(?:部分条款|部分内容)?(?:修改|修订|修正)如下",
            rf"将{_MARKS}[^，。；《》]{{0,20}}?(?:修改为|修订为|调整为|删去|删除)",
        )
    )
)
_AMEND_LIST = re.compile(
    r"(?:修改|修订|修正)(?:如下|以下)?[^《》]{0,12}[:：]\s*$|对(?:以下|下列)[^《》]{0,12}(?:修改|修订)"
)
_REPEAL_LIST = re.compile(
    r"废止(?:以下|下列|如下)?[^《》]{0,12}[:：]\s*$|(?:以下|下列)[^《》]{0,12}(?:予以|同时)?废止|废止的[^《》]{0,10}(?:目录|清单|名单)\s*$"
)
_CITED_BEFORE = re.compile(r"(?:根据|依据|按照|依照|参照|参考|遵照|对照|贯彻|落实|学习|宣传)[^、和及与\ue000]{0,8}$")
# what part of a document (第五条, 有关条款, 适用问题) stands between its title and the verb
_OWN_PART = r"[^，。；、《》\ue000]{0,20}?"
_INTERPRET_TITLE = re.compile(
    rf"(?:一图读懂|图解|读懂|解读|速览)[\s:：|｜】\]]*{_MARK}|{_MARK}\s*(?:的)?(?:政策)?(?:解读|图解|问答|起草说明)|关于{_MARK}的(?:政策)?(?:解读|起草说明)"
    rf"|关于(?:对)?{_MARK}{_OWN_PART}的解释$"
)
_PARTIAL = re.compile(
    r"[^，。；\ue000]{0,6}?(?:第[一二三四五六七八九十百零\d]+(?:条|款|章|项)|中的?|的?有关(?:规定|条款|内容)|的?部分(?:条款|内容))"
)
_INTERPRET_BODY = re.compile(
    rf"(?:就|对|将){_MARK}(?:的?(?:有关情况|主要内容|有关内容))?(?:进行|作)?(?:政策)?解读如下"
    rf"|对{_MARK}{_OWN_PART}(?:作|做|作出|做出)(?:如下|以下)?解释"
)
# a formal interpretation (解释) of a document or its articles: 关于对《X》第五条的解释
_IS_INTERPRETATION = re.compile(rf"解读|一图读懂|图解|政策问答|起草说明|关于(?:对)?{_MARK}{_OWN_PART}的解释$")
# a 解读 that names its original without brackets: 关于青溪区河道管理办法的政策解读, 一图读懂青溪区河道管理办法
_BARE_INTERPRETED = re.compile(
    r"^[【\[]?(?:一图读懂|图解|解读)[】\]]?[\s:：|｜]*(?P<after>[^《》]{4,60})$"
    r"|^(?:关于)?(?P<before>[^《》]{4,60}?)(?:的)?(?:政策)?(?:解读|图解|问答)$"
)
_REFERENCES_ONLY = re.compile(rf"[{_MARK}、，,：:和及与原\s]")
_LIST_ITEM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[-·•]|《)")


@dataclass(frozen=True)
class Reference:
    """One document another one names: its title (without 《》) and 文号, either may be empty."""

    kind: str  # REPEALS, AMENDS, INTERPRETS or CITES
    title: str = ""
    doc_number: str = ""

    def label(self) -> str:
        """``《X》（文号）``, ``《X》`` or ``文号``: how a header and a page write it."""
        title = f"《{self.title}》" if self.title else ""
        if title and self.doc_number:
            return f"{title}（{self.doc_number}）"
        return title or self.doc_number


def normalize_doc_number(value: str) -> str:
    """One spelling per 文号: ``青溪府发[2020]12号``, ``青溪府发（2020）第12号`` -> ``青溪府发〔2020〕12号``."""
    text = re.sub(r"\s+", "", value or "").translate(_BRACKETS)
    text = _YEAR_BRACKET.sub(r"〔\1〕", text)
    return re.sub(r"〕第(\d)", r"〕\1", text)


# --- references in one sentence ------------------------------------------------------------


def _titles(text: str) -> list[tuple[int, int, str]]:
    """Top-level 《》 groups as (start, end, inner title); nesting kept, unbalanced ends dropped."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0 and text[start + 1 : i].strip():
                found.append((start, i + 1, text[start + 1 : i].strip()))
    return found


_NUMBER_AFTER = re.compile(rf"\s*[（(]\s*({_DOC_NUMBER})\s*[）)]")


def _mask(sentence: str) -> tuple[str, list[tuple[str, str]]]:
    """The sentence with each reference (title plus a bracketed 文号 after it) replaced by one
    mark, and the references as (title, 文号) in order."""
    parts, refs, pos = [], [], 0
    for start, end, title in _titles(sentence):
        if start < pos:
            continue
        number = _NUMBER_AFTER.match(sentence, end)
        parts.append(sentence[pos:start] + _MARK)
        refs.append((title, normalize_doc_number(number.group(1)) if number else ""))
        pos = number.end() if number else end
    parts.append(sentence[pos:])
    return "".join(parts), refs


def _repeal_in(clauses: list[str], n: int, citing: bool) -> bool:
    """Clause N says 废止, or holds references only and the next clause (with none of its own)
    says it: ``《X》（文号），自2024年1月1日起废止``."""
    if citing:
        return False
    if _REPEAL.search(clauses[n]):
        return True
    if _REFERENCES_ONLY.sub("", clauses[n]):
        return False
    following = clauses[n + 1] if n + 1 < len(clauses) else ""
    return _MARK not in following and bool(_REPEAL.search(following)) and not _KEEPS.search(following)


def _clause_kinds(masked: str) -> list[str]:
    """The kind of each mark of a masked sentence, in order: amended when an amendment
    phrase covers it, repealed when its clause repeals, else cited."""
    kinds: list[str] = []
    amended = {m.start() + i for m in _AMEND.finditer(masked) for i, ch in enumerate(m.group()) if ch == _MARK}
    clauses = _CLAUSES.findall(masked)
    offset = 0
    for n, clause in enumerate(clauses):
        citing = bool(_CITING.match(clause)) or bool(_KEEPS.search(clause))
        repeal = _MARK in clause and _repeal_in(clauses, n, citing)
        for i, ch in enumerate(clause):
            if ch != _MARK:
                continue
            if offset + i in amended and not citing:
                kinds.append(AMENDS)
            elif repeal and not _CITED_BEFORE.search(clause[:i]):
                # 《X》第五条同时废止: a part of X goes, X stays in force as amended
                kinds.append(AMENDS if _PARTIAL.match(clause, i + 1) else REPEALS)
            else:
                kinds.append(CITES)
        offset += len(clause)
    return kinds


def sentence_references(sentence: str) -> list[Reference]:
    """References in one sentence with what the sentence does to each."""
    masked, refs = _mask(sentence)
    return [Reference(kind, title, number) for kind, (title, number) in zip(_clause_kinds(masked), refs)]


def _list_kind(paragraph: str) -> str:
    masked, refs = _mask(paragraph)
    if refs:
        return ""
    if _REPEAL_LIST.search(masked):
        return REPEALS
    return AMENDS if _AMEND_LIST.search(masked) else ""


# --- a whole document ----------------------------------------------------------------------


def is_interpretation(title: str) -> bool:
    """The title names a 解读 (``《X》政策解读``, ``一图读懂《X》``)."""
    masked, _ = _mask(title)
    return bool(_IS_INTERPRETATION.search(masked))


def _interpreted(title: str, paragraphs: Sequence[str]) -> list[Reference]:
    masked, refs = _mask(title)
    for match in _INTERPRET_TITLE.finditer(masked):
        index = masked[: match.start() + match.group().index(_MARK)].count(_MARK)
        return [Reference(INTERPRETS, *refs[index])]
    for paragraph in paragraphs[:3]:
        masked, refs = _mask(paragraph)
        match = _INTERPRET_BODY.search(masked)
        if match:
            return [Reference(INTERPRETS, *refs[masked[: match.start()].count(_MARK)])]
    bare = _BARE_INTERPRETED.match(title.strip()) if "《" not in title else None
    named = bare and (bare.group("after") or bare.group("before"))
    return [Reference(INTERPRETS, named)] if named and not _IS_INTERPRETATION.search(named) else []


def _body_references(paragraphs: Iterable[str]) -> list[Reference]:
    found: list[Reference] = []
    in_list = ""
    for paragraph in paragraphs:
        _, refs = _mask(paragraph)
        if in_list and refs and _LIST_ITEM.match(paragraph):
            found += [Reference(in_list, title, number) for title, number in refs]
            continue
        in_list = _list_kind(paragraph) or (in_list if not refs and _LIST_ITEM.match(paragraph) else "")
        for sentence in _SENTENCES.findall(paragraph):
            found += sentence_references(sentence)
    return found


def find_relations(title: str, paragraphs: Sequence[str]) -> tuple[Reference, ...]:
    """Every reference of a document with its kind, in text order, each (kind, title, 文号) once.

    A 解读 interprets what its title (or opening) names and only cites in its body, since it
    talks about the repeals and amendments of the document it explains."""
    interpretation = is_interpretation(title)
    found = _interpreted(title, paragraphs) if interpretation else []
    if not interpretation:
        found += [r for r in sentence_references(title) if r.kind != CITES]
    body = _body_references(paragraphs)
    if interpretation:
        body = [Reference(CITES, r.title, r.doc_number) for r in body]
    found += body
    return tuple(dict.fromkeys(found))


def relations_of(references: Iterable[Reference], kind: str) -> tuple[Reference, ...]:
    """The references of one kind, each document once (a title without 文号 is dropped when the
    same title also appears with one)."""
    chosen = [r for r in references if r.kind == kind]
    numbered = {r.title for r in chosen if r.doc_number}
    return tuple(dict.fromkeys(r for r in chosen if r.doc_number or r.title not in numbered))


# --- the header form -----------------------------------------------------------------------

_ITEM_SPLIT = re.compile(r"\s*[;；]\s*")


def format_references(references: Iterable[Reference]) -> str:
    """``《X》（文号）; 《Y》``: the value of a ``Repeals``/``Amends``/``Interprets`` header."""
    return "; ".join(dict.fromkeys(r.label() for r in references if r.label()))


def parse_references(value: str | None, kind: str) -> tuple[Reference, ...]:
    """A header value back to references: items separated by ``;``, each ``《title》（文号）``,
    ``《title》``, a bare 文号 or a bare title (what an editor may type)."""
    if not value:
        return ()
    refs = []
    for item in _ITEM_SPLIT.split(value.strip()):
        if not item:
            continue
        _, found = _mask(item)
        if found:
            refs += [Reference(kind, title, number) for title, number in found]
        elif DOC_NUMBER.fullmatch(item):
            refs.append(Reference(kind, "", normalize_doc_number(item)))
        else:
            refs.append(Reference(kind, item.strip("《》 "), ""))
    return tuple(dict.fromkeys(refs))
