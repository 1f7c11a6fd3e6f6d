"""Named things in a bulletin: presider, attendees, documents in 《》, 文号, the government named.

People are found structurally, not with a part-of-speech tagger: a name is 2-3 Han
characters (4 with a compound surname, or a ·-joined ethnic-minority name) that starts
with a known surname and stands right after an office word (``区长黄茂军``), a list
separator, or the start of a clause. Bulletins name officials in exactly these places, and
the check costs microseconds where tagging the whole text costs milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bulletins.ingest.dates import ascii_digits
from bulletins.models import split_documents

_HAN = "\u4e00-\u9fff"

# Single surnames, most common first; characters that more often start an ordinary word
# in bulletins than a name (全, 国, 区, 党...) are left out on purpose.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷"
    "詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳"
    "管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景宫费卜冷晏"
    "席卫米柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁南班储栗燕楚鄢劳谌奚粟冼蔺闻厉仝郜阚帅屠朴练廉禹狄晋芮扈晁阙戈"
    "鹿邸雍辜裘亓邰赫杭鲜逯茹慕亢嵇湛戎勾茅揭尉冶檀昝幸奉植衡尧由习"
)
_COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
    "西门",
    "南宫",
    "轩辕",
    "呼延",
    "独孤",
    "申屠",
    "澹台",
    "拓跋",
    "百里",
    "钟离",
    "闻人",
    "太史",
    "濮阳",
    "淳于",
    "单于",
    "左丘",
]

# A name ends right before these, or starts right after these (last character of an office).
_OFFICE_END = frozenset("长记席任员导理委官监表事人志督令师士宣")
_OFFICE_WORDS = re.compile(
    r"(?:委员长|副总理|总理|副主席|主席|总书记|书记|副省长|省长|副市长|市长|副区长|区长|副县长|县长"
    r"|主任|部长|秘书长|常委|委员|同志|领导|负责人)$"
)
# Words that make a 2-4 character candidate not a name.
_NOT_NAME = re.compile(
    r"会议|政府|部门|领导|委员|主任|书记|主席|常委|常务|全体|单位|街道|代表|同志|工作|有关|相关"
    r"|负责|机关|人大|政协|党组|干部|群众|企业|成员|班子|出席|参加|列席|主持|召开|讲话|强调"
    r"|陪同|会见|看望|慰问|考察|调研|参观|分别|一同|一起|共同"
)
_ORG_CHARS = re.compile(r"[副会委长省市区县部局厅办院党国府署司处科组员]")
_ETHNIC = re.compile(rf"([{_HAN}]{{2,8}})[·•・]([{_HAN}]{{1,8}}(?:[·•・][{_HAN}]{{1,8}})?)$")
_LEFT_OK = frozenset("、，,：:；由和及与 ")


def is_name(text: str) -> bool:
    """True when TEXT looks like a person's name (see the module docstring)."""
    if "·" in text or "•" in text or "・" in text:
        return bool(_ETHNIC.fullmatch(text)) and not _NOT_NAME.search(text)
    if not re.fullmatch(rf"[{_HAN}]{{2,4}}", text) or _NOT_NAME.search(text):
        return False
    if len(text) >= 3 and text[:2] in _COMPOUND_SURNAMES:
        return True
    return len(text) <= 3 and text[0] in _SURNAMES


def _left_boundary(before: str) -> bool:
    return not before or before[-1] in _OFFICE_END or before[-1] in _LEFT_OK


