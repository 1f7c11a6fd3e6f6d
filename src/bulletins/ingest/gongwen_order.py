"""命令 (令): a government's order as GB/T 9704 sets it, read by ``gongwen``.

Its 发文机关标志 is the office and 令 (``松岭县人民政府令``), its number ``第3号`` under it or
beside it, and no title or 主送: the text follows (``《X办法》已经…通过，现予公布，自…起施行。``),
then the office's head signs with office and name (``县长  张明远``) above the date. The office
the mark names issues it; the head is its 签发人; the number is the 令's own (``松岭县人民政府令
第3号``, the form ``relations`` reads in a text that cites it). A 公告 or 通告 numbered in its
office's own series (``松岭县人民政府公告`` / ``（第1号）``) has its mark and number read alike,
and is signed by its office."""

from __future__ import annotations

import re
from collections.abc import Sequence

# 第3号, （第3号）, 〔2024〕第3号, 2024年第3号, 第十号 (a 主席令)
_NUMBER = (
    r"[（(]?\s*(?:[〔\[［【]\s*(?P<year>\d{4})\s*[〕\]］】]|(?P<in_year>\d{4})\s*年)?"
    r"\s*第\s*(?P<n>\d{1,5}|[一二三四五六七八九十百零〇]{1,6})\s*号\s*[）)]?"
)
_OFFICE_END = r"(?:政府|委员会|委|局|厅|部|署|院|行|主席)"  # 国务院令, 中国人民银行令, 中华人民共和国主席令
# a 令, or a 公告 or 通告 numbered in its office's series (``松岭县人民政府公告`` / ``（第1号）``)
_ORDER = re.compile(
    rf"^(?P<office>[^\s，。；：:、《》“”]{{1,30}}?{_OFFICE_END})(?P<kind>令|公告|通告)\s*(?:{_NUMBER})?$"
)
_ORDER_NUMBER = re.compile(rf"^{_NUMBER}$")
# a 纪要 numbered by its issue: ``松岭县人民政府常务会议纪要`` / ``第5期`` (or ``（第5期）``, ``〔2024〕第5期``)
_ISSUE = _NUMBER.replace("号", "期")
_MINUTES = re.compile(rf"^(?P<office>[^\s，。；：:、《》“”]{{2,40}}?)(?P<kind>纪要)\s*(?:{_ISSUE})?$")
_MINUTES_NUMBER = re.compile(rf"^{_ISSUE}$")
_HEAD = re.compile(
    r"^[\u4e00-\u9fff]{0,12}?(?:省长|市长|区长|县长|州长|旗长|盟长|镇长|乡长|主席|主任|局长|厅长|部长|署长)"
    r"\s*(?P<name>[\u4e00-\u9fff·]{2,5})$"
)


def order_head(lines: Sequence[str], i: int) -> tuple[str, str, int] | None:
    """The 令 (or numbered 公告, 通告, or a 纪要 numbered by 期) whose mark is line I: its mark, its
    number and the lines they take; None when line I is no such mark (it has its number, on the
    line or the next)."""
    for mark_line, number_line, unit in ((_ORDER, _ORDER_NUMBER, "号"), (_MINUTES, _MINUTES_NUMBER, "期")):
        found = mark_line.match(lines[i])
        if found is None:
            continue
        number, size = found, 1
        if found["n"] is None and i + 1 < len(lines) and (below := number_line.match(lines[i + 1])):
            number, size = below, 2
        if number["n"] is None:
            return None
        mark, n = f"{found['office']}{found['kind']}", number["n"]
        year = f"〔{number['year']}〕" if number["year"] else f"{number['in_year']}年" if number["in_year"] else ""
        return mark, f"{mark}{year}第{int(n) if n.isdigit() else n}{unit}", size
    return None


def head_signs(line: str) -> bool:
    """LINE is an office's head signing: ``县长  张明远``."""
    return _HEAD.match(line) is not None


def order_signature(mark: str, names: Sequence[str]) -> tuple[str, str] | None:
    """(issuing office, 签发人) of a 令 of MARK signed by NAMES (its head's one line); None
    for another document or signature."""
    if not (mark.endswith("令") and len(names) == 1 and (head := _HEAD.match(names[0]))):
        return None
    return mark[:-1], head["name"]
