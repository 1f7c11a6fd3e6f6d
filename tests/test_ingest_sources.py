"""Sources through the whole pipeline: large collections read once in bounded memory, odd file names."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bulletins import cli
from bulletins.ingest import pipeline
from support.sources import write, write_gzip_bomb

PROC_IO = Path("/proc/self/io")


def options(**changes) -> pipeline.Options:
    return replace(pipeline.Options(content=Path("content"), jobs=1, progress=False), **changes)


def untitled_records(count: int, padding: int = 200) -> bytes:
    """COUNT records without text: each is one cheap problem, so only reading costs anything."""
    lines = [json.dumps({"id": f"r{i}", "title": "青" * padding}, ensure_ascii=False) for i in range(1, count + 1)]
    return ("\n".join(lines) + "\n").encode()


def bytes_read() -> int:
    return int(next(line for line in PROC_IO.read_text().splitlines() if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not PROC_IO.exists(), reason="needs /proc/self/io (Linux) to count the bytes read")
def test_a_chunked_collection_is_read_once_not_from_line_1_per_chunk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "src/big.jsonl", untitled_records(4000))  # 8 chunks of 500 lines
    pipeline.ingest(["src"], options())  # warm up: every module and table loaded
    before = bytes_read()
    report = pipeline.ingest(["src"], options())
    read = bytes_read() - before
    assert [str(p.line) for p in report.problems] == [str(n) for n in range(1, 4001)]
    assert read < 2.5 * path.stat().st_size  # counting the lines, then reading them; never once per chunk


@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl-gz"])
def test_chunks_read_by_workers_come_back_complete_and_in_order(tmp_path, monkeypatch, compress):
    monkeypatch.chdir(tmp_path)
    data = untitled_records(230, padding=4)
    data = data.replace(b'{"id": "r117",', b"{broken\n\n\n" + b'{"id": "r117",')
    name = "src/c.jsonl.gz" if compress else "src/c.jsonl"
    write(tmp_path, name, gzip.compress(data) if compress else data)
    report = pipeline.ingest(["src"], options(jobs=2))
    places = [p.line for p in report.problems]
    assert places == [*range(1, 118), *range(120, 234)]  # 118 and 119 are blank
    assert "not JSON" in report.problems[116].reason and "record has no text" in report.problems[117].reason


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        pytest.param(["--max-record-bytes", "1K"], 1, "src/c.jsonl:2: record longer than 1,024 bytes", id="1K"),
        pytest.param([], 0, None, id="default-16M"),
    ],
)
def test_max_record_bytes_option(tmp_path, monkeypatch, capsys, args, status, message):
    monkeypatch.chdir(tmp_path)
    lines = [
        {"id": "a", "date": "2023-03-01", "text": "3月1日，青溪区召开防汛会议。" + "会议要求压实责任。" * n}
        for n in (1, 60)
    ]
    write(tmp_path, "src/c.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in lines).replace('"a"', '"b"', 1))
    assert cli.main(["ingest", "src", "--jobs", "1", "--no-progress", *args]) == status
    err = capsys.readouterr().err
    assert (message in err) if message else "record longer" not in err


def test_max_record_bytes_rejects_nonsense(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["ingest", "src", "--max-record-bytes", "lots"])
    assert stopped.value.code == 2 and "--max-record-bytes" in capsys.readouterr().err


# VmHWM, not ru_maxrss: Linux keeps the larger of the test worker's and this process's peak
# across exec, so ru_maxrss would report a large worker rather than the ingest.
PEAK_RSS = """
import re, sys
from pathlib import Path
from bulletins import cli
status = cli.main(sys.argv[1:])
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())
print(status, int(hwm.group(1)) // 1024)
"""


def peak_rss_mb(folder: Path, source: str) -> tuple[int, int, str]:
    """Exit status, peak RSS in MB and stderr of ``bulletins ingest SOURCE`` run in a fresh process."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_RSS,
            "ingest",
            source,
            "--jobs",
            "1",
            "--no-progress",
            "--content",
            source + ".out",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    status, peak = map(int, run.stdout.split())
    return status, peak, run.stderr


@pytest.mark.slow
def test_ingesting_a_gzip_bomb_stays_small(tmp_path):
    """A 1 MB .jsonl.gz holding one 200 MB line: reported by file:line, the rest written, memory bounded."""
    good = json.dumps({"id": "ok", "date": "2023-03-01", "text": "3月1日，青溪区召开防汛会议。"}, ensure_ascii=False)
    write(tmp_path, "small.jsonl", good + "\n")
    assert write_gzip_bomb(tmp_path / "bomb.jsonl.gz", 200 << 20, [good]) < 2 << 20
    _, baseline, _ = peak_rss_mb(tmp_path, "small.jsonl")
    status, peak, stderr = peak_rss_mb(tmp_path, "bomb.jsonl.gz")
    assert status == 1 and "bomb.jsonl.gz:2: record longer than 16 MB" in stderr
    assert len(list((tmp_path / "bomb.jsonl.gz.out").rglob("*.md"))) == 1
    assert peak - baseline < 64, f"peak RSS {peak} MB, {baseline} MB for one small record"


def test_a_gbk_file_name_from_a_windows_zip_is_ingested_under_its_readable_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    name = os.fsdecode("青溪区防汛会议.txt".encode("gbk"))
    (tmp_path / "src" / name).write_bytes("2023年3月1日，青溪区召开防汛会议。\n会议要求压实责任。".encode("gbk"))
    report = pipeline.ingest(["src"], options())
    assert report.problems == [] and len(report.written) == 1
    assert "Source: src/青溪区防汛会议.txt\n" in Path(report.written[0]).read_text("utf-8")
