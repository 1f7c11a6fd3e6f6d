"""The last build's rows copied by place (``opendata_reuse``): the files a rebuild writes equal
the files written row by row, whichever rows change, come, go or are damaged on disk."""

from __future__ import annotations

import os
import random

import pytest

from bulletins.site import opendata, opendata_reuse
from bulletins.site.opendata_state import DataState, file_stamp

COLS = ["id", "title", "date", "text"]


def row(number: int, version: int = 0) -> opendata.RowBytes:
    text = f"公报正文，第{number}段。" * (1 + number % 7) + ("（修订）" * version)
    values = {
        "id": f"r{number:04d}",
        "title": f"澄川市公告 {number}",
        "date": f"2019-01-{1 + number % 28:02d}",
        "text": text,
    }
    if number % 11 == 0:
        values["text"] += '，含"引号",逗号\n与换行'
    return opendata.row_bytes(COLS, values)


def build(folder, wanted, state=None):
    """WANTED ``(number, version)`` rows written, those of STATE's build with the same version
    taken by place (the source digest of a row is its version): the files' bytes, the numbers
    of the rows made afresh, and the state this build keeps."""
    old = opendata_reuse.old_rows(folder, state, COLS, "c") if state is not None else None
    made = []

    def rows():
        for number, version in wanted:
            span = old.take(row(number).row_id, f"s{version}") if old is not None else None
            if span is None:
                made.append(number)
            yield span or row(number, version)

    try:
        _, digests, sizes, count = opendata.write_row_bytes(folder, COLS, rows(), old)
    finally:
        if old is not None:
            old.close()
    assert count == len(wanted)
    assert digests == {row(n).row_id: row(n, v).digest for n, v in wanted}
    files = {name: file_stamp(folder / name) for name in (opendata.JSONL, opendata.CSV)}
    sources = {row(n).row_id: [f"s{v}", *sizes[row(n).row_id]] for n, v in wanted}
    kept = DataState(columns=COLS, rows=digests, sources=sources, code="c", files=files)
    return {name: (folder / name).read_bytes() for name in (opendata.JSONL, opendata.CSV)}, made, kept


def row_by_row(folder, wanted):
    opendata.write_row_bytes(folder, COLS, [row(n, v) for n, v in wanted])
    return {name: (folder / name).read_bytes() for name in (opendata.JSONL, opendata.CSV)}


def first_build(folder, numbers):
    return build(folder, [(n, 0) for n in numbers])[2]


def rebuild(folder, state, wanted):
    return build(folder, wanted, state)[:2]


NUMBERS = list(range(1, 41))
CASES = [
    pytest.param([(n, 0) for n in NUMBERS], [], id="all-taken"),
    pytest.param([(n, int(n == 1)) for n in NUMBERS], [1], id="first-edited"),
    pytest.param([(n, int(n == 40)) for n in NUMBERS], [40], id="last-edited"),
    pytest.param([(n, int(n == 20)) for n in NUMBERS], [20], id="middle-edited"),
    pytest.param([(n, 0) for n in NUMBERS if n != 17], [], id="one-gone"),
    pytest.param([(n, 0) for n in NUMBERS[:20]] + [(99, 0)] + [(n, 0) for n in NUMBERS[20:]], [99], id="one-new"),
    pytest.param([(n, 0) for n in reversed(NUMBERS)], [], id="reordered"),
    pytest.param([(n, 1) for n in NUMBERS], NUMBERS, id="none-taken"),
    pytest.param([], [], id="empty"),
]


@pytest.mark.parametrize(("wanted", "made"), CASES)
@pytest.mark.parametrize("kernel_copy", [True, False], ids=["copy_file_range", "read-write"])
def test_rows_taken_by_place_write_the_files_written_row_by_row(tmp_path, monkeypatch, wanted, made, kernel_copy):
    if not kernel_copy:
        monkeypatch.delattr(opendata_reuse.os, "copy_file_range", raising=False)
    state = first_build(tmp_path / "warm", NUMBERS)
    files, rows_made = rebuild(tmp_path / "warm", state, wanted)
    assert rows_made == made
    assert files == row_by_row(tmp_path / "cold", wanted)


def test_rows_that_follow_each_other_are_copied_at_once(tmp_path, monkeypatch):
    copies = []
    real = opendata_reuse.copy_range
    monkeypatch.setattr(opendata_reuse, "copy_range", lambda *args: copies.append(args[3]) or real(*args))
    state = first_build(tmp_path, NUMBERS)
    rebuild(tmp_path, state, [(n, int(n == 20)) for n in NUMBERS])
    assert len(copies) == 4, "rows 1-19 and 21-40: one range of each file each"
    assert sum(copies) == sum(sum(state.sources[row(n).row_id][1:]) for n in NUMBERS if n != 20)


@pytest.mark.parametrize(
    ("damage", "made"),
    [
        pytest.param(
            lambda data: data.replace("澄川市公告 7".encode(), "澄川市公告 8".encode(), 1), [7], id="same-size"
        ),
        pytest.param(lambda data: data[:-1] + b" ", [40], id="last-newline"),
        pytest.param(lambda data: data + b"\n", NUMBERS, id="longer"),
        pytest.param(lambda data: data[:-10], NUMBERS, id="shorter"),
    ],
)
def test_a_damaged_line_is_made_again(tmp_path, damage, made):
    """The files changed behind the record's back, their size and mtime put back: a line that is
    not the recorded one is made afresh; files of another size take nothing."""
    state = first_build(tmp_path / "warm", NUMBERS)
    jsonl = tmp_path / "warm" / opendata.JSONL
    stat = jsonl.stat()
    jsonl.write_bytes(damage(jsonl.read_bytes()))
    os.utime(jsonl, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    state.files[opendata.JSONL] = file_stamp(jsonl)  # as if the size were the recorded one
    wanted = [(n, 0) for n in NUMBERS]
    files, rows_made = rebuild(tmp_path / "warm", state, wanted)
    assert rows_made == made
    assert files == row_by_row(tmp_path / "cold", wanted)


def test_random_rebuilds_equal_rows_written_row_by_row(tmp_path):
    """Forty rebuilds in a row, each adding, editing and removing rows at random (seed 7)."""
    rng = random.Random(7)
    versions = dict.fromkeys(NUMBERS, 0)
    state = first_build(tmp_path / "warm", NUMBERS)
    for step in range(40):
        for _ in range(rng.randint(0, 3)):
            if len(versions) > 2 and rng.random() < 0.5:
                del versions[rng.choice(sorted(versions))]
            else:
                versions[100 + step] = 0
        for number in rng.sample(sorted(versions), rng.randint(0, 2)):
            versions[number] += 1
        wanted = sorted(versions.items())
        files, made, state = build(tmp_path / "warm", wanted, state)
        assert files == row_by_row(tmp_path / "cold", wanted), f"step {step}"
        assert len(made) <= 5, "only rows added or edited in this step are made"
