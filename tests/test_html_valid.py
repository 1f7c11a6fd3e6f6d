"""Every page of the built sites is valid HTML for the Nu Html Checker (vnu.jar, run by Java)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from support.shared import ROOT
from support.sites import Site, corpus_site, sample_site

SEED = 20241130
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The client compiler only and the serial collector: the checker runs once over a few thousand
# pages, where the optimising compiler's threads cost more CPU than they save (4,000 pages of the
# corpus site: about half the CPU seconds, a third of the memory). The client compiler's code needs
# a deeper stack than the checker's 512k minimum.
JVM_OPTIONS = ("-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def vnu_errors(folder: Path, pages: list[Path] | None = None) -> list[dict]:
    """The Nu Html Checker's error messages for PAGES, or every HTML file below FOLDER."""
    java = shutil.which("java")
    if not java:
        pytest.skip("java is not installed: the Nu Html Checker needs it")
    if not VNU.exists():
        pytest.skip(f"{VNU} is absent: run `npm install` (./run testdeps)")
    args = [java, *JVM_OPTIONS, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html"]
    args += [str(page) for page in pages] if pages else [str(folder)]
    result = subprocess.run(args, check=False, capture_output=True, text=True, encoding="utf-8")
    report = next((text for text in (result.stderr, result.stdout) if text.lstrip().startswith("{")), None)
    assert report is not None, f"vnu printed no JSON report (exit {result.returncode}):\n{result.stderr[-2000:]}"
    return [m for m in json.loads(report)["messages"] if m.get("type") in ("error", "non-document-error")]


def describe(message: dict, folder: Path) -> str:
    where = message.get("url", "?").removeprefix("file:").removeprefix(str(folder) + "/")
    return f"{where}:{message.get('lastLine', '?')}: {message.get('message')} [{message.get('extract', '').strip()}]"


def assert_valid(site: Site, sample: int = 0) -> None:
    """Every page of SITE is valid; with SAMPLE, the pages at the site's root and SAMPLE others
    drawn with a fixed seed (every kind of page is there by the thousand on the full corpus)."""
    folder = site.output
    pages = sorted(folder.rglob("*.html"))
    assert pages, f"no HTML page in {folder}"
    if sample:
        top = [p for p in pages if p.parent == folder]
        pages = top + random.Random(SEED).sample([p for p in pages if p.parent != folder], sample)
    errors = vnu_errors(folder, pages if sample else None)
    print(f"vnu ({site.name} site): {len(pages)} pages, {len(errors)} errors")
    shown = "\n".join(describe(m, folder) for m in errors[:15])
    assert not errors, f"{len(errors)} HTML errors over {len(pages)} pages; first ones:\n{shown}"


def test_vnu_reports_a_broken_page(tmp_path):
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>坏</title></head>'
        "<body><p><div>块</div></p><img src=a.png></body></html>",
        encoding="utf-8",
    )
    messages = [m["message"] for m in vnu_errors(tmp_path)]
    assert any("“p”" in m for m in messages) and any("alt" in m for m in messages), messages


@pytest.mark.slow
def test_sample_site_is_valid_html():
    assert_valid(sample_site())


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_site_pages_are_valid_html():
    assert_valid(corpus_site(), sample=4000)
