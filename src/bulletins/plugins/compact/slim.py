"""Articles holding only what is their own, once every generator has made its context.

By then an article's attribute dict has some fifty keys, and a dict of more than 42 keys takes
128 slots (1.5 KB an article at 100,000 articles: 150 MB). Most keys hold what the article
has elsewhere or what nearly every article shares: Pelican sets each metadata value as an
attribute too (``title``, ``tags``, ``publisher``...: the same object twice), its URL settings
as ``override_url``/``override_save_as`` (equal to ``metadata["url"]``/``["save_as"]``), its
language and template settings (one value for the build), and the plugins' per-article links
are empty or ``None`` on most articles. ``slim_articles`` moves those keys to the article's
class: a subclass made for the build, of the same name (Pelican names URL settings by it),
whose attributes are the shared values and, for a key the metadata holds, a descriptor reading
the article's own metadata. A key is moved only where the article's value is the class's value
(the identical object) or an equal string, or, for ``translations``, an empty list
(``EMPTY_LISTS``); anything else stays the article's. Setting an attribute afterwards puts it
in the article's dict, which the class's value then does not shadow (the descriptor defines no
``__set__``). A slim article keeps 14-19 keys (32 slots).
A descriptor is made for a name at the first article whose metadata holds it; an article of
the class without that attribute but with that metadata key would then read it, where it had
none: Pelican sets every metadata key as an attribute, so no article is such.

Equal strings and dates within an article or between articles are shared too (one day's
bulletins share their date and its formatted text). Nothing a template or plugin reads
changes: every attribute reads the same value or an equal string, immutable in both cases.

An article the article cache gives is slimmed as it is read (``SLIMMER``: the build's
``Slimmer``, which the cache finds on its generator), so its big dict is let go at once and
the next article's reuses the memory, where the read phase held every article's forty-odd keys
until the sweep (at 100,000 articles the Pelican process peaked some 70-120 MB lower, in the
same minutes: an unchanged rebuild 776-800 MB before, 665-668 MB after; a cold build 787 MB
against 877-903 MB). The names read most between the read and the sweep (``HOT``) stay the
article's until then, as a descriptor's call costs more than a dict lookup; the sweep then
slims it again, for them and the keys set since, its metadata done already
(``slim(..., again=True)``). The dicts kept share their keys with other articles'
(``keys_shared``): the sweep's, the class's; the metadata as read, a table for each order of
keys (``metadata_class``). An article's absolute ``source_path`` is read from its content
folder and its own ``relative_source_path`` (``BelowFolder``), where it is those two.
"""

from __future__ import annotations

import datetime as dt

from pelican.contents import Content

from bulletins.plugins.compact.sharing import GROUPS, same_name_subclass

# Keys whose value is the same object on (nearly) every article: Pelican's, from the settings.
FROM_FIRST = ("template", "in_default_lang", "lang", "date_format", "timezone", "_status")
# The plugins' per-article values, empty on most articles.
EMPTY = {
    "bulletins_lifecycle": None,
    "bulletins_issue": None,
    "bulletins_series": None,
    "bulletins_original": None,
    "bulletins_status": "",
    "bulletins_presider": (),
    "bulletins_people": (),
    "bulletins_documents": (),
    "bulletins_jsonld": None,
    "translations": (),
}
# Names whose empty list, one per article, reads as the class's empty tuple: Pelican gives every
# article a list of its translations (``process_translations``), empty on all but a translated
# one, and nothing adds to it after the generators have run (56 bytes an article).
EMPTY_LISTS = frozenset({"translations"})
METADATA_TABLES = 64  # orders of metadata keys given a key table of their own (``metadata_class``)
SLIM = "_bulletins_slim"  # set on a class made here
SLIMMER = "bulletins_slimmer"  # on an article generator: the build's Slimmer, for the article cache
RENAMED = {"override_url": "url", "override_save_as": "save_as"}  # Pelican's names for these metadata keys
ACROSS = frozenset({"date", "locale_date"})  # one value per day: shared between articles
# Read through the class some 27 times an article between the article cache and the sweep (at
# 20,000 articles: category 7, the two URLs 12, tags 4, slug and title 2 each): kept in the
# article's own dict until the sweep, a dict lookup each instead of a descriptor's call.
HOT = frozenset({"category", "override_url", "override_save_as", "tags", "slug", "title"})


