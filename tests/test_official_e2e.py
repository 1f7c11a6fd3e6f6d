"""Official documents end to end, small: 4 unseen 公文 per format (.docx, Chromium-printed .pdf, glyph-placed
.ofd) plus a PDF with an unreadable text layer and an image-only scan, through ``bulletins ingest`` and the
Pelican build as subprocesses, held to the acceptance thresholds (``benchmarks/bench_official_e2e.py`` runs 90)."""

from __future__ import annotations

from pathlib import Path

import pytest

from official_check import BROKEN, THRESHOLDS, failures, generate, run, score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    pytest.importorskip("playwright")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium (/usr/bin/chromium) prints the PDFs: not installed")
    home = tmp_path_factory.mktemp("official-e2e")
    expected = generate(home / "documents", per_format=4, seed=7)
    result = run(home / "documents", home / "project")
    return expected, result, score(expected, result)


def test_every_threshold_met(checked):
    expected, result, fig = checked
    assert failures(fig, result, expected) == [], "\n".join(fig.misses)


@pytest.mark.parametrize("key", THRESHOLDS)
def test_each_format_meets_the_threshold(checked, key):
    _, _, fig = checked
    total = "paragraphs" if key in ("found", "whole") else "documents"
    got = {fmt: fig.ratio(fmt, key, total) for fmt in ("docx", "pdf", "ofd")}
    assert all(value >= THRESHOLDS[key] for value in got.values()), got


def test_broken_files_reported_once_and_not_written(checked):
    _, result, fig = checked
    assert (result.ingest_status, fig.broken_reported, fig.broken_written) == (1, len(BROKEN), 0)
    assert all(sum(name in line for line in result.ingest_errors) == 1 for name in BROKEN)
