"""The scale benchmark runs end to end on a small archive (100 bulletins): synthetic sources,
ingest, a cold build with its phases, four rebuilds (one onto a day it first fills), the output
figures and the summary table."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from support.shared import BULLETINS, ROOT, require

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

PHASES = ("read", "prepare", "write", "search index", "open data: files", "open data: SQLite", "manifest")


@pytest.fixture(scope="module")
def report():
    require(BULLETINS)
    run = subprocess.run(
        [
            *(sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--sizes", "100", "--quick", "--jobs", "1"),
            *("--rebuilds", "add,full,edit,remove"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout


@pytest.mark.parametrize("phase", PHASES)
def test_every_phase_has_a_row(report, phase):
    assert re.search(rf"^\| {re.escape(phase)} \| [\d.]+ s \| [\d.,]+ MB \| [\d.,]+ MB \|$", report, re.M), report


@pytest.mark.parametrize(
    "line",
    [
        r"^ingest_s [\d.]+",
        r"^cold_build_s [\d.]+",
        r"^rebuild_add_one_s",
        r"^fill_build_s [\d.]+  \(\d+ bulletins on \d{4}-\d\d-\d\d: its block of ids full\)$",  # no day of 100 is full
        r"^rebuild_full_one_s",
        r"^rebuild_edit_one_s",
        r"^rebuild_remove_one_s",
        r"^rebuild_edit_one_s .*  share_of_cold \d+\.\d\d %$",  # of the cold build of the same run
        # the hour's speed beside each build and at the end (benchmarks/machine.py)
        r"^machine before cold: a fixed Python loop \d+\.\d\d s \(0\.47-0\.56 s quiet\)",
        r"^machine before edit-one: a fixed Python loop \d+\.\d\d s",
        r"^machine at the end: a fixed Python loop \d+\.\d\d s .*, \d+ CPUs$",
    ],
)
def test_every_step_is_timed(report, line):
    assert re.search(line, report, re.M), report


@pytest.mark.parametrize("fork", ["search index", "citations", "open data"])
def test_the_forks_beside_a_rebuild_have_their_cpu_in_its_table(report, fork):
    """The rebuilds' phase table: a fork's row gives its span and its own CPU seconds."""
    assert re.search(rf"^\| fork: {fork} \|( [\d.]+ s \(CPU [\d.]+ s\) \|)+$", report, re.M), report


def test_summary_row_for_the_size(report):
    row = re.search(r"^\| 100 \| \d+ s \| [\d.,]+ MB \| \d+ s \|.*$", report, re.M)
    assert row, report
    cells = [cell.strip() for cell in row.group(0).strip("|").split("|")]
    assert cells[6] == "not run", row.group(0)  # + newest: not asked for by default
    assert all(re.fullmatch(r"\d+ s", cells[i]) for i in (5, 7, 8)), row.group(0)


def test_sources_are_the_same_for_the_seed():
    import scale_archive

    paragraphs = ["第一段。第二句。", "第二段文字。", "第三段文字。"]
    first = list(scale_archive.synthetic_records(paragraphs, 50))
    assert first == list(scale_archive.synthetic_records(paragraphs, 50))
    dates = [record["date"] for _, record in first]
    assert all("2000-01-01" <= d <= "2024-12-31" for d in dates)
    assert {key for key, _ in first} <= set(scale_archive.PUBLISHERS)
    assert all(2 <= record["text"].count("\n") + 1 <= 12 for _, record in first)


def test_an_earlier_runs_folder_is_deleted_once_the_run_ends(report):
    out = ROOT / "benchmarks" / "out"
    assert (out / "scale-100" / "output" / "index.html").is_file()
    assert not list(out.glob(".trash-*")), "the folders set aside are deleted at the end"


def test_a_cold_build_again_can_delete_the_last_output_first(report, monkeypatch):
    """``--again --cold --delete-first`` builds the last run's site cold without setting its
    output and cache aside (a disk that cannot hold two): nothing is set aside, the site is
    built again."""
    import bench_scale

    work = ROOT / "benchmarks" / "out" / "scale-100"
    marker = work / "output" / "left-by-the-last-run.txt"
    marker.write_text("x", encoding="utf-8")
    aside = []
    monkeypatch.setattr(bench_scale, "set_aside", aside.append)
    monkeypatch.setattr(bench_scale, "build", lambda folder, label: (_ for _ in ()).throw(SystemExit(label)))
    with pytest.raises(SystemExit, match="cold"):
        bench_scale.main(["--sizes", "100", "--again", "--cold", "--delete-first", "--rebuilds", ""])
    assert aside == [] and not marker.exists() and not (work / "cache").exists()
