"""A tiny archive of related documents (fictional) built with the gazette plugin, for the
gazette's site and browser tests."""

from __future__ import annotations

from pathlib import Path

from support.shared import ROOT

PLUGINS = [
    "bulletins.plugins.article_headers",
    "bulletins.plugins.list_pages",
    "bulletins.plugins.article_urls",
    "bulletins.plugins.gazette",
    "bulletins.plugins.site_meta",
    "bulletins.plugins.incremental",
]

# slug, date, title, extra header lines
DOCUMENTS = [
    ("old", "2020-03-02", "澄溪区河道管理暂行办法", {"DocNumber": "澄府发〔2020〕12号"}),
    (
        "new",
        "2024-02-10",
        "澄溪区人民政府关于印发《澄溪区河道管理办法》的通知",
        {
            "DocNumber": "澄府发〔2024〕3号",
            "DateEffective": "2024-03-01",
            "DateExpires": "2029-02-28",
            "Repeals": "《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）",
            "Issue": "2024年第3期",
            "Source": "sources/gazette/2024年第3期/01-new.txt",
        },
    ),
    (
        "reading",
        "2024-02-11",
        "《澄溪区河道管理办法》政策解读",
        {
            "Interprets": "《澄溪区河道管理办法》",
            "Issue": "2024年第3期",
            "Source": "sources/gazette/2024年第3期/02-r.txt",
        },
    ),
    ("parking", "2021-05-06", "澄溪区停车管理规定", {"DocNumber": "澄府发〔2021〕5号"}),
    (
        "amend",
        "2024-02-20",
        "关于修改《澄溪区停车管理规定》的决定",
        {
            "DocNumber": "澄府发〔2024〕5号",
            "Amends": "《澄溪区停车管理规定》（澄府发〔2021〕5号）",
            "Issue": "2024-4",
            "Source": "sources/gazette/b.jsonl",
            "SourceLine": "2",
        },
    ),
    (
        "cites",
        "2024-03-10",
        "区水利局开展河道检查",
        {
            "Documents": "《澄溪区河道管理暂行办法》",
            "Issue": "2024年第4期（总第28期）",
            "Source": "sources/gazette/b.jsonl",
            "SourceLine": "1",
        },
    ),
    ("fee-2019", "2019-01-05", "澄溪区收费管理办法", {"DocNumber": "澄府发〔2019〕2号", "Issue": "2019年第1期"}),
    ("fee-2023", "2023-01-05", "澄溪区收费管理办法", {"DocNumber": "澄府发〔2023〕2号"}),
    (
        "fee-repeal",
        "2024-03-15",
        "关于废止《澄溪区收费管理办法》的决定",
        {"DocNumber": "澄府发〔2024〕9号", "Repeals": "澄府发〔2019〕2号", "Issue": "2024年第5期"},
    ),
    ("hand", "2010-01-01", "澄溪区旧规定", {"DocNumber": "澄府发〔2010〕1号", "Validity": "已失效"}),
    ("m3", "2023-02-14", "林晓东主持召开区政府第3次常务会议", {"Publisher": "澄溪区人民政府"}),
    ("m5", "2023-03-14", "林晓东主持召开区政府第5次常务会议", {"Publisher": "澄溪区人民政府"}),
    ("m6", "2023-04-14", "林晓东主持召开区政府第6次常务会议", {"Publisher": "澄溪区人民政府"}),
]


def write_content(folder: Path, documents) -> Path:
    for slug, date, title, extra in documents:
        header = {"Title": title, "Date": date, "Slug": f"g-{slug}", "Category": "规范性文件", **extra}
        path = folder / "bulletins" / date[:4] / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{key}: {value}\n" for key, value in header.items())
        text = f"{lines}\n{title}的正文。\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


def build(tmp: Path, documents, **overrides) -> Path:
    from pelican import Pelican
    from pelican.settings import read_settings

    content = write_content(tmp / "content", documents)
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp / "output"),
        "CACHE_PATH": str(tmp / "cache"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "PLUGINS": PLUGINS,
        "BULLETINS_BUILD_DATE": "2025-06-01",
        **overrides,
    }
    Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=settings)).run()
    return tmp / "output"


def href_of(slug: str) -> str:
    date = next(d for s, d, _, _ in DOCUMENTS if s == slug)
    return f"bulletins/{date[:4]}/{date[5:7]}/g-{slug}.html"
