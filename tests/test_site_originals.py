"""Official documents on the site: the original file shipped byte for byte and linked, the
metadata table of a 公文, its tables in the body; and the pure planning of the copies."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bulletins.ingest import frontmatter, pipeline
from bulletins.ingest.blocks import Block, blocks_text
from bulletins.ingest.dates import YearRange
from bulletins.models import RawBulletin
from bulletins.site.originals import file_size, label, plan
from support.fidelity import lost_on_page
from support.gongwen import NOTICE_LINES
from support.site_build import build_fixture_site
from support.sites import Site

ALIGN = {"c": "center", "r": "right", "l": "left", "j": "justify"}
ROWS = (("序号", "项目名称"), ("1", "星湖算力中心<b>R&D</b>"))


@pytest.mark.parametrize(
    "original, target",
    [
        pytest.param("src/a.docx", "originals/bulletins/2025/03/x.docx", id="docx"),
        pytest.param("src/a.PDF", "originals/bulletins/2025/03/x.pdf", id="suffix-case"),
        pytest.param("src/a.ofd", "originals/bulletins/2025/03/x.ofd", id="ofd"),
        pytest.param("src/a.wps", "originals/bulletins/2025/03/x.wps", id="wps"),
        pytest.param("src/a.txt", None, id="text-is-no-original"),
        pytest.param("src/a.html", None, id="html-is-no-original"),
        pytest.param("", None, id="none"),
    ],
)
def test_plan(original, target):
    copy = plan("bulletins/2025/03/x.html", original)
    assert (copy.target if copy else None) == target


@pytest.mark.parametrize(
    "name, size, expected",
    [
        pytest.param("a.pdf", 312 * 1024, "PDF，312 KB", id="pdf"),
        pytest.param("a.docx", 10, "Word，1 KB", id="tiny-rounds-up"),
        pytest.param("a.ofd", 1024 * 1024 * 3 // 2, "OFD，1.5 MB", id="megabytes"),
        pytest.param("a.wps", 1025, "WPS，2 KB", id="wps"),
    ],
)
def test_label(name, size, expected):
    assert label(name, size) == expected


def test_file_size_never_shows_zero():
    assert file_size(0) == "1 KB"


REQUEST_LINES = (
    ("c", "松岭县教育局"),
    ("l", "松教文〔2024〕7号                签发人：王立新"),
    ("c", "松岭县教育局关于申请追加2024年校舍维修经费的请示"),
    ("l", "县人民政府："),
    ("j", "我县部分中小学校舍年久失修，现申请追加校舍维修经费三百万元。"),
    ("j", "妥否，请批示。"),
    ("r", "松岭县教育局"),
    ("r", "2024年3月12日"),
)


def _write_article(root: Path, name: str, data: bytes, changed: bytes | None = None, lines=None) -> None:
    """An article ingested from ROOT/src/NAME (a laid-out notice, or LINES); CHANGED: the file's
    bytes after."""
    if lines is None:
        blocks = [Block(text, align=ALIGN[a]) for a, text in NOTICE_LINES[:18]]
        blocks += [Block("", kind="table", rows=ROWS), *(Block(t, align=ALIGN[a]) for a, t in NOTICE_LINES[20:])]
    else:
        blocks = [Block(text, align=ALIGN[a]) for a, text in lines]
    source = root / "src" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(changed or data)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    fmt = name.rsplit(".", 1)[-1]
    raw = RawBulletin(str(source), blocks_text(tuple(blocks)), digest, format=fmt, blocks=tuple(blocks))
    item = pipeline._prepare(raw, str(root), YearRange().bounds())
    content = root / "content"
    article = pipeline.Archive(content).identify(item)
    path = content / article.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.render_article(article), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("originals")
    _write_article(root, "notice.docx", b"PK\x03\x04" + bytes(range(256)) * 8)
    _write_article(root, "changed.pdf", b"%PDF-1.7 ingested", changed=b"%PDF-1.7 edited later")
    _write_article(root, "request.txt", "\n".join(t for _, t in REQUEST_LINES).encode(), lines=REQUEST_LINES)
    output = build_fixture_site(
        root / "output",
        PATH=str(root / "content"),
        BULLETINS_SOURCE_ROOT=str(root),
        BULLETINS_SOURCE_ROOTS=[str(root / "src")],
    )
    return Site("originals", root / "content", output), root


def _page(site: Site, stem: str) -> BeautifulSoup:
    page = next(p for p in site.output.rglob(f"{stem}.html") if "bulletins" in p.parts)
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def test_original_copied_byte_for_byte_and_linked(site):
    built, root = site
    copies = list((built.output / "originals").rglob("*.docx"))
    assert [c.read_bytes() for c in copies] == [(root / "src" / "notice.docx").read_bytes()]
    link = _page(built, copies[0].stem).select_one("a.original-link")
    assert link.get_text() == "原件（Word，3 KB）"
    assert link["href"].endswith(copies[0].relative_to(built.output).as_posix())
    assert not list((built.output / "raw").rglob("*.docx*"))  # the original stands for the raw copy


def test_a_changed_original_is_neither_copied_nor_linked(site, caplog):
    built, _ = site
    assert not list(built.output.rglob("*.pdf*"))
    stem = next(built.content.rglob("changed*.md")).stem
    assert _page(built, stem).select_one("a.original-link") is None


def test_metadata_table_of_an_official_document(site):
    built, _ = site
    page = _page(built, next(built.content.rglob("notice*.md")).stem)
    cell = {td["class"][0]: td.get_text() for td in page.select("table.meta td")}
    assert (cell["meta-datewritten"], cell["meta-date"]) == ("2025年3月12日", "—")
    assert cell["meta-docnumber"] == "澄府发〔2025〕7号"
    assert cell["meta-recipients"] == "各县（市、区）人民政府，市政府各部门，各直属机构"
    assert cell["meta-attachments"] == "澄江市数字经济重点项目清单；澄江市数字经济发展指标分解表"
    assert cell["meta-copyto"] == "市委各部门，市人大常委会办公室，市政协办公室"
    assert "meta-signer" not in cell  # a 下行文 has no 签发人


def test_the_signer_of_a_request_under_its_number(site):
    built, _ = site
    page = _page(built, next(built.content.rglob("request*.md")).stem)
    rows = [(tr.th.get_text(), tr.td.get_text()) for tr in page.select("table.meta tr")]
    names = [name for name, _ in rows]
    assert rows[names.index("签发人")] == ("签发人", "王立新")
    assert names.index("签发人") == names.index("文号") + 1


def test_body_table_shows_cell_text(site):
    built, _ = site
    body = _page(built, next(built.content.rglob("notice*.md")).stem).select_one(".bulletin-body")
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in body.select("table.doc-table tr")]
    assert cells == [list(row) for row in ROWS]
    assert body.find("b") is None and body.select_one("hr.doc-appendix") is not None


def test_nothing_lost_on_the_pages(site):
    built, _ = site
    assert {a.name: lost_on_page(a, built.page_of(a)) for a in built.articles()} == {
        a.name: [] for a in built.articles()
    }


def test_build_warns_about_the_changed_original(tmp_path, caplog):
    _write_article(tmp_path, "edited.pdf", b"%PDF-1.7 ingested", changed=b"%PDF-1.7 edited")
    with caplog.at_level(logging.WARNING):
        build_fixture_site(
            tmp_path / "output",
            PATH=str(tmp_path / "content"),
            BULLETINS_SOURCE_ROOT=str(tmp_path),
            BULLETINS_SOURCE_ROOTS=[str(tmp_path / "src")],
        )
    assert any("src/edited.pdf changed since it was ingested" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
def test_pages_of_official_documents_are_valid_html(site):
    from test_html_valid import assert_valid

    built, _ = site
    assert_valid(built)


def test_rebuild_drops_the_link_when_the_original_changed(tmp_path):
    _write_article(tmp_path, "later.docx", b"PK\x03\x04 first")
    settings = {
        "PATH": str(tmp_path / "content"),
        "BULLETINS_SOURCE_ROOT": str(tmp_path),
        "BULLETINS_SOURCE_ROOTS": [str(tmp_path / "src")],
    }
    output = build_fixture_site(tmp_path / "output", **settings)
    built = Site("later", tmp_path / "content", output)
    stem = next(built.content.rglob("later*.md")).stem
    assert _page(built, stem).select_one("a.original-link") is not None
    (tmp_path / "src" / "later.docx").write_bytes(b"PK\x03\x04 replaced")
    build_fixture_site(tmp_path / "output", **settings)
    assert _page(built, stem).select_one("a.original-link") is None
