"""The real corpus (11,442 bulletins, one .jsonl.gz): ingests with no error and loses nothing.

Each record's title and date are compared with the written article's header exactly; the text
of the record's ``<p>`` elements with the article body read back from the file (the Markdown
unescaped), paragraph by paragraph and in order, whitespace aside and width-folded (NFKC:
the cleaner makes ASCII punctuation beside Han text full-width, which is not a loss).

The articles are those of the full-corpus test site (``corpus_site()``), which ran the real
``bulletins ingest`` command over the corpus; its summary line is read from that run's output.
"""

import re
import unicodedata

import pytest

from bulletins.ingest import frontmatter
from support.metadata import paragraph_texts
from support.shared import bulletin_records
from support.sites import corpus_site

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def fold(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def lost_text(expected: list[str], body: str) -> str | None:
    """The first record paragraph not found, in order, in BODY (both folded); None if none."""
    cursor = 0
    for paragraph in map(fold, expected):
        at = body.find(paragraph, cursor)
        if at < 0:
            return paragraph
        cursor = at + len(paragraph)
    return None


SUMMARY = re.compile(r"ingest: (\d+) written, (\d+) unchanged, (\d+) kept, (\d+) problems")


@pytest.fixture(scope="module")
def ingested():
    site = corpus_site()
    summaries = SUMMARY.findall(site.log)
    assert len(summaries) == 1, f"expected one ingest summary line in the build log:\n{site.log[-2000:]}"
    articles = {}
    for path in site.articles():
        text = path.read_text("utf-8")
        articles[frontmatter.parse_article(text)["SourceId"]] = text
    return [int(n) for n in summaries[0]], articles


def test_corpus_ingests_every_record_without_error(ingested):
    (written, unchanged, kept, problems), articles = ingested
    records = bulletin_records()
    print(f"\ncorpus ingest: {len(records)} records, {written} written, {problems} problems, {len(articles)} on disk")
    assert (problems, unchanged, kept) == (0, 0, 0)
    assert written == len(records) == len(articles)


def test_corpus_titles_and_dates_kept_exactly(ingested):
    _, articles = ingested
    wrong = []
    for record in bulletin_records():
        header = frontmatter.parse_article(articles[record["id"]])
        if (header["Title"], header["Date"]) != (record["title"], record["date"]):
            wrong.append((record["id"], record["title"], header["Title"], record["date"], header["Date"]))
    print(f"\ncorpus titles/dates: {len(bulletin_records()) - len(wrong)} exact, {len(wrong)} differ")
    assert wrong == []


def test_corpus_no_paragraph_text_lost(ingested):
    _, articles = ingested
    lost = []
    for record in bulletin_records():
        body = fold("".join(frontmatter.body_paragraphs(articles[record["id"]])))
        missing = lost_text(paragraph_texts(record["html"]), body)
        if missing is not None:
            lost.append((record["id"], missing[:80]))
    print(f"\ncorpus paragraphs: {len(bulletin_records()) - len(lost)} records complete, {len(lost)} with text lost")
    assert lost == []
