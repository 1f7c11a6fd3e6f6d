"""The acceptance check of official documents, end to end: generate a set of 公文 (a third each .docx,
Chromium-printed .pdf, glyph-placed .ofd) plus a PDF with an unreadable text layer and an image-only
scan, run ``bulletins ingest`` and the Pelican build as subprocesses in a temporary project, and score
what came out against the ground truth kept beside the documents (``truth.json``).

    generate(folder, per_format, seed) -> truth
    run(folder, project) -> Run            the two commands, their exit status, output and time
    score(truth, run) -> Figures           every figure of the check, per format and overall
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from broken_documents import cid_pdf, image_only_pdf
from official_content import case, truth
from official_render import to_docx, to_ofd, to_pdfs

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("docx", "pdf", "ofd")
BROKEN = {"broken-text-layer.pdf": cid_pdf, "broken-scan.pdf": image_only_pdf}
THRESHOLDS = {"title": 0.95, "doc_number": 0.98, "date_written": 0.98, "publisher": 0.95, "found": 0.99, "whole": 0.95}
_RADICALS = re.compile(r"[\u2e80-\u2fdf]")
_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(r"^[—\-－\s]*\d{1,3}[—\-－\s]*$|— ?\d{1,3} ?—")


def generate(folder: Path, per_format: int, seed: int = 2025) -> dict[str, dict]:
    """PER_FORMAT documents of each format (seeds from SEED) and the two broken PDFs into FOLDER;
    the truth by file name, also written to FOLDER/../truth.json."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = {fmt: [case(seed + 1000 * k + i) for i in range(per_format)] for k, fmt in enumerate(FORMATS)}
    pdfs = to_pdfs(docs["pdf"])
    expected: dict[str, dict] = {}
    for fmt in FORMATS:
        for i, doc in enumerate(docs[fmt]):
            name = f"{fmt}-{i:03d}.{fmt}"
            data = {"docx": lambda d: to_docx(d), "pdf": lambda _d, i=i: pdfs[i], "ofd": lambda d, i=i: to_ofd(d, i)}
            (folder / name).write_bytes(data[fmt](doc))
            expected[name] = {**truth(doc), "format": fmt, "radicals": fmt == "pdf" and doc.radicals}
    for name, make in BROKEN.items():
        (folder / name).write_bytes(make())
    (folder.parent / "truth.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    return expected


@dataclass(frozen=True)
class Run:
    content: Path
    output: Path
    sources: Path
    ingest_status: int
    ingest_errors: tuple[str, ...]
    build_status: int
    ingest_seconds: float
    build_seconds: float
    log: str


def _bulletins() -> str:
    beside = Path(sys.executable).with_name("bulletins")
    return str(beside) if beside.exists() else "bulletins"


def run(sources: Path, project: Path) -> Run:
    """``bulletins ingest SOURCES --content PROJECT/content``, then Pelican into PROJECT/output."""
    env = {**os.environ, "COLUMNS": "200"}
    content, output = project / "content", project / "output"
    started = time.perf_counter()
    ingest = subprocess.run(
        [_bulletins(), "ingest", str(sources), "--content", str(content), "--jobs", "2", "--no-progress"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    middle = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"),
         "--fatal", "errors", "-e", f'CACHE_PATH="{project / "cache"}"',
         f"BULLETINS_SOURCE_ROOTS={json.dumps([str(sources.resolve())])}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    ended = time.perf_counter()
    errors = tuple(line for line in ingest.stderr.splitlines() if line.strip())
    return Run(
        content, output, sources, ingest.returncode, errors, build.returncode, middle - started, ended - middle,
        ingest.stdout + ingest.stderr + build.stdout + build.stderr,
    )  # fmt: skip


# --- scoring -------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _header(md: str) -> dict[str, str]:
    head = md.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)


@dataclass
class Figures:
    """Counts per format (``"all"`` too): documents, hits per field, paragraphs found/whole, defects."""

    counts: dict[str, Counter] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    broken_reported: int = 0
    broken_written: int = 0
    good_written: int = 0

    def add(self, fmt: str, key: str, value: int = 1) -> None:
        for group in (fmt, "all"):
            self.counts.setdefault(group, Counter())[key] += value

    def ratio(self, fmt: str, key: str, total: str = "documents") -> float:
        c = self.counts.get(fmt, Counter())
        return c[key] / c[total] if c[total] else 1.0


def _articles(content: Path) -> dict[str, Path]:
    """Article by the file name of its source."""
    out = {}
    for md in (content / "bulletins").rglob("*.md"):
        source = _header(md.read_text(encoding="utf-8")).get("Source", "")
        out[Path(source).name] = md
    return out


def _score_fields(fig: Figures, name: str, want: dict, head: dict[str, str]) -> None:
    got = {
        "title": head.get("Title", ""),
        "doc_number": head.get("DocNumber", ""),
        "date_written": head.get("DateWritten", ""),
        "publisher": head.get("Publisher", ""),
    }
    for key, value in got.items():
        if value == want[key]:
            fig.add(want["format"], key)
        else:
            fig.misses.append(f"{name} {key}: {value!r} != {want[key]!r}")


def _score_body(fig: Figures, name: str, want: dict, page: BeautifulSoup) -> None:
    body = page.select_one(".bulletin-body")
    paragraphs = [_squash(p.get_text()) for p in body.find_all("p")] if body else []
    joined = "".join(paragraphs)
    for text in want["paragraphs"]:
        fig.add(want["format"], "paragraphs")
        found, whole = _squash(text) in joined, _squash(text) in paragraphs
        fig.add(want["format"], "found", found)
        fig.add(want["format"], "whole", whole)
        if not whole:
            fig.misses.append(f"{name} paragraph {'split' if found else 'lost'}: {text[:30]}")
    lines = [p.get_text() for p in body.find_all("p")] if body else []
    whole = body.get_text("\n").splitlines() if body else []
    checks = (("page_numbers", _PAGE_NUMBER, lines), ("radicals", _RADICALS, whole), ("cid", _CID, whole))
    for key, bad, where in checks:
        hits = [line for line in where if bad.search(line)]
        fig.add(want["format"], key, bool(hits))
        if hits:
            fig.misses.append(f"{name} {key}: {hits[0][:40]!r}")
    _score_tables(fig, name, want, body)


def _score_tables(fig: Figures, name: str, want: dict, body) -> None:
    """A .docx table must be a ``<table>`` with every cell; of a laid-out one, every cell's text must be there."""
    tables = [[[td.get_text() for td in tr.find_all("td")] for tr in t.find_all("tr")] for t in body.find_all("table")]
    cells = Counter(_squash(c) for t in tables for row in t for c in row)
    text = _squash(body.get_text())
    for table in want["tables"]:
        needed = Counter(_squash(c) for row in table for c in row if c)
        if want["format"] == "docx":
            fig.add("docx", "tables")
            ok = bool(tables) and not needed - cells
            fig.add("docx", "tables_ok", ok)
            if not ok:
                fig.misses.append(f"{name} table: cells missing {list((needed - cells).elements())[:3]}")
        fig.add(want["format"], "cells")
        fig.add(want["format"], "cells_found", all(cell in text for cell in needed))


def _score_original(fig: Figures, name: str, want: dict, run: Run, md: Path, page: BeautifulSoup) -> None:
    link = page.select_one("a.original-link")
    target = (run.output / md.relative_to(run.content).parent / link["href"]).resolve() if link else None
    ok = bool(target and target.is_file() and target.read_bytes() == (run.sources / name).read_bytes())
    fig.add(want["format"], "originals", ok)
    if not ok:
        fig.misses.append(f"{name} original: not linked or not byte for byte")


def score(expected: dict[str, dict], run: Run) -> Figures:
    """Every figure of the check from RUN against EXPECTED."""
    fig = Figures()
    articles = _articles(run.content)
    fig.broken_written = sum(name in articles for name in BROKEN)
    fig.broken_reported = sum(sum(name in line for line in run.ingest_errors) == 1 for name in BROKEN)
    for name, want in sorted(expected.items()):
        fig.add(want["format"], "documents")
        md = articles.get(name)
        if md is None:
            fig.misses.append(f"{name}: not written")
            continue
        fig.good_written += 1
        page_path = run.output / md.relative_to(run.content).with_suffix(".html")
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        _score_fields(fig, name, want, _header(md.read_text(encoding="utf-8")))
        _score_body(fig, name, want, page)
        _score_original(fig, name, want, run, md, page)
    return fig


def failures(fig: Figures, run: Run, expected: dict[str, dict]) -> list[str]:
    """Every way the check fails (empty: it passes)."""
    out = [
        f"{key} {fig.ratio('all', key, total)} < {limit}"
        for key, limit in THRESHOLDS.items()
        if fig.ratio("all", key, total := "paragraphs" if key in ("found", "whole") else "documents") < limit
    ]
    for key in ("page_numbers", "radicals", "cid"):
        if fig.counts["all"][key]:
            out.append(f"{key} in {fig.counts['all'][key]} articles")
    for key, total in (("originals", "documents"), ("tables_ok", "tables")):
        if fig.counts["all"][key] != fig.counts["all"][total]:
            out.append(f"{key}: {fig.counts['all'][key]} of {fig.counts['all'][total]}")
    if run.ingest_status != 1 or run.build_status != 0:
        out.append(f"exit status: ingest {run.ingest_status}, build {run.build_status}")
    if fig.broken_reported != len(BROKEN) or fig.broken_written or fig.good_written != len(expected):
        out.append(f"broken: {fig.broken_reported} reported, {fig.broken_written} written; {fig.good_written} good")
    return out
