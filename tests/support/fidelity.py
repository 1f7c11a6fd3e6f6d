"""Nothing lost between a Markdown article and its built page: the body text (whitespace
aside) and every header value, shown where a reader sees it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bulletins.ingest.frontmatter import body_paragraphs, split_file
from bulletins.models import split_documents, split_names
from support.pagetext import page_text, squeeze
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
    shown = page_text(page.read_bytes())
    lost = []
    if not shown.found:
        lost.append("no .bulletin-body element")
    elif squeeze("".join(body_paragraphs(markdown))) != squeeze(shown.part):
        lost.append("body text differs")
    if header.get("Slug") != page.stem:
        lost.append(f"Slug {header.get('Slug')!r} is not the page name {page.stem!r}")
    for key, value in header.items():
        for item in SHOWN_AS.get(key, lambda v: [v])(value):
            if item not in shown.text:
                lost.append(f"{key} {item!r} not shown")
    return lost


def assert_nothing_lost(site: Site) -> None:
    """Every article's page shows all of it; each article is read once, for its losses and its header values."""
    articles = site.articles()
    assert articles, f"no article in {site.content}"
    lost, values = {}, 0
    for article in articles:
        markdown = article.read_text(encoding="utf-8")
        header = split_file(markdown)[0]
        values += len(header)
        if found := _lost(markdown, header, site.page_of(article)):
            lost[article.relative_to(site.content).as_posix()] = found
    print(f"nothing lost: {len(articles)} articles, {values} header values, {len(lost)} pages losing something")
    shown = "\n".join(f"{name}: {'; '.join(found[:4])}" for name, found in list(lost.items())[:15])
    assert not lost, f"{len(lost)} of {len(articles)} pages lose something; first ones:\n{shown}"
