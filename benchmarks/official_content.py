"""Fictional 公文 with the variety real offices produce, as data with their ground truth.

``case(seed)`` gives one document: issued by a 市/区/县 人民政府, its 办公室, a 局 or a 委员会, or jointly
by two of them; a 通知, 决定, 意见, 办法, 批复, 函, 通报 or an 印发…的通知 with an attached 方案/办法; a title
of 10–60 characters; 文号 in 〔〕, [], （） or 【】; 成文日期 in Arabic or Chinese numerals; with or without
主送; 0, 1 or 3 attachments, their pages with or without a table (2–6 columns, long cells); 附注 or
none; 版记 with or without 抄送; headings ``一、`` ``（一）`` ``1.`` ``（1）``; Latin words and numbers in
the text. Every organisation and person is invented; a seed always gives the same document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_CITIES = ["澄江市", "青溪区", "云岭县", "石门市", "白沙区", "桃源县", "临川市", "江北区"]
_DEPARTMENTS = ["教育局", "财政局", "交通运输局", "卫生健康委员会", "发展和改革委员会", "生态环境局", "农业农村局"]
_SHORT = {"人民政府": "府", "人民政府办公室": "府办", "教育局": "教", "财政局": "财", "交通运输局": "交"}
_TOPICS = [
    "老旧小区改造", "农村饮水安全", "中小企业纾困", "城市公共交通", "社区养老服务", "河湖长制",
    "数字政府建设", "5G基站布局", "义务教育优质均衡发展", "高标准农田建设", "公共数据开放共享",
]  # fmt: skip
_SENTENCES = [
    "各单位要坚持以人民为中心的发展思想，把{t}工作摆在突出位置，主要负责同志亲自研究、亲自部署。",
    "到2027年底，{t}重点任务全面完成，群众满意度达到90%以上，形成一批可复制、可推广的经验做法。",
    "依托政务云平台和GIS系统建设{t}监测模块，接口遵循RESTful规范，数据每15分钟更新一次。",
    "统筹安排专项资金3500万元，其中市级财政承担60%，区县财政承担40%，资金使用情况按季度公开。",
    "建立健全月调度、季通报、年考核工作机制，对工作推进不力的单位，由督查室约谈主要负责人。",
    "充分运用电视、报刊、网站和APP等平台，广泛宣传{t}的好经验好做法，营造全社会共同参与的良好氛围。",
    "各责任单位要加强协调配合，于每月5日前报送工作进展情况，遇有重大问题及时报告，确保各项任务落到实处。",
    "推行“一网通办”，将{t}相关的12项事项纳入线上办理，平均办理时限压缩至3个工作日以内。",
    "对照ISO 9001质量管理体系要求，完善{t}标准规范，组织第三方机构开展绩效评估。",
]  # fmt: skip
_H1 = ["总体要求", "主要任务", "保障措施", "工作要求", "实施步骤", "监督管理"]
_H2 = ["加强组织领导", "强化资金保障", "严格督查考核", "做好宣传引导", "完善制度体系", "压实工作责任"]
_NUMERALS = "一二三四五六七八九十"
_CN_DIGITS = "〇一二三四五六七八九"
_BRACKETS = [("〔", "〕"), ("[", "]"), ("（", "）"), ("【", "】")]
_KINDS = ["通知", "决定", "意见", "办法", "批复", "函", "通报", "印发"]
_COLUMNS = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限", "工作要求"]


@dataclass(frozen=True)
class Attachment:
    name: str
    paragraphs: tuple[str, ...]
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Case:
    """One document's parts in reading order (header lines are centred, signature right-aligned)."""

    issuers: tuple[str, ...]  # one or two offices
    mark: tuple[str, ...]  # 发文机关标志 lines
    number: str  # as printed, brackets as chosen
    number_norm: str  # brackets normalised to 〔〕
    title: str
    recipients: str  # "" when the document has no 主送
    body: tuple[tuple[str, str], ...]  # (kind, text): "p", "h1" 一、, "h2" （一）, "h3" 1., "h4" （1）
    attachments: tuple[Attachment, ...]
    date: str  # as printed
    date_iso: str
    note: str
    copy_to: str
    printer: tuple[str, str]
    runs_header: bool  # a running header on every page
    radicals: bool  # a PDF whose text layer maps glyphs to radicals
    imprint_first: bool  # 版记 right after the 附注, before the attachment pages (as many offices print it)
    split_title: bool  # a .docx title typed as two centred paragraphs
    side_by_side: bool  # a joint document's two signatures on one line
    footer: int  # the PDF's page-number style (``official_render.FOOTERS``)


