"""The life of every document of the archive, resolved in one pass: relations and 效力状态.

    resolve(documents, today) -> Resolution

Each document says what it repeals, amends and interprets (``bulletins.ingest.relations``
found them at ingest; an editor may change them in the header). A reference is matched to a
document of the archive by 文号 first, then by exact title; a title matches a document's
own title, the one it issues (``关于印发《X》的通知`` issues X), or its title from 关于 on
(the issuer left out), in that order. Same title, different 文号:
the 文号 decides. No unique match: the reference is listed as unresolved, never guessed.

Status, relative to TODAY (the build date, stated on the page):
``已废止`` (a repeal in force by today) > ``已失效`` (expired before today) > ``已修改`` (an
amendment in force by today) > ``现行有效``. A document that is no official document (a 文号
and a frame or a title like ``…办法``, ``…的通知``), has no lifecycle date and no relation has
no status: a news item is not a regulation. ``Validity:`` in the header
overrides the status (Pelican keeps ``Status:`` for draft/published/hidden).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bulletins.ingest.gazette import is_official
from bulletins.ingest.relations import Reference, normalize_doc_number

# A build context's key, true from the making of the generator that sets the articles' statuses
# (the gazette's) to the end of its context: what reads the statuses (the search index, which
# may begin before the generators after it) waits while it is.
STATUSES_PENDING = "bulletins_statuses_pending"

IN_FORCE, AMENDED, REPEALED, EXPIRED = "现行有效", "已修改", "已废止", "已失效"
STATUSES = (IN_FORCE, AMENDED, REPEALED, EXPIRED)
NOT_IN_FORCE = frozenset({REPEALED, EXPIRED})
_ISSUES = re.compile(r"关于(?:印发|颁布|发布|公布|转发|下发)《(.+)》的(?:通知|决定|公告|通告|命令|令)$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class DocumentFacts:
    """What one article says about its own life (from its header)."""

    key: str  # unique in the archive (the article's URL)
    title: str
    date: dt.date  # published
    doc_number: str = ""
    date_effective: dt.date | None = None
    date_expires: dt.date | None = None
    repeals: tuple[Reference, ...] = ()
    amends: tuple[Reference, ...] = ()
    interprets: tuple[Reference, ...] = ()
    validity: str = ""  # a hand-set status (one of STATUSES), else ""
    written: bool = False  # the 公文 frame gave a 成文日期 (DateWritten): an official document

    @property
    def official(self) -> bool:
        """A 公文 with a 文号 of its own: by its frame, or a title naming a document type. A news
        item that quotes a 文号 is not one."""
        return is_official(self.title, self.doc_number, self.written)

    @property
    def in_force_from(self) -> dt.date:
        return self.date_effective or self.date


@dataclass
class Lifecycle:
    """One document's resolved life: keys of related documents, each list in date order."""

    status: str = ""
    repealed_by: list[str] = field(default_factory=list)
    amended_by: list[str] = field(default_factory=list)
    interpretations: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)
    interprets: list[str] = field(default_factory=list)
    repealed_on: dt.date | None = None  # when the first repeal took effect

    @property
    def in_force(self) -> bool:
        return self.status not in NOT_IN_FORCE

    @property
    def related(self) -> bool:
        return any(
            (self.repealed_by, self.amended_by, self.interpretations, self.repeals, self.amends, self.interprets)
        )


@dataclass(frozen=True)
class Unresolved:
    """A reference that names no single document of the archive."""

    key: str  # the document that makes it
    reference: Reference
    candidates: int  # 0: nothing matches; 2+: ambiguous
    itself: bool = False  # it names the document that makes it (its own title or 文号)

    def __str__(self) -> str:
        if self.itself:
            return f"{self.key}: {self.reference.kind} {self.reference.label()} names the document itself"
        why = "no document of the archive" if not self.candidates else f"{self.candidates} documents"
        return f"{self.key}: {self.reference.kind} {self.reference.label()} matches {why}"


@dataclass
class Resolution:
    documents: dict[str, Lifecycle]
    unresolved: list[Unresolved]


_INNER = str.maketrans({"〈": "《", "〉": "》", "<": "《", ">": "》"})


def normalize_title(title: str) -> str:
    """Spaces dropped, inner 〈〉 as 《》: ``《关于修改〈X〉的决定》`` names ``关于修改《X》的决定``."""
    return _SPACES.sub("", title or "").translate(_INNER).strip("《》")


