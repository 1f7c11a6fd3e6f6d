"""Readers: read_source over every format (.txt, .html, .jsonl, .jsonl.gz) and bad input."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletins.ingest.readers import jsonl
from bulletins.ingest.readers.common import record_size
from bulletins.ingest.sources import context_for, discover, read_source
from bulletins.models import Context, RawBulletin, SourceProblem
from support.shared import BULLETINS, bulletin_records
from support.sources import FIXTURES, SIMPLIFIED, TRADITIONAL, read_all, write, write_gzip_bomb


@pytest.fixture
def chdir_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- read_source: .txt and .html -------------------------------------------------------------

ENCODED_TXT = [
    pytest.param("utf8.txt", SIMPLIFIED.encode("utf-8"), SIMPLIFIED, id="utf8"),
    pytest.param("utf8-bom.txt", b"\xef\xbb\xbf" + TRADITIONAL.encode("utf-8"), TRADITIONAL, id="utf8-bom-stripped"),
    pytest.param("utf16.txt", TRADITIONAL.encode("utf-16"), TRADITIONAL, id="utf16-bom"),
    pytest.param("gbk.txt", TRADITIONAL.encode("gbk"), TRADITIONAL, id="gbk"),
    pytest.param("big5.txt", TRADITIONAL.encode("big5hkscs"), TRADITIONAL, id="big5"),
    pytest.param("crlf.txt", SIMPLIFIED.replace("\n", "\r\n").encode("gb18030"), SIMPLIFIED, id="crlf-to-lf"),
    pytest.param("cr.txt", SIMPLIFIED.replace("\n", "\r").encode(), SIMPLIFIED, id="old-mac-cr-to-lf"),
]


@pytest.mark.parametrize(("name", "data", "text"), ENCODED_TXT)
def test_read_txt(tmp_path, name, data, text):
    path = write(tmp_path, name, data)
    (bulletin,) = read_all(path, Context(year=2023))
    assert bulletin == RawBulletin(
        source=path.as_posix(),
        text=text,
        source_hash="sha256:" + hashlib.sha256(data).hexdigest(),
        context=Context(year=2023),
        format="txt",
    )


def test_source_is_the_path_as_given(chdir_tmp):
    write(chdir_tmp, "sources/a.txt", SIMPLIFIED)
    (bulletin,) = read_all(Path("sources/a.txt"))
    assert bulletin.source == "sources/a.txt"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("empty.txt", b"", "empty file", id="empty"),
        pytest.param("blank.txt", b" \r\n\t\n", "no text", id="whitespace-only"),
        pytest.param("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file", id="binary"),
        pytest.param(
            "bad.txt",
            SIMPLIFIED.encode()[:40] + b"\xc3\x28" + SIMPLIFIED.encode()[40:],
            "invalid UTF-8",
            id="bad-utf8-byte",
        ),
        pytest.param("empty.html", b"", "empty file", id="empty-html"),
        pytest.param(
            "chrome.html", b"<html><body><nav>menu</nav></body></html>", "no text found", id="html-without-text"
        ),
    ],
)
def test_bad_files_are_problems(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    (problem,) = read_all(path)
    assert isinstance(problem, SourceProblem) and problem.source == path.as_posix() and reason in problem.reason


def test_unreadable_file_is_a_problem(tmp_path):
    path = write(tmp_path, "secret.txt", SIMPLIFIED)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        (problem,) = read_all(path)
        assert "cannot read" in problem.reason
    finally:
        path.chmod(0o644)


def test_read_html_page(tmp_path):
    data = (FIXTURES / "page_gov_site_zoom.html").read_bytes()
    path = write(tmp_path, "page.html", data)
    (bulletin,) = read_all(path)
    assert bulletin.title == "青溪区召开2023年河长制工作会议"
    assert bulletin.date == "2023-04-11"
    assert bulletin.text.split("\n")[-1] == "区领导许明远、韩素琴参加会议。"
    assert bulletin.source_hash == "sha256:" + hashlib.sha256(data).hexdigest()


def test_read_html_in_declared_gbk(tmp_path):
    html = '<html><head><meta charset="gb2312"><title>通知_青溪区</title></head><body><p>青溪区</p></body></html>'
    path = write(tmp_path, "gbk.htm", html.encode("gbk"))
    (bulletin,) = read_all(path)
    assert (bulletin.title, bulletin.text) == ("通知", "青溪区")


# --- read_source: .jsonl and .jsonl.gz ------------------------------------------------------

GOOD = {
    "id": "qx-001",
    "date": "2023-03-14",
    "title": "标题",
    "html": "<p>第一段</p><p>第二段</p>",
    "url": "https://example.org/1.html",
}
LINES = [
    json.dumps(GOOD, ensure_ascii=False),  # 1
    "",  # 2: blank lines are skipped silently
    "{not json",  # 3
    "[1, 2]",  # 4
    json.dumps({"id": "qx-002", "title": "无正文"}),  # 5
    json.dumps({"id": "qx-003", "html": "<p><br></p>"}),  # 6
    json.dumps(
        {"id": "qx-004", "text": "纯文本第一段\r\n纯文本第二段", "category": "人事任免"}, ensure_ascii=False
    ),  # 7
    json.dumps({"id": ["x"], "html": "<p>x</p>"}),  # 8
    json.dumps({"id": 5, "html": "<p>数字编号</p>", "date": None}),  # 9
]
EXPECTED = [
    (1, "第一段\n第二段"),
    (3, "not JSON"),
    (4, "a JSON array, not an object"),
    (5, "record has no text"),
    (6, "record has no text"),
    (7, "纯文本第一段\n纯文本第二段"),
    (8, "field 'id' is not a string"),
    (9, "数字编号"),
]


# A line that is not a record: the whole one-line reason (JSON's own names for what the line holds).
NOT_RECORDS = {
    "array": ("[1, 2]", "a JSON array, not an object"),
    "string": ('"通知"', "a JSON string, not an object"),
    "number": ("42", "a JSON number, not an object"),
    "float": ("4.5", "a JSON number, not an object"),
    "boolean": ("true", "a JSON boolean, not an object"),
    "null": ("null", "a JSON null, not an object"),
    "cut short": ('{"id": "g", "title": "截断', "not JSON: Unterminated string starting at column 22"),
    "no value": ('{"id": }', "not JSON: Expecting value at column 8"),
}


@pytest.mark.parametrize(("line", "reason"), NOT_RECORDS.values(), ids=NOT_RECORDS.keys())
def test_a_line_that_is_not_a_record_is_named_once(tmp_path, line, reason):
    path = write(tmp_path, "c.jsonl", (line + "\n").encode("utf-8"))
    (problem,) = read_all(path)
    assert isinstance(problem, SourceProblem)
    assert (problem.line, problem.reason) == (1, reason)


# A lone surrogate escape (half of an emoji's pair, cut by a scraper) is half of no character:
# the record is read without it, in either field, as the text's invisible rule reads it.
LONE_SURROGATES = {
    "html": ('{"id": "s1", "title": "通知", "html": "<p>青溪区\\ud83d通知</p>"}', "青溪区通知"),
    "html-low": ('{"id": "s2", "html": "<p>\\ude00青溪区</p><p>第二段</p>"}', "青溪区\n第二段"),
    "text": ('{"id": "s3", "text": "青溪区\\udfff通知"}', "青溪区\udfff通知"),
}


@pytest.mark.parametrize(("line", "text"), LONE_SURROGATES.values(), ids=LONE_SURROGATES.keys())
def test_a_lone_surrogate_does_not_lose_the_record(tmp_path, line, text):
    path = write(tmp_path, "c.jsonl", (line + "\n").encode("utf-8"))
    (bulletin,) = read_all(path)
    assert isinstance(bulletin, RawBulletin), bulletin
    assert bulletin.text == text


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "lone-cr"])
@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl-gz"])
def test_read_jsonl_good_and_bad_lines(tmp_path, compress, ending):
    data = (ending.join(LINES) + ending).encode("utf-8")
    path = write(tmp_path, "c.jsonl.gz" if compress else "c.jsonl", gzip.compress(data) if compress else data)
    assert jsonl.count_lines(path) == len(LINES)
    results = read_all(path)
    got = [(r.line, r.text if isinstance(r, RawBulletin) else r.reason) for r in results]
    assert [line for line, _ in got] == [line for line, _ in EXPECTED]
    for (_, value), (_, expected) in zip(got, EXPECTED):
        assert expected in value
    first = results[0]
    assert (first.title, first.date, first.url, first.source_id, first.where) == (
        "标题",
        "2023-03-14",
        "https://example.org/1.html",
        "qx-001",
        f"{path.as_posix()}:1",
    )
    assert first.source_hash == "sha256:" + hashlib.sha256(LINES[0].encode()).hexdigest()
    assert results[5].context.category == "人事任免"
    assert results[7].source_id == "5"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "empty file", id="empty-jsonl"),
        pytest.param(b'{"html": "<p>\xff</p>"}\n', "not UTF-8", id="line-not-utf8"),
        pytest.param(b"\n\n  \r\n\t\n", "no records (only blank lines)", id="only-blank-lines"),
        pytest.param(b"\xef\xbb\xbf\n", "no records", id="only-a-bom"),
    ],
)
def test_jsonl_problems(tmp_path, data, reason):
    (problem,) = read_all(write(tmp_path, "c.jsonl", data))
    assert reason in problem.reason


LEGACY_RECORD = {"id": "cj-7", "date": "2025-03-18", "title": "澄江市人民政府關於春節期間安全生產的通知",
                 "html": "<p>各區人民政府，市政府各部門：現將有關事項通知如下，請認真貫徹執行。</p>"}  # fmt: skip
LEGACY_LINE = json.dumps(LEGACY_RECORD, ensure_ascii=False)
UNREADABLE = "nor GB18030 or Big5 read as Chinese text"
# A line of a collection that is not UTF-8: read when it is GB18030 or Big5 Chinese (as Chinese Windows
# tools export collections), else one problem naming where UTF-8 failed.
LINE_ENCODINGS = {
    "gb18030": (LEGACY_LINE.encode("gb18030"), None),
    "gbk": (LEGACY_LINE.encode("gbk"), None),
    "big5": (LEGACY_LINE.encode("big5"), None),
    "utf-8 with a byte lost": (LEGACY_LINE.encode()[:60] + LEGACY_LINE.encode()[61:], UNREADABLE),
    "utf-8 cut inside a character": (LEGACY_LINE.encode()[:-7], UNREADABLE),  # inside the last "。"
    "bytes no encoding reads": (b'{"id": "x", "text": "\xff\xfe\x80\x80"}', UNREADABLE),
    "latin-1 bytes": ('{"id": "x", "text": "caf\u00e9 na\u00efve"}'.encode("latin-1"), UNREADABLE),
}


@pytest.mark.parametrize(("data", "reason"), LINE_ENCODINGS.values(), ids=LINE_ENCODINGS.keys())
def test_a_line_in_a_chinese_legacy_encoding_is_read(tmp_path, data, reason):
    (item,) = read_all(write(tmp_path, "c.jsonl", data + b"\n"))
    if reason is None:
        assert isinstance(item, RawBulletin), item
        assert (item.title, item.source_id, item.date) == (LEGACY_RECORD["title"], "cj-7", "2025-03-18")
        assert item.text == "各區人民政府，市政府各部門：現將有關事項通知如下，請認真貫徹執行。"
        assert item.source_hash == "sha256:" + hashlib.sha256(data).hexdigest()  # the line's own bytes
    else:
        assert isinstance(item, SourceProblem) and item.line == 1
        assert item.reason.startswith("not UTF-8 (byte offset ") and item.reason.endswith(reason), item.reason


def test_a_utf8_line_with_a_byte_lost_is_never_read_as_another_encoding():
    """Every deletion of one byte that leaves the line invalid UTF-8 is reported, none is taken for GB18030."""
    data = LEGACY_LINE.encode()
    broken = [data[:i] + data[i + 1 :] for i in range(len(data))]
    broken = [line for line in broken if not _is_utf8(line)]
    results = [jsonl.parse(line, "c.jsonl", 1, Context()) for line in broken]
    read = [r.text for r in results if isinstance(r, RawBulletin)]
    assert len(broken) > 100 and read == []


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_truncated_gzip_keeps_the_good_lines(tmp_path):
    lines = [json.dumps({"id": f"r{i}", "text": "正文" * 50}, ensure_ascii=False) for i in range(200)]
    data = gzip.compress("\n".join(lines).encode(), mtime=0)
    results = read_all(write(tmp_path, "cut.jsonl.gz", data[: len(data) // 2]))
    assert isinstance(results[-1], SourceProblem) and "cannot read" in results[-1].reason
    good = results[:-1]
    assert good and all(isinstance(r, RawBulletin) for r in good)
    assert [r.line for r in good] == list(range(1, len(good) + 1))


def test_jsonl_bom_on_first_line(tmp_path):
    path = write(tmp_path, "bom.jsonl", b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\r\n")
    (bulletin,) = read_all(path)
    assert bulletin.source_id == "qx-001"


def test_jsonl_line_range_reads_only_those_lines(tmp_path):
    lines = [json.dumps({"id": f"r{i}", "text": f"第{i}条"}, ensure_ascii=False) for i in range(1, 8)]
    path = write(tmp_path, "c.jsonl", "\n".join(lines))
    assert [r.source_id for r in read_source(path, Context(), lines=range(3, 6))] == ["r3", "r4", "r5"]


# --- the real corpus ----------------------------------------------------------------------

_P = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _p_texts(html_text: str) -> list[str]:
    """The text of each <p> of a record, read independently of the code under test."""
    found = [_squeeze(html.unescape(_TAG.sub("", p))) for p in _P.findall(html_text)] or [_squeeze(html_text)]
    return [p for p in found if p]


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_reads_every_record_with_its_fields_and_paragraphs():
    records = bulletin_records()
    files, problems = discover([BULLETINS])
    results = list(read_source(files[0], context_for(files[0], Context(script=None))))
    assert problems == [] and [r for r in results if isinstance(r, SourceProblem)] == []
    assert len(results) == len(records) == 11442
    mismatched = []
    for record, bulletin in zip(records, results):
        assert (bulletin.source_id, bulletin.title, bulletin.date, bulletin.url) == (
            record["id"],
            record["title"],
            record["date"],
            record["url"],
        )
        if [_squeeze(p) for p in bulletin.text.split("\n")] != _p_texts(record["html"]):
            mismatched.append(record["id"])
    assert mismatched == []


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-too-deep"),
        pytest.param('{"id": ' + "9" * 5000 + ', "text": "x"}', id="number-too-long"),
        pytest.param('{"text": "x", "date": "0000-01-01"}', id="year-zero-not-taken"),
    ],
)
def test_hostile_jsonl_lines_never_raise(tmp_path, line):
    (result,) = read_all(write(tmp_path, "c.jsonl", line + "\n"))
    assert isinstance(result, SourceProblem) or result.context.year is None


SUFFIX_NAMES = ["a.txt", "a.html", "a.jsonl", "a.jsonl.gz"]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(st.binary(max_size=400), st.text(max_size=200).map(str.encode)), name=st.sampled_from(SUFFIX_NAMES)
)
def test_any_bytes_give_bulletins_or_problems(tmp_path, data, name):
    path = write(tmp_path, name, data)
    for result in read_all(path):
        assert isinstance(result, (RawBulletin, SourceProblem))
        if isinstance(result, RawBulletin):
            assert result.text.strip() and "\r" not in result.text


# --- bounded records, collections read once --------------------------------------------------

MB = 1 << 20


def record(number: int) -> str:
    return json.dumps({"id": f"r{number}", "text": f"青溪区召开第{number}次常务会议。"}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("line_bytes", "limit", "peak_at_most"),
    [
        pytest.param(48 * MB, MB, 8 * MB, id="48MB-line-1MB-limit"),
        pytest.param(200 * MB, None, 64 * MB, id="200MB-line-default-16MB-limit", marks=pytest.mark.slow),
    ],
)
def test_gzip_bomb_line_is_one_problem_in_bounded_memory(tmp_path, line_bytes, limit, peak_at_most):
    path = tmp_path / "bomb.jsonl.gz"
    write_gzip_bomb(path, line_bytes, [record(1)], [record(3)])
    opts = {"max_record_bytes": limit} if limit else {}
    tracemalloc.start()
    try:
        results = read_all(path, **opts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.line for r in results] == [1, 2, 3]
    assert [r.source_id for r in (results[0], results[2])] == ["r1", "r3"]
    assert (results[1].where + ": " + results[1].reason).startswith(
        f"{path.as_posix()}:2: record longer than {limit // MB if limit else 16} MB"
    )
    assert peak < peak_at_most


@pytest.mark.parametrize(
    ("name", "size", "limit", "problem"),
    [
        pytest.param("exact.jsonl", 1000, 1000, None, id="line-at-the-limit-is-read"),
        pytest.param("over.jsonl", 1001, 1000, "record longer than 1,000 bytes", id="line-over-the-limit"),
        pytest.param("crlf.jsonl", 1000, 1000, None, id="line-ending-not-counted"),
        pytest.param("big.txt", 4000, 3999, "larger than 3,999 bytes", id="txt-over-the-limit"),
        pytest.param("big.html", 4000, 3999, "larger than 3,999 bytes", id="html-over-the-limit"),
        pytest.param("fits.txt", 4000, 4000, None, id="txt-at-the-limit"),
    ],
)
def test_max_record_bytes_bounds_every_format(tmp_path, name, size, limit, problem):
    if name.endswith(".jsonl"):
        head = '{"text": "'
        line = (head + "x" * (size - len(head) - 2) + '"}').encode()
        data = line + (b"\r\n" if name.startswith("crlf") else b"\n")
    else:
        text = "<p>" + "青" * ((size - 7) // 3) + "</p>"
        data = text.encode() + b"x" * (size - len(text.encode()))
    (result,) = read_all(write(tmp_path, name, data), max_record_bytes=limit)
    if problem is None:
        assert isinstance(result, RawBulletin)
    else:
        assert isinstance(result, SourceProblem) and problem in result.reason and "--max-record-bytes" in result.reason


@pytest.mark.parametrize("ending", ["\n", "\r"], ids=["lf", "lone-cr"])
@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl-gz"])
@pytest.mark.parametrize("stops", [[3, 6, 11], [1, 11], [11], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]])
def test_chunks_cut_one_reading_into_slices_of_lines(tmp_path, compress, stops, ending):
    lines = [record(i) for i in range(1, 11)]
    lines[4], lines[6] = "", "{not json"
    data = (ending.join(lines) + ending).encode()
    path = write(tmp_path, "c.jsonl.gz" if compress else "c.jsonl", gzip.compress(data) if compress else data)
    slices = list(jsonl.chunks(path, stops))
    assert len(slices) == len(stops)
    for first, stop, items in zip([1, *stops], stops, slices):
        assert all(first <= number < stop for number, _ in items)
    assert [item for items in slices for item in items] == list(jsonl.read_lines(path))
    parsed = [r for items in slices for r in read_source(path, Context(), records=items)]
    assert parsed == read_all(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("16M", 16 * MB), ("512k", 512 * 1024), ("1G", 1024 * MB), ("2MiB", 2 * MB), ("1000", 1000)],
)
def test_record_size_option_values(value, expected):
    assert record_size(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", "16 T", "lots", ""])
def test_record_size_rejects_nonsense(value):
    with pytest.raises(ValueError, match="not a size"):
        record_size(value)


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param('<meta charset="rot13">', id="rot13"),
        pytest.param('<meta http-equiv="Content-Type" content="text/html; charset=x-no-such">', id="unknown-label"),
        pytest.param('<meta charset="iso-8859-1">', id="declared-latin1"),
        pytest.param('<meta charset="utf-16">', id="declared-utf16"),
    ],
)
def test_html_with_a_wrong_or_unknown_declared_charset_is_detected(tmp_path, meta):
    page = f"<html><head>{meta}<title>青溪区防汛会议</title></head><body><p>{SIMPLIFIED}</p></body></html>"
    (bulletin,) = read_all(write(tmp_path, "page.html", page.encode("gbk")))
    assert bulletin.title == "青溪区防汛会议" and bulletin.text == SIMPLIFIED.replace("\n", " ")
