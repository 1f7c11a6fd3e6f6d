"""A build, an ingest or a pack that something stops (a full disk, Ctrl-C, a second build on
the same cache), beyond the rebuild campaign of ``test_disk_full.py``: one line saying so, the
right exit status, nothing left running or half-made, and the next run finishing the work."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bulletins.plugins.build_errors import buildlock, interrupt
from bulletins.plugins.minify import adapter as minify_adapter
from support.shared import ROOT
from test_disk_full import FILLED_RUN, pelican_command, site_files


@pytest.mark.slow
def test_the_pelican_command_interrupted_says_so_and_exits_130(tmp_path):
    """Ctrl-C in the middle of a build (before its 400th write): Pelican's command would log a
    warning and exit 0, and ``./run build && rsync ...`` would publish the half-built site."""
    code = FILLED_RUN.format(tests=str(ROOT / "tests"), fail_at=400, interrupt=True)
    site = pelican_command(ROOT / "content", tmp_path / "output")[3:]
    command = [sys.executable, "-c", code, *site, "--log-handler", "plain"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    shown = done.stdout + done.stderr
    assert done.returncode == 130, shown
    assert "Traceback" not in shown and "Keyboard interrupt received" not in shown
    assert interrupt.SAID in shown.splitlines()


def test_an_interrupt_inside_a_build_is_exit_status_130_and_nothing_else_changes(monkeypatch):
    said = []
    monkeypatch.setattr(interrupt.logger, "warning", said.append)  # Pelican's logger may not propagate

    def stopped():
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as left:
        interrupt._stopping_run(stopped)()
    assert left.value.code == 130 and said == [interrupt.SAID]
    assert interrupt._stopping_run(lambda: "built")() == "built"
    with pytest.raises(ValueError):
        interrupt._stopping_run(lambda: int("x"))()


def ingest(content: Path) -> int:
    from bulletins import cli

    return cli.main(["ingest", str(ROOT / "sources"), "--content", str(content), "-q"])


def articles_of(content: Path) -> dict[str, bytes]:
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in content.rglob("*.md")}


@pytest.mark.parametrize(
    "fail_at", [pytest.param(1, marks=pytest.mark.slow), 10, pytest.param(30, marks=pytest.mark.slow)]
)
def test_an_ingest_stops_at_a_full_disk_in_one_line_and_the_next_finishes_it(tmp_path, monkeypatch, capsys, fail_at):
    """The sample sources ingested onto a disk that fills at the FAIL_AT-th article: exit 1, one
    line naming the file, no temporary left; run again with room, the articles a whole ingest writes."""
    from bulletins.ingest import pipeline

    assert ingest(tmp_path / "whole") == 0
    whole = articles_of(tmp_path / "whole")
    real, calls = pipeline.write_atomic, []

    def filling(path, data):
        calls.append(path)
        if len(calls) >= fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data)

    capsys.readouterr()
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "write_atomic", filling)
        assert ingest(tmp_path / "content") == 1
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("bulletins ingest stopped: no space left on the disk writing ")
    assert len(articles_of(tmp_path / "content")) == fail_at - 1
    assert not list((tmp_path / "content").rglob("*.tmp"))
    assert ingest(tmp_path / "content") == 0
    assert articles_of(tmp_path / "content") == whole


def test_a_file_the_ingest_may_not_write_is_that_articles_problem(tmp_path, monkeypatch, capsys):
    """Permission denied on one article: reported as its problem, the run goes on (exit 1 for the problem)."""
    from bulletins.ingest import pipeline

    real, calls = pipeline.write_atomic, []

    def forbidding(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", forbidding)
    ingest(tmp_path / "content")
    err = capsys.readouterr().err
    assert err.count("cannot write") == 1 and "Permission denied" in err
    assert len(articles_of(tmp_path / "content")) == len(calls) - 1 > 10


def test_a_pack_the_disk_stops_says_so_in_one_line_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    """``bulletins pack`` whose copy of the site fills the disk at its 5th file: one line naming
    the file, exit 2, no temporary folder and no zip left beside it."""
    from bulletins import cli

    site = tmp_path / "site"
    for i in range(12):
        (site / "bulletins" / f"{i:02d}.html").parent.mkdir(parents=True, exist_ok=True)
        (site / "bulletins" / f"{i:02d}.html").write_text(f"<p>{i}</p>", encoding="utf-8")
    real, calls = shutil.copy2, []

    def filling(source, target, **kwargs):
        calls.append(target)
        if len(calls) >= 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), source, None, target)
        return real(source, target, **kwargs)

    monkeypatch.setattr(shutil, "copy2", filling)
    bags = tmp_path / "bags"
    code = cli.main(
        ["pack", "--site", str(site), "--name", str(bags / "archive"), "--publisher", "云溪市临江区人民政府"]
    )
    said = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(said) == 1
    assert said[0].startswith("bulletins pack stopped: no space left on the disk writing ")
    assert said[0].endswith("nothing half-made is left (the bag is made in a temporary folder and moved into place).")
    assert list(bags.iterdir()) == []


@pytest.mark.slow
def test_a_pack_killed_outright_leaves_a_copy_the_next_pack_removes(tmp_path):
    """``kill -9`` in the middle of ``bulletins pack``: its copy of the site (gigabytes at 100,000
    bulletins) stays beside the zip; the next pack there removes it, and no copy of a pack that
    is still running."""
    from bulletins.site import bagpack

    site = tmp_path / "site"
    (site / "bulletins").mkdir(parents=True)
    (site / "bulletins" / "a.html").write_text("<p>a</p>", encoding="utf-8")
    bags = tmp_path / "bags"
    code = f"""
