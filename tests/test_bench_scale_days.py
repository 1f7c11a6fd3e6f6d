"""The scale benchmark's choice of days for its rebuilds, read from a search index: the day a
bulletin goes to for ``empty`` (a day without any) and ``full`` (a day whose block of ids is
full, or the one to fill), and the dates ``add`` gives (each its own, not piled on one day)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import scale_archive


def manifest(tmp_path, first: str, pairs: list[tuple[int, int]], fill: int = 24):
    """An output folder whose search index has a result-data file for each bulletin of these
    days ((days on, bulletins) pairs), and a manifest whose block of ids holds FILL bulletins."""
    folder = tmp_path / "output" / "search"
    day = dt.date.fromisoformat(first)
    for on, count in pairs:
        day += dt.timedelta(days=on)
        year = folder / "f" / f"{day.year:04d}"
        year.mkdir(parents=True, exist_ok=True)
        for slot in range(count):
            (year / f"{day:%m%d}-{slot}.js").write_text("", encoding="utf-8")
    days = {"first": first, "slots": fill * 4 // 3, "fill": fill, "start": 0, "tier": 1 << 20}
    (folder / "manifest.json").write_text(json.dumps({"days": days}), encoding="utf-8")
    return tmp_path / "output"


CASES = [
    # pairs, fill, the days with bulletins and without, empty_day, full_day
    (
        [(0, 3), (1, 24), (3, 5)],
        24,
        {"01-01": 3, "01-02": 24, "01-03": 0, "01-04": 0, "01-05": 5},
        "01-03",
        ("01-02", 0),
    ),
    ([(0, 3), (1, 20), (2, 20)], 24, {"01-01": 3, "01-02": 20, "01-03": 0, "01-04": 20}, "01-03", ("01-02", 4)),
    ([(0, 12), (2, 36), (1, 25)], 12, {"01-01": 12, "01-02": 0, "01-03": 36, "01-04": 25}, "01-02", ("01-01", 0)),
    # a day of several blocks is left alone: the most crowded day below one block is filled
    ([(0, 40), (2, 64), (1, 1)], 24, {"01-01": 40, "01-02": 0, "01-03": 64, "01-04": 1}, "01-02", ("01-04", 23)),
    ([(0, 193), (2, 21), (1, 22)], 24, {"01-01": 193, "01-02": 0, "01-03": 21, "01-04": 22}, "01-02", ("01-04", 2)),
    ([(0, 23), (2, 24), (1, 24)], 24, {"01-01": 23, "01-02": 0, "01-03": 24, "01-04": 24}, "01-02", ("01-03", 0)),
]


@pytest.mark.parametrize(("pairs", "fill", "counts", "empty", "full"), CASES)
def test_days_read_from_the_manifest(tmp_path, pairs, fill, counts, empty, full):
    output = manifest(tmp_path, "2020-01-01", pairs, fill)
    found, held = scale_archive.search_days(output)
    assert held == fill
    assert {day.isoformat()[5:]: count for day, count in found} == counts
    assert [day for day, _ in found] == sorted(day for day, _ in found)
    assert scale_archive.empty_day(output) == f"2020-{empty}"
    date, lacking = scale_archive.full_day(output)
    assert (date[5:], lacking) == full
    assert dict(counts)[date[5:]] + lacking == fill  # one more bulletin there takes a block of the next tier


def test_no_day_below_one_block_is_a_clear_stop(tmp_path):
    output = manifest(tmp_path, "2020-01-01", [(0, 33), (1, 40)])
    with pytest.raises(SystemExit, match="no day holds fewer than 24"):
        scale_archive.full_day(output)


def test_no_empty_day_is_a_clear_stop(tmp_path):
    output = manifest(tmp_path, "2020-01-01", [(0, 3), (1, 4)])
    with pytest.raises(SystemExit, match="no day without bulletins"):
        scale_archive.empty_day(output)


def test_added_bulletins_get_dates_of_their_own():
    """A random date per added bulletin, the same for its number in every run; the newest ones
    one day after another, after the archive's last day."""
    dates = [scale_archive.added_date(number) for number in range(40)]
    assert dates == [scale_archive.added_date(number) for number in range(40)]
    assert len(set(dates)) >= 38  # the days of 25 years: a few may meet, not one for all
    last = scale_archive.FIRST_DAY + dt.timedelta(days=scale_archive.DAYS)
    assert all(scale_archive.FIRST_DAY.isoformat() <= d <= last.isoformat() for d in dates)
    newest = [scale_archive.added_date(number, newest=True) for number in range(3)]
    assert newest == [(last + dt.timedelta(days=n + 1)).isoformat() for n in range(3)]


def test_added_bulletins_are_of_an_archive_bulletins_size(monkeypatch):
    """An added bulletin's body: its own sentence, then ``ADDED_PARAGRAPHS`` paragraphs drawn
    from the corpus, the same for its number in every run and others for other numbers (a
    one-sentence bulletin reached 64 of 9,757 shards at 100,000; the archive's reach some 1,000)."""
    paragraphs = [f"第{n}段。" for n in range(500)]
    monkeypatch.setattr(scale_archive, "_some_paragraphs", lambda: paragraphs)
    bodies = [scale_archive.added_paragraphs(number) for number in range(20)]
    assert bodies == [scale_archive.added_paragraphs(number) for number in range(20)]
    assert all(len(body) == scale_archive.ADDED_PARAGRAPHS and set(body) <= set(paragraphs) for body in bodies)
    assert len({tuple(body) for body in bodies}) == 20
    assert 2 <= scale_archive.ADDED_PARAGRAPHS <= 12  # within the archive's own 2-12