class FromMetadata:
    """A class attribute reading the instance's ``metadata[key]`` (an attribute error when it
    has none); not a data descriptor, so an attribute set on the instance comes first."""

    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        try:
            return obj.__dict__["metadata"][self.key]
        except (KeyError, TypeError):
            raise AttributeError(self.key) from None


class BelowFolder:
    """``source_path`` as the content FOLDER, a slash and the instance's own
    ``relative_source_path`` (an equal string, made at each read); not a data descriptor either.
    Pelican keeps both paths on every article, the absolute one some 130 bytes of each."""

    __slots__ = ("folder",)

    def __init__(self, folder: str):
        self.folder = folder

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        path = self.path(obj.__dict__)
        if path is None:
            raise AttributeError(SOURCE)
        return path

    def path(self, state: dict) -> str | None:
        """What this reads on an article of dict STATE; None where it holds no relative path."""
        relative = state.get(RELATIVE)
        return f"{self.folder}/{relative}" if type(relative) is str else None

    def holds(self, value, state: dict) -> bool:
        """Whether VALUE is what this reads on an article of dict STATE."""
        return type(value) is str and value == self.path(state)

    @staticmethod
    def of(value, state: dict):
        """The descriptor for a SOURCE VALUE below a folder, on an article of dict STATE; None
        when VALUE is not its folder and its ``relative_source_path``."""
        relative = state.get(RELATIVE)
        if type(value) is str and type(relative) is str and relative and value.endswith("/" + relative):
            return BelowFolder(value[: -len(relative) - 1])
        return None


class Slimmer:
    """The classes and shared values of one build's sweep (``slim_articles``). What becomes of
    an attribute is decided once per class and name (``rule``): kept, the class's value (moved
    where the article's is that very object), or read from the metadata (moved where the
    article's is the metadata's value or an equal string)."""

    def __init__(self):
        self.classes: dict[type, type] = {}
        self.rules: dict[type, dict[str, object]] = {}
        self.defaults: dict[str, object] = dict(EMPTY)
        self.days: dict[object, object] = {}  # dates and formatted dates, between articles
        self.metadata_classes: dict[tuple, type] = {}  # ``metadata_class``
        self.overflow_class = _metadata_class()

    def slim_class(self, base: type) -> type:
        """BASE's subclass for this build: its name, no new slots, the moved keys."""
        if base in self.rules:  # slimmed as read: its class is this build's already
            return base
        found = self.classes.get(base)
        if found is None:
            found = self.classes[base] = same_name_subclass(base, __module__=base.__module__, **{SLIM: True})
            self.rules[found] = {}
        return found

    def rule(self, cls: type, name: str, value, state: dict):
        """What becomes of NAME on CLS's articles, decided at its first article (VALUE, its dict
        STATE)."""
        if any(name in c.__dict__ for c in cls.__mro__[1:]):
            return KEEP  # a property or class value of Pelican's (url, summary...) is never shadowed
        metadata = state["metadata"]
        if name == SOURCE:
            member = BelowFolder.of(value, state)
            if member is None:
                return KEEP
        elif name in self.defaults or name in FROM_FIRST:
            member = self.defaults.setdefault(name, value)
        elif (key := RENAMED.get(name, name)) in metadata:
            member = FromMetadata(key)
        else:
            return KEEP
        setattr(cls, name, member)
        return member

    def metadata_class(self, metadata: dict) -> type:
        """The class whose key table a copy of METADATA shares (``keys_shared``): one for each
        order of keys, up to ``METADATA_TABLES`` of them, then one for the rest. One table for
        every article filled up to CPython's 30 keys with the keys of the articles read first
        (in an order that varies from run to run), and the articles with a key past those (at
        20,000 bulletins 1,637, those naming a presider among them) had dicts of their own: 750
        bytes where 280."""
        keys = tuple(metadata)
        found = self.metadata_classes.get(keys)
        if found is None:
            if len(self.metadata_classes) >= METADATA_TABLES:
                return self.overflow_class
            found = self.metadata_classes[keys] = _metadata_class()
        return found

    def day(self, value):
        """VALUE, or an equal date (same class, time zone and fold) or string held already.
        Called only for the per-day names (``ACROSS``): inline tests keep the sweep's other
        values off a call."""
        held = self.days.setdefault(value, value)
        if held is value or type(held) is not type(value):
            return value
        same_zone = getattr(held, "tzinfo", None) is getattr(value, "tzinfo", None)
        return held if same_zone and getattr(held, "fold", 0) == getattr(value, "fold", 0) else value

    def slim(self, article, read: bool = False, again: bool = False) -> None:
        """ARTICLE's dict rebuilt with only its own keys (``rule``); equal strings of its
        metadata made one and its dates shared with other articles'. As the article cache
        gives it (READ): its metadata's strings are shared already, only its dates are, and
        the names read most before the sweep (``HOT``) stay the article's until then. AGAIN (at
        the sweep, an article slimmed as read): its metadata and dates are left as they are."""
        state = article.__dict__
        metadata = state.get("metadata")
        if type(metadata) is not dict:
            return
        if read:
            self.share_days(metadata)
            state["metadata"] = metadata = keys_shared(self.metadata_class(metadata), metadata)
        elif not again:
            self.share_metadata(metadata)
        cls = self.slim_class(type(article))
        # as read, a dict of its own: the keys the plugins set before the sweep would overfill a
        # shared table (``keys_shared``); at the sweep, the 14-19 left share the class's keys
        rules, kept, hold = self.rules[cls], {} if read else keys_shared(cls), HOT if read else ()
        days = () if again else ACROSS  # shared as read
        for name, value in state.items():
            rule = rules.get(name, _ABSENT)
            if rule is _ABSENT:
                rule = rules[name] = self.rule(cls, name, value, state)
            if rule is KEEP or name in hold:
                moved = False
            elif type(rule) is FromMetadata:
                held = metadata.get(rule.key, _ABSENT)
                moved = held is value or (type(value) is str and type(held) is str and held == value)
            elif type(rule) is BelowFolder:
                moved = rule.holds(value, state)
            else:
                moved = value is rule or (name in EMPTY_LISTS and type(value) is list and not value)
            if not moved:
                kept[name] = self.day(value) if name in days and isinstance(value, DAYS) else value
        article.__class__ = cls
        article.__dict__ = kept

    def share_days(self, metadata: dict) -> None:
        """METADATA's per-day values (``ACROSS``) shared with other articles'."""
        for key in ACROSS.intersection(metadata):
            value = metadata[key]
            if isinstance(value, DAYS) and (held := self.day(value)) is not value:
                metadata[key] = held

    def share_metadata(self, metadata: dict) -> None:
        """METADATA's equal strings made one, then its per-day values shared (``share_days``)."""
        own: dict[str, str] = {}
        for key, value in metadata.items():
            if type(value) is str and (held := own.setdefault(value, value)) is not value:
                metadata[key] = held  # most are their own already: no store
        self.share_days(metadata)


