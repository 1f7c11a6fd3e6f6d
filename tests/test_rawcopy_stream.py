"""Raw copies of collection records: planned by line number and size, each line read from the
collection only when its copy is written, so no record is held from planning to writing."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from bulletins.plugins.raw_source import generator as raw_source
from bulletins.plugins.raw_source import linesizes
from support.site_build import FIXTURE_RAW, build_fixture_site

LINES = [b'{"id": "a"}', b'{"id": "b", "text": "\xe4\xb8\xad"}', b'{"id": "c"}', b'{"id": "d"}']


@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl.gz"])
@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        pytest.param({2, 3}, [2, 3], id="two"),
        pytest.param({4, 1}, [1, 4], id="file-order"),
        pytest.param({9}, [], id="past-the-end"),
        pytest.param(set(), [], id="none"),
    ],
)
def test_iter_lines_yields_wanted_lines_in_file_order(tmp_path, compress, wanted, expected):
    data = b"\r\n".join(LINES) + b"\n"
    path = tmp_path / ("c.jsonl.gz" if compress else "c.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    assert list(raw_source.iter_lines(path, wanted)) == [(n, LINES[n - 1]) for n in expected]
    assert raw_source.line_sizes(path, wanted) == {n: len(LINES[n - 1]) + 1 for n in expected}


def records_of(monkeypatch) -> list:
    """The raw-copy plans of each build, as ``generate_output`` finds them."""
    seen = []
    write = raw_source.RawSourceGenerator.generate_output

    def watched(self, writer=None):
        seen.append({path: list(records) for path, records in self.records.items()})
        return write(self, writer)

    monkeypatch.setattr(raw_source.RawSourceGenerator, "generate_output", watched)
    return seen


def collection_copies(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "raw").rglob("*.json")}


def test_plans_hold_no_record_and_copies_are_the_lines(tmp_path, monkeypatch):
    seen = records_of(monkeypatch)
    out = build_fixture_site(tmp_path / "output")
    [plans] = seen
    assert plans and all(
        isinstance(line, int) and isinstance(size, int) for records in plans.values() for line, _, size in records
    )
    copies = collection_copies(out)
    source = (FIXTURE_RAW / "sources" / "samples.jsonl").read_bytes().splitlines()
    expected = {target: source[line - 1] + b"\n" for records in plans.values() for line, target, _ in records}
    assert copies == expected and all(json.loads(data) for data in copies.values())


def test_rebuild_reads_no_collection_when_every_copy_is_up_to_date(tmp_path, monkeypatch):
    out = build_fixture_site(tmp_path / "output")
    opened = []
    lines, all_sizes = raw_source.iter_lines, linesizes.all_line_sizes

    def counted(path, wanted):
        opened.append(("copy", path))
        return lines(path, wanted)

    def counted_sizes(path):
        opened.append(("plan", path))
        return all_sizes(path)

    monkeypatch.setattr(raw_source, "iter_lines", counted)
    monkeypatch.setattr(linesizes, "all_line_sizes", counted_sizes)
    before = {name: os.stat(out / name).st_mtime_ns for name in collection_copies(out)}
    build_fixture_site(out)
    assert {name: os.stat(out / name).st_mtime_ns for name in collection_copies(out)} == before
    assert opened == []  # planning takes the line sizes from the cache; writing needs no line
    (out / next(iter(before))).unlink()
    build_fixture_site(out)
    assert [kind for kind, _ in opened] == ["copy"] and set(collection_copies(out)) == set(before)
    sizes_cache = tmp_path / "cache" / linesizes.CACHE
    sizes_cache.unlink()
    build_fixture_site(out)
    assert [kind for kind, _ in opened] == ["copy", "plan"] and sizes_cache.is_file()
