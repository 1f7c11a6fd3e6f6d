"""On the sample archive: every article page cites itself, and its .bib, .ris and .json agree with it.

Each value is checked against what the page itself shows (the title, the metadata table's cells),
so the head tags, the GB/T 7714 reference and the files cannot drift from the page.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup

from support.bibtex import bibtex_text
from support.sites import Site, sample_site

pytestmark = pytest.mark.slow

GBT = re.compile(r"(?P<title>.+)\[EB/OL\]\. \((?P<date>\d{4}-\d{2}-\d{2})\)\[(?P<accessed>[^\]]+)\]\. (?P<url>\S+)\.")


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_site()


def shown(page: Path) -> dict:
    """What the page shows: title, metadata cells, head tags, the 引用 block and its links."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    meta = defaultdict(list)
    for tag in soup.find_all("meta", attrs={"name": True}):
        meta[tag["name"]].append(tag["content"])
    date = soup.select_one("td.meta-date time") or soup.select_one("td.meta-datewritten time")
    original = soup.select_one("a.original-link")
    block = soup.select_one("section.citation")
    return {
        "title": soup.h1.get_text(),
        "publisher": soup.select_one("td.meta-publisher").get_text().replace("—", ""),
        "identifier": soup.select_one("td.meta-identifier").get_text().replace("—", ""),
        "doc_number": soup.select_one("td.meta-docnumber").get_text().replace("—", ""),
        "date": date["datetime"],
        "pdf": original["href"] if original and original["href"].endswith(".pdf") else "",
        "meta": meta,
        "block": block,
        "files": {a["class"][1].removeprefix("cite-"): a["href"] for a in block.select("a.cite-file")},
    }


def article_pages(site: Site) -> list[Path]:
    pages = [site.page_of(md) for md in site.articles()]
    assert pages and all(p.is_file() for p in pages)
    return pages


def test_head_tags_match_the_metadata_table(site):
    with_pdf = 0
    for page in article_pages(site):
        s = shown(page)
        meta = s["meta"]
        assert meta["citation_title"] == meta["DC.title"] == [s["title"]], page
        assert meta["citation_publication_date"] == meta["citation_date"] == [s["date"].replace("-", "/")], page
        assert meta["DC.date"] == [s["date"]]
        assert meta["citation_language"] == ["zh"] and meta["DC.language"] == ["zh-CN"]
        assert meta["citation_publisher"] == meta["DC.publisher"] == ([s["publisher"]] if s["publisher"] else [])
        assert meta["DC.identifier"] == ([s["identifier"]] if s["identifier"] else [])
        assert meta["DC.type"][0] == "Text" and len(meta["DC.type"]) <= 2
        assert len(meta["DC.type"]) == 1 or s["doc_number"], "a 公文 kind only for a document with a 文号"
        assert "citation_public_url" not in meta  # the sample site has no public URL
        assert meta["citation_pdf_url"] == ([s["pdf"]] if s["pdf"] else [])
        if s["pdf"]:
            assert (page.parent / s["pdf"]).resolve().is_file()
            with_pdf += 1
    assert with_pdf >= 1, "the sample sources include a PDF original"


def test_gbt7714_reference_field_by_field(site):
    for page in article_pages(site):
        s = shown(page)
        text = s["block"].select_one(".cite-text").get_text()
        if s["publisher"]:
            assert text.startswith(s["publisher"] + ". "), text
            text = text.removeprefix(s["publisher"] + ". ")
        found = GBT.fullmatch(text)
        assert found, text
        assert found["title"] == s["title"] and found["date"] == s["date"]
        assert found["accessed"] == "引用日期"  # the placeholder the browser replaces
        assert found["url"] == page.relative_to(site.output).as_posix()
        href = s["block"].select_one(".cite-url")["data-href"]
        assert (page.parent / href).resolve() == page.resolve()
        assert s["block"].select_one("h2").get_text() == "引用"
        assert s["block"]["aria-labelledby"] == s["block"].select_one("h2")["id"]


def test_files_parse_and_agree_with_the_page(site):
    for page in article_pages(site):
        s = shown(page)
        files = {kind: (page.parent / href).resolve() for kind, href in s["files"].items()}
        assert set(files) == {"bib", "ris", "json"} and all(p.is_file() for p in files.values()), page
        url = page.relative_to(site.output).as_posix()

        library = bibtexparser.parse_string(files["bib"].read_text(encoding="utf-8"))
        assert not library.failed_blocks and len(library.entries) == 1
        bib = {f.key: f.value for f in library.entries[0].fields}
        assert bibtex_text(bib["title"]) == s["title"] and bib["date"] == s["date"] and bib["url"] == url
        assert bibtex_text(bib.get("publisher", "")) == s["publisher"]

        (ris,) = rispy.loads(files["ris"].read_bytes().decode("utf-8"))
        assert ris["type_of_reference"] == "GOVDOC" and ris["title"] == s["title"]
        assert ris["date"] == s["date"].replace("-", "/") + "/" and ris.get("publisher", "") == s["publisher"]
        assert ris.get("note", "") == s["doc_number"] and ris["urls"] == [url]

        (item,) = json.loads(files["json"].read_text(encoding="utf-8"))
        assert item["title"] == s["title"] and item.get("publisher", "") == s["publisher"]
        assert item["issued"]["date-parts"] == [[int(p) for p in s["date"].split("-")]]
        assert item.get("number", "") == s["doc_number"] and "accessed" not in item


def test_archive_csl_has_one_item_per_article(site):
    pages = article_pages(site)
    items = json.loads((site.output / "data" / "bulletins-csl.json").read_text(encoding="utf-8"))
    assert len(items) == len(pages)
    own = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))[0] for p in pages]
    assert sorted(items, key=lambda i: i["id"]) == sorted(own, key=lambda i: i["id"])
