"""The campaign's source cases, one generator per family (see support.campaign)."""

from __future__ import annotations

import codecs
import json
import os
import random

from support.campaign import (
    BASES,
    EITHER,
    MB,
    PAGE,
    REPORT,
    Case,
    Fifo,
    Link,
    Made,
    gzipped,
    html_page,
    jsonl,
    marker,
    paragraphs_html,
    record,
    text,
    traditional,
)
from support.campaign_edits import edits

ENCODINGS = (
    ("utf8", lambda t: t.encode("utf-8")),
    ("utf8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("utf8-crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    ("utf16le-bom", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    ("utf16be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
    ("utf16le", lambda t: t.encode("utf-16-le")),
    ("utf16be", lambda t: t.encode("utf-16-be")),
    ("gb18030", lambda t: t.encode("gb18030")),
    ("gbk", lambda t: t.encode("gbk")),
    ("big5", lambda t: traditional(t).encode("big5hkscs")),
    ("trad-utf8", lambda t: traditional(t).encode("utf-8")),
)


def encodings(rng: random.Random) -> list[Case]:
    """Every base bulletin in every supported encoding: each must become a page, never mojibake."""
    return [
        Case(f"enc-{name}-{base}", {f"enc/enc-{name}-{base}.txt": encode(text(base))}, marker=marker(base))
        for base in range(len(BASES))
        for name, encode in ENCODINGS
    ]


def _delete_byte(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) // 4, len(data))
    return data[:at] + data[at + 1 :]


def damaged(rng: random.Random) -> list[Case]:
    """Truncated multibyte characters, one byte deleted, two encodings mixed in one file."""
    found = []
    for base in range(len(BASES)):
        utf8, gbk = text(base).encode("utf-8"), text(base).encode("gbk")
        variants = {
            "cut-utf8": utf8[: -rng.choice((1, 2))],
            "cut-gbk": gbk[:-1],
            "cut-utf16": codecs.BOM_UTF16_LE + text(base).encode("utf-16-le")[:-1],
            "del-utf8": _delete_byte(utf8, rng),
            "del-gbk": _delete_byte(gbk, rng),
            "mixed": utf8[: len(utf8) // 2 // 3 * 3] + gbk[len(gbk) // 2 // 2 * 2 :],
        }
        found += [Case(f"dmg-{k}-{base}", {f"dmg/dmg-{k}-{base}.txt": v}, EITHER) for k, v in variants.items()]
    return found


def junk(rng: random.Random) -> list[Case]:
    """Binary junk, empty and tiny files, Latin-1, huge lines and a 5 MB bulletin."""
    found = [
        Case(f"junk-bin-{n}", {f"junk/junk-bin-{n}.txt": rng.randbytes(size)}, REPORT)
        for n, size in enumerate((1, 7, 512, 4096, 65536))
    ]
    long_line = "".join(BASES[1]) * (1 * MB // len("".join(BASES[1]).encode()))
    found += [
        Case("size-empty", {"junk/size-empty.txt": b""}, REPORT),
        Case("size-1char", {"junk/size-1char.txt": "会".encode()}, REPORT),
        Case("size-1byte", {"junk/size-1byte.txt": b"x"}, REPORT),
        Case("size-blank", {"junk/size-blank.txt": b" \r\n\t\n\xe3\x80\x80\n"}, REPORT),
        Case("size-nul", {"junk/size-nul.txt": bytes(4096)}, REPORT),
        Case("latin1-text", {"junk/latin1-text.txt": "Réunion du conseil, été.\n".encode("latin-1")}, REPORT),
        Case("latin1-date", {"junk/latin1-date.txt": "Séance du 14/03/2023.\n".encode("latin-1")}, EITHER),
        Case("huge-line", {"junk/huge-line.txt": long_line.encode()}, marker=marker(1)),
        Case(
            "size-5mb",
            {"junk/size-5mb.txt": ((text(2) + "\n") * (5 * MB // len(text(2).encode()))).encode()},
            marker=marker(2),
        ),
        Case("html-5mb", {"junk/html-5mb.html": html_page("<p>" + "青" * (5 * MB // 3) + "</p>").encode()}, EITHER),
    ]
    return found


def _html(tag: str, page: str | bytes, expect: str = EITHER, **extra) -> Case:
    data = page.encode() if isinstance(page, str) else page
    return Case(f"html-{tag}", {f"html/html-{tag}.html": data}, expect, **extra)


def html(rng: random.Random) -> list[Case]:
    """Malformed and hostile HTML pages."""
    body = paragraphs_html(0)
    nested = "<div>" * 1000 + body + "</div>" * 1000
    return [
        _html("unclosed", html_page("<div><p>" + "<p><b><i>".join(BASES[0])), marker=marker(0), expect=PAGE),
        _html("script", html_page(body + "<script>alert(1)</script><style>p{}</style><iframe src=x></iframe>")),
        _html("only-script", html_page("<script>document.write('3月14日')</script>"), REPORT),
        _html("rot13", html_page(body, charset="rot13"), PAGE, marker=marker(0)),
        _html("utf7", html_page(body, charset="utf-7"), PAGE, marker=marker(0)),
        _html("bogus-charset", html_page(body, charset="x-no-such-charset"), PAGE, marker=marker(0)),
        _html("gbk-says-utf8", html_page(paragraphs_html(2)).encode("gbk"), PAGE, marker=marker(2)),
        _html("nested-1000", html_page(nested), PAGE, marker=marker(0)),
        _html("nested-5000", html_page("<b>" * 5000 + body)),
        _html("entities", html_page("<p>&#x9752;&#28330;&bogus;&#0;&#xD800;&#99999999;&amp;&lt;x&gt;</p>" + body)),
        _html("no-body", "<html><head><title>x</title></head>" + body, PAGE, marker=marker(0)),
        _html("bare-text", text(0), PAGE, marker=marker(0)),
        _html("empty-html", "<html></html>", REPORT),
        _html("empty-file", b"", REPORT),
        _html("comment-only", "<!-- " + text(0) + " -->", REPORT),
        _html("cdata", html_page("<![CDATA[" + text(0) + "]]>" + body)),
        _html("plaintext", html_page("<plaintext>" + text(0))),
        _html("huge-attr", html_page(f'<p title="{"x" * 1_000_000}">' + "</p>" + body), PAGE, marker=marker(0)),
        _html("binary", rng.randbytes(2048), REPORT),
        _html("svg-math", html_page("<svg><script>alert(1)</script></svg><math><mi>x</mi></math>" + body)),
    ]


def _jsonl(tag: str, data: bytes, expect: str = EITHER, suffix: str = ".jsonl", **extra) -> Case:
    return Case(f"jsonl-{tag}", {f"jsonl/jsonl-{tag}{suffix}": data}, expect, **extra)


def _gzip_bomb() -> bytes:
    """A 64 MB record gzipped to 64 KB."""
    return gzipped(b'{"text": "' + b"a" * (64 * MB))


def collections(rng: random.Random) -> list[Case]:
    """JSONL collections: broken lines, wrong shapes, gzip (good, truncated, a modest bomb)."""
    good = jsonl(record(3))
    bomb = Made(_gzip_bomb)
    return [
        _jsonl("good", good, PAGE, marker=marker(3)),
        _jsonl("bad-json", jsonl(b"{not json", record(3, id="bad-json-2")), REPORT),
        _jsonl("blank-only", b"\n\n   \n\r\n", REPORT),
        _jsonl("array", jsonl([1, 2], "text", 3, None), REPORT),
        _jsonl("empty", b"", REPORT),
        _jsonl("huge-record", jsonl(record(4, html="<p>" + text(4) * 4000 + "</p>")), PAGE, marker=marker(4)),
        _jsonl("gzgood", gzipped(good), PAGE, ".jsonl.gz", marker=marker(3)),
        _jsonl("gz-truncated", gzipped(jsonl(*(record(3, id=f"t{n}") for n in range(50))))[:-40], REPORT, ".jsonl.gz"),
        _jsonl("gz-not-gzip", good, REPORT, ".jsonl.gz"),
        _jsonl("gz-bomb", bomb, REPORT, ".jsonl.gz"),
        _jsonl("nested", b"[" * 100_000 + b"\n", REPORT),
        _jsonl("huge-number", b"1" * 5000 + b"\n", REPORT),
        _jsonl("bad-utf8", jsonl(record(3))[:40] + b"\xff\xfe" + jsonl(record(3))[40:], REPORT),
        _jsonl("bom-crlf", b"\xef\xbb\xbf" + jsonl(record(3)).replace(b"\n", b"\r\n"), PAGE, marker=marker(3)),
        _jsonl("no-text", jsonl({"id": "x", "date": "2023-06-01", "title": "无正文"}), REPORT),
        _jsonl("dup-id", jsonl(record(3), record(4, id="qx-campaign-3")), REPORT),
        _jsonl("junk", rng.randbytes(3000), REPORT),
    ]


WRONG = (("int", 12345), ("float", 1.5), ("list", ["a"]), ("dict", {"a": 1}), ("true", True), ("null", None))
FIELDS = ("html", "text", "title", "date", "url", "id", "publisher", "category", "region")


def wrong_types(rng: random.Random) -> list[Case]:
    """Each record field with each wrong JSON type."""
    return [
        _jsonl(f"type-{key}-{name}", jsonl(record(5, **{"id": f"type-{key}-{name}", key: value})))
        for key in FIELDS
        for name, value in WRONG
    ]


SURROGATES = ("\ud83d", "\ude00", "\udfff")  # a scraper's half of an emoji's pair, as JSON escapes it


def surrogates(rng: random.Random) -> list[Case]:
    """Each record field with a lone surrogate escaped inside it (``\\ud83d``: half of no
    character): the bulletin is read, the half left out, never the record lost for it; a date
    so cut is no date, and is reported."""
    cases = []
    for key in FIELDS:
        good = record(6, id=f"lone-{key}")
        value = good.get(key) or "青溪区"
        cut = rng.randrange(len(value) + 1)
        good[key] = value[:cut] + rng.choice(SURROGATES) + value[cut:]
        data = json.dumps(good, ensure_ascii=True).encode("ascii") + b"\n"
        expect = REPORT if key == "date" else PAGE
        cases.append(_jsonl(f"lone-{key}", data, expect, marker=marker(6)))
    return cases


IDS = {
    "newline": "qx\n2023",
    "cr": "qx\r2023",
    "tab": "qx\t2023",
    "u2028": "qx\u20282023",
    "spaces": "  qx 2023  ",
    "dotdot": "../../../../x",
    "slash": "/etc/passwd",
    "escape": "qx\x1b[31m2023",
    "long": "q" * 3000,
    "nul": "qx\x002023",
}


def ids(rng: random.Random) -> list[Case]:
    """Record ids with line breaks, escapes, path parts: the bulletin is fine, the id must not hurt."""
    return [_jsonl(f"id-{name}", jsonl(record(1, id=value)), PAGE, marker=marker(1)) for name, value in IDS.items()]


DATES = ("0999-01-01", "0001-01-01", "99999-01-01", "2024-13-45", "二〇二三年十十月一日", "", "garbage", "2023-02-30")


def dates(rng: random.Random) -> list[Case]:
    """Impossible and out-of-range dates in a record's field and in the text."""
    found = [_jsonl(f"date-field-{n}", jsonl(record(2, date=value, id=f"d{n}"))) for n, value in enumerate(DATES)]
    found.append(_jsonl("date-field-none", jsonl({k: v for k, v in record(2).items() if k != "date"})))
    leads = ("0999年1月1日", "公元1年1月1日", "99999年1月1日", "2024年13月45日", "二〇二三年十十月一日", "")
    for n, lead in enumerate(leads):
        body = f"{lead}，青溪区召开会议。\n会议研究了有关事项。".encode()
        found.append(Case(f"date-text-{n}", {f"nodate/date-text-{n}.txt": body}, EITHER))
    return found


# Each name starts (but for "spaces" and "dash") with its case's tag, KIND standing for good/bad.
NAMES = {
    "newline": b"KIND-\n-x",
    "cr": b"KIND-\r-x",
    "tab": b"KIND-\t-x",
    "esc": b"KIND-\x1b[31m-red",
    "rlo": "KIND-\u202etxt.exe-x".encode(),
    "rlm": "KIND-\u200f-x".encode(),
    "u2028": "KIND-\u2028-x".encode(),
    "long": b"KIND-" + b"x" * 200,
    "nonutf8": os.fsencode("KIND-") + b"\xff\xfe\x80",
    "spaces": b" KIND - x ",
    "dash": b"-KIND",
}


NAME_DEFECTS: dict[str, str] = {}


def names(rng: random.Random) -> list[Case]:
    """Hostile file names, each with a good bulletin (a page) and with an empty file (a report)."""
    found = []
    for key, name in NAMES.items():
        for kind, data, expect in (("good", text(5).encode(), EITHER), ("bad", b"", REPORT)):
            tag = f"name-{key}-{kind}"
            path = b"names/" + name.replace(b"KIND", tag.encode()) + b".txt"
            found.append(Case(tag, {path: data}, expect, defect=NAME_DEFECTS.get(tag, "")))
    return found


def links(rng: random.Random) -> list[Case]:
    """Symbolic links out of sources/, in loops and dangling, and named pipes."""
    loop = {
        "links/link-loop-file-a.txt": Link("link-loop-file-b.txt"),
        "links/link-loop-file-b.txt": Link("link-loop-file-a.txt"),
    }
    return [
        Case("link-outfile", {"links/link-outfile.txt": Link("{outer}/secret.txt")}, EITHER),
        Case("link-outside-dir", {"links/link-outside-dir": Link("{outer}/secret-dir")}, EITHER),
        Case("link-passwd", {"links/link-passwd.txt": Link("/etc/passwd")}, EITHER),
        Case("link-environ", {"links/link-environ.txt": Link("/proc/self/environ")}, EITHER),
        Case("link-loop-dir", {"links/link-loop-dir": Link("{sources}/links")}, EITHER),
        Case("link-loop-file", loop, EITHER),
        Case("link-dangling", {"links/link-dangling.txt": Link("{outer}/no-such-file.txt")}, EITHER),
        Case("fifo-plain", {"links/fifo-plain.txt": Fifo()}, EITHER),
        Case("fifo-jsonl", {"links/fifo-jsonl.jsonl": Fifo()}, EITHER),
        Case("fifo-explicit", {"fifo/fifo-explicit.txt": Fifo()}, REPORT, explicit=True),
    ]


GROUPS = (encodings, damaged, junk, html, collections, wrong_types, surrogates, ids, dates, names, links, edits)
