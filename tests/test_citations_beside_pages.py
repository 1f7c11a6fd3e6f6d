"""Citation files written by a fork of the build while the pages are: the same files and
records as written by the build itself, in a cold build and in rebuilds; a fork that fails
leaves the build whole; and the build makes no article's fields for a page it does not render."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bulletins import sealed
from bulletins.plugins.citations import generator
from bulletins.plugins.incremental import forked
from support.forks import break_in_forks
from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT, build_fixture_site

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs os.fork")

PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.citations"]
SUFFIXES = (".bib", ".ris", ".json")
NEW_ARTICLE = """\
Title: 临江区人民政府关于做好秋季防火工作的通知
Date: 2023-10-09
Category: 工作动态
Slug: ljq-2023-1009-fh
Identifier: LJ-20231009-fh
Publisher: 临江区人民政府
DocNumber: 临府发〔2023〕31号

各街道：请做好秋季防火工作。
"""


@pytest.mark.parametrize(
    ("setting", "records", "room", "beside"),
    [
        pytest.param(None, False, True, False, id="cold-build-by-the-build"),
        pytest.param(None, True, True, True, id="rebuild-beside-the-pages"),
        pytest.param(None, True, False, False, id="rebuild-without-room-for-a-copy"),
        pytest.param(True, False, False, True, id="asked-for-in-a-cold-build"),
        pytest.param(False, True, True, False, id="declined-in-a-rebuild"),
    ],
)
def test_by_default_only_a_rebuild_with_room_writes_the_files_beside_the_pages(
    tmp_path, monkeypatch, setting, records, room, beside
):
    monkeypatch.setattr(forked, "room_for_a_copy", lambda: room)
    stamps = tmp_path / generator.STAMPS_CACHE
    if records:
        stamps.write_text("{}", encoding="utf-8")
    assert generator.beside_pages({"BULLETINS_CITATIONS_BESIDE_PAGES": setting}, stamps) is beside


@pytest.mark.parametrize("value", ["yes", 1, "None"])
def test_a_setting_other_than_true_false_or_none_stops_the_build_with_one_line(tmp_path, value):
    with pytest.raises(SystemExit, match="CRITICAL: BULLETINS_CITATIONS_BESIDE_PAGES"):
        build_fixture_site(tmp_path / "output", PLUGINS=PLUGINS, BULLETINS_CITATIONS_BESIDE_PAGES=value)


def files(out: Path) -> dict[str, str]:
    """Every citation file and the archive's CSL-JSON -> a digest; the build's records of them
    -> the digest of their fields keys."""
    found = [p for p in (out / "bulletins").rglob("*") if p.suffix in SUFFIXES]
    found.append(out / "data" / "bulletins-csl.json")
    names = {str(p.relative_to(out.parent)): hashlib.sha256(p.read_bytes()).hexdigest() for p in found}
    stamps = out.parent / "cache" / generator.STAMPS_CACHE
    names[stamps.name] = hashlib.sha256(_without_times(stamps).encode()).hexdigest()
    return names


def _without_times(stamps: Path) -> str:
    """The records' input keys and dates, page by page (their sizes and mtimes differ between two sites)."""
    records = sealed.unseal(stamps.read_bytes())
    return json.dumps({page: record[:2] for page, record in sorted(records.items())})


def site(tmp_path: Path, name: str) -> tuple[Path, Path]:
    content = tmp_path / name / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    return content, tmp_path / name / "output"


def build(content: Path, out: Path, beside: bool | None) -> Path:
    return build_fixture_site(out, PATH=str(content), PLUGINS=PLUGINS, BULLETINS_CITATIONS_BESIDE_PAGES=beside)


def _add(content: Path) -> None:
    (content / "bulletins" / "2023" / "10").mkdir(parents=True, exist_ok=True)
    (content / "bulletins" / "2023" / "10" / "ljq-2023-1009-fh.md").write_text(NEW_ARTICLE, encoding="utf-8")


def _remove(content: Path) -> None:
    next(iter(sorted((content / "bulletins").rglob("*.md")))).unlink()


def _edit(content: Path) -> None:
    path = sorted((content / "bulletins").rglob("*.md"))[1]
    path.write_text(path.read_text(encoding="utf-8").replace("Title: ", "Title: （修订）", 1), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("change", [_add, _edit, _remove], ids=["add", "edit", "remove"])
def test_a_rebuild_beside_the_pages_writes_a_cold_builds_files(tmp_path, change):
    content, out = site(tmp_path, "rebuilt")
    build(content, out, None)  # cold: by the build
    change(content)
    build(content, out, None)  # a rebuild: by a fork
    cold = build(content, tmp_path / "cold" / "output", False)
    assert files(out) == files(cold)
    assert len(files(out)) > 3 * 5


@pytest.mark.slow
def test_a_cold_build_beside_the_pages_writes_the_builds_files(tmp_path, monkeypatch):
    begun, real_start = [], forked.start
    monkeypatch.setattr(
        forked, "start", lambda work, name="", **kw: begun.append((name, kw)) or real_start(work, name, **kw)
    )
    beside = build(*site(tmp_path, "beside"), True)
    # the citations' fork only: a plugin an earlier test registered in this process (the open
    # data's) runs in this build too and begins its own
    begun = [start for start in begun if start[0] == "citations"]
    assert begun == [("citations", {"beside": True})]  # at the forks' lower priority (test_site_parallel_write)
    by_build = build(*site(tmp_path, "plain"), False)
    assert files(beside) == files(by_build)


@pytest.mark.slow
def test_a_fork_that_fails_has_the_files_written_by_the_build(tmp_path, monkeypatch):
    calls = break_in_forks(monkeypatch, generator, "update_csl")
    broken = build(*site(tmp_path, "broken"), True)
    monkeypatch.undo()
    assert calls == [1], "the build wrote the files itself once the fork failed"
    plain = build(*site(tmp_path, "plain"), False)
    assert files(broken) == files(plain)


@pytest.mark.slow
def test_the_build_makes_no_fields_for_pages_it_does_not_render(tmp_path, monkeypatch):
    """A rebuild with nothing changed renders no article page: with the files written by a fork,
    the build itself never makes an article's citation fields; neither does the fork, nor the
    build writing the files itself, since no article changed. A cold build makes each three
    times: for its page, for its files, for its line of the archive file (no article's fields
    are held from one to the next)."""
    content, out = site(tmp_path, "quiet")
    build(content, out, None)
    made = []
    real = generator.fields_for
    monkeypatch.setattr(generator, "fields_for", lambda *args: made.append(args[0].save_as) or real(*args))
    build(content, out, True)
    assert made == []
    build(content, out, False)
    assert made == []
    build(content, tmp_path / "cold" / "output", False)  # for its page, its files, its archive line
    assert len(set(made)) > 5 and set(Counter(made).values()) == {3}
