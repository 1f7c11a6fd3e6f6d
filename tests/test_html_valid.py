"""Every page of the built sites is valid HTML for the Nu Html Checker (vnu.jar, run by Java).

The checker starts once per module: the pages of every selected test (a broken page, the sample
site, a sample of the corpus site) go to one Java run, and each test reads the messages about its
own pages (a message naming no page of any test goes to every test).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from support.shared import ROOT
from support.sites import Site, corpus_site, sample_site

SEED = 20241130
CORPUS_SAMPLE = 4000
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The client compiler only and the serial collector: the checker runs once over a few thousand
# pages, where the optimising compiler's threads cost more CPU than they save (4,000 pages of the
# corpus site: about half the CPU seconds, a third of the memory). The client compiler's code needs
# a deeper stack than the checker's 512k minimum.
JVM_OPTIONS = ("-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
BROKEN_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>坏</title></head>'
    "<body><p><div>块</div></p><img src=a.png></body></html>"
)


@dataclass(frozen=True)
class Checked:
    """What a test gives the checker: the pages of FOLDER (all of them when PAGES is None)."""

    name: str
    folder: Path
    pages: tuple[Path, ...] | None = None

    @property
    def targets(self) -> list[Path]:
        return list(self.pages) if self.pages is not None else [self.folder]

    def count(self) -> int:
        return len(self.pages) if self.pages is not None else len(list(self.folder.rglob("*.html")))

    def owns(self, message: dict) -> bool:
        url = message.get("url")
        return url is not None and Path(unquote(url.removeprefix("file:"))).is_relative_to(self.folder)


def vnu_run(targets: list[Path]) -> list[dict]:
    """The error messages of one checker run over TARGETS (pages, and folders checked whole)."""
    java = shutil.which("java")
    if not java:
        pytest.skip("java is not installed: the Nu Html Checker needs it")
    if not VNU.exists():
        pytest.skip(f"{VNU} is absent: run `npm install` (./run testdeps)")
    args = [java, *JVM_OPTIONS, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html"]
    args += [str(target) for target in targets]
    result = subprocess.run(args, check=False, capture_output=True, text=True, encoding="utf-8")
    report = next((text for text in (result.stderr, result.stdout) if text.lstrip().startswith("{")), None)
    assert report is not None, f"vnu printed no JSON report (exit {result.returncode}):\n{result.stderr[-2000:]}"
    return [m for m in json.loads(report)["messages"] if m.get("type") in ("error", "non-document-error")]


def check_all(items: list[Checked]) -> list[list[dict]]:
    """One checker run over every item: each item's error messages, in order. A message about no
    item's pages (or about no page at all) goes to every item."""
    messages = vnu_run([target for item in items for target in item.targets]) if items else []
    homeless = [m for m in messages if not any(item.owns(m) for item in items)]
    return [[m for m in messages if item.owns(m)] + homeless for item in items]


def site_pages(site: Site, sample: int = 0) -> Checked:
    """Every page of SITE; with SAMPLE, the pages at the site's root and SAMPLE others drawn
    with a fixed seed (every kind of page is there by the thousand on the full corpus)."""
    folder = site.output
    pages = sorted(folder.rglob("*.html"))
    assert pages, f"no HTML page in {folder}"
    if not sample:
        return Checked(site.name, folder)
    top = [p for p in pages if p.parent == folder]
    drawn = random.Random(SEED).sample([p for p in pages if p.parent != folder], sample)
    return Checked(site.name, folder, (*top, *drawn))


def describe(message: dict, folder: Path) -> str:
    where = message.get("url", "?").removeprefix("file:").removeprefix(str(folder) + "/")
    return f"{where}:{message.get('lastLine', '?')}: {message.get('message')} [{message.get('extract', '').strip()}]"


def assert_no_errors(item: Checked, errors: list[dict]) -> None:
    pages = item.count()
    print(f"vnu ({item.name} site): {pages} pages, {len(errors)} errors")
    shown = "\n".join(describe(m, item.folder) for m in errors[:15])
    assert not errors, f"{len(errors)} HTML errors over {pages} pages; first ones:\n{shown}"


def assert_valid(site: Site, sample: int = 0) -> None:
    """Every page of SITE is valid (SAMPLE: see ``site_pages``), in a checker run of its own."""
    item = site_pages(site, sample)
    assert_no_errors(item, check_all([item])[0])


def _broken_page(folder: Path) -> Checked:
    (folder / "bad.html").write_text(BROKEN_PAGE, encoding="utf-8")
    return Checked("broken", folder)


@pytest.fixture(scope="module")
def checker(request, tmp_path_factory) -> dict[str, tuple[Checked, list[dict]] | str]:
    """Test name -> its pages and their error messages, all from one checker run; or the reason
    the test is skipped (its site needs ../shared)."""
    makers = {
        "test_vnu_reports_a_broken_page": lambda: _broken_page(tmp_path_factory.mktemp("broken")),
        "test_sample_site_is_valid_html": lambda: site_pages(sample_site()),
        "test_corpus_site_pages_are_valid_html": lambda: site_pages(corpus_site(), sample=CORPUS_SAMPLE),
    }
    selected = {item.name for item in request.session.items if item.module is request.module}
    wanted, found = {}, {}
    for test in (name for name in makers if name in selected):
        try:
            wanted[test] = makers[test]()
        except pytest.skip.Exception as reason:
            found[test] = str(reason)
    found.update(zip(wanted, zip(wanted.values(), check_all(list(wanted.values())))))
    return found


def checked(checker: dict, request) -> tuple[Checked, list[dict]]:
    """This test's pages and errors from the module's checker run (or a skip, with the reason)."""
    result = checker[request.node.name]
    if isinstance(result, str):
        pytest.skip(result)
    return result


def test_vnu_reports_a_broken_page(checker, request):
    _, errors = checked(checker, request)
    messages = [m["message"] for m in errors]
    assert any("“p”" in m for m in messages) and any("alt" in m for m in messages), messages


@pytest.mark.slow
def test_sample_site_is_valid_html(checker, request):
    assert_no_errors(*checked(checker, request))


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_site_pages_are_valid_html(checker, request):
    assert_no_errors(*checked(checker, request))
