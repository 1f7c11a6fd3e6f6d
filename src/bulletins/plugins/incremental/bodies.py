"""Article bodies left in the article cache's file, read when a page needs them.

An article's HTML (``_content``, 1.5 KB an article on average) is the largest thing a build
holds for it, and a build needs it only to render the article's page and to make its search
entry and data row: a rebuild renders and indexes only what changed, a cold build each article
once. So a record of the article cache carries the body as UTF-8 bytes after the pickled
article (``body_apart``), and an article taken from a record holds where they are (``attach``):
its ``_content`` reads them from the cache file (kept open by the article, so a file the build
replaces or a part the forks wrote stays readable to the build's end). Pelican's own memo of
``get_content`` and ``get_summary`` (one dict for every article, to the end of the build) then
keeps only the last value made (``bound_memos``), so bodies read for a page are let go with it.

An article read from its file keeps its body in memory, as Pelican made it. A body whose bytes
changed on disk after the record was taken (CRC-32) is an error, never another article's text.

Pelican asks every article for its static links (``{static}``/``{attach}`` in the body) as it
reads it: the record keeps them (``static_links``, with the ``INTRASITE_LINK_REGEX`` they were
found with), so an article taken from a record answers without its body being read and
scanned (at 100,000 articles, about 1.5 s of every rebuild).
"""

from __future__ import annotations

import os
import zlib
from contextlib import contextmanager, suppress

from pelican.contents import Content

from bulletins.plugins.compact.sharing import same_name_subclass

BODY = "_bulletins_body"  # the article's ``Body``
OWN = "_bulletins_content"  # a body set on such an article afterwards (``_content = ...``)
LINKS = "_bulletins_static_links"  # in a record: ``(INTRASITE_LINK_REGEX, tuple of links)``


LENGTH_BITS = 40  # a body's length in its ``Body.where``: less than a terabyte


class BodyChanged(RuntimeError):
    """A body's bytes in the cache file are not the ones its record was taken with."""


class Source:
    """A cache file the bodies of its records are read from, open while one of them lives."""

    __slots__ = ("fd", "name")

    def __init__(self, fd: int, name: str):
        self.fd, self.name = fd, name

    def __del__(self):
        with suppress(OSError, TypeError):  # TypeError: at the interpreter's exit, os may be gone
            os.close(self.fd)


class Sources:
    """The files an article cache reads records from, each opened again for the bodies in them."""

    def __init__(self, name: str):
        self.name, self.open = name, {}

    def attach(self, article, fd: int, data: bytes, offset: int, length: int) -> None:
        """ARTICLE, read from the record DATA at OFFSET of FD, whose last LENGTH bytes are its body."""
        source = self.open.get(fd)
        if source is None:
            source = self.open[fd] = Source(os.dup(fd), self.name)
        attach(article, source, data, offset + len(data) - length, length)


class Body:
    """Where an article's body is: LENGTH bytes at OFFSET of FILE (a ``Source``), with their
    CRC-32; the article's static LINKS as its record kept them, found with PATTERN
    (``static_links``; None when the record has none). Offset, length and CRC are one number
    (``where``): with four slots, the body takes some 105 bytes where six slots and three
    numbers took 172, for every article a build holds to its end (67 MB at a million)."""

    __slots__ = ("file", "links", "pattern", "where")
    last: tuple = (None, "")  # the body decoded last, with its text: a page reads it more than once

    def __init__(self, file, offset: int, length: int, crc: int, kept=None):
        if not (0 <= length < 1 << LENGTH_BITS and 0 <= crc < 1 << 32 and offset >= 0):
            raise ValueError(f"not a body's place: {offset}, {length}, {crc}")
        self.file, self.where = file, (offset << LENGTH_BITS | length) << 32 | crc
        self.pattern, self.links = kept if _well_formed(kept) else (None, None)
        if self.pattern is not None:  # one string for every article, not one per record
            self.pattern = _PATTERNS.setdefault(self.pattern, self.pattern)

    @property
    def offset(self) -> int:
        return self.where >> (32 + LENGTH_BITS)

    @property
    def length(self) -> int:
        return self.where >> 32 & ((1 << LENGTH_BITS) - 1)

    @property
    def crc(self) -> int:
        return self.where & 0xFFFFFFFF

    def text(self) -> str:
        if Body.last[0] is self:
            return Body.last[1]
        data = os.pread(self.file.fd, self.length, self.offset)
        if zlib.crc32(data) != self.crc:
            raise BodyChanged(f"article cache {self.file.name}: a body changed on disk while the build ran")
        text = data.decode("utf-8", "surrogatepass")
        Body.last = (self, text)
        return text


