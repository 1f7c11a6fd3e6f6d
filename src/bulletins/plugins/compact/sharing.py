"""Sharing equal values between the articles Pelican holds from reading to the end of a build.

Every article read from Markdown carries its own copy of each metadata key (``publisher``,
``source``...), of each repeated value (``澄川市人民政府``, ``jsonl``, ``record``...) and its own
``Tag`` and ``Category`` objects, though most are equal across thousands of articles; a
wrapper's attribute dict then grows again on every article while templates read its name and
slug. ``compact_articles`` replaces each by one shared object: keys and strings by value, a
tag or category by an equal one (same class, name, slug and attributes). Equal strings are
interchangeable, and a shared wrapper is only taken where it is indistinguishable from the
article's own, so every page keeps its bytes. The readers' in-memory cache (a second metadata
dict per article, next to the article's own) is emptied once Pelican has saved it.
"""

from __future__ import annotations

import sys

from pelican.urlwrappers import URLWrapper

SHORT = 200  # longer strings (bodies, summaries, checksums) are unique to an article anyway


class Shared:
    """A table of the values seen so far: ``one(value)`` is the first equal value seen.
    ``loaded`` holds the wrappers the article cache gave (``incremental.records``), by the
    reference they were read from."""

    def __init__(self):
        self.strings: dict[str, str] = {}
        self.wrappers: dict[tuple, URLWrapper] = {}
        self.loaded: dict[tuple, URLWrapper] = {}

    def take_loaded(self) -> None:
        """The wrappers read from the article cache become the first seen, by their name and
        slug now (``list_pages`` may have set their slugs since)."""
        for wrapper in self.loaded.values():
            self.wrappers.setdefault((type(wrapper), wrapper.name, wrapper.slug), wrapper)

    def one(self, value):
        kind = type(value)
        if kind is str:
            return self.strings.setdefault(value, value) if len(value) <= SHORT else value
        if isinstance(value, URLWrapper):
            return self.wrapper(value)
        if kind is list:
            value[:] = [self.one(v) for v in value]  # in place: the attribute is the same list
        return value

    def wrapper(self, value: URLWrapper) -> URLWrapper:
        key = (type(value), value.name, value.slug)
        first = self.wrappers.setdefault(key, value)
        return first if first is value or vars(first) == vars(value) else value


def compact_metadata(metadata: dict, attributes: dict, shared: Shared) -> None:
    """METADATA's keys interned and values shared, in place (its order kept); ATTRIBUTES (the
    article's own, where Pelican put each metadata value too) then point at the same values."""
    items = list(metadata.items())  # keeps the article's own values alive until the end
    replaced: dict[int, object] = {}
    metadata.clear()
    for key, value in items:
        new = shared.one(value)
        if new is not value:
            replaced[id(value)] = new
        metadata[sys.intern(key) if type(key) is str else key] = new
    for name, value in attributes.items():
        if id(value) in replaced:
            attributes[name] = replaced[id(value)]
        elif type(value) is str or isinstance(value, URLWrapper):
            attributes[name] = shared.one(value)


def same_name_subclass(base: type, **members) -> type:
    """A subclass of BASE with BASE's name and qualified name, no instance slots of its own and
    MEMBERS: Pelican names an article's URL settings by its class's name, so an article whose
    class is swapped for it keeps its URLs."""
    return type(base.__name__, (base,), {"__qualname__": base.__qualname__, "__slots__": (), **members})


GROUPS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")


def compact_articles(generator) -> None:
    """``article_generator_finalized``: share equal keys, values and wrappers between every
    article the generator read, then drop the readers' copy of their metadata. Articles the
    article cache gave are shared already (``incremental.records``): the others share with
    them."""
    cache = getattr(generator, "bulletins_article_cache", None)
    shared, taken = cache.take_shared() if cache is not None else (Shared(), frozenset())
    shared.take_loaded()
    for group in GROUPS:
        for article in getattr(generator, group, ()) or ():
            if id(article) not in taken:
                compact_metadata(article.metadata, vars(article), shared)
    readers = getattr(generator, "readers", None)
    if readers is not None and isinstance(getattr(readers, "_cache", None), dict):
        readers._cache = {}  # saved to the cache folder already (Readers.save_cache)