def from_about(title: str) -> str:
    """The title from its first 关于 on, when an issuer precedes it (``青溪区人民政府关于废止《X》的决定``
    is cited as ``《关于废止〈X〉的决定》``), else ""."""
    at = title.find("关于")
    return title[at:] if at > 0 else ""


def issued_title(title: str) -> str:
    """The title of the document a notice issues (``关于印发《X》的通知`` -> X), else ""."""
    return _issued(normalize_title(title))


def _issued(normalized: str) -> str:
    """``issued_title`` of a title ``normalize_title`` made already (the index and
    ``names_itself`` have it at hand)."""
    match = _ISSUES.search(normalized)
    return match.group(1) if match else ""


class _Index:
    """文号 and title -> documents, built once."""

    def __init__(self, documents: Sequence[DocumentFacts]):
        self.by_number: dict[str, list[DocumentFacts]] = defaultdict(list)
        self.by_title: dict[str, list[DocumentFacts]] = defaultdict(list)
        self.by_issued: dict[str, list[DocumentFacts]] = defaultdict(list)
        self.by_about: dict[str, list[DocumentFacts]] = defaultdict(list)
        for doc in documents:
            number = normalize_doc_number(doc.doc_number) if doc.doc_number else ""
            # a 文号 the document itself repeals, amends or interprets was read from that
            # reference, not from its own header: it names the other document only
            refs = (*doc.repeals, *doc.amends, *doc.interprets)
            if number and number not in {normalize_doc_number(r.doc_number) for r in refs}:
                self.by_number[number].append(doc)
            title = normalize_title(doc.title)
            self.by_title[title].append(doc)
            for table, alias in ((self.by_issued, _issued(title)), (self.by_about, from_about(title))):
                if alias:
                    table[alias].append(doc)

    def match(self, source: DocumentFacts, ref: Reference) -> list[DocumentFacts]:
        """The documents REF may name (the caller accepts exactly one)."""
        number = normalize_doc_number(ref.doc_number)
        if number:
            found = [d for d in self.by_number.get(number, ()) if d.key != source.key]
            if found:
                return found
        if not ref.title:
            return []
        title = normalize_title(ref.title)
        for table in (self.by_title, self.by_issued, self.by_about):
            found = [d for d in table.get(title, ()) if d.key != source.key]
            if number:  # the 文号 decides: a title match must not carry another one
                found = [d for d in found if not d.doc_number or normalize_doc_number(d.doc_number) == number]
            if found:
                return found
        return []


def names_itself(doc: DocumentFacts, ref: Reference) -> bool:
    """REF names DOC itself: its 文号, or its title (or the title it issues, or cites it by)."""
    number = normalize_doc_number(ref.doc_number)
    if number and number == normalize_doc_number(doc.doc_number):
        return True
    own, title = normalize_title(doc.title), normalize_title(ref.title)
    return bool(title) and title in {own, _issued(own), from_about(own)}


_LINKS = (("repeals", "repealed_by"), ("amends", "amended_by"), ("interprets", "interpretations"))


def _link(index: _Index, docs: Sequence[DocumentFacts], lives: dict[str, Lifecycle]) -> list[Unresolved]:
    unresolved: list[Unresolved] = []
    for doc in docs:
        for forward, backward in _LINKS:
            for ref in getattr(doc, forward):
                found = index.match(doc, ref)
                if len(found) != 1:
                    itself = not found and names_itself(doc, ref)
                    unresolved.append(Unresolved(doc.key, ref, len(found), itself))
                    continue
                target = found[0].key
                if target not in getattr(lives[doc.key], forward):
                    getattr(lives[doc.key], forward).append(target)
                    getattr(lives[target], backward).append(doc.key)
    return unresolved


def _status(doc: DocumentFacts, life: Lifecycle, facts: dict[str, DocumentFacts], today: dt.date) -> str:
    if doc.validity in STATUSES:
        return doc.validity
    repeals = sorted(facts[k].in_force_from for k in life.repealed_by if facts[k].in_force_from <= today)
    if repeals:
        life.repealed_on = repeals[0]
        return REPEALED
    if doc.date_expires and doc.date_expires < today:
        return EXPIRED
    if any(facts[k].in_force_from <= today for k in life.amended_by):
        return AMENDED
    # an effective date alone makes no status: a news item retells when a law takes effect
    has_life = doc.official or doc.date_expires or life.repealed_by or life.amended_by
    return IN_FORCE if has_life or life.repeals or life.amends else ""


