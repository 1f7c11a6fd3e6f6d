"""Source trees for the pipeline and CLI tests: good bulletins mixed with every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

GOOD_TXT = (
    "2023年3月1日,青溪区区长张明主持召开区政府第3次常务会议,研究部署一季度经济运行工作。\n会议指出,要狠抓项目建设。\n"
)
GOOD_HTML = (
    "<html><head><title>青溪区召开安全生产会议</title></head><body><nav>首页</nav>"
    '<div id="zoom"><p>2023年3月2日，青溪区召开安全生产会议。</p><p>会议要求压实责任。</p></div>'
    "<script>track()</script></body></html>"
)
HOSTILE_RECORD = {
    "id": "r5",
    "date": "2023-05-08",
    "title": '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "html": "<p>*重要* [点此](javascript:alert(1))</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    "<p># 标题</p><p>1. 第一项</p><p>&gt; 引用</p><p>---</p><p>C:\\路径 `代码` &lt;b&gt;粗</p>",
}

# name -> (bytes, the problem line's start, or None for a good bulletin)
BAD_FILES = {
    "empty.txt": (b"", "src/empty.txt: "),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "src/binary.txt: "),
    "undecodable.txt": ("3月1日会议".encode() + b"\xff\xfe" + "指出要强化".encode(), "src/undecodable.txt: "),
    "cut.html": (b"<html><head><title>\xe5\x8d\x8a", "src/cut.html: "),
    "noyear.txt": ("2月28日,区长张明主持召开区政府第1次常务会议。\n".encode(), "src/noyear.txt: "),
}
GOOD_FILES = {
    "meeting.txt": GOOD_TXT.encode("utf-8"),
    "page.html": GOOD_HTML.encode("utf-8"),
    # cut off mid-paragraph: the text that is there is still a bulletin
    "truncated.html": "<html><body><div id=zoom><p>2023年3月1日，青溪区召开会议。</p><p>会议指出".encode(),
}
COLLECTION = [
    json.dumps(
        {"id": "r1", "date": "2023-05-06", "title": "青溪区召开防汛会议", "text": "5月6日，青溪区召开防汛会议。"},
        ensure_ascii=False,
    ),
    "not json {",
    json.dumps({"id": "r3", "date": "2023-05-07", "title": "无正文"}, ensure_ascii=False),
    json.dumps({"id": "r4", "text": "6月1日，青溪区召开会议。"}, ensure_ascii=False),
    json.dumps(HOSTILE_RECORD, ensure_ascii=False),
]
COLLECTION_PROBLEMS = ["src/c.jsonl:2: ", "src/c.jsonl:3: ", "src/c.jsonl:4: "]
GOOD_COUNT = len(GOOD_FILES) + 2  # r1 and r5


def write_sources(root: Path) -> Path:
    """ROOT/src with good and bad sources; returns the src folder."""
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in BAD_FILES.items():
        (src / name).write_bytes(data)
    for name, data in GOOD_FILES.items():
        (src / name).write_bytes(data)
    (src / "c.jsonl").write_text("\n".join(COLLECTION) + "\n", encoding="utf-8")
    return src


def expected_problem_starts() -> list[str]:
    return sorted([start for _, start in BAD_FILES.values()] + COLLECTION_PROBLEMS)


def write_collection(path: Path, count: int, first_day: int = 1) -> Path:
    """A .jsonl of COUNT small, valid records (enough for several worker chunks)."""
    lines = []
    for i in range(count):
        day = first_day + i % 28
        lines.append(
            json.dumps(
                {
                    "id": f"n{i:04d}",
                    "date": f"2023-06-{day:02d}",
                    "title": f"青溪区第{i}号通报",
                    "html": f"<p>6月{day}日，青溪区召开第{i}次会议。</p><p>会议要求*落实*第{i}项工作。</p>",
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(content: Path) -> dict[str, tuple[bytes, int]]:
    """relative path -> (bytes, mtime_ns) of every file below CONTENT."""
    return {
        p.relative_to(content).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }
