"""How an article is written into its record of the article cache, and read back shared.

A record names what the build already holds, or what many records hold, by a number instead
of carrying a copy: 0 and 1 are the settings (which every tag and category holds) and the
context (which every article holds); the others index a table (``Table``) of the strings of
up to ``sharing.SHORT`` characters (metadata keys and values, attribute names, URLs, the
module and class names the pickle names), the plain tags, categories and authors, and the
dates; the longer texts that are not ASCII (an article's summary) are numbered per record and
follow its pickle (``read_record``). The cache file keeps a table per 16,384 items a build
wrote, after their records (``articlecache``). Reading a record back is then a
list lookup per number (``table_objects`` made the list once): no string decoded, no
reference hashed per record. Naming the strings by value, as records did before, took 4.7 s of
an unchanged rebuild at 100,000 articles, about twice the time by numbers (see the README,
*Scale*). Each table's strings are shared with every other table's when it is read, so a
rebuild's articles come out of the cache with their keys, values and wrappers shared, as
``compact_articles`` would leave them.

Strings and texts are written into a table as their UTF-8 bytes, encoded here: the pickler's
own encoding keeps a UTF-8 copy inside every string it writes for as long as the string lives
(44 MB more held at 20,000 articles after one save). Anything a record names that is not a
number of its table is an error (``UnpicklingError``, ``IndexError``, ``TypeError``), read as a
damaged record, and so is a table item of another kind.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle

from pelican.urlwrappers import URLWrapper

from bulletins.plugins.compact.sharing import SHORT, Shared

SETTINGS_NUMBER, CONTEXT_NUMBER, TEXT_FIRST, TEXT_SLOTS = 0, 1, 2, 8
FIXED = TEXT_FIRST + TEXT_SLOTS  # a table's first item is number FIXED
WRAPPER_ID = "w"
_WRAPPER_FIELDS = {"settings", "_name", "_slug", "_slug_from_name"}  # what URLWrapper.__init__ sets
DATES = (dt.date, dt.datetime)  # and their subclasses (Pelican's SafeDatetime)


class Table:
    """What one build's new records name by number, in order (``items``: a string, a wrapper's
    fields, a date); ``persistent_id`` is the pickler's. A text (longer than ``SHORT``, not
    ASCII: unique to its article) is not kept here: the record's first ``TEXT_SLOTS`` texts
    are numbered ``TEXT_FIRST`` on, and their UTF-8 follows the record's pickle
    (``record_texts``), so a table holds nothing per article but its short strings."""

    def __init__(self, settings, context):
        self.settings, self.context = settings, context
        self.numbers: dict = {}  # key -> number
        self.items: list = []
        self.texts: dict[int, tuple[int, bytes, str]] = {}  # id -> (number, UTF-8, text) in the record written

    def persistent_id(self, obj):
        kind = type(obj)
        if kind is str:
            if len(obj) > SHORT:
                if obj.isascii():
                    return None  # ASCII's pickle is its own bytes: no copy kept
                number = self._text(obj)
                if number is not None:
                    return number
            number = self.numbers.get(obj)
            return self._add(obj, obj) if number is None else number
        if obj is None or kind is int or kind is bool:
            return None
        if obj is self.settings:
            return SETTINGS_NUMBER
        if obj is self.context:
            return CONTEXT_NUMBER
        if isinstance(obj, URLWrapper) and obj.settings is self.settings and vars(obj).keys() == _WRAPPER_FIELDS:
            key = item = (WRAPPER_ID, kind, obj._name, obj._slug, obj._slug_from_name)
        elif isinstance(obj, DATES):
            key, item = (kind, obj, getattr(obj, "tzinfo", None), getattr(obj, "fold", 0)), obj
        else:
            return None
        number = self.numbers.get(key)
        return self._add(key, item) if number is None else number

    def _add(self, key, item) -> int:
        number = self.numbers[key] = FIXED + len(self.items)
        self.items.append(item)
        return number

    def _text(self, text: str) -> int | None:
        """TEXT's number in the record written; None when its slots are taken (the table's then)."""
        found = self.texts.get(id(text))
        if found is None:
            if len(self.texts) == TEXT_SLOTS:
                return None
            found = self.texts[id(text)] = (TEXT_FIRST + len(self.texts), text.encode("utf-8", "surrogatepass"), text)
        return found[0]

    def record_texts(self) -> list[bytes]:
        """The UTF-8 of the texts the record just pickled names, in number order; the next
        record begins with none."""
        texts = [utf8 for _, utf8, _ in self.texts.values()]
        self.texts = {}
        return texts

    def written_items(self) -> list:
        """``items`` as the cache file keeps them: strings as their UTF-8, encoded here (the
        pickler's own encoding keeps a copy inside every string it writes)."""
        return [_utf8(item) if type(item) is str else _written_wrapper(item) for item in self.items]


def _written_wrapper(item):
    if type(item) is tuple and item[0] == WRAPPER_ID:
        return (WRAPPER_ID, item[1], _utf8(item[2]), _utf8(item[3]), item[4])
    return item


def _utf8(value):
    return value.encode("utf-8", "surrogatepass") if type(value) is str else value


def _text(value):
    return value.decode("utf-8", "surrogatepass") if type(value) is bytes else value


def table_objects(items, settings, context, shared: Shared) -> list:
    """The objects a table's ITEMS stand for, by number (the unpickler's ``persistent_load`` is
    the list's ``__getitem__``): the settings and context as the running build's, strings and
    wrappers as SHARED's (the first equal one read). UnpicklingError for an item of no kind
    a table holds."""
    if type(items) is not list:
        raise pickle.UnpicklingError("not a table")
    objects, strings, loaded = [settings, context, *[None] * TEXT_SLOTS], shared.strings, shared.loaded
    for item in items:
        kind = type(item)
        if kind is bytes:
            text = item.decode("utf-8", "surrogatepass")
            objects.append(strings.setdefault(text, text) if len(text) <= SHORT else text)
        elif kind is tuple and len(item) == 5 and item[0] == WRAPPER_ID:
            key = (WRAPPER_ID, item[1], _text(item[2]), _text(item[3]), item[4])
            wrapper = loaded.get(key)
            if wrapper is None:
                wrapper = loaded[key] = _wrapper(key, settings)
            objects.append(wrapper)
        elif isinstance(item, DATES):
            objects.append(item)
        else:
            raise pickle.UnpicklingError(f"not a table item: {kind.__name__}")
    return objects


class _Pickler(pickle.Pickler):
    """``pickle.Pickler`` whose ``persistent_id`` can be set on the instance: Python 3.13's C
    pickler no longer takes it there (read-only), its subclasses still do."""


class _Unpickler(pickle.Unpickler):
    """``pickle.Unpickler`` whose ``persistent_load`` can be set on the instance (as ``_Pickler``)."""


def read_record(data: bytes, end: int, texts: tuple, objects: list):
    """The article a record DATA pickles, naming OBJECTS (``table_objects``) by number; its
    texts (TEXTS, their lengths) follow the pickle and end at END. ValueError when the pickle
    does not end where they begin."""
    start = end - sum(texts)
    numbers = range(TEXT_FIRST, TEXT_FIRST + len(texts))
    at = start
    for number, length in zip(numbers, texts):
        objects[number] = data[at : at + length].decode("utf-8", "surrogatepass")
        at += length
    try:
        stream = io.BytesIO(data)
        article = unpickler(stream, objects.__getitem__).load()
    finally:
        objects[TEXT_FIRST : TEXT_FIRST + len(texts)] = [None] * len(texts)
    if stream.tell() != start:
        raise ValueError("the record's texts are not where its entry says")
    return article


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


def _wrapper(key: tuple, settings) -> URLWrapper:
    _, cls, name, slug, from_name = key
    if not (isinstance(cls, type) and issubclass(cls, URLWrapper)) or type(name) is not str:
        raise pickle.UnpicklingError(f"not a tag, category or author: {cls!r}")
    wrapper = cls.__new__(cls)
    wrapper.__dict__.update(settings=settings, _name=name, _slug=slug, _slug_from_name=from_name)
    return wrapper
