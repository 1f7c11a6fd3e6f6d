"""One read of a built site for two of its checks: no broken internal link (``support.links``)
and nothing of any article lost on its page (``support.fidelity``).

Each page is parsed once: its references are read, then, for an article's page, its visible
text, checked against the article right away (no page's text is kept). The two checks used to
parse the 29,635 pages of the 11,442-bulletin site, then its 11,442 article pages again. The
result is kept per site for the test process: the link test and the fidelity test share it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from support.fidelity import Losses
from support.links import LinkReport, check_site
from support.pagetext import PageText, text_of
from support.sites import Site


@dataclass(frozen=True)
class Survey:
    links: LinkReport
    losses: Losses


@functools.cache
def survey(site: Site) -> Survey:
    """SITE's links and its articles' losses (in article order), from one parse of each page."""
    articles = {site.page_of(a).relative_to(site.output).as_posix(): a for a in site.articles()}
    found: dict[str, Losses] = {}  # by page: one article's losses

    def check_article(page: str, document) -> None:
        if page in articles:
            found[page] = _losses(site, articles[page], text_of(document))

    links = check_site(site.output, check_article)
    losses = Losses()
    for page, article in articles.items():  # in the order of site.articles(); an article without a page too
        one = found.pop(page, None) or _losses(site, article, None)
        losses.articles += one.articles
        losses.values += one.values
        losses.lost.update(one.lost)
    return Survey(links, losses)


def _losses(site: Site, article: Path, shown: PageText | None) -> Losses:
    one = Losses()
    one.add(
        article.relative_to(site.content).as_posix(),
        article.read_text(encoding="utf-8"),
        shown,
        site.page_of(article).stem,
    )
    return one
