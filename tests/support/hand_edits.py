"""Articles as an editor might leave them: the fixture articles plus dozens of hand edits of
one good article (tests/fixtures/content/bulletins/2022/02/ljq-2022-0228-cwhy5.md), built
with the project's pelicanconf.py in a subprocess, exactly as ``./run html`` does.

``EDITS`` names each edit and what must become of it: ``skipped`` (no page), ``built`` (a page
without the bad field) or ``good`` (a page, and not a word in the log).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from support.site_build import FIXTURE_CONTENT, FIXTURE_RAW
from support.sites import pelican

BASE = FIXTURE_CONTENT / "bulletins" / "2022" / "02" / "ljq-2022-0228-cwhy5.md"
FOLDER = "bulletins/hand-edited"
HUGE = "长" * 5000


@dataclass(frozen=True)
class Edit:
    outcome: str  # skipped, built or good
    changes: tuple[tuple[str, str, str], ...] = ()  # (set | add | drop, Field, value)
    raw: bytes | None = None  # the whole file instead of an edit of BASE
    name: str | None = None  # file name, when not the case's id


def s(field: str, value: str) -> tuple[str, str, str]:
    return ("set", field, value)


def a(field: str, value: str) -> tuple[str, str, str]:
    return ("add", field, value)


def d(field: str) -> tuple[str, str, str]:
    return ("drop", field, "")


EDITS = {
    # dates Pelican cannot place, or places where no page can go
    "date-year-999": Edit("skipped", (s("Date", "0999-01-01"),)),
    "date-year-1": Edit("skipped", (s("Date", "0001-01-01"),)),
    "date-five-digit-year": Edit("skipped", (s("Date", "99999-01-01"),)),
    "date-month-13": Edit("skipped", (s("Date", "2024-13-45"),)),
    "date-garbage": Edit("skipped", (s("Date", "去年春天"),)),
    "date-year-only": Edit("skipped", (s("Date", "2022"),)),
    "date-bad-time": Edit("skipped", (s("Date", "2022-02-28 25:99"),)),
    "date-beyond-9999-in-utc": Edit("skipped", (s("Date", "9999-12-31T23:00-12:00"),)),
    "date-empty": Edit("skipped", (s("Date", ""),)),
    "date-missing": Edit("skipped", (d("Date"),)),
    "date-twice": Edit("built", (a("Date", "2022-03-01"),)),
    "date-year-1000": Edit("good", (s("Date", "1000-01-01"),)),
    "date-year-9999": Edit("good", (s("Date", "9999-12-31"),)),
    # titles
    "title-missing": Edit("skipped", (d("Title"),)),
    "title-empty": Edit("skipped", (s("Title", ""),)),
    "title-huge": Edit("skipped", (s("Title", HUGE),)),
    "title-twice": Edit("built", (a("Title", "另一个标题"),)),
    # whole files
    "invalid-utf8": Edit("skipped", raw=BASE.read_bytes().replace("区政府".encode(), b"\xff\xfe\xfa", 1)),
    "no-header": Edit("skipped", raw="会议强调，要抓好经济运行调度。\n".encode()),
    "empty-file": Edit("skipped", raw=b""),
    # duplicated lines of the fields the plugins and templates read
    "people-twice": Edit("built", (a("People", "赵一, 钱二"),)),
    "people-continued": Edit("built", (s("People", "林晓东\n    何芳"),)),
    "presider-twice": Edit("built", (a("Presider", "孙三"),)),
    "documents-twice": Edit("built", (a("Documents", "《另一个方案》"),)),
    "tags-twice": Edit("built", (a("Tags", "城市更新"),)),
    "category-twice": Edit("built", (a("Category", "专题会议"),)),
    "slug-twice": Edit("built", (a("Slug", "another-slug"),)),
    "summary-twice": Edit("built", (a("Summary", "另一段概述"),)),
    "identifier-twice": Edit("built", (a("Identifier", "LJ-0000"),)),
    "source-twice": Edit("built", (a("Source", "sources/2023/cwhy1.txt"),)),
    # values of the wrong kind, or too big
    "sourceline-abc": Edit("built", (s("Source", "sources/samples.jsonl"), a("SourceLine", "abc"))),
    "summary-huge": Edit("built", (s("Summary", HUGE),)),
    "modified-garbage": Edit("built", (a("Modified", "昨天"),)),
    "lang-markup": Edit("built", (a("Lang", "<script>"),)),
    "status-unknown": Edit("built", (a("Status", "publish-now"),)),
    "template-nonexistent": Edit("built", (a("Template", "nonexistent"),)),
    "template-of-a-list": Edit("built", (a("Template", "index"),)),
    # the official document's own dates, issue and status, each unreadable: named, then left out
    "date-effective-feb-30": Edit("built", (a("DateEffective", "2023-02-30"),)),
    "date-expires-word": Edit("built", (a("DateExpires", "长期有效"),)),
    "date-written-year-1": Edit("built", (a("DateWritten", "0001-01-01"),)),
    "date-printed-garbage": Edit("built", (a("DatePrinted", "2023年13月"),)),
    "issue-number-huge": Edit("built", (a("Issue", "2023年第99999999999999999999期"),)),
    "issue-no-year": Edit("built", (a("Issue", "总第812期"),)),
    "validity-unknown": Edit("built", (a("Validity", "半有效"),)),
    "date-effective-good": Edit("good", (a("DateEffective", "2022-03-01"),)),
    "issue-good": Edit("good", (a("Issue", "2022年第3期（总第28期）"),)),
    "validity-alias": Edit("good", (a("Validity", "废止"),)),
    # header lines that would move or hide pages
    "save-as-outside": Edit("built", (a("Save_as", "../../pwned.html"),)),
    "save-as-home": Edit("built", (a("Save_as", "index.html"),)),
    "url-elsewhere": Edit("built", (a("Url", "https://example.org/pwned.html"),)),
    "slug-traversal": Edit("built", (s("Slug", "../../pwned"),)),
    "slug-month-index": Edit("built", (s("Slug", "index"),)),
    "slug-huge": Edit("built", (s("Slug", "x" * 300),)),
    "slug-missing": Edit("built", (d("Slug"),)),
    "slug-traversal-bad-file-name": Edit("skipped", (s("Slug", "../../pwned"),), name="坏 文件"),
    "slug-of-another-article": Edit("skipped", (s("Slug", "ljq-2022-0228-cwhy5"),)),
    # raw sources the archive must not publish
    "source-proc": Edit("built", (s("Source", "../../../../../../../../proc/self/environ"),)),
    "source-etc-shadow": Edit("built", (s("Source", "/etc/shadow"),)),
    "source-symlink-out": Edit("built", (s("Source", "sources/escape.txt"),)),
    "source-fifo": Edit("built", (s("Source", "sources/pipe.txt"),)),
    "source-folder": Edit("built", (s("Source", "sources/2022"),)),
}


def edited(text: str, changes, slug: str) -> str:
    """TEXT (an article) with CHANGES applied; its Slug set to SLUG unless a change sets it."""
    header, _, body = text.partition("\n\n")
    lines = [ln if not ln.startswith("Slug:") else f"Slug: {slug}" for ln in header.split("\n")]
    for action, field, value in changes:
        at = next((i for i, ln in enumerate(lines) if ln.startswith(f"{field}:")), None)
        if action == "add":
            lines.insert(len(lines) if at is None else at + 1, f"{field}: {value}")
        elif action == "drop" and at is not None:
            del lines[at]
        elif action == "set" and at is not None:
            lines[at] = f"{field}: {value}".rstrip()
        elif action == "set":
            lines.append(f"{field}: {value}")
    return "\n".join(lines) + "\n\n" + body


def write_hand_edits(content: Path) -> dict[str, Path]:
    """The fixture articles and pages, plus one file per EDITS case; -> case -> its file."""
    shutil.copytree(FIXTURE_CONTENT, content)
    folder = content / FOLDER
    folder.mkdir(parents=True)
    files = {}
    for case, edit in EDITS.items():
        path = folder / f"{edit.name or case}.md"
        if edit.raw is not None:
            path.write_bytes(edit.raw)
        else:
            path.write_text(edited(BASE.read_text(encoding="utf-8"), edit.changes, case), encoding="utf-8")
        files[case] = path
    return files


def hostile_sources(root: Path) -> Path:
    """A copy of the fixture sources with a symlink out of them and a FIFO in them."""
    shutil.copytree(FIXTURE_RAW, root)
    (root / "sources" / "escape.txt").symlink_to("/etc/passwd")
    os.mkfifo(root / "sources" / "pipe.txt")
    return root


@dataclass(frozen=True)
class HandEditedSite:
    content: Path
    output: Path
    files: dict[str, Path]
    log: str

    def page(self, case: str) -> Path:
        """Where CASE's page goes when its slug stands: the month of BASE, the case as slug."""
        date = {"date-year-1000": "1000/01", "date-year-9999": "9999/12"}.get(case, "2022/02")
        slug = self.files[case].stem if EDITS[case].outcome != "good" else case
        return self.output / "bulletins" / date / f"{slug}.html"

    def mentions(self, case: str) -> int:
        """How many times the log names CASE's file."""
        name = f"{FOLDER}/{self.files[case].name}"
        return len(re.findall(re.escape(name) + r"(?![\w.-])", self.log))


def build_hand_edited_site(home: Path) -> HandEditedSite:
    """Write the articles and sources below HOME and build them with every plugin."""
    content, output, sources = home / "content", home / "output", hostile_sources(home / "raw")
    files = write_hand_edits(content)
    log = pelican(content, output, f'CACHE_PATH="{home / "cache"}"', *source_settings(sources))
    return HandEditedSite(content, output, files, log)


def source_settings(sources: Path) -> tuple[str, str]:
    """``-e`` overrides: Source paths are relative to SOURCES, raw copies come from its sources/."""
    return f'BULLETINS_SOURCE_ROOT="{sources}"', f'BULLETINS_SOURCE_ROOTS=["{sources / "sources"}"]'
