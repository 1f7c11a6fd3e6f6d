"""Nothing lost between a Markdown article and its built page: the body text (whitespace
aside) and every header value, shown where a reader sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bulletins.ingest.frontmatter import body_paragraphs, split_file
from bulletins.models import split_documents, split_names
from support.pagetext import PageText, page_text, squeeze
from support.sites import Site

# How each header value must appear in the page's visible text. Lists show item by item;
# the date in Chinese; the slug is the page's file name.
SHOWN_AS = {
    "Date": lambda v: [zh_date(dt.date.fromisoformat(v[:10]))],
    "Tags": lambda v: list(split_names(v)),
    "DateWritten": lambda v: [zh_date(dt.date.fromisoformat(v[:10]))],
    "Attachments": lambda v: list(split_names(v)),
    "DateEffective": lambda v: [zh_date(dt.date.fromisoformat(v[:10]))],
    "DateExpires": lambda v: [zh_date(dt.date.fromisoformat(v[:10]))],
    "Issue": lambda v: _parts(v),  # the issue is a link, 总第 follows it
    "Repeals": lambda v: _related(v),
    "Amends": lambda v: _related(v),
    "Interprets": lambda v: _related(v),
    "People": lambda v: list(split_names(v)),
    "Documents": lambda v: [f"《{d}》" for d in split_documents(v)],
    "Slug": lambda v: [],
}


def _parts(value: str) -> list[str]:
    """``甲（乙）`` -> ``["甲", "（乙）"]``: a link's text and what follows it."""
    return [part for part in value.replace("（", "\n（", 1).split("\n") if part]


def _related(value: str) -> list[str]:
    """Related documents, ``; ``-separated: each 《title》 is a link, its （文号） follows it."""
    return [part for item in value.split("; ") for part in _parts(item)]


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def lost_on_page(article: Path, page: Path) -> list[str]:
    """What of ARTICLE (a content/*.md file) its built PAGE does not show."""
    if not page.is_file():
        return ["no page"]
    markdown = article.read_text(encoding="utf-8")
    return _lost(markdown, split_file(markdown)[0], page)


def _lost(markdown: str, header: dict[str, str], page: Path) -> list[str]:
    """What of the article MARKDOWN (its HEADER already read) its built PAGE does not show."""
    if not page.is_file():
        return ["no page"]
    return lost_from(markdown, header, page_text(page.read_bytes()), page.stem)


def lost_from(markdown: str, header: dict[str, str], shown: PageText, stem: str) -> list[str]:
    """What of the article MARKDOWN (its HEADER already read) a page named STEM that SHOWN does not show."""
    lost = []
    if not shown.found:
        lost.append("no .bulletin-body element")
    elif squeeze("".join(body_paragraphs(markdown))) != squeeze(shown.part):
        lost.append("body text differs")
    if header.get("Slug") != stem:
        lost.append(f"Slug {header.get('Slug')!r} is not the page name {stem!r}")
    for key, value in header.items():
        for item in SHOWN_AS.get(key, lambda v: [v])(value):
            if item not in shown.text:
                lost.append(f"{key} {item!r} not shown")
    return lost


@dataclass
class Losses:
    """What the pages of a site's articles lose: by article (relative to the content folder)."""

    articles: int = 0
    values: int = 0  # header values checked
    lost: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, markdown: str, shown: PageText | None, stem: str) -> None:
        """Check the article NAME (its MARKDOWN) against its page STEM showing SHOWN (None: no page)."""
        header = split_file(markdown)[0]
        self.articles += 1
        self.values += len(header)
        found = lost_from(markdown, header, shown, stem) if shown is not None else ["no page"]
        if found:
            self.lost[name] = found


def assert_nothing_lost(site: Site) -> None:
    """Every article's page shows all of it; each article is read once, for its losses and its header values."""
    losses = Losses()
    for article in site.articles():
        page = site.page_of(article)
        shown = page_text(page.read_bytes()) if page.is_file() else None
        losses.add(article.relative_to(site.content).as_posix(), article.read_text(encoding="utf-8"), shown, page.stem)
    assert_none_lost(losses, site)


def assert_none_lost(losses: Losses, site: Site) -> None:
    articles, lost = losses.articles, losses.lost
    assert articles, f"no article in {site.content}"
    print(f"nothing lost: {articles} articles, {losses.values} header values, {len(lost)} pages losing something")
    shown = "\n".join(f"{name}: {'; '.join(found[:4])}" for name, found in list(lost.items())[:15])
    assert not lost, f"{len(lost)} of {articles} pages lose something; first ones:\n{shown}"
