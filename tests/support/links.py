"""Internal links of a built site, checked the way a browser opening it from disk resolves them.

A reference is internal when it has no scheme and no host (``../2022/index.html``,
``css/site.css#x``); it must name an existing file relative to its page (fragments and
queries ignored, ``""`` and ``"#top"`` are the page itself). A root-absolute ``/x.html`` or a
folder target is broken: neither works from ``file://`` or an unpacked zip.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes whose value is one URL; srcset holds a list of "url width" candidates.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "poster", "data"})


class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.refs.append(value.strip())
            elif name == "srcset":
                self.refs.extend(part.split()[0] for part in value.split(",") if part.split())


def references(html: str) -> list[str]:
    """Every URL in an href/src/action/poster/data/srcset attribute, in document order."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.refs


def is_internal(ref: str) -> bool:
    parts = urlsplit(ref)
    return not parts.scheme and not parts.netloc


def broken_reason(page: Path, ref: str, root: Path) -> str | None:
    """Why the internal REF on PAGE (a file below ROOT) is broken, or None when it works."""
    path = unquote(urlsplit(ref).path)
    if not path:
        return None
    if path.startswith("/"):
        return "root-absolute (breaks on file://)"
    target = (page.parent / path).resolve()
    if root.resolve() not in target.parents:
        return "leaves the site"
    if target.is_dir():
        return "names a folder (breaks on file://)"
    if not target.is_file():
        return "missing"
    return None


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


def check_site(root: Path) -> LinkReport:
    """Check every internal reference of every HTML page below ROOT."""
    report = LinkReport(broken=[])
    verdicts: dict[tuple[Path, str], str | None] = {}
    for page in sorted(root.rglob("*.html")):
        report.pages += 1
        for ref in references(page.read_text(encoding="utf-8")):
            if not is_internal(ref):
                report.external += 1
                continue
            report.internal += 1
            key = (page.parent, urlsplit(ref).path)
            if key not in verdicts:
                verdicts[key] = broken_reason(page, ref, root)
            if verdicts[key]:
                report.broken.append(Broken(str(page.relative_to(root)), ref, verdicts[key]))
    return report
