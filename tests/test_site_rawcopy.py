"""Where raw sources are copied, and reading records out of (gzipped) collections."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from bulletins.plugins.raw_source.generator import read_lines
from bulletins.site.rawcopy import (
    NOT_FOUND,
    NOT_REGULAR,
    OUTSIDE,
    Located,
    locate,
    open_regular,
    parse_line,
    plan,
    real_roots,
)

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


@pytest.fixture
def project(tmp_path):
    """A project folder: sources/ with a file, a collection, a folder, a symlink in and one
    out, a FIFO; and a secret beside sources/."""
    sources = tmp_path / "sources"
    (sources / "2022").mkdir(parents=True)
    (sources / "2022" / "a.txt").write_text("公报", encoding="utf-8")
    (sources / "c.jsonl").write_bytes(b'{"id": "a"}\n{"id": "b"}\n')
    (tmp_path / "secret.txt").write_text("PASSWORD=x", encoding="utf-8")
    (sources / "inside.txt").symlink_to(sources / "2022" / "a.txt")
    (sources / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (sources / "passwd.txt").symlink_to("/etc/passwd")
    (sources / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(sources / "pipe.txt")
    return tmp_path


@pytest.mark.parametrize(
    "source, found",
    [
        pytest.param("sources/2022/a.txt", "sources/2022/a.txt", id="file-in-the-roots"),
        pytest.param("sources/c.jsonl", "sources/c.jsonl", id="collection"),
        pytest.param("sources/inside.txt", "sources/2022/a.txt", id="symlink-staying-inside"),
        pytest.param("sources/escape.txt", OUTSIDE, id="symlink-out-of-the-roots"),
        pytest.param("sources/passwd.txt", OUTSIDE, id="symlink-to-etc-passwd"),
        pytest.param("sources/dangling.txt", OUTSIDE, id="dangling-symlink-out"),
        pytest.param("sources/../secret.txt", OUTSIDE, id="dot-dot"),
        pytest.param("../../../../../../../../proc/self/environ", OUTSIDE, id="proc-environ"),
        pytest.param("/etc/shadow", OUTSIDE, id="absolute-outside"),
        pytest.param("/dev/zero", OUTSIDE, id="device"),
        pytest.param("sources/pipe.txt", NOT_REGULAR, id="fifo"),
        pytest.param("sources/2022", NOT_REGULAR, id="folder"),
        pytest.param("sources", NOT_REGULAR, id="the-root-itself"),
        pytest.param("sources/missing.txt", NOT_FOUND, id="missing"),
    ],
)
def test_locate_copies_only_regular_files_inside_the_roots(project, source, found):
    located = locate(source, [str(project)], real_roots(["sources"], str(project)))
    if found in (OUTSIDE, NOT_REGULAR, NOT_FOUND):
        assert located == Located(None, found)
    else:
        assert located == Located(Path(os.path.realpath(project / found)))


def test_locate_takes_absolute_paths_inside_the_roots(project):
    path = project / "sources" / "2022" / "a.txt"
    assert locate(str(path), [], real_roots(["sources"], str(project))).path == path.resolve()


def test_locate_with_no_roots_copies_nothing(project):
    assert locate("sources/2022/a.txt", [str(project)], []).problem == OUTSIDE


def test_open_regular_never_waits_on_a_fifo_nor_follows_a_symlink(project):
    with pytest.raises(OSError):
        open_regular(project / "sources" / "pipe.txt")
    with pytest.raises(OSError):
        open_regular(project / "sources" / "escape.txt")
    with open_regular(project / "sources" / "2022" / "a.txt") as fh:
        assert fh.read().decode("utf-8") == "公报"
