"""Where raw sources are copied, and reading records out of (gzipped) collections."""

from __future__ import annotations

import gzip

import pytest

from bulletins.plugins.raw_source.generator import read_lines
from bulletins.site.rawcopy import parse_line, plan

SAVE_AS = "bulletins/2022/02/x.html"


@pytest.mark.parametrize(
    "source, line, target",
    [
        pytest.param("sources/a.txt", None, "raw/bulletins/2022/02/x.txt", id="text-file"),
        pytest.param("sources/a.TXT", None, "raw/bulletins/2022/02/x.txt", id="suffix-case"),
        pytest.param("sources/a.html", None, "raw/bulletins/2022/02/x.html.txt", id="html-never-served-as-html"),
        pytest.param("sources/a.htm", None, "raw/bulletins/2022/02/x.htm.txt", id="htm"),
        pytest.param("sources/README", None, "raw/bulletins/2022/02/x.txt", id="no-suffix"),
        pytest.param("corpus/b.jsonl", 3, "raw/bulletins/2022/02/x.json", id="jsonl-record"),
        pytest.param("../shared/corpus/b.jsonl.gz", 11442, "raw/bulletins/2022/02/x.json", id="gz-record"),
    ],
)
def test_plan(source, line, target):
    copy = plan(SAVE_AS, source, line)
    assert copy.target == target and copy.source == source
    assert copy.line == (line if ".jsonl" in source else None)


@pytest.mark.parametrize(
    "source, line",
    [pytest.param("", None, id="no-source"), pytest.param("c.jsonl", None, id="record-without-line")],
)
def test_plan_nothing_to_copy(source, line):
    assert plan(SAVE_AS, source, line) is None


@pytest.mark.parametrize("value, expected", [("12", 12), (" 3 ", 3), ("0", None), ("x", None), (None, None)])
def test_parse_line(value, expected):
    assert parse_line(value) == expected


@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl.gz"])
def test_read_lines(tmp_path, compress):
    lines = [b'{"id": "a"}', b'{"id": "b", "text": "\xe4\xb8\xad"}', b'{"id": "c"}']
    data = b"\r\n".join(lines) + b"\n"
    path = tmp_path / ("c.jsonl.gz" if compress else "c.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    assert read_lines(path, {2, 3}) == {2: lines[1], 3: lines[2]}
    assert read_lines(path, {9}) == {}