def resolve(documents: Iterable[DocumentFacts], today: dt.date) -> Resolution:
    """Every document's Lifecycle and the references that name no single document.
    Linear in the number of documents and references (dictionary look-ups only)."""
    docs = list(documents)
    facts = {doc.key: doc for doc in docs}
    lives = {doc.key: Lifecycle() for doc in docs}
    unresolved = _link(_Index(docs), docs, lives)
    order = {doc.key: (doc.date, doc.key) for doc in docs}
    for doc in docs:
        life = lives[doc.key]
        for name in ("repealed_by", "amended_by", "interpretations", "repeals", "amends", "interprets"):
            getattr(life, name).sort(key=order.__getitem__)
        life.status = _status(doc, life, facts, today)
    return Resolution(lives, unresolved)


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date from a header (``2024-03-01``), else None."""
    if not value:  # most articles have none: no exception raised and caught for each
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parse_validity(value: str | None) -> str:
    """A ``Validity:`` header: one of STATUSES (``有效``/``废止``/``失效``/``修改`` accepted), else ""."""
    text = (value or "").strip()
    aliases = {
        "有效": IN_FORCE,
        "现行": IN_FORCE,
        "废止": REPEALED,
        "失效": EXPIRED,
        "修改": AMENDED,
        "已修订": AMENDED,
    }
    return text if text in STATUSES else aliases.get(text, "")


# --- what an article page shows ------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """A related document as a page links it."""

    title: str
    doc_number: str
    url: str
    date: dt.date
    status: str = ""


@dataclass(frozen=True)
class LifecycleView:
    """Plain values for the article template (its repr is part of the page's fingerprint)."""

    status: str
    as_of: dt.date
    date_effective: dt.date | None = None
    date_expires: dt.date | None = None
    repealed_on: dt.date | None = None
    repealed_by: tuple[Related, ...] = ()
    amended_by: tuple[Related, ...] = ()
    interpretations: tuple[Related, ...] = ()
    repeals: tuple[Related, ...] = ()
    amends: tuple[Related, ...] = ()
    interprets: tuple[Related, ...] = ()
    unresolved: tuple[str, ...] = ()  # references that name no single document, as written

    @property
    def in_force(self) -> bool:
        return self.status not in NOT_IN_FORCE

    @property
    def related(self) -> bool:
        links = (self.repealed_by, self.amended_by, self.interpretations, self.repeals, self.amends, self.interprets)
        return any(links) or bool(self.unresolved)


def _shown_title(title: str) -> str:
    """How a related document is named: the document a notice issues (``关于印发《X》的通知``
    is shown as 《X》), else its title."""
    return issued_title(title) or title


def views(resolution: Resolution, documents: Iterable[DocumentFacts], urls: dict[str, str], today: dt.date):
    """key -> LifecycleView for every document that has a status, a lifecycle date or a relation."""
    facts = {doc.key: doc for doc in documents}
    lives = resolution.documents
    missing: dict[str, list[str]] = defaultdict(list)
    for item in resolution.unresolved:
        missing[item.key].append(item.reference.label())

    def related(keys: list[str]) -> tuple[Related, ...]:
        return tuple(
            Related(_shown_title(facts[k].title), facts[k].doc_number, urls.get(k, ""), facts[k].date, lives[k].status)
            for k in keys
        )

    shown = {}
    for key, doc in facts.items():
        life = lives[key]
        if not (life.status or life.related or doc.date_effective or doc.date_expires):
            continue
        shown[key] = LifecycleView(
            status=life.status,
            as_of=today,
            date_effective=doc.date_effective,
            date_expires=doc.date_expires,
            repealed_on=life.repealed_on,
            repealed_by=related(life.repealed_by),
            amended_by=related(life.amended_by),
            interpretations=related(life.interpretations),
            repeals=related(life.repeals),
            amends=related(life.amends),
            interprets=related(life.interprets),
            unresolved=tuple(dict.fromkeys(missing.get(key, ()))),
        )
    return shown
