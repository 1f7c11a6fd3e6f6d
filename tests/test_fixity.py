"""Fixity: manifest-sha256.txt written last in the build, ``bulletins verify``, ``bulletins pack`` (BagIt)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest.mock import ANY

import pytest

from bulletins.cli import main
from bulletins.site import fixity
from bulletins.site.fixity import ManifestError, Report
from support.shared import ROOT
from support.site_build import build_fixture_site

PLUGINS = ["bulletins.plugins.list_pages", "bulletins.plugins.site_meta", "bulletins.plugins.open_data"]
SHA_A = hashlib.sha256(b"a").hexdigest()
SHA_B = hashlib.sha256(b"b").hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("fixity") / "output", PLUGINS=PLUGINS)


@pytest.fixture
def copy(site, tmp_path) -> Path:
    """A copy of the built site that a test may change."""
    return Path(shutil.copytree(site, tmp_path / "copy"))


# --- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digests",
    [
        pytest.param({"index.html": SHA_A, "bulletins/2022/02/x.html": SHA_B}, id="plain"),
        pytest.param({"raw/a b.txt": SHA_A}, id="space"),
        pytest.param({"raw/back\\slash.txt": SHA_A, "raw/line\nbreak.txt": SHA_B}, id="escaped"),
        pytest.param({"人物/周文澜.html": SHA_A}, id="non-ascii"),
        pytest.param({}, id="empty"),
    ],
)
def test_manifest_round_trip(digests):
    text = fixity.render_manifest(digests)
    assert fixity.parse_manifest(text) == digests
    assert len(text.splitlines()) == len(digests)


def test_manifest_is_sorted_by_path_in_sha256sum_format():
    text = fixity.render_manifest({"b.html": SHA_B, "a.html": SHA_A})
    assert text == f"{SHA_A}  a.html\n{SHA_B}  b.html\n"


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(f"{SHA_A} index.html", id="one-space"),
        pytest.param(f"{SHA_A[:-1]}  index.html", id="short-digest"),
        pytest.param(f"{'g' * 64}  index.html", id="not-hex"),
        pytest.param(f"{SHA_A}  ", id="no-path"),
        pytest.param(f"{SHA_A}  ../../etc/passwd", id="parent-folder"),
        pytest.param(f"{SHA_A}  raw/../../outside.txt", id="parent-inside-the-path"),
        pytest.param(f"{SHA_A}  /etc/shadow", id="absolute"),
    ],
)
def test_malformed_manifest_line_is_an_error(line):
    with pytest.raises(ManifestError, match="line 2"):
        fixity.parse_manifest(f"{SHA_B}  a.html\n{line}\n")


@pytest.mark.parametrize(
    ("expected", "actual", "report"),
    [
        pytest.param({"a": SHA_A}, {"a": SHA_A}, Report(checked=1), id="same"),
        pytest.param({"a": SHA_A, "b": SHA_B}, {"a": SHA_A}, Report(missing=("b",), checked=2), id="missing"),
        pytest.param({"a": SHA_A}, {"a": SHA_A, "c": SHA_B}, Report(extra=("c",), checked=1), id="extra"),
        pytest.param({"a": SHA_A}, {"a": SHA_B}, Report(altered=("a",), checked=1), id="altered"),
    ],
)
def test_compare(expected, actual, report):
    assert fixity.compare(expected, actual) == report
    assert fixity.compare(expected, actual).ok is (report == Report(checked=len(expected)))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_hashes_made_over_processes_are_the_same(tmp_path, monkeypatch, workers):
    from bulletins.plugins.incremental import forked
    from bulletins.plugins.open_data.manifest import _hashed_over

    monkeypatch.setattr(forked, "MIN_JOBS", 0)
    for n in range(300):
        folder = tmp_path / f"d{n % 7}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{n}.html").write_bytes(f"<p>第{n}条</p>".encode() * (n % 5 + 1))
    here = fixity.hash_tree(tmp_path)
    over = fixity.hash_tree(tmp_path, _hashed_over(workers))
    assert list(over.items()) == list(here.items()) and len(here) == 300
    assert here["d0/f0.html"] == hashlib.sha256("<p>第0条</p>".encode()).hexdigest()


def test_scan_tree_follows_file_links_but_not_folder_links(tmp_path):
    (tmp_path / "site" / "sub").mkdir(parents=True)
    (tmp_path / "site" / "sub" / "a.txt").write_bytes(b"a")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_bytes(b"x")
    (tmp_path / "site" / "linked.txt").symlink_to(tmp_path / "elsewhere" / "x.txt")
    (tmp_path / "site" / "folder-link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "site" / fixity.MANIFEST).write_text("", encoding="utf-8")
    assert fixity.scan_tree(tmp_path / "site") == {"linked.txt": (1, ANY), "sub/a.txt": (1, ANY)}


# --- the built site -----------------------------------------------------------------------


def test_manifest_lists_every_file_of_the_build(site):
    listed = fixity.parse_manifest((site / fixity.MANIFEST).read_text(encoding="utf-8"))
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(listed) == [f for f in files if f != fixity.MANIFEST]
    assert {"index.html", "data.html", "data/bulletins.sqlite", "sitemap.xml"} <= set(listed)
    assert listed["index.html"] == hashlib.sha256((site / "index.html").read_bytes()).hexdigest()


def test_verify_passes_on_a_fresh_build(site, capsys):
    assert main(["verify", str(site)]) == 0
    assert "all present and unchanged" in capsys.readouterr().out


def test_verify_names_altered_missing_and_added_files(copy, capsys):
    (copy / "about.html").write_text("changed", encoding="utf-8")
    (copy / "data" / "bulletins.csv").unlink()
    (copy / "bulletins" / "extra.html").write_text("<p>added</p>", encoding="utf-8")
    assert main(["verify", str(copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == ["missing: data/bulletins.csv", "extra: bulletins/extra.html", "altered: about.html"]
    assert err[-1].endswith("3 problem(s)")


def test_verify_without_manifest_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "no manifest" in capsys.readouterr().err


def test_rebuild_keeps_the_manifest_and_a_new_file_is_listed(tmp_path):
    out = build_fixture_site(tmp_path / "output", PLUGINS=PLUGINS)
    manifest = out / fixity.MANIFEST
    before = (manifest.read_bytes(), manifest.stat().st_mtime_ns)
    build_fixture_site(out, PLUGINS=PLUGINS)
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == before
    (out / "extra.txt").write_text("x", encoding="utf-8")
    build_fixture_site(out, PLUGINS=PLUGINS)
    assert "extra.txt" in fixity.parse_manifest(manifest.read_text(encoding="utf-8"))
    assert fixity.verify(out).ok


# --- BagIt --------------------------------------------------------------------------------


def test_pack_writes_a_valid_bag_naming_publisher_and_build_date(site, tmp_path, monkeypatch, capsys):
    bagit = pytest.importorskip("bagit")
    monkeypatch.chdir(tmp_path)
    settings = str(ROOT / "pelicanconf.py")
    assert main(["pack", "--site", str(site), "--name", "handout", "--settings", settings]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "handout.zip")
    with zipfile.ZipFile(tmp_path / "handout.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    bag = bagit.Bag(str(tmp_path / "unpacked" / "handout"))
    bag.validate()
    assert bag.info["Source-Organization"] == "公报档案"
    built = dt.datetime.fromtimestamp(int((site / fixity.MANIFEST).stat().st_mtime), tz=dt.UTC)
    assert bag.info["Build-Date"] == built.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (tmp_path / "unpacked" / "handout" / "data" / "index.html").is_file()
    assert main(["verify", str(tmp_path / "unpacked" / "handout")]) == 0
    cli = Path(sys.executable).with_name("bagit.py")
    if cli.exists():
        result = subprocess.run([sys.executable, str(cli), "--validate", str(tmp_path / "unpacked" / "handout")])
        assert result.returncode == 0


def test_pack_of_a_missing_site_fails_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["pack", "--site", str(tmp_path / "none"), "--settings", str(ROOT / "pelicanconf.py")]) == 2
    assert "no such folder" in capsys.readouterr().err


BROKEN_SETTINGS = {
    "syntax error": ("SITENAME = (\n", "SyntaxError"),
    "name error": ("SITENAME = UNDEFINED_NAME\n", "NameError: name 'UNDEFINED_NAME' is not defined"),
    "import error": ("import no_such_module_here\n", "ModuleNotFoundError"),
}


@pytest.mark.parametrize(("text", "named"), BROKEN_SETTINGS.values(), ids=BROKEN_SETTINGS.keys())
def test_pack_with_broken_settings_says_so_in_one_line(site, tmp_path, monkeypatch, capsys, text, named):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.py").write_text(text, encoding="utf-8")
    assert main(["pack", "--site", str(site), "--settings", "broken.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pack: broken.py: the settings do not run") and named in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "bulletins-archive.zip").exists()
