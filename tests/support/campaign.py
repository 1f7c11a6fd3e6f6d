"""The hostile-input campaign: a few hundred generated inputs, each a ``Case`` (fixed seed).

Every case is one or more files below ``sources/`` whose names carry the case's ASCII tag,
so whatever ingest or Pelican says about them can be told apart. A case expects

* ``PAGE``: every bulletin it holds becomes an article and a page showing its ``marker``;
* ``REPORT``: it is reported on one stderr line naming it, with a reason (not an internal error);
* ``EITHER``: a page or a one-line report, as long as nothing crashes or escapes.

Hand edits (``Case.edit``) take the article ingest wrote for the case's good source and
change its text before the build. ``Case.defect`` names a known defect: the test of that
case is an expected failure until the fix lands.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass

PAGE, REPORT, EITHER = "page", "report", "either"
SEED = 20231110
MB = 1024 * 1024


@dataclass(frozen=True)
class Link:
    """A symbolic link; ``target`` may use ``{outer}`` (the folder around the project) and ``{sources}``."""

    target: str


@dataclass(frozen=True)
class Fifo:
    """A named pipe."""


@dataclass(frozen=True)
class Made:
    """File bytes made only when the file is written: too costly to make for every collection."""

    make: Callable[[], bytes]


@dataclass(frozen=True)
class Case:
    tag: str  # ASCII, unique, in every file name of the case; also the test id
    files: dict[str | bytes, bytes | Made | Link | Fifo]  # path below sources/ (bytes: a non-UTF-8 name)
    expect: str = PAGE
    marker: str = "青溪"  # text a PAGE case's page must show (catches mojibake)
    edit: Callable[[str], bytes] | None = None  # hand edit of the written article's text
    defect: str = ""  # a known defect this case still shows: strict xfail
    isolated: bool = False  # gets a project of its own (it would spoil the others' build)
    explicit: bool = False  # its files are also named on the command line, not only found in sources/


# --- fictional base bulletins (Qingxi District of Linjiang is invented) ---------------------

BASES = (
    (
        "3月14日，区长周文澜主持召开区政府第5次常务会议，研究部署春季植树和河道保洁工作。",
        "会议审议通过了《青溪区河长制工作方案》，要求各街道落实巡河责任。",
        "副区长许明远、陆承平参加会议。",
    ),
    (
        "5月16日，青溪区举办第二届社区文化节，二十个社区的文艺队伍参加演出。",
        "文化节持续一周，设有书法、剪纸和民乐专场，吸引居民三千余人次。",
    ),
    (
        "7月5日，青溪区召开防汛工作调度会，部署白鹭溪沿岸防汛抢险准备。",
        "会议要求各单位值班值守，做好物资储备和人员转移预案。",
    ),
    (
        "8月22日晚，青溪区望江路夜市开市，首批入驻摊位一百二十个。",
        "区商务局负责人介绍，夜市将执行统一的食品安全和垃圾分类管理。",
    ),
    (
        "9月19日，区长周文澜主持召开区政府第11次常务会议，研究老旧小区改造计划。",
        "会议指出，改造要听取居民意见，优先解决加装电梯和管网老化问题。",
    ),
    (
        "12月5日，青溪区图书馆新馆开放，藏书四十万册，设有少儿阅读区和自习室。",
        "新馆每周开放六天，周一闭馆，读者凭身份证即可办理借阅证。",
    ),
)
MARKERS = ("河长制", "文化节", "防汛", "夜市", "老旧小区", "图书馆")


def text(base: int) -> str:
    return "\n".join(BASES[base % len(BASES)])


def traditional(value: str) -> str:
    return _s2t().convert(value)


@functools.cache
def _s2t():
    """One converter for the whole campaign: loading OpenCC's dictionaries costs far more than a conversion."""
    import opencc

    return opencc.OpenCC("s2t")


def marker(base: int) -> str:
    return MARKERS[base % len(MARKERS)]


def record(base: int, **fields) -> dict:
    """A good JSONL record of base bulletin BASE (dated 2023), with FIELDS replaced or added."""
    paragraphs = BASES[base % len(BASES)]
    value = {
        "id": f"qx-campaign-{base}",
        "date": "2023-06-01",
        "title": paragraphs[0][:20],
        "url": f"https://www.qingxi.example/campaign/{base}.html",
        "category": "工作动态",
        "html": "".join(f"<p>{p}</p>" for p in paragraphs),
    }
    value.update(fields)
    return value


def jsonl(*records) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n" for r in records
    )


def html_page(body: str, head: str = "<title>青溪区公告_临江市青溪区人民政府</title>", charset: str = "utf-8") -> str:
    return f'<!doctype html><html><head><meta charset="{charset}">{head}</head><body>{body}</body></html>'


def paragraphs_html(base: int) -> str:
    return "".join(f"<p>{p}</p>" for p in BASES[base % len(BASES)])


# --- the campaign ----------------------------------------------------------------------------


def cases() -> list[Case]:
    """Every case, in a stable order (the generators use one fixed-seed random source)."""
    from support.campaign_cases import GROUPS

    rng = random.Random(SEED)
    found: list[Case] = []
    for group in GROUPS:
        found.extend(group(rng))
    tags = [case.tag for case in found]
    clashes = [(a, b) for a in tags for b in tags if a != b and a in b]
    assert len(tags) == len(set(tags)) and not clashes, f"tags must be unique and not inside each other: {clashes}"
    return found


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)
