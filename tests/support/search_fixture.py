"""A tiny search index for the search-core.js tests, built by the real Python builder.

    python tests/support/search_fixture.py OUT_DIR

writes OUT_DIR/search/ (the index of ``ENGINE_DOCS``), OUT_DIR/docs.json (those records) and
OUT_DIR/fold.json (the whole fold map; the index ships only the part its text needs). Each record is
named for the case it covers; tests/js/search-core.test.mjs runs this script once.

``generated_docs(count, seed)`` makes many more bulletins of a fictional district, each
containing 会议, for answers far larger than a pipe's buffer.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from bulletins.search.build import build_index, order_ids  # noqa: E402
from bulletins.search.documents import as_source  # noqa: E402
from bulletins.search.foldmap import build_fold_map  # noqa: E402


def _doc(slug, date, title, body, category="新闻", **extra):
    return {"url": f"bulletins/{date[:4]}/{date[5:7]}/{slug}.html", "title": title, "date": date,
            "body": body, "category": category, "source_id": slug, **extra}  # fmt: skip


FIXTURE_DOCS = [
    _doc("kuaixun-new", "2024-03-02", "国内联播快讯", "经济发展稳中向好。各地推进改革开放。"),
    _doc("kuaixun-old", "2024-03-01", "国内联播快讯", "经济发展质量提升，经济发展动能增强，经济发展再上台阶。"),
    _doc("kuaixun-longer", "2024-03-03", "国内联播快讯（二）", "文旅市场持续升温。"),
    _doc("scattered-chars", "2024-02-20", "发布会", "发展改良品种，推进改革试点。经济社会发展成效显著。"),
    _doc("traditional-text", "2024-02-10", "經濟發展新動能", "國務院常務會議研究經濟發展。"),
    _doc("comma-between", "2024-01-15", "会议纪要", "坚持发展，改革不停步。会议 议程已公布。", category="常务会议"),
    _doc("no-space", "2023-12-30", "会议通知", "会议议程另行通知。2022年G20峰会相关报道。", category="通知公告"),
    _doc(
        "people-docs",
        "2023-06-01",
        "区政府常务会议",
        "会议审议了有关文件。",
        category="常务会议",
        people=["张三丰", "李四"],
        documents=["关于推进改革的意见"],
    ),
    _doc("hostile", "2023-01-01", "<img src=x onerror=alert(1)>", "正文含有<script>alert(1)</script>经济发展字样。"),
    _doc("quoted-title-new", "2024-01-20", "举行“最美医生”见面会", "见面会在京举行。"),
    _doc("quoted-title-old", "2023-01-20", "举行“最美医生”见面会", "举行“最美医生”见面会，再次举行“最美医生”见面会。"),
    _doc(
        "district",
        "2022-05-05",
        "渝中区召开会议",
        "渝中区推进城市更新，重庆市渝中区人民政府发布。",
        category="工作动态",
    ),
]


# Words that are also names on Object.prototype (constructor is left out on purpose: a query
# for it must find nothing, not Object's constructor). Only the engine tests (Node, CLI) use it.
PROTOTYPE_NAMES_DOC = _doc(
    "prototype-names",
    "2022-04-04",
    "接口说明",
    "说明列出 toString、valueOf、hasOwnProperty 与 __proto__ 等名称（不含构造函数）。",
    category="技术",
)
ENGINE_DOCS = [*FIXTURE_DOCS, PROTOTYPE_NAMES_DOC]

PHRASES = (
    "召开区政府常务会议",
    "研究部署城市更新工作",
    "听取营商环境情况汇报",
    "审议通过实施方案",
    "推进乡村振兴",
    "加强安全生产",
    "做好防汛准备",
    "优化公共服务",
    "落实惠企政策",
    "提升基层治理水平",
)


def fragment_of(docs: list[dict], url: str) -> str:
    """The result-data file of the bulletin of URL among DOCS: its day and slot (``docids``)."""
    source = as_source(docs)
    found = order_ids(source)
    position = next(p for p, place in enumerate(found.places) if source.key(place)[1] == url)
    date = source.key(found.places[position])[0]
    return f"f/{date[:4]}/{date[5:7]}{date[8:10]}-{found.slots[position]}.js"


def generated_docs(count: int, seed: int = 7) -> list[dict]:
    """``count`` bulletins of the fictional 青溪区, each with 会议 in its body (fixed seed)."""
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        date = f"20{rng.randint(20, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body = "。".join(rng.choice(PHRASES) for _ in range(rng.randint(12, 24))) + "。"
        docs.append(_doc(f"generated-{i:05d}", date, f"青溪区第{i + 1}次会议纪要", body, category="常务会议"))
    return docs


def main(out_dir: str) -> int:
    out = Path(out_dir)
    build_index(ENGINE_DOCS, out / "search")
    fold = build_fold_map()
    (out / "fold.json").write_text(
        json.dumps({"from": "".join(fold), "to": "".join(fold.values())}, ensure_ascii=False), encoding="utf-8"
    )
    (out / "docs.json").write_text(json.dumps(ENGINE_DOCS, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