def trailing_name(segment: str, office_after: bool = True) -> str:
    """The name that ends SEGMENT after an office word or at its start, else ``""``.

    ``渝中区领导黄孝明`` -> ``黄孝明``; ``全国政协主席汪洋`` -> ``汪洋``; ``栗战书委员长`` -> ``栗战书``.
    """
    segment = re.sub(r"(?:同志|等)+$", "", segment.strip())
    if not segment:
        return ""
    ethnic = _ETHNIC.search(segment)
    if ethnic:
        head, tail = ethnic.group(1), ethnic.group(2)
        for size in range(1, len(head) + 1):
            start = len(segment) - len(ethnic.group(0)) + len(head) - size
            if _left_boundary(segment[:start]) and not _NOT_NAME.search(head[-size:]):
                return f"{head[-size:]}·{tail.replace('•', '·').replace('・', '·')}"
        return ""
    for size in (3, 2, 4):
        candidate = segment[-size:]
        if len(segment) >= size and is_name(candidate) and _left_boundary(segment[:-size]):
            return candidate
    # an unlisted surname (习近平) is still a name right after an explicit office word
    candidate = segment[-3:]
    if (
        len(segment) > 3
        and re.fullmatch(rf"[{_HAN}]+", candidate)
        and not _NOT_NAME.search(candidate)
        and not _ORG_CHARS.search(candidate)
        and _OFFICE_WORDS.search(segment[:-3])
    ):
        return candidate
    stripped = _OFFICE_WORDS.sub("", segment) if office_after else segment
    if stripped != segment:
        return trailing_name(stripped, office_after=False)
    return ""


_NAMED_AFTER = re.compile(
    r"(?:委员长|副总理|总理|主席|书记|省长|市长|区长|县长|镇长|乡长|主任|部长|局长|厅长|秘书长|常委|委员|领导"
    r"|任命|免去|聘任|提名)"
)


def find_named(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Every name right after an office word or 任命/免去, in text order, each once."""
    names: list[str] = []
    for paragraph in paragraphs:
        for match in _NAMED_AFTER.finditer(paragraph):
            following = paragraph[match.end() : match.end() + 3]
            for size in (3, 2):
                if len(following) >= size and is_name(following[:size]):
                    names.append(following[:size])
                    break
    return tuple(dict.fromkeys(names))


# --- publisher and region ------------------------------------------------------------------

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南"
    "|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_PROVINCE_LEVEL = rf"(?:{_PROVINCES})(?:省|市|[\u4e00-\u9fff]{{0,4}}?自治区|特别行政区|特区)?"
# A place name may not hold these: ``会议要求召开区政府``, ``北京市副市长``, ``自治区``.
_PLACE_CHAR = r"(?:(?![的了在和与及对把将是为会议要求召开各全本我该有等副代表任治应据])[\u4e00-\u9fff])"
_LOCAL = rf"{_PLACE_CHAR}{{2,7}}?(?:自治州|自治县|自治旗|地区|市|区|县|旗|盟)"
# The government that is the subject of a clause in the lead sentence.
_GOVERNMENT = re.compile(
    rf"(?:^|(?<=[，,：:；、\s]))((?:{_PROVINCE_LEVEL}|{_PLACE_CHAR}{{2,7}}?省)?(?:{_LOCAL}){{0,2}})(?:人民)?政府"
)


def find_government(sentence: str) -> str:
    """The region whose government is the subject of a clause of SENTENCE (the lead's first):
    ``2月28日，重庆市渝中区政府区长黄茂军…`` -> ``重庆市渝中区``."""
    for match in _GOVERNMENT.finditer(sentence):
        if match.group(1):
            return match.group(1)
    return ""


def government_name(region: str) -> str:
    """``重庆市渝中区`` -> ``重庆市渝中区人民政府``; ``香港特别行政区`` -> ``香港特别行政区政府``."""
    return f"{region}政府" if region.endswith(("特别行政区", "特区")) else f"{region}人民政府"


_GOVERNMENT_SUFFIX = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)?$")
# A body of a region named first: ``松岭县生态环境局``, ``重庆市渝中区教育委员会``, ``江西省教育厅``.
_REGION_BODY = re.compile(
    rf"((?:{_PROVINCE_LEVEL}|{_PLACE_CHAR}{{2,7}}?省)?(?:{_LOCAL}){{0,2}})"
    r"[\u4e00-\u9fff]{0,14}?(?:局|厅|委员会|委|部|办公室|办|中心|院|署|处)"
)


def region_of(publisher: str) -> str:
    """``重庆市渝中区人民政府`` -> ``重庆市渝中区``; a body of a region named first, a party
    committee's too: ``松岭县生态环境局``, ``中共松岭县委办公室`` -> ``松岭县``; ``""`` when it
    names no region (``国家税务总局``, ``县住建局``). Offices that sign together (``甲、乙``): the
    first one's."""
    publisher = publisher.split("、", 1)[0].strip()
    stripped = _GOVERNMENT_SUFFIX.sub("", publisher)
    if stripped != publisher and re.search(r"[省市区县州盟旗]$", stripped):
        return stripped
    body = _REGION_BODY.fullmatch(publisher.removeprefix("中共"))
    return body.group(1) if body else ""


# --- presider --------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n（）()“”\"]")
_PRESIDE = re.compile(r"主持(?!人)")
# What may stand between the presider and 主持: a date, a time of day, a place, a verb.
_PRESIDE_TAIL = re.compile(
    r"(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日|近日|日前|今天|昨天)?"
    r"(?:上午|下午|晚上|晚间|中午|傍晚|早上|晚)?"
    r"(?:是?在[^，。；：、]{1,25}?|是?在(?:结束)?)?"
    r"(?:出席(?:会议)?并|亲自|专门|召集并|共同|联合)?$"
)


def _clause_before(text: str, end: int) -> str:
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, end)), default=0)
    return text[start:end]