def _cn_date(year: int, month: int, day: int) -> str:
    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        head = (("" if tens == 1 else _NUMERALS[tens - 1]) + "十") if tens else ""
        return head + (_NUMERALS[ones - 1] if ones else "")

    return "".join(_CN_DIGITS[int(d)] for d in str(year)) + f"年{small(month)}月{small(day)}日"


def _issuers(rng: random.Random, city: str) -> tuple[str, ...]:
    roll = rng.random()
    if roll < 0.35:
        return (f"{city}人民政府",)
    if roll < 0.55:
        return (f"{city}人民政府办公室",)
    if roll < 0.8:
        return (city + rng.choice(_DEPARTMENTS),)
    first, second = rng.sample(_DEPARTMENTS, 2)
    return (city + first, city + second)


def _abbrev(city: str, issuer: str) -> str:
    own = issuer.removeprefix(city)
    return city[0] + _SHORT.get(own, own[:1]) + ("联" if "、" in issuer else "") + "发"


def _title(rng: random.Random, issuers: tuple[str, ...], kind: str, topic: str) -> tuple[str, str]:
    """The title and the name of an attached 方案/办法 (``""`` for other kinds)."""
    who = "、".join(issuers) if rng.random() < 0.6 else ""
    city = issuers[0][:3]
    if kind == "印发":
        plan = f"{city}{topic}{rng.choice(['三年行动方案（2025—2027年）', '实施方案', '管理办法', '专项资金管理办法'])}"
        return f"{who}关于印发{plan}的通知", plan
    if kind == "办法":
        return f"{city}{topic}管理办法", ""
    if kind == "批复":
        return f"{who}关于同意{city}{topic}项目实施计划的批复", ""
    extra = rng.choice(["", "进一步加强", "做好2025年度", "推进", "进一步加强和改进全市", "建立健全城乡一体化"])
    if rng.random() < 0.3:
        topic += rng.choice(["项目建设与资金使用管理", "工作机制和长效管护体系"])
    return f"{who}关于{extra}{topic}工作的{kind}", ""


def _sentences(rng: random.Random, topic: str, n: int) -> str:
    return "".join(s.format(t=topic) for s in rng.sample(_SENTENCES, n))


def _body(rng: random.Random, topic: str, plan: str) -> list[tuple[str, str]]:
    body: list[tuple[str, str]] = []
    if plan:
        body.append(("p", f"现将《{plan}》印发给你们，请结合实际认真贯彻执行。"))
    if rng.random() < 0.1:
        return [*body, ("p", _sentences(rng, topic, 2))]  # a one-page notice
    for i in range(rng.randint(1, 5)):
        body.append(("h1", f"{_NUMERALS[i]}、{_H1[i % len(_H1)]}"))
        body.append(("p", _sentences(rng, topic, rng.randint(1, 4))))
        for j in range(rng.choice([0, 0, 1, 2])):
            body.append(("h2", f"（{_NUMERALS[j]}）{_H2[(i + j) % len(_H2)]}。"))
            body.append(("p", _sentences(rng, topic, rng.randint(1, 3))))
            if rng.random() < 0.3:
                body.append(("h3", f"1.{_sentences(rng, topic, 1)}"))
                body.append(("h4", f"（1）{_sentences(rng, topic, 1)}"))
    return body