import os, shutil, signal, sys
from pathlib import Path
from bulletins.site import bagpack
def killed(source, target, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
shutil.copy2 = killed
bagpack.pack(Path({str(site)!r}), Path({str(bags / "archive.zip")!r}), {{}})
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert done.returncode == -9
    [left] = bags.iterdir()
    assert left.name.startswith(".bag-") and bagpack.stale_copies(bags) == [left]
    running = bags / f".bag-{os.getpid()}-xyz"
    running.mkdir()
    bagpack.pack(site, bags / "archive.zip", {"Source-Organization": "云溪市临江区人民政府"})
    assert sorted(p.name for p in bags.iterdir()) == [running.name, "archive.zip"]


def test_two_builds_on_one_cache_take_turns_and_give_a_cold_builds_site(tmp_path):
    """Two ``pelican`` commands begun together on one output and cache folder: the second waits
    for the first (saying so once), both end with 0, and the site is a cold build's."""
    command = [*pelican_command(ROOT / "content", tmp_path / "output"), "--log-handler", "plain"]
    both = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)]
    both.append(subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    shown = [process.communicate(timeout=600)[0] for process in both]
    assert [process.returncode for process in both] == [0, 0], shown
    assert all("Traceback" not in text for text in shown)
    waited = sum(text.count("another build is using this cache folder; waiting for it to finish") for text in shown)
    assert waited <= 1
    cold = tmp_path / "cold" / "output"
    subprocess.run(pelican_command(ROOT / "content", cold), cwd=ROOT, capture_output=True, check=True)
    after, expected = site_files(tmp_path / "output"), site_files(cold)
    assert sorted(after) == sorted(expected)
    assert [name for name in expected if after[name] != expected[name]] == []


HOLDER = """
import sys
sys.path[:0] = [{src!r}]
from bulletins.plugins.build_errors import buildlock
with buildlock.held({cache!r}):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_build_waits_for_the_lock_another_process_holds(tmp_path, monkeypatch):
    """The lock itself: while another process holds it, a build (here a thread of this process)
    waits and says so once, and takes it when the other lets go."""
    said, events, cache = [], [], str(tmp_path / "cache")
    monkeypatch.setattr(buildlock.logger, "warning", lambda message, *args: said.append(message % args))
    code = HOLDER.format(src=str(ROOT / "src"), cache=cache)
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"

    def build():
        with buildlock.held(cache):
            events.append("the build holds it")

    thread = threading.Thread(target=build)
    thread.start()
    thread.join(0.5)
    events.append("the other lets go")
    holder.communicate("")
    thread.join(10)
    assert events == ["the other lets go", "the build holds it"]
    assert said == [f"{cache}: another build is using this cache folder; waiting for it to finish"]


def test_a_waiting_build_leaves_the_theme_mirror_alone_until_it_holds_the_lock(tmp_path):
    """The minified mirror of the theme's files (in the cache folder) is made under the build's
    lock: a build that waits for another does not empty the mirror the other is copying from
    (two builds begun together did, and the second stopped on a missing file)."""
    cache = tmp_path / "cache"
    mirror = cache / minify_adapter.MIRROR / "0"
    mirror.mkdir(parents=True)
    (mirror / "the-other-builds-file").write_text("x", encoding="utf-8")
    code = HOLDER.format(src=str(ROOT / "src"), cache=str(cache))
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    command = [*pelican_command(ROOT / "content", tmp_path / "output"), "--log-handler", "plain"]
    build = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(120, build.kill)  # a build that never says it waits fails, not hangs
    watchdog.start()
    said = ""
    for line in iter(build.stdout.readline, ""):
        if "another build is using this cache folder" in line:
            said = line
            break
    watchdog.cancel()
    assert said, "the build never said it waits"
    assert (mirror / "the-other-builds-file").exists()  # waiting: the mirror untouched
    holder.communicate("")
    shown = build.communicate(timeout=600)[0]
    assert build.returncode == 0, shown
    assert not (mirror / "the-other-builds-file").exists()  # made anew once the build held the lock
    assert (mirror / "js").is_dir()


def test_a_fork_left_behind_does_not_keep_the_lock(tmp_path):
    """A fork of a build (alive after the build let go, as a stopped build's fork may be) does
    not hold the lock: a later build takes it at once."""
    cache = str(tmp_path / "cache")
    with buildlock.held(cache):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the fork: outlive the lock, then go
            time.sleep(60)
            os._exit(0)
    try:
        code = HOLDER.format(src=str(ROOT / "src"), cache=cache)
        later = subprocess.run([sys.executable, "-c", code], input="", capture_output=True, text=True, timeout=30)
        assert later.stdout == "held\n" and "waiting" not in later.stderr
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


def _state(pid: int) -> str:
    try:
        lines = Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return "gone"
    return next((line.split()[1] for line in lines if line.startswith("State:")), "gone")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_pool_worker_ends_with_the_fork_that_made_it(tmp_path):
    """A stopped build ends its forks; a worker of the search index's pool in such a fork used to
    wait on its queue for ever (found after a Ctrl-C at 100,000 bulletins: three left for 37
    minutes). Killed here with SIGKILL, the fork leaves no worker running."""
    import concurrent.futures as cf
    import multiprocessing
    import signal

    from bulletins import bound

    note = tmp_path / "worker"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork: make a pool as the index's fork does, then wait
        pool = cf.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=bound.bound_to, initargs=(os.getpid(),)
        )
        note.write_text(str(pool.submit(os.getpid).result()), encoding="ascii")
        time.sleep(60)
        os._exit(0)
    deadline = time.time() + 30
    while not note.exists() or not note.read_text(encoding="ascii"):
        assert time.time() < deadline
        time.sleep(0.05)
    worker = int(note.read_text(encoding="ascii"))
    assert _state(worker) in ("S", "R")
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    deadline = time.time() + 10
    while _state(worker) not in ("Z", "gone") and time.time() < deadline:
        time.sleep(0.05)
    assert _state(worker) in ("Z", "gone")  # ended (a zombie until init reaps it)


KILLED_WITH_A_FORK = """
import os, signal, sys, time
from pathlib import Path
from bulletins.plugins.incremental import forked
note = Path(sys.argv[1])

def work():
    note.write_text(str(os.getpid()), encoding="ascii")
    time.sleep(60)

forked.start(work, beside=True)
while not note.exists() or not note.read_text(encoding="ascii"):
    time.sleep(0.05)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_build_killed_outright_takes_its_forks_with_it(tmp_path):
    """``kill -9`` runs no handler of the build's: its forks (the search index, the open data,
    the pages) went on writing the output while the next build, let in by the lock, wrote it too."""
    import signal

    note = tmp_path / "fork"
    done = subprocess.run([sys.executable, "-c", KILLED_WITH_A_FORK, str(note)], cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL
    fork = int(note.read_text(encoding="ascii"))
    deadline = time.time() + 10
    while _state(fork) not in ("Z", "gone") and time.time() < deadline:
        time.sleep(0.05)
    assert _state(fork) in ("Z", "gone")


def test_the_databases_builder_ends_when_the_build_is_gone(tmp_path):
    """``opendata_sqlite``'s own process, told a parent that is not its own (ended already)."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "a", "url": "a.html"}\n', encoding="utf-8")
    command = [sys.executable, "-m", "bulletins.site.opendata_sqlite", str(rows), str(tmp_path / "db.tmp")]
    from bulletins.site import opendata_sqlite

    command += ["--columns", json.dumps(["id", "url", *opendata_sqlite.FTS_COLUMNS])]
    assert subprocess.run([*command, "--parent", "1"], cwd=ROOT, timeout=60).returncode == 1
    assert not (tmp_path / "db.tmp").exists()
    assert subprocess.run([*command, "--parent", str(os.getpid())], cwd=ROOT, timeout=60).returncode == 0
    assert (tmp_path / "db.tmp").is_file()


def test_a_stopped_build_stops_the_forks_it_began_as_it_ends(monkeypatch):
    """``pelican --autoreload`` goes on to the next build in the same process: the forks of one
    that stopped (as the index's and the citations' are begun beside the pages) must end with
    it, not when the process exits. Found as a test that a stopped build's forks had outlived."""
    from bulletins.plugins.incremental import forked

    began = []
    real = forked.start

    def start(*args, **kwargs):
        child = real(*args, **kwargs)
        began.append(child)
        return child

    def stopped():
        assert forked._STARTED, "no fork was begun before the stop"
        raise KeyboardInterrupt

    class Build:
        def run(self):
            forked.start(lambda: time.sleep(60), "a fork beside")
            stopped()

    build = Build()
    monkeypatch.setattr(forked, "start", start)
    forked.initialized(build)
    with pytest.raises(KeyboardInterrupt):
        build.run()
    assert not forked._STARTED
    [(pid, _)] = began
    assert _state(pid) in ("Z", "gone")