def find_presider(paragraphs: Sequence[str]) -> str:
    """The name before the first ``主持`` that has one: ``区长黄茂军主持召开`` -> ``黄茂军``."""
    for paragraph in paragraphs:
        for match in _PRESIDE.finditer(paragraph):
            clause = _clause_before(paragraph, match.start())
            clause = clause[: _PRESIDE_TAIL.search(clause).start()]
            name = trailing_name(clause)
            if name:
                return name
    return ""


# --- meeting ---------------------------------------------------------------------------

_MEETING_END = re.compile(r"(?:并(?:讲话|发表|作|致辞|强调|指出)|时强调|时指出)")
_CONVENE = re.compile(r"主持召开([^，,。；;：:！？!?\n]{2,40})")
_MEETING_WINDOW = 300  # the meeting is named in the first sentences; bounds the regex work
_HELD = re.compile(
    r"(?:^|(?<=[，,。；;：:！？!?\s]))([^，,。；;：:！？!?\n]{2,40}?(?:会议|会))"
    r"(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?(?:上午|下午|晚上|中午)?(?:在[^，,。；;]{1,25}?)?(?:召开|举行)"
)
_MEETING_TAIL = re.compile(r"^(.*?(?:会议|会))[^会议]*$")


def find_meeting(paragraphs: Sequence[str]) -> str:
    """The meeting a bulletin reports: ``…主持召开区政府第5次常务会议，…`` -> ``区政府第5次常务会议``."""
    for paragraph in paragraphs[:2]:
        paragraph = paragraph[:_MEETING_WINDOW]
        match = _CONVENE.search(paragraph)
        if match:
            meeting = _MEETING_END.split(match.group(1))[0]
            tail = _MEETING_TAIL.match(meeting)
            if tail:
                return tail.group(1)
        held = _HELD.search(paragraph)
        if held:
            return held.group(1)
    return ""


# --- attendees ---------------------------------------------------------------------------

_ATTEND = re.compile(
    r"(?:陪同|一同|一起|共同|分别|也)?(?:参加|出席|列席)(?:了)?(?:会议|座谈会|活动|仪式|调研)?(?:并(?:讲话|致辞|发言))?(?=[。，,；;]|$)"
)
_CONJUNCTION = re.compile(r"以及|和|及|与")
# a 纪要's list of those present: ``出席：张明远、李清和``, ``列席人员：王素梅``
_ATTEND_LIST = re.compile(r"^(?:出席|参加|列席)(?:人员|会议人员|会议|单位)?[：:]\s*(?P<names>[^。；;]+?)[。；;]?$")


