"""Hand edits of generated articles: the campaign changes what ingest wrote, then builds."""

from __future__ import annotations

import random
from collections.abc import Callable

from support.campaign import EITHER, MB, Case, text


def _split(article: str) -> tuple[list[str], str]:
    header, _, body = article.partition("\n\n")
    return header.split("\n"), body


def _join(lines: list[str], body: str) -> str:
    return "\n".join(lines) + "\n\n" + body


def set_field(key: str, value: str) -> Callable[[str], bytes]:
    """Replace header KEY (or add it at the end of the header) with VALUE."""

    def edit(article: str) -> bytes:
        lines, body = _split(article)
        lines = [line for line in lines if not line.startswith(f"{key}:")] + [f"{key}: {value}"]
        return _join(lines, body).encode("utf-8")

    return edit


def duplicate(key: str, value: str) -> Callable[[str], bytes]:
    """A second KEY line with VALUE right after the first (or two, when there was none)."""

    def edit(article: str) -> bytes:
        lines, body = _split(article)
        where = next((n + 1 for n, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if where is None:
            lines += [f"{key}: 韩素琴", f"{key}: {value}"]
        else:
            lines.insert(where, f"{key}: {value}")
        return _join(lines, body).encode("utf-8")

    return edit


def raw_bytes(article: str) -> bytes:
    """Invalid UTF-8 in the body."""
    data = article.encode("utf-8")
    at = data.index(b"\n\n") + 10
    return data[:at] + b"\xff\xfe\xc3(" + data[at:]


def invalid_header(article: str) -> bytes:
    lines, body = _split(article)
    return _join(lines, body).encode("utf-8").replace(b"Title: ", b"Title: \xff\xfe", 1)


def big_header(article: str) -> bytes:
    return set_field("Summary", "长" * (MB // 3))(article)


EDITS = {
    "dup-people": (duplicate("People", "甲某, 乙某"), ""),
    "dup-presider": (duplicate("Presider", "乙某"), ""),
    "dup-tags": (duplicate("Tags", "重复, 标签"), ""),
    "dup-title": (duplicate("Title", "第二个标题"), ""),
    "dup-date": (duplicate("Date", "2023-04-01"), ""),
    "template": (set_field("Template", "nonexistent"), ""),
    "src-proc4": (set_field("Source", "../../../../proc/self/environ"), ""),
    "src-proc-deep": (set_field("Source", "../" * 24 + "proc/self/environ"), ""),
    "src-passwd": (set_field("Source", "/etc/passwd"), ""),
    "src-outer": (set_field("Source", "../../../../secret.txt"), ""),
    "src-dotted": (set_field("Source", "sources/../../../../../secret.txt"), ""),
    "src-line": (set_field("SourceLine", "-5"), ""),
    "save-as2": (set_field("Save_as", "../../x.html"), ""),
    "save-as-deep": (set_field("Save_as", "../../../../campaign-escape.html"), ""),
    "slug-dots": (set_field("Slug", "../../../../../campaign-slug"), ""),
    "url": (set_field("Url", "javascript:alert(1)"), ""),
    "date-garbage": (set_field("Date", "garbage"), ""),
    "date-far": (set_field("Date", "99999-01-01"), ""),
    "status": (set_field("Status", "nonsense"), ""),
    "bad-utf8-body": (raw_bytes, ""),
    "bad-utf8-header": (invalid_header, ""),
    "huge-header": (big_header, ""),
    "no-header": (lambda article: article.partition("\n\n")[2].encode("utf-8"), ""),
}


# Edits that would stop the whole build (a defect being fixed): each gets a project of its own.
ISOLATED: set[str] = set()


def edits(rng: random.Random) -> list[Case]:
    """One good source per edit; its article is edited after ingest, before the build."""
    return [
        Case(
            f"edit-{name}",
            {f"edits/edit-{name}.txt": text(0).encode()},
            EITHER,
            edit=fn,
            defect=defect,
            isolated=name in ISOLATED,
        )
        for name, (fn, defect) in EDITS.items()
    ]
