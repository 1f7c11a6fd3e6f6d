"""The theme's scripts and style sheets as the site serves them: comments and spaces taken out.

Every search first loads the three engine scripts (``search-tokens.js``, ``search-index.js``,
``search-core.js``: 46 KB as written, most of it the comments that explain them), and every page
the style sheet. The readable files stay in the theme; the site gets a copy with one line naming
where they are. ``rjsmin`` and ``rcssmin`` only drop comments and spaces (no renaming, no
rewriting), which keeps the copy's behaviour the source's; ``tests/test_minify.py`` runs the
minified search engine against the source one on the same index.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import rcssmin
import rjsmin

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


class Minified(NamedTuple):
    path: Path  # the file in the mirror
    before: int  # bytes as written
    after: int  # bytes as served


def header(name: str) -> str:
    """The one comment a minified copy keeps: where its readable source is."""
    return f"/*! minified from the theme's {name} (the readable source) */\n"


def minify_text(text: str, suffix: str, name: str = "") -> str:
    """``text`` of a ``.js`` or ``.css`` file without comments and needless spaces, after a one-line
    header naming ``name`` (its path in the theme); other suffixes unchanged."""
    minify = MINIFIERS.get(suffix)
    if minify is None:
        return text
    return header(name) + minify(text, keep_bang_comments=True).strip() + "\n"


def _files(source: Path) -> Iterator[tuple[Path, Path]]:
    """(file, its path relative to ``source``) for a file or every file below a folder."""
    if source.is_file():
        yield source, Path(source.name)
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            yield path, path.relative_to(source)


def _minified(path: Path, name: str) -> bytes | None:
    """The served bytes of a script or style sheet; None for any other file, or one that is not
    UTF-8 (copied as it is)."""
    if path.suffix not in MINIFIERS:
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    return minify_text(text, path.suffix, name).encode("utf-8")


def mirror(sources: Iterable[Path], target: Path) -> tuple[list[Path], list[Minified]]:
    """Copy each source (a folder, or a file) into ``target/<i>``, scripts and style sheets
    minified, other files as they are; ``target`` is made anew. Returns each source's copy (a
    folder, or the file) in order, and what was minified."""
    shutil.rmtree(target, ignore_errors=True)
    entries, done = [], []
    for i, source in enumerate(sources):
        if not source.exists():  # Pelican's copy warns about it under the name it was given
            entries.append(source)
            continue
        root = target / str(i)
        entries.append(root if source.is_dir() else root / source.name)
        for path, relative in _files(source):
            out = root / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            served = _minified(path, f"{source.name}/{relative.as_posix()}" if source.is_dir() else source.name)
            if served is None:
                shutil.copyfile(path, out)
                continue
            out.write_bytes(served)
            done.append(Minified(out, path.stat().st_size, len(served)))
    return entries, done
