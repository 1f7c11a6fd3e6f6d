"""How an article is written into its record of the article cache, and read back shared.

A record names what the build already holds instead of carrying a copy: the settings (which
every tag and category holds) and the context (which every article holds). Every string of
up to ``sharing.SHORT`` characters (metadata keys and values, attribute names, URLs) and every
plain tag, category or author is written as a reference too, so that reading a record back
gives the one object the build already has for it: a rebuild's articles come out of the cache
with their keys, values and wrappers shared, as ``compact_articles`` would leave them, and
compaction only has the articles read from their files left to do (at 100,000 articles it
went over each one: 4.8–6.3 s of an unchanged rebuild). A longer text that is not ASCII (an
article's HTML, its summary) is written as its UTF-8 bytes: the pickler's own encoding keeps
a UTF-8 copy inside every string it writes for as long as the string lives (44 MB more held
at 20,000 articles after one save).

The references are of distinct types: a shared string is the string itself, the settings and
the context are ``("s",)`` and ``("c",)``, a text is ``("t", bytes)``, a wrapper ``("w", class, name,
slug, slug_from_name)``. Anything else in a record is an error (``UnpicklingError``), read as a
damaged record. Functions, not methods: a pickler holding its own bound method is a cycle, and
lives (with its buffers) until a collection.
"""

from __future__ import annotations

import pickle

from pelican.urlwrappers import URLWrapper

from bulletins.plugins.compact.sharing import SHORT, Shared

SETTINGS_ID, CONTEXT_ID, TEXT_ID, WRAPPER_ID = ("s",), ("c",), "t", "w"
_WRAPPER_FIELDS = {"settings", "_name", "_slug", "_slug_from_name"}  # what URLWrapper.__init__ sets


def reference(settings, context):
    """The pickler's ``persistent_id`` for an article of the build with SETTINGS and CONTEXT."""

    def ref(obj):
        kind = type(obj)
        if kind is str:
            if len(obj) <= SHORT:
                return obj
            return None if obj.isascii() else (TEXT_ID, obj.encode("utf-8", "surrogatepass"))
        if obj is None or kind is int or kind is bool:
            return None
        if obj is settings:
            return SETTINGS_ID
        if obj is context:
            return CONTEXT_ID
        if isinstance(obj, URLWrapper) and obj.settings is settings and vars(obj).keys() == _WRAPPER_FIELDS:
            return (WRAPPER_ID, kind, obj._name, obj._slug, obj._slug_from_name)
        return None

    return ref


class _Pickler(pickle.Pickler):
    """``pickle.Pickler`` whose ``persistent_id`` can be set on the instance: Python 3.13's C
    pickler no longer takes it there (read-only), its subclasses still do."""


class _Unpickler(pickle.Unpickler):
    """``pickle.Unpickler`` whose ``persistent_load`` can be set on the instance (as ``_Pickler``)."""


def pickler(file, persistent_id) -> pickle.Pickler:
    """A pickler writing to FILE at the highest protocol, references named by PERSISTENT_ID."""
    made = _Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    made.persistent_id = persistent_id
    return made


def unpickler(file, persistent_load) -> pickle.Unpickler:
    """An unpickler reading FILE, references read back by PERSISTENT_LOAD."""
    made = _Unpickler(file)
    made.persistent_load = persistent_load
    return made


def loader(settings, context, shared: Shared):
    """The unpickler's ``persistent_load``: the settings and context as the running build's,
    strings and wrappers as SHARED's (the first equal one read), a text from its bytes.
    SHARED's string table becomes a ``References``, whose ``__getitem__`` is that function:
    a reference met before is a lookup in C (a record read 25 % faster than through a Python
    function for every reference)."""
    table = References(shared.strings, settings=settings, loaded=shared.loaded)
    table[SETTINGS_ID], table[CONTEXT_ID] = settings, context
    shared.strings = table
    return table.__getitem__


class References(dict):
    """Reference -> object, filled as records are read (``__missing__`` says what a new
    reference stands for). The settings and context are there from the start; a text is
    decoded each time, never kept here."""

    def __init__(self, *args, settings, loaded: dict):
        super().__init__(*args)
        self.settings, self.loaded = settings, loaded

    def __missing__(self, pid):
        kind = type(pid)
        if kind is str:
            self[pid] = pid
            return pid
        if kind is tuple and len(pid) == 2 and pid[0] == TEXT_ID and type(pid[1]) is bytes:
            return pid[1].decode("utf-8", "surrogatepass")
        if kind is tuple and len(pid) == 5 and pid[0] == WRAPPER_ID:
            wrapper = self[pid] = self.loaded[pid] = _wrapper(pid, self.settings)
            return wrapper
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def _wrapper(pid: tuple, settings) -> URLWrapper:
    _, cls, name, slug, from_name = pid
    if not (isinstance(cls, type) and issubclass(cls, URLWrapper)):
        raise pickle.UnpicklingError(f"not a tag, category or author: {cls!r}")
    wrapper = cls.__new__(cls)
    wrapper.__dict__.update(settings=settings, _name=name, _slug=slug, _slug_from_name=from_name)
    return wrapper
