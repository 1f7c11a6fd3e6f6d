"""The open data's state file reads back as written, or as no state: each of its two lines
carries its CRC-32, so a changed digit of a row id is not read as another id (two rows of one
id stopped the build with ``UNIQUE constraint failed``)."""

from __future__ import annotations

import random

import pytest

from bulletins.site import opendata_state
from bulletins.site.opendata_state import DataState

STATE = DataState(
    inputs="a" * 64,
    columns=["id", "title"],
    count=2,
    files={"bulletins.jsonl": [120, 1_700_000_000_000_000_000]},
    sqlite_key="k1",
    rows={"row-0001": "d" * 64, "row-0002": "e" * 64},
    code="c" * 16,
    sources={"row-0001": ["f" * 64, 60, 50], "row-0002": ["0" * 64, 60, 50]},
)


def test_a_state_reads_back_whole_and_by_its_first_line(tmp_path):
    path = tmp_path / "state.json"
    opendata_state.save(path, STATE)
    assert opendata_state.load(path) == STATE
    head = opendata_state.load(path, whole=False)
    assert (head.inputs, head.count, head.rows) == (STATE.inputs, STATE.count, {})


@pytest.mark.parametrize("seed", range(40))
def test_a_changed_letter_or_digit_reads_as_no_state(tmp_path, seed):
    """One letter or digit changed for another of its kind (the JSON still parses): no state,
    whichever line it is in."""
    path = tmp_path / "state.json"
    opendata_state.save(path, STATE)
    data = bytearray(path.read_bytes())
    rng = random.Random(seed)
    at = rng.choice([i for i, b in enumerate(data) if chr(b).isalnum()])
    pool = "0123456789" if chr(data[at]).isdigit() else "abcdefk"
    data[at] = ord(rng.choice([c for c in pool if c != chr(data[at])]))
    path.write_bytes(bytes(data))
    first_line = at < data.index(b"\n")
    assert opendata_state.load(path) == DataState()
    if first_line:
        assert opendata_state.load(path, whole=False) == DataState()


@pytest.mark.parametrize("text", ["", "\n", '{"version": 4}\n{}\n', "0000000 {}\n{}\n", "zzzzzzzz {}\n"])
def test_lines_without_their_crc_read_as_no_state(tmp_path, text):
    path = tmp_path / "state.json"
    path.write_text(text, encoding="utf-8")
    assert opendata_state.load(path) == DataState()
