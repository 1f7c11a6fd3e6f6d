"""Build progress end to end: the sample archive built by the ``pelican`` command with stderr on a
pipe shows no progress at all and still logs every phase when asked; built on a terminal
(a pseudo-terminal) it shows the phase lines, and both builds write the same bytes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from support.shared import ROOT

pytestmark = pytest.mark.slow

PHASES = {"read", "prepare", "write", "search index", "open data: files", "open data: SQLite", "manifest"}


def pelican_command(output: Path, cache: Path, *settings: str) -> list[str]:
    overrides = [f"CACHE_PATH={json.dumps(str(cache))}", *settings]
    site = ["-o", str(output), "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors"]
    return [sys.executable, "-m", "pelican", str(ROOT / "content"), *site, "-e", *overrides]


def run_on_terminal(args: list[str], env: dict) -> tuple[int, str]:
    """Run ARGS with stdin, stdout and stderr on one pseudo-terminal; return its status and what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=600), shown.decode("utf-8", "replace")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The sample archive built twice from a cold start: on a pipe (with the phase log), on a terminal."""
    base = tmp_path_factory.mktemp("progress")
    log = base / "phases.jsonl"
    env = dict(os.environ, BULLETINS_PHASE_LOG=str(log), TERM="xterm", COLUMNS="100")
    piped = subprocess.run(
        pelican_command(base / "piped", base / "cache-piped"), cwd=ROOT, env=env, capture_output=True, check=False
    )
    env.pop("BULLETINS_PHASE_LOG")
    command = pelican_command(base / "terminal", base / "cache-terminal", "BULLETINS_PROGRESS_DELAY=0")
    status, shown = run_on_terminal(command, env)
    return {"piped": piped, "log": log, "terminal": (status, shown), "base": base}


def test_piped_build_shows_no_progress(builds):
    piped = builds["piped"]
    assert piped.returncode == 0, piped.stderr.decode()[-2000:]
    for stream in (piped.stdout.decode(), piped.stderr.decode()):
        assert "\r" not in stream
        assert not any(line.startswith(tuple(PHASES)) for line in stream.splitlines()), stream


def test_piped_build_still_logs_its_phases_when_asked(builds):
    records = [json.loads(line) for line in builds["log"].read_text(encoding="utf-8").splitlines()]
    assert {r["phase"] for r in records if not r.get("fork")} == PHASES
    assert {r["phase"] for r in records if r.get("fork")} == {"fork: open data"}  # its rows beside the pages
    assert records[0]["phase"] == "read" and records[-1]["phase"] == "manifest"
    articles = len(list((ROOT / "content").rglob("*.md")))
    assert sum(r["count"] for r in records if r["phase"] == "read") == articles
    assert sum(r["count"] for r in records if r["phase"] == "write") > articles
    assert all(r["peak_rss_kb"] and r["end"] >= r["start"] for r in records)


def test_terminal_build_shows_a_line_per_phase(builds):
    status, shown = builds["terminal"]
    assert status == 0, shown[-2000:]
    articles = len(list((ROOT / "content").rglob("*.md")))
    assert f"read              {articles} articles" in shown
    for phase in ("write", "search index", "open data: files", "open data: SQLite"):
        assert f"\n{phase:<17} " in shown.replace("\x1b[2K", "").replace("\r", "\n"), phase


@pytest.mark.parametrize("quiet", [pytest.param("BULLETINS_PROGRESS=false", id="quiet-setting")])
def test_quiet_terminal_build_shows_no_progress(builds, quiet):
    base = builds["base"]
    command = pelican_command(base / "quiet", base / "cache-quiet", "BULLETINS_PROGRESS_DELAY=0", quiet)
    status, shown = run_on_terminal(command, dict(os.environ, TERM="xterm"))
    assert status == 0, shown[-2000:]
    assert "read              " not in shown and "ETA" not in shown


def test_progress_changes_no_output_byte(builds):
    piped, terminal = tree(builds["base"] / "piped"), tree(builds["base"] / "terminal")
    assert sorted(piped) == sorted(terminal)
    assert [name for name in piped if piped[name] != terminal[name]] == []