def _table(rng: random.Random, topic: str) -> tuple[tuple[str, ...], ...]:
    columns = _COLUMNS[: rng.randint(2, 6)]
    rows = [tuple(columns)]
    for n in range(1, rng.randint(2, 5)):
        cells = [str(n)]
        for _ in columns[1:]:
            long = f"完成{topic}年度任务，覆盖{rng.randint(3, 40)}个社区"
            cells.append(rng.choice([f"{topic}项目", long, "市财政局"]))
        rows.append(tuple(cells))
    return tuple(rows)


def _attachments(rng: random.Random, topic: str, plan: str) -> tuple[Attachment, ...]:
    count = 1 if plan else rng.choice([0, 0, 1, 3])
    out = []
    for i in range(count):
        name = plan if plan and i == 0 else f"{topic}{['重点任务分工表', '项目清单', '工作联系人名单'][i % 3]}"
        paragraphs = tuple(_sentences(rng, topic, rng.randint(2, 3)) for _ in range(rng.randint(0 if i else 1, 3)))
        table = _table(rng, topic) if rng.random() < 0.6 or not paragraphs else ()
        out.append(Attachment(name, paragraphs, table))
    return tuple(out)


def _recipients(rng: random.Random, city: str, kind: str) -> str:
    if kind == "办法" or rng.random() < 0.15:
        return ""
    own = f"{city}{rng.choice(_DEPARTMENTS)}："
    long = "各县（市、区）人民政府，市政府各部门，各直属机构，各人民团体，各大型企业，各高等院校："
    return rng.choice(["各区人民政府，市政府各部门，各直属机构：", "各乡镇人民政府、街道办事处：", own, long])


def case(seed: int) -> Case:
    """The document of SEED."""
    rng = random.Random(seed)
    city, topic, kind = rng.choice(_CITIES), rng.choice(_TOPICS), rng.choice(_KINDS)
    issuers = _issuers(rng, city)
    title, plan = _title(rng, issuers, kind, topic)
    year, month, day = 2025, rng.randint(1, 12), rng.randint(1, 28)
    left, right = rng.choice(_BRACKETS)
    code, n = _abbrev(city, "、".join(issuers) if len(issuers) > 1 else issuers[0]), rng.randint(1, 120)
    mark = (*issuers, "文件") if len(issuers) > 1 else (f"{issuers[0]}文件",)
    if kind == "函" and len(issuers) == 1:
        mark = issuers  # 信函格式: the office's name, no 文件
    return Case(
        issuers=issuers,
        mark=mark,
        number=f"{code}{left}{year}{right}{n}号",
        number_norm=f"{code}〔{year}〕{n}号",
        title=title,
        recipients=_recipients(rng, city, kind),
        body=tuple(_body(rng, topic, plan)),
        attachments=_attachments(rng, topic, plan),
        date=_cn_date(year, month, day) if rng.random() < 0.3 else f"{year}年{month}月{day}日",
        date_iso=f"{year}-{month:02d}-{day:02d}",
        note=rng.choice(["（此件公开发布）", "（此件主动公开）", "", "（联系人：林晓东，电话：0871-6512345）"]),
        copy_to=rng.choice(["", "抄送：市委各部门，市人大常委会办公室，市政协办公室，市监委，市法院，市检察院。"]),
        printer=(f"{city}人民政府办公室", f"{year}年{month}月{day}日印发"),
        runs_header=rng.random() < 0.5,
        radicals=rng.random() < 0.5,
        imprint_first=rng.random() < 0.4,
        split_title=len(title) > 24 and rng.random() < 0.5,
        side_by_side=len(issuers) > 1 and rng.random() < 0.5,
        footer=rng.randrange(4),
    )


def truth(doc: Case) -> dict:
    """What ingest must find in DOC (the paragraphs of 正文 and of the attachment pages, tables apart)."""
    paragraphs = [text for _kind, text in doc.body]
    for item in doc.attachments:
        paragraphs.extend(item.paragraphs)
    return {
        "title": doc.title,
        "doc_number": doc.number_norm,
        "date_written": doc.date_iso,
        "publisher": "、".join(doc.issuers),
        "paragraphs": paragraphs,
        "tables": [[list(row) for row in item.table] for item in doc.attachments if item.table],
    }
