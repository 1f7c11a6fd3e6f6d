"""Generated official documents (公文) as text, in the forms offices really type them, with the
parts the parser must find: a seeded campaign over every combination of head, title, 附件说明,
signature and 附注. Offices, people and places are fictional.

Heads: ``XX人民政府文件`` with the 文号 under it; the 文号 alone; the title first and the 文号
under it (a web page's copy); the office's name with its kind spaced out under it (``公  告``);
a 令 (``XX人民政府令`` / ``第N号``), the rules it promulgates after its date or not. Titles
on one line or wrapped over two. 附件说明 as GB/T 9704 has it (``附件：1．甲`` / ``2．乙``) or a
line each (``附件1：甲``). Dates in Arabic or Chinese numerals. A 令 is signed by its office's
head (``县长  姓名``), anything else by its office."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

SEED = 2026
COUNTIES = ("松岭县", "青禾县", "白鹭县", "望江县", "柳荫县")
TOPICS = ("农村饮水安全", "城市道路挖掘", "防汛抗旱", "老旧小区改造", "校园食品安全", "河道管理")
KINDS = ("通知", "意见", "决定", "通报")
HEADS = ("mark", "number-only", "title-first", "spaced-kind", "order")
NAMES = ("张明远", "李清和", "王素梅", "赵文海", "周立新")
DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Variant:
    """One generated document: its lines and what the parser must read from them."""

    head: str
    lines: tuple[str, ...]
    title: str
    doc_number: str
    publisher: str
    date_written: dt.date
    attachments: tuple[str, ...]
    body: tuple[str, ...]


def _small(n: int) -> str:
    """1-31 in Chinese numerals: 三, 十, 十二, 二十, 二十八."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else DIGITS[tens] + "十") + (DIGITS[ones] if ones else "")


def _cn_date(day: dt.date) -> str:
    """``二〇二四年三月五日``."""
    return "".join(DIGITS[int(c)] for c in str(day.year)) + f"年{_small(day.month)}月{_small(day.day)}日"


def _date_line(rng: random.Random, day: dt.date) -> str:
    return _cn_date(day) if rng.random() < 0.4 else f"{day.year}年{day.month}月{day.day}日"


def variant(number: int) -> Variant:
    """The NUMBER-th document of the campaign (seeded by it)."""
    rng = random.Random(SEED * 1000 + number)
    county, topic, head = rng.choice(COUNTIES), rng.choice(TOPICS), HEADS[number % len(HEADS)]
    office = f"{county}人民政府"
    day = dt.date(2024, rng.randint(1, 12), rng.randint(1, 28))
    body = (f"为做好{topic}工作，现将有关事项通知如下。", f"一、各单位要高度重视{topic}工作。", "二、加强督促检查。")
    if head == "order":
        return _order(rng, county, office, topic, day)
    kind = "公告" if head == "spaced-kind" else rng.choice(KINDS)
    title = f"{office}公告" if head == "spaced-kind" else f"{office}关于加强{topic}工作的{kind}"
    doc_number = f"{county[0]}政{'告' if kind == '公告' else '发'}〔2024〕{rng.randint(1, 99)}号"
    if head == "spaced-kind":
        top = (office, "公  告", doc_number)
    else:
        wrapped = (title[: len(title) // 2], title[len(title) // 2 :]) if rng.random() < 0.5 else (title,)
        top = {
            "mark": (f"{office}文件", doc_number, *wrapped),
            "number-only": (doc_number, *wrapped),
            "title-first": (*wrapped, doc_number),
        }[head]
    recipients = () if kind == "公告" else ("各乡镇人民政府，县政府各部门：",)
    attachments, note = _attachment_note(rng, topic)
    tail = (office, _date_line(rng, day), *(("（此件公开发布）",) if rng.random() < 0.5 else ()))
    lines = (*top, *recipients, *body, *note, *tail)
    return Variant(head, lines, title, doc_number, office, day, attachments, body)


def _attachment_note(rng: random.Random, topic: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the attachments' names, the lines of their 附件说明): none, one, or two."""
    names = (f"{topic}工作任务清单", f"{topic}联系人名单")[: rng.randint(0, 2)]
    if not names:
        return (), ()
    if len(names) == 1:
        return names, (rng.choice((f"附件：{names[0]}", f"附件1：{names[0]}")),)
    if rng.random() < 0.5:
        return names, (f"附件：1．{names[0]}", f"2．{names[1]}")
    return names, (f"附件1：{names[0]}", f"附件2：{names[1]}")


def _order(rng: random.Random, county: str, office: str, topic: str, day: dt.date) -> Variant:
    n = rng.randint(1, 30)
    number_line = rng.choice((f"第{n}号", f"（第{n}号）"))
    body = (f"《{county}{topic}管理办法》已经县人民政府常务会议通过，现予公布，自2024年12月1日起施行。",)
    head_of = rng.choice(NAMES)
    # the rules it promulgates follow its date, or not
    rules = (f"{county}{topic}管理办法", "第一条 为规范管理，制定本办法。") if rng.random() < 0.5 else ()
    lines = (f"{office}令", number_line, *body, f"县长  {head_of}", _date_line(rng, day), *rules)
    number = f"{office}令第{n}号"
    return Variant("order", lines, number, number, office, day, (), (*body, *rules))


def variants(count: int = 100) -> list[Variant]:
    return [variant(i) for i in range(count)]
