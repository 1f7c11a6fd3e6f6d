"""The hostile-input campaign: a few hundred generated inputs (support.campaign, fixed seed)
ingested by ``bulletins ingest`` and built by Pelican, both as subprocesses in a throwaway
project, as a user would run them.

For the whole run: no traceback, the build exits 0, nothing is written outside ``content/``
and ``output/``, every raw copy in ``output/raw/`` is a source file or a collection line. For
each case: its good bulletins have pages that show their text, its bad input is reported on
one line naming it, and no stderr line carries a raw control character. A case that still
shows a known defect is an expected failure (strict: it fails once the defect is fixed, so the
mark is removed with the fix).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.campaign import EITHER, PAGE, REPORT, Case, cases
from support.campaign_run import TRACEBACK, Run, foreign_raw_copies, run, unsafe

pytestmark = pytest.mark.slow

CASES = cases()
SHARED = [case for case in CASES if not case.isolated]
KNOWN = tuple(case.tag for case in SHARED if case.defect)  # their own tests are expected failures
_WORD = re.compile(r"[A-Za-z]{2,}")
_INTERNAL = re.compile(r"cannot process: \w+(Error|Exception)")  # a bug caught at the edge, not a reason


def _param(case: Case):
    marks = [pytest.mark.xfail(reason=case.defect, strict=True)] if case.defect else []
    return pytest.param(case, id=case.tag, marks=marks)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Run:
    return run(tmp_path_factory.mktemp("campaign"), SHARED)


def run_problems(result: Run, known: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a whole run, whatever the case (raw copies named for a KNOWN tag aside:
    those cases' own tests are expected failures)."""
    problems = []
    for name, proc in (("ingest", result.ingest), ("build", result.build)):
        said = proc.stderr + proc.stdout
        if TRACEBACK in said:
            at = said.index(TRACEBACK)
            problems.append(f"{name} printed a traceback: {_squeeze(said[at : at + 4000])}")
    if result.ingest.returncode not in (0, 1):
        problems.append(f"ingest exited {result.ingest.returncode}: {result.ingest.stderr[-2000:]}")
    if result.build.returncode != 0:
        said = result.build.stderr + result.build.stdout
        problems.append(f"the build exited {result.build.returncode}: {_squeeze(said[-3000:])}")
    if result.changed:
        problems.append(f"written outside content/ and output/: {result.changed[:20]}")
    foreign = [
        name
        for name in foreign_raw_copies(result.project / "output", result.allowed)
        if not any(tag in name for tag in known)
    ]
    if foreign:
        problems.append(f"raw copies that are no source file or line: {foreign[:20]}")
    return problems


def _squeeze(text: str) -> str:
    """Pelican pads its log lines to the terminal width: drop the padding."""
    return re.sub(r" {2,}", " ", text)


def page_of(fields: dict[str, str]) -> Path | None:
    """Where Pelican writes the page of an article (ARTICLE_SAVE_AS), from its header."""
    date = re.match(r"(\d{4})-(\d{2})-\d{2}", fields.get("Date", ""))
    slug = fields.get("Slug") or Path(fields["_path"]).stem
    return Path("bulletins", date.group(1), date.group(2), f"{slug}.html") if date else None


def page_problems(result: Run, case: Case) -> list[str]:
    """Why CASE's articles are not all pages showing its marker ([] when they are)."""
    found = result.articles[case.tag]
    if not found:
        return ["no article was written"]
    problems = []
    for fields in found:
        page = page_of(fields)
        path = result.project / "output" / page if page else None
        if path is None or not path.is_file():
            problems.append(f"{fields['_path']}: no page ({page})")
        elif case.marker not in path.read_text(encoding="utf-8", errors="replace"):
            problems.append(f"{page} does not show {case.marker!r} (mojibake?)")
        if page:
            stem = page.stem
            foreign = foreign_raw_copies(result.project / "output", result.allowed, stem)
            problems += [f"raw copy {name} is no source file or line" for name in foreign]
    return problems


def report_problems(result: Run, case: Case) -> list[str]:
    """Why CASE is not reported on one line naming it ([] when it is)."""
    lines = [line for line in result.stderr_lines if case.tag in line]
    named = re.compile(rf"\S*{re.escape(case.tag)}\S*")
    whole = [line for line in lines if _WORD.search(named.sub(" ", line))]
    if not whole:
        return [f"not reported on one line naming it; lines naming it: {lines[:5]}"]
    return [
        f"reported as an internal error, not as a problem of the input: {line}"
        for line in whole
        if _INTERNAL.search(line)
    ]


def case_problems(result: Run, case: Case) -> list[str]:
    problems = [
        f"raw control character on stderr: {line!r}"
        for line in result.stderr_lines
        if case.tag in line and unsafe(line)
    ]
    pages, reports = page_problems(result, case), report_problems(result, case)
    if case.expect == PAGE:
        problems += pages
    elif case.expect == REPORT:
        problems += reports
    elif case.expect == EITHER and pages and reports:
        problems += [*pages, *reports]
    return problems


def test_campaign_is_large():
    assert len(CASES) >= 200, f"only {len(CASES)} cases"


def test_the_run_survives(campaign):
    problems = run_problems(campaign, known=KNOWN)
    assert not problems, "\n".join(problems)


def test_stderr_has_no_raw_control_characters(campaign):
    bad = [line for line in campaign.stderr_lines if unsafe(line) and not any(tag in line for tag in KNOWN)]
    assert not bad, f"{len(bad)} stderr lines with raw control characters: {bad[:10]}"


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(case: Case, request):
    result = run(request.getfixturevalue("tmp_path"), [case]) if case.isolated else request.getfixturevalue("campaign")
    problems = (run_problems(result) if case.isolated else []) + case_problems(result, case)
    assert not problems, f"{case.tag}: " + "\n".join(problems)
