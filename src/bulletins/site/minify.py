"""The theme's scripts and style sheets as the site serves them: comments and spaces taken out.

Every search first loads the three engine scripts (``search-tokens.js``, ``search-index.js``,
``search-core.js``: 46 KB as written, most of it the comments that explain them), and every page
the style sheet. The readable files stay in the theme, and the site carries them too, under
``readable/`` beside the served copies (an archive read years later still explains its own
search); each served copy's first line names its readable one. ``rjsmin`` and ``rcssmin`` only
drop comments and spaces (no renaming, no rewriting), which keeps the copy's behaviour the
source's; ``tests/test_minify.py`` runs the minified search engine against the source one on the
same index.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import rcssmin
import rjsmin

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
READABLE = "readable"  # the folder of the readable copies, beside the served ones


class Minified(NamedTuple):
    path: Path  # the file in the mirror
    before: int  # bytes as written
    after: int  # bytes as served


def header(link: str) -> str:
    """The one comment a minified copy keeps: where its readable source is."""
    return f"/*! minified; the readable source is {link} */\n"


def readable_link(relative: PurePosixPath) -> str:
    """The URL of the readable copy of the file served at ``relative`` (below the theme's static
    folder in the site), relative to that file: ``js/a.js`` -> ``../readable/js/a.js``."""
    return "../" * (len(relative.parts) - 1) + f"{READABLE}/{relative.as_posix()}"


def minify_text(text: str, suffix: str, link: str = "") -> str:
    """``text`` of a ``.js`` or ``.css`` file without comments and needless spaces, after a one-line
    header naming ``link`` (where its readable source is); other suffixes unchanged."""
    minify = MINIFIERS.get(suffix)
    if minify is None:
        return text
    return header(link) + minify(text, keep_bang_comments=True).strip() + "\n"


def _files(source: Path) -> Iterator[tuple[Path, PurePosixPath]]:
    """(file, where it is served below the static folder) for a file or every file below a folder."""
    if source.is_file():
        yield source, PurePosixPath(source.name)
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            yield path, PurePosixPath(path.relative_to(source).as_posix())


def _minified(path: Path, link: str) -> bytes | None:
    """The served bytes of a script or style sheet; None for any other file, or one that is not
    UTF-8 (copied as it is)."""
    if path.suffix not in MINIFIERS:
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    return minify_text(text, path.suffix, link).encode("utf-8")


def mirror(sources: Iterable[Path], target: Path) -> tuple[list[Path], list[Minified]]:
    """Copy each source (a folder, or a file) into the folder ``target/<i>``, scripts and style
    sheets minified (their readable copies under ``readable/``), other files as they are;
    ``target`` is made anew. Returns the folder of each source in order (Pelican copies a
    folder's contents into the site's static folder, as it does a source folder's), and what was
    minified."""
    shutil.rmtree(target, ignore_errors=True)
    entries, done = [], []
    for i, source in enumerate(sources):
        if not source.exists():  # Pelican's copy warns about it under the name it was given
            entries.append(source)
            continue
        root = target / str(i)
        entries.append(root)
        for path, relative in _files(source):
            out = root / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            served = _minified(path, readable_link(relative))
            if served is None:
                shutil.copyfile(path, out)
                continue
            out.write_bytes(served)
            readable = root / READABLE / relative
            readable.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, readable)
            done.append(Minified(out, path.stat().st_size, len(served)))
    return entries, done
