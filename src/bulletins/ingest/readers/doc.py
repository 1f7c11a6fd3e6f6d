"""Word 97-2003 (.doc) and WPS (.wps) reader: LibreOffice converts the file to .docx, the docx reader reads it.

``soffice --headless --convert-to docx`` runs in a private temporary folder (its own user profile, so a
desktop LibreOffice that is open does not block it) with a time limit. Without LibreOffice the file is
reported with one line saying what to install. The bulletin keeps the original file's path, hash and
format (``doc`` or ``wps``).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bulletins.ingest.documents import file_hash
from bulletins.ingest.readers import docx
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["read"]

TIMEOUT_S = 120
INSTALL = (
    "reading .doc/.wps needs LibreOffice: install it (apt-get install libreoffice-writer) or save the file as .docx"
)


def soffice() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path, context: Context) -> Iterator[RawBulletin | SourceProblem]:
    """One .doc/.wps file -> one RawBulletin through LibreOffice and the docx reader, or one SourceProblem."""
    path = Path(path)
    source = path.as_posix()
    command = soffice()
    if command is None:
        yield SourceProblem(source, INSTALL)
        return
    try:
        digest = file_hash(path)
    except OSError as error:
        yield SourceProblem(source, f"cannot read: {error.strerror or error}")
        return
    with tempfile.TemporaryDirectory(prefix="bulletins-doc-") as tmp:
        converted = _convert(command, path, Path(tmp))
        if isinstance(converted, str):
            yield SourceProblem(source, converted)
            return
        fmt = path.suffix.lower().lstrip(".") or "doc"
        for item in docx.read(converted, context):
            if isinstance(item, SourceProblem):
                yield SourceProblem(source, item.reason)
            else:
                yield dataclasses.replace(item, source=source, source_hash=digest, format=fmt)


def _convert(command: str, path: Path, tmp: Path) -> Path | str:
    """PATH converted into TMP: the .docx path, or why it failed."""
    profile = (tmp / "profile").as_uri()
    args = [command, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx", "--outdir", str(tmp)]
    try:
        run = subprocess.run([*args, str(path)], capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return f"LibreOffice did not convert the file within {TIMEOUT_S} s"
    except OSError as error:
        return f"cannot run LibreOffice: {error}"
    out = tmp / f"{path.stem}.docx"
    if run.returncode != 0 or not out.exists():
        detail = (run.stderr or run.stdout).decode("utf-8", "replace").strip().splitlines()
        why = f": {detail[-1]}" if detail else ""
        return f"LibreOffice could not convert the file (damaged or password-protected?){why}"
    return out
