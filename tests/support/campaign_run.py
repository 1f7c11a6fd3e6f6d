"""Run the campaign: a throwaway project, ``bulletins ingest`` and Pelican as subprocesses, and what they did.

The project lives four folders below ``OUTER``, beside a sentinel and "secret" files that
symbolic links and hand-edited ``Source:`` lines point at (``../../../../proc/self/environ``
from the project lands on ``OUTER/proc/self/environ``, whatever the temporary folder); the
whole of ``OUTER`` is snapshotted before and after, so any write outside ``content/`` and
``output/`` (and Pelican's ``cache/``) shows.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from support.campaign import Case, Fifo, Link, Made, text
from support.shared import ROOT

BIN = Path(sys.executable).parent
PROJECT = Path("a", "b", "c", "project")  # below OUTER
# Below the project; everything else must stay as it was. cache/ is Pelican's CACHE_PATH (./run clean removes it).
WRITABLE = ("content", "output", "cache")
SENTINEL = b"the campaign must leave this file alone\n"
TRACEBACK = "Traceback (most recent call last)"
TIMEOUT = 300
# Characters a report line must never carry raw: C0/C1 controls, line separators, bidi overrides.
_UNSAFE = re.compile("[\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass
class Run:
    """What one ingest + build of a project did."""

    project: Path
    ingest: subprocess.CompletedProcess
    build: subprocess.CompletedProcess
    changed: list[str]  # paths below OUTER changed outside content/ and output/
    articles: dict[str, list[dict[str, str]]]  # case tag -> headers of its articles (after edits)
    allowed: set[str] = field(default_factory=set)  # sha256 of every source file and collection line

    @property
    def stderr_lines(self) -> list[str]:
        """What the user sees of both tools (Pelican logs to stdout), line by line."""
        return "\n".join((self.ingest.stderr, self.build.stderr, self.build.stdout)).split("\n")


def unsafe(line: str) -> bool:
    """Whether LINE holds a raw control character, line separator or bidi override."""
    return bool(_UNSAFE.search(line)) or any(unicodedata.category(ch) == "Cc" for ch in line)


def prepare(outer: Path, cases: list[Case]) -> Path:
    """OUTER/a/b/c/project with the settings, theme, about page and every case's files below sources/."""
    (outer / "sentinel.txt").write_bytes(SENTINEL)
    (outer / "secret.txt").write_text("机密：外部文件。\n" + text(1), encoding="utf-8")
    (outer / "secret-dir").mkdir()
    (outer / "secret-dir" / "secret-in-dir.txt").write_text(text(2), encoding="utf-8")
    (outer / "proc" / "self").mkdir(parents=True)
    (outer / "proc" / "self" / "environ").write_bytes(b"CAMPAIGN_SECRET=outside-the-sources\0")
    project = outer / PROJECT
    sources = project / "sources"
    sources.mkdir(parents=True)
    shutil.copy2(ROOT / "pelicanconf.py", project)
    shutil.copytree(ROOT / "theme", project / "theme")
    shutil.copytree(ROOT / "content" / "pages", project / "content" / "pages")
    (sources / "defaults.toml").write_text('year = 2023\npublisher = "临江市青溪区人民政府"\n', encoding="utf-8")
    for case in cases:
        for name, data in case.files.items():
            _place(sources, name, data, outer)
    return project


def _place(sources: Path, name: str | bytes, data, outer: Path) -> None:
    path = os.path.join(os.fsencode(sources), name if isinstance(name, bytes) else name.encode())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, Link):
        os.symlink(data.target.format(outer=outer, sources=sources), path)
    elif isinstance(data, Fifo):
        os.mkfifo(path)
    else:
        with open(path, "wb") as fh:
            fh.write(data.make() if isinstance(data, Made) else data)


def snapshot(outer: Path) -> dict[str, tuple]:
    """Every path below OUTER (links not followed) with its type, and for files their size and mtime."""
    found = {}
    for folder, dirs, files in os.walk(outer):
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), outer)] = (stat.S_IFDIR,)
        for name in files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            found[os.path.relpath(path, outer)] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns)
    return found


def _subprocess(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", COLUMNS="1000", PYTHONIOENCODING="utf-8:backslashreplace")
    try:
        return subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, errors="backslashreplace", timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as error:
        return subprocess.CompletedProcess(args, -9, "", f"campaign: timed out after {TIMEOUT} s: {error}")


def run(outer: Path, cases: list[Case]) -> Run:
    """Prepare the project below OUTER, ingest, apply the cases' hand edits, build; return what happened."""
    project = prepare(outer, cases)
    before = snapshot(outer)
    explicit = [os.path.join(b"sources", os.fsencode(n)) for c in cases if c.explicit for n in c.files]
    ingest = _subprocess([str(BIN / "bulletins"), "ingest", "sources", *explicit, "--jobs", "2"], project)
    for case in cases:
        if case.edit:
            _apply_edit(project, case)
    build = _subprocess([str(BIN / "pelican"), "content", "-o", "output", "-s", "pelicanconf.py"], project)
    after = snapshot(outer)
    writable = {(*PROJECT.parts, name) for name in WRITABLE}
    changed = sorted(
        path
        for path in set(before) | set(after)
        if before.get(path) != after.get(path) and Path(path).parts[: len(PROJECT.parts) + 1] not in writable
    )
    if (outer / "sentinel.txt").read_bytes() != SENTINEL:
        changed.append("sentinel.txt (contents)")
    articles = read_articles(project / "content" / "bulletins", cases)
    return Run(project, ingest, build, changed, articles, allowed_hashes(project / "sources"))


def header(data: bytes) -> dict[str, str]:
    """The first value of each header field of an article (undecodable bytes replaced)."""
    fields: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    return fields


def read_articles(folder: Path, cases: list[Case]) -> dict[str, list[dict[str, str]]]:
    by_tag: dict[str, list[dict[str, str]]] = {case.tag: [] for case in cases}
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        fields = dict(header(path.read_bytes()), _path=path.as_posix())
        for case in cases:
            if case.tag in fields.get("Source", "") or case.tag in path.name:
                by_tag[case.tag].append(fields)
    return by_tag


def _apply_edit(project: Path, case: Case) -> None:
    for path in (project / "content" / "bulletins").rglob("*.md"):
        data = path.read_bytes()
        if case.tag in header(data).get("Source", ""):
            path.write_bytes(case.edit(data.decode("utf-8")))


def allowed_hashes(sources: Path) -> set[str]:
    """sha256 of every regular file below SOURCES and of every line of its collections (as raw copies hold them)."""
    found = set()
    for folder, _, files in os.walk(sources):
        for name in files:
            path = os.path.join(folder, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            with open(path, "rb") as fh:
                found.add(hashlib.sha256(fh.read()).hexdigest())
            if name.endswith((".jsonl", ".jsonl.gz")):
                found |= _line_hashes(path)
    return found


def _line_hashes(path: str) -> set[str]:
    found = set()
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            for line in fh:
                found.add(hashlib.sha256(line.rstrip(b"\r\n") + b"\n").hexdigest())
    except (OSError, EOFError, zlib.error):
        pass  # a truncated or fake gzip: the lines read so far count
    return found


def foreign_raw_copies(output: Path, allowed: set[str], stem: str = "") -> list[str]:
    """Files below OUTPUT/raw (named with STEM, if given) whose bytes are no source file or line."""
    found = []
    for path in sorted((output / "raw").rglob("*")) if (output / "raw").is_dir() else ():
        if path.is_file() and stem in path.name and hashlib.sha256(path.read_bytes()).hexdigest() not in allowed:
            found.append(path.relative_to(output).as_posix())
    return found
