"""Test-run-wide setup.

Built sites (``support.sites``: the sample, hostile and corpus archives) are built once per
test run. In one process ``functools.cache`` does that; under pytest-xdist (``./run test``
runs two workers) the controller points every worker at one folder for the run
(``BULLETINS_TEST_SITES``), where a file lock lets the first worker build a site and the
others reuse it. The folder is removed when the run ends; a ``BULLETINS_TEST_SITES`` the
user set is left alone. A run without workers gets such a folder too. The run's ``tmp_path``
folders go to a fresh ``--basetemp`` of their own (unless given), removed the same way when
every test passed: pytest's own numbered folders would make each run delete an earlier run's
tens of thousands of files before it ends.

The full-corpus site (minutes) is built in a background process from the start of a run that
selected a test needing it (``CORPUS_SITE_MODULES``), while the workers run the other modules;
those modules go last. With ``BULLETINS_TEST_TIMELINE=FILE`` every test appends its worker,
times and CPU seconds to FILE (``python tests/support/timeline.py FILE`` sums them up).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

import pytest

SITES = "BULLETINS_TEST_SITES"
TIMELINE = "BULLETINS_TEST_TIMELINE"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)  # before pytest's own tmp_path set-up reads --basetemp
def pytest_configure(config):
    if _is_worker(config):
        return
    if getattr(config.option, "dist", "no") == "loadscope":
        config.option.loadscopereorder = False  # keep the module order set below
    if not os.environ.get(SITES):
        folder = tempfile.mkdtemp(prefix="bulletins-test-sites-")
        os.environ[SITES] = folder  # inherited by the workers, which start after this hook
        config._bulletins_sites = folder
    if config.option.basetemp is None:
        config.option.basetemp = config._bulletins_tmp = tempfile.mkdtemp(prefix="bulletins-test-tmp-")


def pytest_unconfigure(config):
    """Remove the run's sites folder, and its tmp_path folder when every test passed (a failed
    run's is kept, and named, to look at), in a detached process: deleting the full-corpus site's
    53,000 files takes minutes on a disk that discards freed blocks, and nobody needs to wait."""
    folders = [getattr(config, "_bulletins_sites", None)]
    kept = getattr(config, "_bulletins_tmp", None)
    if kept and getattr(config, "_bulletins_exitstatus", 1) == 0:
        folders.append(kept)
    elif kept:
        print(f"the tests' temporary files are kept in {kept}", file=sys.stderr)
    if any(folders):
        code = "import shutil, sys; [shutil.rmtree(f, ignore_errors=True) for f in sys.argv[1:]]"
        subprocess.Popen(
            [sys.executable, "-c", code, *filter(None, folders)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    if folders[0]:
        os.environ.pop(SITES, None)


# Under ``--dist loadscope`` a worker takes the next module in this order when it runs out (the
# scheduler's reordering by test count is turned off above). The longest modules start first, so
# the two workers share the rest and finish together: the corpus-wide search recall, the scale
# benchmark, the decoding of every real bulletin, the hostile-input campaign. The modules that read
# the full-corpus site go last, by when the background build has finished, so no worker waits.
HEAVY_FIRST = (
    "test_search_recall.py",
    "test_progress_scale.py",
    "test_decode.py",
    "test_hostile_campaign.py",
    "test_search_incremental.py",
    "test_seed_inspect.py",
    "test_readers_pdf.py",
)
CORPUS_SITE_LAST = (
    "test_corpus_site.py",
    "test_html_valid.py",
    "test_open_data.py",
    "test_corpus_ingest.py",
)
# The modules with a test that reads ``corpus_site()`` (all 11,442 bulletins).
CORPUS_SITE_MODULES = CORPUS_SITE_LAST


def _rank(name: str) -> int:
    if name in HEAVY_FIRST:
        return HEAVY_FIRST.index(name)
    if name in CORPUS_SITE_LAST:
        return len(HEAVY_FIRST) + 1 + CORPUS_SITE_LAST.index(name)
    return len(HEAVY_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _rank(item.path.name))  # stable: modules stay whole


def pytest_collection_finish(session):
    """Start the full-corpus site's build when a selected corpus test needs it."""
    needed = any(i.path.name in CORPUS_SITE_MODULES and i.get_closest_marker("corpus") for i in session.items)
    if needed and not session.config.option.collectonly:
        from support.sites import build_corpus_site_in_background

        session.config._bulletins_background = (build_corpus_site_in_background(), time.time())


def pytest_sessionfinish(session, exitstatus):
    """Stop a background build no test waited for; log its CPU seconds on the timeline."""
    session.config._bulletins_exitstatus = exitstatus
    child, started = getattr(session.config, "_bulletins_background", (None, 0.0))
    if child is None:
        return
    pid, _, usage = os.wait4(child.pid, os.WNOHANG)  # not Popen.poll(): it would drop the rusage
    if not pid:
        os.killpg(child.pid, signal.SIGTERM)
        _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped here
    target = os.environ.get(TIMELINE)
    if target:
        row = {"worker": "background", "test": "tests/support/sites.py::corpus_site", "start": started}
        row.update(end=time.time(), cpu=usage.ru_utime + usage.ru_stime)
        with open(target, "a", encoding="utf-8") as log:
            log.write(json.dumps(row) + "\n")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Debian's, through Playwright) per test module; skips when absent.

    Not one per worker (about 1 CPU s less per module): while Playwright's synchronous API runs
    in a process, a second start of it there fails, and test_official_e2e and test_readers_pdf
    start their own."""
    from support.browser import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def _no_fork_left_running():
    """A test whose build stopped with a fork begun (a plugin list without ``incremental``,
    whose run wrapper stops them) leaves nothing running for the next test to find."""
    yield
    from bulletins.plugins.incremental import forked

    forked._stop_started()


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """With ``BULLETINS_TEST_TIMELINE=FILE``, append one JSON line per test (setup, call and
    teardown): the worker, the test id, wall-clock start and end, and the CPU seconds it used."""
    target = os.environ.get(TIMELINE)
    if not target:
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    start, cpu = time.time(), _cpu_seconds()
    yield
    row = {"worker": worker, "test": item.nodeid, "start": start, "end": time.time(), "cpu": _cpu_seconds() - cpu}
    with open(target, "a", encoding="utf-8") as log:
        log.write(json.dumps(row, ensure_ascii=False) + "\n")
