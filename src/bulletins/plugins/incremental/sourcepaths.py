"""Pelican's bookkeeping of source files, with less work per file (the same results).

Pelican records every article under its source path relative to the content folder, which
``Content.get_relative_source_path`` computes with ``os.path.relpath`` over two ``abspath``
calls: some 30 µs an article, 3 s of an unchanged rebuild at 100,000 articles. For an
absolute, normalized source path below the content folder (every article a generator reads)
the relative path is the rest of the string; anything else is left to Pelican.

Pelican's ``get_files`` asks ``_include_path`` about every file it walks (twice a build for the
articles: once more to warn of disabled readers), which matches the name against each
``IGNORE_FILES`` pattern with ``fnmatch`` and lists the readers' extensions anew each time;
here the patterns are one compiled expression and the extensions listed once per generator.
A build lists its articles up to three times more (the read-ahead's count of new files, the
Markdown prefetch's files to convert, each naming the extensions): ``listing`` walks the content
folder once for all of them (0.2-0.3 s a walk at 100,000 articles).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re


@functools.lru_cache(maxsize=8)
def _folder(path: str) -> str | None:
    """The content folder PATH normalized, when it is absolute (Pelican makes it so); a
    relative one depends on the working folder and is left to Pelican."""
    return os.path.abspath(path) if os.path.isabs(path) else None


def relative_path(folder: str, path: str) -> str | None:
    """PATH relative to FOLDER (an absolute, normalized folder) as ``os.path.relpath`` gives
    it, when PATH is an absolute, normalized path below FOLDER on a POSIX system; else None."""
    if os.sep != "/" or not path.startswith(folder) or path[len(folder) : len(folder) + 1] != "/":
        return None
    if folder == "/" or os.path.normpath(path) != path:
        return None
    return path[len(folder) + 1 :]


def add_source_path(generator, content, static: bool = False) -> None:
    """``Generator.add_source_path``, the same entry made with less work when it can be."""
    source = content.source_path
    location = None
    folder = _folder(content.settings["PATH"]) if isinstance(source, str) else None
    if folder is not None:
        location = relative_path(folder, source)
    if location is None:
        location = content.get_relative_source_path()
    own = content.__dict__.get("relative_source_path")
    if own == location:  # the key is the article's own string (Pelican's __init__ made it), not a copy
        location = own
    generator.context["static_content" if static else "generated_content"][location] = content


@functools.lru_cache(maxsize=8)
def ignored(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One expression matching what any of the ``fnmatch`` PATTERNS matches (None: no pattern)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))


def include_path(generator, path: str, extensions=None) -> bool:
    """``Generator._include_path``: whether get_files takes PATH (relative to the content
    folder): its name matches no ``IGNORE_FILES`` pattern, and its extension is one of
    EXTENSIONS (the readers' by default; False: any)."""
    if extensions is None:
        extensions = generator.__dict__.get("_bulletins_extensions")
        if extensions is None:
            extensions = generator._bulletins_extensions = tuple(generator.readers.extensions)
    basename = os.path.basename(path)
    pattern = ignored(tuple(generator.settings["IGNORE_FILES"]))
    if pattern is not None and pattern.match(os.path.normcase(basename)):
        return False
    return extensions is False or extension(basename) in extensions


def extension(path: str) -> str:
    """``a/b.md`` -> ``md``, as Pelican's ``_include_path`` takes it."""
    return os.path.splitext(path)[1][1:]


def listing(generator, get_files):
    """GET_FILES (GENERATOR's, as it stands: perhaps counting for the progress line) whose
    listing, by the readers' extensions, is made once per folders and exclusions: Pelican's own
    call keeps it where it gets it whole (a set), and a call naming some of those extensions is
    answered from it. Any other call goes to GET_FILES as it is. The listing is let go once
    every generator's context is made (``release``)."""

    @functools.wraps(get_files)
    def listed(paths, exclude=None, extensions=None):
        memo = generator.__dict__.setdefault(LISTED, {})
        key = (tuple([paths] if isinstance(paths, str) else paths), tuple(exclude or ()))
        readers = tuple(generator.readers.extensions)
        if extensions is None:
            files = get_files(paths, exclude=exclude)
            whole = getattr(files, "files", files)  # the listing, when the progress line counts it
            if isinstance(whole, set):
                memo[key] = whole
            return files
        if extensions is False or not set(extensions) <= set(readers):
            return get_files(paths, exclude=exclude, extensions=extensions)
        found = memo.get(key)
        if found is None:  # the class's walk: a count for the progress line is Pelican's call only
            found = memo[key] = type(generator).get_files(generator, paths, exclude=exclude, extensions=readers)
        if set(extensions) == set(readers):
            return found
        return {name for name in found if extension(name) in extensions}

    return listed


def release(generators) -> None:
    """``all_generators_finalized``: the generators' listings let go. Not before: Pelican's
    check for files of disabled readers, after every context is made, is answered from them."""
    for generator in generators:
        generator.__dict__.pop(LISTED, None)


LISTED = "_bulletins_listed"


def init(generator) -> None:
    """``article_generator_init``/``page_generator_init``: GENERATOR records and finds its
    sources so."""
    generator.add_source_path = functools.partial(add_source_path, generator)
    generator._include_path = functools.partial(include_path, generator)
    generator.get_files = listing(generator, generator.get_files)
