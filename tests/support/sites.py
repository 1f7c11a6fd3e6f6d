"""Built sites for the browser, validator and corpus tests: each built once per test session.

    sample_site()        sources/ (the repository's samples) + content/pages
    corpus_site(300)     the first 300 records of ../shared/corpus/bulletins-2022-2024.jsonl.gz
    corpus_site()        all 11,442 of them (minutes: share it between tests, never rebuild it)
    hostile_site()       tests/fixtures/hostile/ (markup and script injection attempts)

Each returns a ``Site``: the temporary content folder that ``bulletins ingest`` wrote and the
output folder Pelican built from it with the project's ``pelicanconf.py`` (theme, plugins and
search index included). Both steps run the real tools in subprocesses, exactly as
``./run build`` does, and a failing step fails the calling test with the tool's output.

Builds live in a temporary folder removed when the session ends. Set
``BULLETINS_TEST_SITES=/some/dir`` to keep them across sessions instead: a build is then
reused while its inputs (sources, ``src/bulletins``, ``theme``, ``pelicanconf.py``,
``content/pages``) hash the same, older builds of the same site are removed, and
pytest-xdist workers share a build under a file lock.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.shared import BULLETINS, ROOT, require

log = logging.getLogger(__name__)

CORPUS_SIZE = 11_442
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
# Everything in the repository a build reads besides its sources.
BUILD_INPUTS = ("src/bulletins", "theme", "pelicanconf.py", "content/pages")


@dataclass(frozen=True)
class Site:
    """A built site: ``content`` (Markdown articles) and ``output`` (HTML), plus the build log."""

    name: str
    content: Path
    output: Path
    log: str = ""

    def pages(self) -> list[Path]:
        """Every ``.html`` file of the output, sorted."""
        return sorted(self.output.rglob("*.html"))

    def articles(self) -> list[Path]:
        """Every Markdown article ingest wrote, sorted."""
        return sorted((self.content / "bulletins").rglob("*.md"))

    def page_of(self, article: Path) -> Path:
        """The built page of the Markdown ARTICLE (same year/month/slug path, ``.html``)."""
        return self.output / article.relative_to(self.content).with_suffix(".html")


def sample_site() -> Site:
    """The repository's ``sources/`` ingested and built (the quick start's archive)."""
    return _site("sample", (ROOT / "sources",))


def corpus_site(n: int = CORPUS_SIZE) -> Site:
    """The first N records (all 11,442 by default) of the real corpus, ingested and built.

    Skips the calling test when ``../shared/corpus`` is absent. The selection is fixed: the
    first N lines of the file, in file order.
    """
    require(BULLETINS)
    return _site(f"corpus-{n}", (BULLETINS,), records=n)


def build_corpus_site_in_background() -> subprocess.Popen | None:
    """Start building ``corpus_site()`` in a child process, once per test run; return it, or None.

    Only with a shared builds folder (``BULLETINS_TEST_SITES``, which ``tests/conftest.py`` sets
    for every run) and the corpus present. The child takes the site's lock like any caller, so a
    test that asks for the site meanwhile waits for it rather than building it twice, and a child
    that fails leaves the build to that test (which then reports the failure).
    """
    keep = os.environ.get("BULLETINS_TEST_SITES")
    if not keep or not BULLETINS.exists():
        return None
    marker = _builds_root() / "corpus-background.started"
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return None  # another worker started it
    tests = str(ROOT / "tests")
    code = f"import sys; sys.path.insert(0, {tests!r}); from support.sites import corpus_site; corpus_site()"
    with open(_builds_root() / "corpus-background.log", "wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )


def hostile_site() -> Site:
    """``tests/fixtures/hostile/`` ingested and built."""
    return _site("hostile", (HOSTILE,))


# A test run keeps both cores busy with its workers, so a build here takes one: a second process
# (ingest's workers, Pelican's page-writing forks, the search index's tokenizers) would cost more
# CPU than it saves time. The articles and the site are the same bytes whatever the number
# (test_pipeline, test_site_parallel_write, test_search_build_parallel); on the full corpus the
# build took 139 CPU s in one process each against 176 s with two (ingest 45 against 58, Pelican
# 94 against 118).
ONE_PROCESS = ("BULLETINS_WRITE_JOBS=1", "SEARCH_INDEX_JOBS=1")


def ingest(sources: tuple[Path, ...], content: Path) -> str:
    """Run ``bulletins ingest SOURCES... --content CONTENT --jobs 1``; return its output, fail on error."""
    args = [_bulletins_cli(), "ingest", *map(_project_relative, sources), "--content", str(content), "--jobs", "1"]
    return _run(args, "ingest")


def pelican(
    content: Path, output: Path, *overrides: str, settings: Path = ROOT / "pelicanconf.py", hash_seed: str = ""
) -> str:
    """Run Pelican over CONTENT into OUTPUT with SETTINGS and ``-e`` OVERRIDES (``KEY=json``),
    with PYTHONHASHSEED set to HASH_SEED when given."""
    args = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(settings)]
    args += ["--fatal", "errors"]
    if overrides:
        args += ["-e", *overrides]
    return _run(args, "pelican", {"PYTHONHASHSEED": hash_seed} if hash_seed else {})


def source_roots(sources: tuple[Path, ...]) -> str:
    """The ``-e`` override that lets raw copies come from SOURCES (files or folders)."""
    folders = [str((p if p.is_dir() else p.parent).resolve()) for p in sources]
    return f"BULLETINS_SOURCE_ROOTS={json.dumps(folders)}"


def head_of_corpus(n: int, target: Path) -> Path:
    """Write the first N lines of the real corpus to TARGET (a ``.jsonl.gz``) and return it."""
    with gzip.open(require(BULLETINS), "rt", encoding="utf-8") as src, gzip.open(target, "wt", encoding="utf-8") as dst:
        for count, line in enumerate(src):
            if count == n:
                break
            dst.write(line)
    return target


@functools.cache
def _site(name: str, sources: tuple[Path, ...], records: int | None = None) -> Site:
    key = _input_hash(sources, records)
    home = _builds_root() / f"{name}-{key}"
    with _locked(home.with_suffix(".lock")):
        site = Site(name, home / "content", home / "output")
        done = home / "built.log"
        if done.exists():
            log.info("reusing the %s site in %s", name, home)
            return Site(name, site.content, site.output, done.read_text(encoding="utf-8"))
        for stale in home.parent.glob(f"{name}-*"):  # builds of older inputs
            if stale.is_dir() and stale.name.removeprefix(f"{name}-").isalnum():
                shutil.rmtree(stale, ignore_errors=True)
        home.mkdir(parents=True)
        if records is not None and records < CORPUS_SIZE:
            sources = (head_of_corpus(records, home / f"first-{records}.jsonl.gz"),)
        started = time.perf_counter()
        output = ingest(sources, site.content)
        pages = ROOT / "content" / "pages"
        if pages.is_dir():
            shutil.copytree(pages, site.content / "pages", dirs_exist_ok=True)
        output += pelican(
            site.content, site.output, f'CACHE_PATH="{home / "cache"}"', source_roots(sources), *ONE_PROCESS
        )
        log.info("built the %s site in %.1f s", name, time.perf_counter() - started)
        done.write_text(output, encoding="utf-8")
        return Site(name, site.content, site.output, output)


def _run(args: list[str], what: str, env: dict[str, str] | None = None) -> str:
    env = {**os.environ, "COLUMNS": "200", **(env or {})}  # Pelican's log wraps to the terminal width
    result = subprocess.run(
        args, check=False, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace"
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"{what} failed (exit {result.returncode}): {' '.join(args)}\n{output[-4000:]}", pytrace=False)
    return output


def _project_relative(path: Path) -> str:
    """PATH as ``./run build`` would name it (relative to the project), so articles record
    ``Source: sources/x.txt`` rather than this machine's absolute path."""
    return os.path.relpath(path, ROOT) if path.is_absolute() else str(path)


def _bulletins_cli() -> str:
    beside = Path(sys.executable).with_name("bulletins")
    found = str(beside) if beside.exists() else shutil.which("bulletins")
    if not found:
        pytest.fail("the `bulletins` command is not installed: run `pip install -e .`", pytrace=False)
    return found


@functools.cache
def _builds_root() -> Path:
    keep = os.environ.get("BULLETINS_TEST_SITES")
    if keep:
        root = Path(keep).resolve()
        root.mkdir(parents=True, exist_ok=True)
        return root
    root = Path(tempfile.mkdtemp(prefix="bulletins-sites-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def _input_hash(sources: tuple[Path, ...], records: int | None) -> str:
    digest = hashlib.sha256(f"{records}".encode())
    for top in (*sources, *(ROOT / name for name in BUILD_INPUTS)):
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top] if top.exists() else []
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive ``flock`` on PATH, so concurrent workers build a site only once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
