"""doc reader: .doc/.wps through LibreOffice when it is installed, one clear problem when it is not."""

from __future__ import annotations

import hashlib
import shutil
import stat
import sys
from pathlib import Path

import pytest

from bulletins.ingest.readers import doc
from bulletins.models import Context, RawBulletin, SourceProblem

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
# Stands in for ``soffice --headless --convert-to docx --outdir DIR FILE``: copies FILE to DIR/<stem>.docx.
FAKE_SOFFICE = """#!{python}
import shutil, sys
from pathlib import Path
args = sys.argv[1:]
source = Path(args[-1])
if source.read_bytes()[:2] != b"PK":
    sys.exit("Error: source file could not be loaded")
shutil.copy(source, Path(args[args.index("--outdir") + 1]) / (source.stem + ".docx"))
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    return script


def test_without_libreoffice_one_line_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "通知.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (problem,) = doc.read(path, Context())
    assert isinstance(problem, SourceProblem) and problem.source == path.as_posix()
    assert "LibreOffice" in problem.reason and "install" in problem.reason and "\n" not in problem.reason


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_converted_document_keeps_the_original_path_hash_and_format(tmp_path, fake_soffice, suffix):
    path = tmp_path / f"chengjiang-7{suffix}"
    shutil.copy(FIXTURES / "gongwen.docx", path)
    (item,) = doc.read(path, Context(year=2025))
    assert isinstance(item, RawBulletin)
    assert (item.source, item.format) == (path.as_posix(), suffix[1:])
    assert item.source_hash == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert "（一）加强组织领导。" in [b.text for b in item.blocks]


def test_conversion_failure_is_one_problem(tmp_path, fake_soffice):
    path = tmp_path / "damaged.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a document")
    (problem,) = doc.read(path, Context())
    assert isinstance(problem, SourceProblem) and "could not convert" in problem.reason