_PATTERNS: dict[str, str] = {}


def _well_formed(kept) -> bool:
    """KEPT is a record's ``(pattern, links)``: a string (or None) and a tuple of strings."""
    return (
        type(kept) is tuple
        and len(kept) == 2
        and (kept[0] is None or type(kept[0]) is str)
        and type(kept[1]) is tuple
        and all(type(link) is str for link in kept[1])
    )


def _get_content(article):
    state = article.__dict__
    return state[OWN] if OWN in state else state[BODY].text()


def _set_content(article, value) -> None:
    article.__dict__[OWN] = value


_CLASSES: dict[type, type] = {}


def _kept_links(base: type):
    """``get_static_links`` of a class made from BASE: the links the record kept, while the
    body is the record's and the link pattern the one they were found with; else BASE's."""
    find = getattr(base, "get_static_links", None)

    def get_static_links(article) -> set[str]:
        state = article.__dict__
        body = state.get(BODY) if OWN not in state else None
        if body is not None and body.links is not None and body.pattern == article.settings.get("INTRASITE_LINK_REGEX"):
            return set(body.links)
        return find(article)

    return get_static_links


def stored_class(cls: type) -> type:
    """CLS whose ``_content`` is read from the cache (a ``Body``) unless set since; of the same
    name, as Pelican names an article's URL settings by its class."""
    found = _CLASSES.get(cls)
    if found is None:
        methods = {"get_static_links": _kept_links(cls)} if hasattr(cls, "get_static_links") else {}
        found = _CLASSES[cls] = same_name_subclass(cls, _content=property(_get_content, _set_content), **methods)
    return found


def static_links(article) -> tuple | None:
    """What a record keeps of ARTICLE's static links (``LINKS``); None when it has none to ask."""
    find = getattr(article, "get_static_links", None)
    settings = getattr(article, "settings", None)
    if find is None or not isinstance(settings, dict) or type(article.__dict__.get("_content")) is not str:
        return None
    try:
        return settings.get("INTRASITE_LINK_REGEX"), tuple(sorted(find()))
    except Exception:  # Pelican asks again as it reads the article, and says what is wrong
        return None


@contextmanager
def body_apart(article, links: tuple | None = None):
    """While inside: ARTICLE without its body, which is given as the UTF-8 bytes a record ends
    with (None when it has no text body, which is then pickled with the article), and with its
    static LINKS (``static_links``) when given. The article's own attribute dict is left as it was."""
    state = getattr(article, "__dict__", None)
    body = state.get("_content") if state is not None else None
    if type(body) is not str:
        yield None
        return
    article.__dict__ = {k: v for k, v in state.items() if k != "_content"}
    if links is not None:
        article.__dict__[LINKS] = links
    try:
        yield body.encode("utf-8", "surrogatepass")
    finally:
        article.__dict__ = state


def attach(article, file, data: bytes, offset: int, length: int) -> None:
    """ARTICLE (just read from a record whose last LENGTH bytes, at OFFSET of FILE, are its
    body; DATA the record) reads its body from there from now on."""
    tail = memoryview(data)[len(data) - length :]
    links = article.__dict__.pop(LINKS, None)
    article.__class__ = stored_class(type(article))
    article.__dict__[BODY] = Body(file, offset, length, zlib.crc32(tail), links)


class LastOnly(dict):
    """A memo that keeps only the last value made."""

    def __setitem__(self, key, value) -> None:
        self.clear()
        super().__setitem__(key, value)


def bound_memos() -> None:
    """Pelican's memos of ``get_content`` and ``get_summary`` keep the last value only."""
    for name in ("get_content", "get_summary"):
        memo = Content.__dict__[name]
        if not isinstance(memo.cache, LastOnly):
            memo.cache = LastOnly()
