"""HTML -> plain paragraphs (and, for whole pages, a title and a date).

Two shapes of HTML reach the pipeline:

* ``fragment_paragraphs``: the ``html`` field of a JSONL record, an article body made of
  ``<p>`` elements. One paragraph per ``<p>``, every character kept (``<strong>`` text
  included, entities decoded, ``&nbsp;`` as U+00A0); a ``<br>`` inside a ``<p>`` becomes a
  space, so a paragraph of the source stays one paragraph. Text outside any ``<p>`` is
  kept as paragraphs of its own (split at block elements and ``<br>``).
* ``extract_page``: a page saved from a government site. The title is the page's
  ``<h1>`` (inside the content area when there is one), else ``<meta name="ArticleTitle">``,
  else ``<title>`` minus a site suffix (``…_临江市青溪区人民政府``, ``… - 首页``). The date
  comes from the usual meta tags (``PubDate``, ``publishdate``, ``article:published_time``
  ...) or a ``发布时间：`` / ``日期：`` line. The body is the first content container found
  (``#zoom``, ``.TRS_Editor``, ``.article-content``, ``article``, ``main`` ...), else
  ``<body>`` without ``nav``/``header``/``footer``/``aside``/``form``; scripts, styles and
  comments never count. A data table stays a table (``htmltables``). Paragraphs break at block
  elements, at ``<br>`` and at the line ends of a ``<pre>`` (a notice published as preformatted
  text). Lines above the
  body that repeat the title or only say when and where from (``发布时间：… 来源：…``) are
  metadata, not body, and are dropped.

Both are pure functions of a string. Truncated markup is fine: the parser closes what it
can and the text that was there comes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from bulletins.ingest.bodymarkup import table_text
from bulletins.ingest.disclosure import NO_FACTS, Facts, take_facts
from bulletins.ingest.htmltables import Rows, Tables

try:  # lxml copes with worse markup (same speed here); html.parser is always there
    import lxml  # noqa: F401

    PARSER = "lxml"
except ImportError:  # pragma: no cover - depends on the environment
    PARSER = "html.parser"

__all__ = ["PARSER", "Page", "extract_page", "fragment", "fragment_paragraphs"]

_SKIP = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "svg",
        "button", "select", "textarea",
    }
)  # fmt: skip
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_CHROME = ("nav", "header", "footer", "aside", "form")
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:nav|navbar|menu|header|footer|breadcrumbs?|crumbs?|position|location|share|sidebar|toolbar|copyright)(?:$|[-_])",
    re.IGNORECASE,
)
_CONTAINERS = (
    "#zoom", "#Zoom", ".TRS_Editor", ".trs_editor_view", ".article-content", ".article_content",
    "#article-content", ".content-text", "#content-text", "article", "main", "[role=main]",
)  # fmt: skip
_DATE_METAS = (
    "PubDate", "pubdate", "publishdate", "PublishDate", "article:published_time", "og:published_time",
    "firstpublishedtime", "dc.date", "DC.Date", "date", "Maketime",
)  # fmt: skip
_DATE = r"\d{4}\s*(?:-|/|\.|年)\s*\d{1,2}\s*(?:-|/|\.|月)\s*\d{1,2}\s*日?"
_DATE_VALUE = re.compile(_DATE)
_DATE_LINE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[:：]\s*(" + _DATE + ")")
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*(?:(?!\s[-—–]\s)[^_|｜])*$")
_INFO_LINE = re.compile(r"^\s*(?:发布时间|发布日期|日期|时间|来源|作者|浏览次数|点击数)\s*[:：].{0,80}$")
_NEWLINES = re.compile(r"[\r\n]+")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a JSON "\\ud800" escape: half of no character


@dataclass(frozen=True)
class Page:
    """What a saved web page gives: title and date as found (None when absent) and the body."""

    title: str | None
    date: str | None
    paragraphs: tuple[str, ...]  # a data table's is its cells' text (``bodymarkup.table_text``)
    tables: tuple[tuple[int, Rows], ...] = ()  # (paragraph index, rows) of its data tables
    facts: Facts = NO_FACTS  # its 信息公开 table's


def fragment_paragraphs(html: str) -> list[str]:
    """Paragraphs of an article-body fragment: one per ``<p>``, plus any text outside them (a
    data table: its cells' text, ``fragment``)."""
    return list(fragment(html).paragraphs)


def _soup(html: str) -> BeautifulSoup:
    """HTML parsed, without its lone surrogates: the parser refuses a whole text holding one
    (it has no UTF-8), and the text's ``invisible`` rule (``normalize``) leaves them out anyway."""
    return BeautifulSoup(_LONE_SURROGATE.sub("", html), PARSER)


def fragment(html: str) -> Page:
    """An article-body fragment as a Page without title or date: its paragraphs and data tables."""
    soup = _soup(html)
    tables = Tables()
    tables.take(soup, soup)
    out: list[str] = []
    _walk(soup, out, [], br_breaks=False)
    return Page(title=None, date=None, paragraphs=tuple(out), tables=_tables_at(out, tables))


def extract_page(html: str) -> Page:
    """Title, date and body paragraphs of a page saved from a government site; the facts of its
    信息公开 table (``disclosure``), whose 文号 heads the paragraphs as a 公文's does."""
    soup = _soup(html)
    facts = take_facts(soup)
    date = _page_date(soup) or facts.date_published or facts.date_written or _date_line(soup)
    body = _content_root(soup)
    heading = body.find("h1") or soup.find("h1")
    title = _flat(heading.get_text()) if heading is not None else ""
    if not title:
        title = _meta(soup, "ArticleTitle") or _title_without_site(soup)
    elif any(parent is body for parent in heading.parents):
        heading.extract()
    for tag in body.find_all(_is_chrome):
        tag.decompose()
    tables = Tables()
    tables.take(body, soup)
    paragraphs: list[str] = []
    _walk(body, paragraphs, [], br_breaks=True)
    while paragraphs and (_flat(paragraphs[0]) == title or _INFO_LINE.match(paragraphs[0])):
        del paragraphs[0]  # the title repeated, or a 发布时间/来源 line, above the body
    found = _tables_at(paragraphs, tables)
    if facts.doc_number and paragraphs and facts.doc_number not in paragraphs[:3]:
        paragraphs.insert(0, facts.doc_number)
        found = tuple((i + 1, rows) for i, rows in found)
    return Page(title=title or None, date=date, paragraphs=tuple(paragraphs), tables=found, facts=facts)


def _tables_at(paragraphs: list[str], tables: Tables) -> tuple[tuple[int, Rows], ...]:
    """The (index, rows) of the marker paragraphs, each replaced by its table's text, in place."""
    found = [(i, rows) for i, p in enumerate(paragraphs) if (rows := tables.rows_of(p)) is not None]
    for i, rows in found:
        paragraphs[i] = table_text(rows)
    return tuple(found)


_FLUSH = object()  # stack marker: the block element opened here ends
_PRE_END = object()  # stack marker: a <pre> opened here ends


def _walk(node: Tag, out: list[str], current: list[str], *, br_breaks: bool) -> None:
    """Append the paragraphs under NODE to OUT; CURRENT collects the open paragraph's text.

    Iterative (pages nest deeply); a paragraph ends where a block element starts or ends, and
    where BR_BREAKS, at a ``<br>`` and at a line end inside ``<pre>`` (old sites publish a
    notice as preformatted plain text, one line per paragraph).
    """
    stack: list[object] = [node]
    in_pre = 0
    while stack:
        item = stack.pop()
        if item is _FLUSH:
            _flush(out, current)
            continue
        if item is _PRE_END:
            in_pre -= 1
            continue
        if isinstance(item, Comment):
            continue
        if isinstance(item, NavigableString):
            if type(item) is NavigableString:  # not CData, Doctype, Declaration...
                _add_text(str(item), out, current, lines=in_pre > 0)
            continue
        if not isinstance(item, Tag):
            continue
        name = item.name
        if name in _SKIP:
            continue
        if name == "br":
            if br_breaks:
                _flush(out, current)
            else:
                current.append(" ")
            continue
        if name in _BLOCK:
            _flush(out, current)
            stack.append(_FLUSH)
        if name == "pre" and br_breaks:
            in_pre += 1
            stack.append(_PRE_END)
        stack.extend(reversed(item.contents))
    _flush(out, current)


def _add_text(text: str, out: list[str], current: list[str], *, lines: bool) -> None:
    """TEXT to the open paragraph; with LINES, each line end closes it."""
    if not lines:
        current.append(text)
        return
    *ended, rest = text.split("\n")
    for line in ended:
        current.append(line)
        _flush(out, current)
    current.append(rest)


def _flush(out: list[str], current: list[str]) -> None:
    if current:
        text = _NEWLINES.sub(" ", "".join(current)).strip()
        current.clear()
        if text:
            out.append(text)


def _is_chrome(tag: Tag) -> bool:
    """Navigation, headers, footers, sidebars, share bars: by element name, id or class."""
    if tag.name in _CHROME:
        return True
    names = [tag.get("id") or "", *(tag.get("class") or ())]
    return any(_CHROME_NAME.search(name) for name in names if isinstance(name, str))


def _content_root(soup: BeautifulSoup) -> Tag:
    for selector in _CONTAINERS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    return soup.body or soup


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
    if tag is None:
        return None
    content = tag.get("content")
    if isinstance(content, list):
        content = " ".join(content)
    return _flat(content) if content and content.strip() else None


def _page_date(soup: BeautifulSoup) -> str | None:
    for name in _DATE_METAS:
        value = _meta(soup, name)
        if value:
            found = _DATE_VALUE.search(value)
            return _flat(found.group()) if found else value
    return None


def _date_line(soup: BeautifulSoup) -> str | None:
    found = _DATE_LINE.search(soup.get_text(" "))
    return _SPACES.sub("", found.group(1)) if found else None


def _title_without_site(soup: BeautifulSoup) -> str:
    if soup.title is None:
        return ""
    title = _flat(soup.title.get_text())
    stripped = _SITE_SUFFIX.sub("", title)
    return stripped or title


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