def _segment_names(segment: str) -> list[str]:
    """The names in one 、-separated item: ``张红和刘伟`` -> both, ``刘和平`` -> itself."""
    if _CONJUNCTION.search(segment):
        parts = [trailing_name(part) for part in _CONJUNCTION.split(segment)]
        if all(parts):
            return parts
    name = trailing_name(segment)
    return [name] if name else []


def _names_in_clause(clause: str) -> list[str] | None:
    """Every item's names, or None when some item holds no name."""
    names: list[str] = []
    for segment in re.sub(r"(?:等|等同志|同志)$", "", clause).split("、"):
        found = _segment_names(segment)
        if not found and names and _is_bare_listed_name(segment):
            found = [segment]  # 铁凝, 洛桑江村: after a name in the same list
        if not found:
            return None
        names.extend(found)
    return names


def _is_bare_listed_name(segment: str) -> bool:
    return bool(re.fullmatch(rf"[{_HAN}]{{2,4}}", segment)) and not (
        _NOT_NAME.search(segment) or _ORG_CHARS.search(segment)
    )


def find_people(paragraphs: Sequence[str]) -> tuple[str, ...]:
    """Attendees named before 参加/出席/列席, in text order, each once.

    ``渝中区领导黄孝明、邓光怀、梁栋参加。`` -> ``("黄孝明", "邓光怀", "梁栋")``. Clauses are read
    backwards from the verb while every item in them is a name (``副区长甲、乙，秘书长丙参加``).
    A 纪要's list after its label counts too, when every item is a name (``出席：甲、乙``).
    """
    found: list[str] = []
    for paragraph in paragraphs:
        listed = _ATTEND_LIST.match(paragraph)
        if listed:
            found.extend(_names_in_clause(re.sub(r"[，,\s]+", "、", listed["names"].strip())) or ())
            continue
        for match in _ATTEND.finditer(paragraph):
            sentence_start = max(paragraph.rfind(ch, 0, match.start()) for ch in "。；;！？") + 1
            clauses = re.split(r"[，,：:]", paragraph[sentence_start : match.start()])
            group: list[str] = []
            for clause in reversed(clauses):
                names = _names_in_clause(clause) if clause else None
                if names is None:
                    # a clause like "中共中央政治局常委、国务院副总理丁薛祥": keep its last name
                    if clause and not group:
                        group[:0] = _segment_names(clause.split("、")[-1])
                    break
                group[:0] = names
            found.extend(group)
    return tuple(dict.fromkeys(found))


# --- documents and document numbers --------------------------------------------------------


def find_documents(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Titles inside top-level 《》 in text order, deduplicated, without the brackets."""
    titles = (title for paragraph in paragraphs for title in split_documents(paragraph))
    return tuple(dict.fromkeys(titles))


_DOC_NUMBER = re.compile(r"[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]\s*[第]?(\d{1,4})\s*号")
_DOC_PREFIX = re.compile(rf"[{_HAN}]{{2,12}}$")
_DOC_PREFIX_LEAD = re.compile(r"^.*(?:印发|根据|按照|依据|关于|通过|转发|参照|见|以|和|及|或|的)")


def find_doc_number(paragraphs: Iterable[str]) -> str:
    """The first 文号 (``渝中府发〔2022〕5号``), brackets normalized to 〔〕, or ``""``."""
    for paragraph in map(ascii_digits, paragraphs):  # the number read with ASCII digits, as 文号 are kept
        for match in _DOC_NUMBER.finditer(paragraph):
            prefix = _DOC_PREFIX.search(paragraph, max(0, match.start() - 12), match.start())
            if prefix is None:
                continue
            issuer = _DOC_PREFIX_LEAD.sub("", prefix.group(0))
            if paragraph[: prefix.end() - len(issuer)].endswith(("》（", "》(")):
                continue  # 《X》（文号）: the number of the document cited, not of this one
            if len(issuer) >= 2 and not issuer.endswith(("第", "年", "于", "在")):
                return f"{issuer}〔{match.group(1)}〕{match.group(2)}号"
    return ""
