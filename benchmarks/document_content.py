"""A fictional 公文 of 澄江市人民政府 (GB/T 9704 layout), as data and as print-ready HTML.

``gongwen(seed, sections)`` gives the parts of one document; ``to_html`` lays it out for Chromium's
print-to-PDF (A4, 版心 156 × 225 mm, 三号 body, centred title, right-aligned 署名 and 成文日期, 版记 and an
attachment with a table). Every organisation and person is invented.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

RADICALS = {"人": "\u2f08", "民": "\u2ea0", "见": "\u2ec5", "长": "\u2ed3", "门": "\u2ed4", "方": "\u2f45",
            "工": "\u2f2f", "大": "\u2f24", "生": "\u2f63", "车": "\u2ecb", "青": "\u2ed8", "水": "\u2f54"}  # fmt: skip

_TOPICS = ["青溪河流域生态保护", "老旧小区改造", "农村饮水安全", "中小企业纾困", "城市公共交通", "社区养老服务"]
_SENTENCES = [
    "各区、各部门要坚持以人民为中心的发展思想，把{t}工作摆在突出位置，主要负责同志亲自研究、亲自部署。",
    "到2027年底，全市{t}重点任务全面完成，群众满意度达到90%以上，形成一批可复制、可推广的经验做法。",
    "市发展改革委、市财政局要会同有关部门研究制定配套措施，统筹安排专项资金，保障项目建设用地和用能需求。",
    "建立健全月调度、季通报、年考核工作机制，对工作推进不力、群众反映强烈的单位，由市政府督查室约谈主要负责人。",
    "充分运用电视、报刊、网站和“澄江发布”等新媒体平台，广泛宣传{t}的好经验好做法，营造全社会共同参与的良好氛围。",
    "青溪区、江北区要结合实际，于2025年4月30日前制定具体实施方案，明确时间表、路线图和责任人，并报市政府备案。",
    "各责任单位要加强协调配合，定期报送工作进展情况，遇有重大问题及时向市政府报告，确保各项任务落到实处。",
]
_HEADINGS = ["总体要求", "主要任务", "保障措施", "工作要求"]
_SUBHEADINGS = ["加强组织领导", "强化资金保障", "严格督查考核", "做好宣传引导"]
_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Gongwen:
    header: str
    number: str
    title: str
    recipients: str
    body: tuple[tuple[str, str], ...]  # (kind, text): kind is "p", "h1" (一、) or "h2" (（一）)
    attachment_note: str
    signature: str
    date: str
    note: str
    copies: str
    printer: tuple[str, str]
    attachment_title: str
    table: tuple[tuple[str, ...], ...]


def _paragraph(rng: random.Random, topic: str, n: int) -> str:
    return "".join(s.format(t=topic) for s in rng.sample(_SENTENCES, n))


def gongwen(seed: int = 7, sections: int = 2) -> Gongwen:
    """A document with SECTIONS 一、 sections (2: about two pages, 4: about three), fixed by SEED."""
    rng = random.Random(seed)
    topic = rng.choice(_TOPICS)
    body: list[tuple[str, str]] = [
        ("p", f"现将《澄江市{topic}三年行动方案（2025—2027年）》印发给你们，请认真贯彻执行。")
    ]
    for i in range(sections):
        body.append(("h1", f"{_NUMERALS[i]}、{_HEADINGS[i % len(_HEADINGS)]}"))
        body.append(("p", _paragraph(rng, topic, 3)))
        body.append(("h2", f"（{_NUMERALS[i]}）{_SUBHEADINGS[i % len(_SUBHEADINGS)]}。"))
        body.append(("p", _paragraph(rng, topic, 2)))
    number = seed % 40 + 1
    return Gongwen(
        header="澄江市人民政府文件",
        number=f"澄府发〔2025〕{number}号",
        title=f"澄江市人民政府关于印发澄江市{topic}三年行动方案的通知",
        recipients="各区人民政府，市政府各部门，各直属机构：",
        body=tuple(body),
        attachment_note=f"附件：澄江市{topic}重点任务分工表",
        signature="澄江市人民政府",
        date="2025年3月18日",
        note="（此件公开发布）",
        copies="抄送：市委各部门，市人大常委会办公室，市政协办公室，市监委，市法院，市检察院。",
        printer=("澄江市人民政府办公室", "2025年3月18日印发"),
        attachment_title=f"澄江市{topic}重点任务分工表",
        table=(
            ("序号", "重点任务", "牵头单位", "完成时限"),
            ("1", "编制专项规划", "市发展改革委", "2025年6月"),
            ("2", "落实资金保障", "市财政局", "2025年9月"),
            ("3", "开展督查考核", "市政府督查室", "2026年12月"),
        ),
    )


CSS = """
@page { size: A4; margin: 37mm 26mm 30mm 28mm; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; line-height: 28pt; }
body { margin: 0; }
p { margin: 0; text-align: justify; }
.header { color: #c00; font-size: 32pt; line-height: 48pt; text-align: center; letter-spacing: 2pt; }
.number { text-align: center; margin-top: 20pt; }
.rule { border-top: 2px solid #c00; margin: 8pt 0 28pt; }
.title { font-size: 22pt; line-height: 36pt; text-align: center; margin-bottom: 28pt; padding: 0 2em; }
.indent { text-indent: 2em; }
.h1 { text-indent: 2em; }
.h2 { text-indent: 2em; }
.right { text-align: right; padding-right: 4em; }
.gap { margin-top: 28pt; }
.banji { margin-top: 56pt; border-top: 1px solid #000; border-bottom: 1px solid #000; font-size: 14pt; }
.banji p { padding: 0 1em; }
.printer { display: flex; justify-content: space-between; border-top: 1px solid #000; }
.attachment { break-before: page; }
table { border-collapse: collapse; width: 100%; font-size: 14pt; }
td, th { border: 1px solid #000; padding: 4pt 6pt; font-weight: normal; }
"""
FOOTER = (
    "<div style=\"width:100%;text-align:center;font-size:14pt;font-family:'DejaVu Sans'\">"
    '— <span class="pageNumber"></span> —</div>'
)


def to_html(doc: Gongwen, radicals: bool = False) -> str:
    """DOC as an HTML page for print-to-PDF; RADICALS swaps common ideographs for radical glyphs."""

    def e(text: str) -> str:
        if radicals:
            text = "".join(RADICALS.get(ch, ch) for ch in text)
        return html.escape(text)

    body = "".join(f'<p class="{"indent" if kind == "p" else kind}">{e(text)}</p>' for kind, text in doc.body)
    rows = "".join("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in doc.table)
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head><body>'
        f'<p class="header">{e(doc.header)}</p><p class="number">{e(doc.number)}</p><div class="rule"></div>'
        f'<p class="title">{e(doc.title)}</p><p>{e(doc.recipients)}</p>{body}'
        f'<p class="indent gap">{e(doc.attachment_note)}</p>'
        f'<p class="right gap">{e(doc.signature)}</p><p class="right">{e(doc.date)}</p>'
        f'<p class="indent">{e(doc.note)}</p>'
        f'<div class="banji"><p>{e(doc.copies)}</p><p class="printer"><span>{e(doc.printer[0])}</span>'
        f"<span>{e(doc.printer[1])}</span></p></div>"
        f'<div class="attachment"><p>附件</p><p class="title gap">{e(doc.attachment_title)}</p>'
        f"<table>{rows}</table></div></body></html>"
    )