def _metadata_class() -> type:
    return type("ArticleMetadata", (), {"__module__": __name__})


def keys_shared(cls: type, items: dict | None = None) -> dict:
    """A dict of ITEMS (in their order) whose keys CLS's instances share: an instance's
    attribute dict as CPython (3.11 on) makes it, a "split table" that holds only the values,
    its keys in one table for the class. An article's 15-19 attributes take some 260 bytes so
    where a dict of its own takes 470, its 20-24 metadata keys some 300 where 660. It is a
    ``dict`` like any other: a new string key joins the class's table while it has room, a
    key that is not a string or one past that room makes an ordinary dict of it again, and it
    keeps its own order."""
    made = vars(object.__new__(cls))
    for key, value in (items or {}).items():
        made[key] = value  # one at a time: ``update`` would make an ordinary dict of it
    return made


SOURCE, RELATIVE = "source_path", "relative_source_path"  # Pelican's two paths of an article's file
_ABSENT = object()
KEEP = object()  # a rule: the attribute stays the article's
DAYS = (dt.date, str)


def begin(generator) -> None:
    """``article_generator_init``: the build's ``Slimmer`` on GENERATOR, for the article cache."""
    setattr(generator, SLIMMER, Slimmer())


def slim_articles(generators) -> None:
    """``all_generators_finalized``: every article of the article generators slimmed, once;
    those slimmed as they were read (their class one of the build's ``Slimmer``'s) again, for
    the keys set since."""
    held = [getattr(g, "__dict__", {}).pop(SLIMMER, None) for g in generators]  # let go with the sweep
    slimmer = next((s for s in held if isinstance(s, Slimmer)), None) or Slimmer()
    done: set[int] = set()
    for generator in generators:
        for group in GROUPS:
            for article in getattr(generator, group, None) or ():
                if not isinstance(article, Content) or id(article) in done:
                    continue
                done.add(id(article))
                cls = type(article)
                if cls in slimmer.rules:  # slimmed as read
                    slimmer.slim(article, again=True)
                elif not cls.__dict__.get(SLIM):
                    slimmer.slim(article)
