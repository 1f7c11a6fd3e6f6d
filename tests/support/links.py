"""Internal links of a built site, checked the way a browser opening it from disk resolves them.

A reference is internal when it has no scheme and no host (``../2022/index.html``,
``css/site.css#x``); it must name an existing file relative to its page (fragments and
queries ignored, ``""`` and ``"#top"`` are the page itself). A root-absolute ``/x.html`` or a
folder target is broken: neither works from ``file://`` or an unpacked zip.

Pages are parsed with lxml (libxml2's HTML parser, four times faster than ``html.parser`` over
the 11,442-bulletin site), and targets are resolved as strings against one listing of the site
(a built site holds no symbolic links), so the check costs one parse per page.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from support.pagetext import parse

# Attributes whose value is one URL; srcset holds a list of "url width" candidates.
URL_ATTRIBUTES = ("href", "src", "action", "poster", "data")
_URLS = etree.XPath("|".join(f"//@{name}" for name in (*URL_ATTRIBUTES, "srcset")))


def references(html: str | bytes) -> list[str]:
    """Every URL in an href/src/action/poster/data/srcset attribute, in document order."""
    return references_in(parse(html))


def references_in(document) -> list[str]:
    """``references`` of a parsed DOCUMENT (None: an empty page)."""
    if document is None:
        return []
    refs: list[str] = []
    for value in _URLS(document):
        if value.attrname == "srcset":
            refs.extend(part.split()[0] for part in value.split(",") if part.split())
        else:
            refs.append(value.strip())
    return refs


def is_internal(ref: str) -> bool:
    parts = urlsplit(ref)
    return not parts.scheme and not parts.netloc


@dataclass(frozen=True)
class Listing:
    """The files and folders of a site, as ``/``-separated paths relative to its root."""

    files: frozenset[str]
    folders: frozenset[str]

    @classmethod
    def of(cls, root: Path) -> Listing:
        files, folders = set(), {"."}
        for here, dirs, names in os.walk(root):
            rel = Path(here).relative_to(root).as_posix()
            folders.update(posixpath.normpath(posixpath.join(rel, d)) for d in dirs)
            files.update(posixpath.normpath(posixpath.join(rel, n)) for n in names)
        return cls(frozenset(files), frozenset(folders))

    def verdict(self, folder: str, ref: str) -> str | None:
        """Why REF on a page in FOLDER (relative to the root) is broken, or None when it works."""
        path = unquote(urlsplit(ref).path)
        if not path:
            return None
        if path.startswith("/"):
            return "root-absolute (breaks on file://)"
        target = posixpath.normpath(posixpath.join(folder, path))
        if target == ".." or target.startswith("../"):
            return "leaves the site"
        if target in self.folders:
            return "names a folder (breaks on file://)"
        return None if target in self.files else "missing"


def broken_reason(page: Path, ref: str, root: Path) -> str | None:
    """Why the internal REF on PAGE (a file below ROOT) is broken, or None when it works."""
    return Listing.of(root).verdict(page.parent.relative_to(root).as_posix(), ref)


@dataclass(frozen=True)
class Broken:
    page: str
    ref: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.ref} ({self.reason})"


@dataclass
class LinkReport:
    pages: int = 0
    internal: int = 0
    external: int = 0
    broken: list[Broken] | None = None


def check_site(root: Path, each_page: Callable[[str, object], None] | None = None) -> LinkReport:
    """Check every internal reference of every HTML page below ROOT.

    A reference is judged once per folder: the navigation, the stylesheet and the scripts that
    every page of a folder carries cost one verdict, not one per page. EACH_PAGE, when given, is
    called with each page (relative to ROOT) and its parsed document, after its references are
    read (``support.survey`` reads the pages' text from the same parse)."""
    report = LinkReport(broken=[])
    listing = Listing.of(root)
    verdicts: dict[tuple[str, str], str | None] = {}  # EXTERNAL, a reason, or None when it works
    for folder, name in _html_pages(root):
        report.pages += 1
        page = f"{folder}/{name}" if folder != "." else name
        document = parse((root / page).read_bytes())
        for ref in references_in(document):
            key = (folder, ref)
            if key not in verdicts:
                verdicts[key] = listing.verdict(folder, ref) if is_internal(ref) else EXTERNAL
            verdict = verdicts[key]
            if verdict is EXTERNAL:
                report.external += 1
                continue
            report.internal += 1
            if verdict:
                report.broken.append(Broken(page, ref, verdict))
        if each_page is not None:
            each_page(page, document)
    return report


EXTERNAL = "external"


def _html_pages(root: Path) -> list[tuple[str, str]]:
    """(folder, file name) of every ``.html`` file below ROOT, folder relative to ROOT, in the
    order of ``sorted(root.rglob("*.html"))``."""
    pages = []
    for here, _, names in os.walk(root):
        folder = Path(here).relative_to(root).as_posix()
        pages.extend((folder, name) for name in names if name.endswith(".html"))
    return sorted(pages, key=lambda page: (*page[0].split("/"), page[1]) if page[0] != "." else (page[1],))
