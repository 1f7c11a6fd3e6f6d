"""Readers of laid-out documents (.docx, .pdf, .ofd) on the committed fixtures: one fictional 公文 of 澄江市
in each format (benchmarks/make_documents.py), a PDF whose text layer holds radical glyphs, and the broken
cases, each of which must give exactly one problem naming the file."""

from __future__ import annotations

import hashlib
import random
import re
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from bulletins.ingest.blocks import blocks_text
from bulletins.ingest.readers import docx, ofd, pdf
from bulletins.ingest.sources import read_source
from bulletins.models import Context, RawBulletin, SourceProblem

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
READERS = {"docx": docx, "pdf": pdf, "ofd": ofd}
GOOD = ["gongwen.docx", "gongwen.pdf", "gongwen-radicals.pdf", "gongwen.ofd"]

TOPIC = "农村饮水安全"
LEAD = "各区、各部门要坚持以人民为中心的发展思想，把农村饮水安全工作摆在突出位置，主要负责同志亲自研究、亲自部署。"
PUBLICITY = (
    "充分运用电视、报刊、网站和“澄江发布”等新媒体平台，广泛宣传农村饮水安全的好经验好做法，"
    "营造全社会共同参与的良好氛围。"
)
FUNDS = "市发展改革委、市财政局要会同有关部门研究制定配套措施，统筹安排专项资金，保障项目建设用地和用能需求。"
PARAGRAPHS = [  # (what, text, kind, align): every one must come out as one whole block
    ("header", "澄江市人民政府文件", "paragraph", "center"),
    ("doc number", "澄府发〔2025〕8号", "paragraph", "center"),
    ("title over two lines", f"澄江市人民政府关于印发澄江市{TOPIC}三年行动方案的通知", "paragraph", "center"),
    ("recipients", "各区人民政府，市政府各部门，各直属机构：", "paragraph", "left"),
    ("lead", f"现将《澄江市{TOPIC}三年行动方案（2025—2027年）》印发给你们，请认真贯彻执行。", "paragraph", "left"),
    ("heading 一、", "一、总体要求", "heading", "left"),
    ("heading （一）", "（一）加强组织领导。", "heading", "left"),
    ("paragraph across a page break", LEAD + PUBLICITY, "paragraph", "left"),
    ("heading 二、", "二、主要任务", "heading", "left"),
    ("three sentences", LEAD + FUNDS + PUBLICITY, "paragraph", "left"),
    ("attachment note", f"附件：澄江市{TOPIC}重点任务分工表", "paragraph", "left"),
    ("signature", "澄江市人民政府", "paragraph", "right"),
    ("date", "2025年3月18日", "paragraph", "right"),
    ("publicity note", "（此件公开发布）", "paragraph", "left"),
    ("copies", "抄送：市委各部门，市人大常委会办公室，市政协办公室，市监委，市法院，市检察院。", "paragraph", "left"),
    ("printer and date", "澄江市人民政府办公室 2025年3月18日印发", "paragraph", "left"),
    ("attachment title", f"澄江市{TOPIC}重点任务分工表", "paragraph", "center"),
]
TABLE = (
    ("序号", "重点任务", "牵头单位", "完成时限"),
    ("1", "编制专项规划", "市发展改革委", "2025年6月"),
    ("2", "落实资金保障", "市财政局", "2025年9月"),
    ("3", "开展督查考核", "市政府督查室", "2026年12月"),
)
BROKEN = [  # (file, words the one problem must contain)
    ("broken-private-use.pdf", "unreadable"),
    ("broken-cid.pdf", "unreadable"),
    ("broken-scan.pdf", "image-only"),
    ("broken-encrypted.pdf", "password"),
    ("broken-truncated.pdf", "cut short"),
    ("broken-truncated.docx", "not a readable Word document"),
    ("broken-not-a-zip.docx", "not a readable Word document"),
    ("broken-protected.docx", "password-protected"),
    ("broken-missing-page.ofd", "Page_1/Content.xml is missing"),
    ("broken-truncated.ofd", "not a readable OFD"),
]


def read(name: str) -> list[RawBulletin | SourceProblem]:
    path = FIXTURES / name
    return list(READERS[path.suffix.lstrip(".")].read(path, Context(year=2025)))


@pytest.fixture(scope="module", params=GOOD)
def bulletin(request) -> RawBulletin:
    (item,) = read(request.param)
    assert isinstance(item, RawBulletin), item
    return item


@pytest.mark.parametrize(("what", "text", "kind", "align"), PARAGRAPHS, ids=[p[0] for p in PARAGRAPHS])
def test_paragraph_found_whole(bulletin, what, text, kind, align):
    matches = [b for b in bulletin.blocks if b.text == text]
    assert matches, f"{what} not found whole in {bulletin.source}"
    assert (matches[0].kind, matches[0].align in (align, "justify" if align == "left" else align)) == (kind, True)


def test_body_paragraphs_have_the_two_character_indent(bulletin):
    body = [b for b in bulletin.blocks if b.text.startswith(("现将", LEAD, "（此件"))]
    assert body and all(b.indent == 2.0 for b in body), [(b.text[:8], b.indent) for b in body]


def test_table_has_every_cell(bulletin):
    tables = [b for b in bulletin.blocks if b.kind == "table"]
    assert [t.rows for t in tables] == [TABLE]


def test_text_is_the_blocks_and_hash_is_the_file(bulletin):
    path = Path(bulletin.source)
    assert bulletin.text == blocks_text(bulletin.blocks)
    assert bulletin.source_hash == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert bulletin.format == path.suffix.lstrip(".")
    assert bulletin.context == Context(year=2025)


def test_no_page_numbers_running_headers_or_radicals(bulletin):
    assert not re.search(r"—\s*\d+\s*—|第\s*\d+\s*页", bulletin.text)
    assert "澄江市人民政府公报" not in bulletin.text  # the running header of the radical-glyph PDF
    assert not re.search("[\u2e80-\u2fdf]", bulletin.text)
    assert "\ufffd" not in bulletin.text


def test_paragraphs_keep_reading_order(bulletin):
    texts = [b.text for b in bulletin.blocks]
    order = [texts.index(text) for _, text, _, _ in PARAGRAPHS if text in texts]
    assert order == sorted(order)


def test_radical_glyphs_are_in_the_fixture_and_repaired():
    path = FIXTURES / "gongwen-radicals.pdf"
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    raw = document[0].get_textpage().get_text_range()
    document.close()
    assert "⼈" in raw and "⺠" in raw  # the layer really holds radicals...
    (item,) = read(path.name)
    assert "人民政府" in item.text  # ...and the reader gives the ideographs


@pytest.mark.parametrize(("name", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_is_one_problem(name, reason):
    items = read(name)
    assert len(items) == 1 and isinstance(items[0], SourceProblem), items
    assert items[0].source == (FIXTURES / name).as_posix()
    assert reason in items[0].reason


# A complete file (it ends in %%EOF) that PDFium cannot open and sets no error for: its "last
# error" is then whatever the file before left, "Incorrect password" after an encrypted PDF.
UNOPENABLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n95\n%%EOF"
)


@pytest.mark.parametrize("first", ["encrypted first", "damaged first"])
def test_a_damaged_pdf_read_after_an_encrypted_one_is_not_called_encrypted(tmp_path, first):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(UNOPENABLE_PDF)
    encrypted = FIXTURES / "broken-encrypted.pdf"
    order = [encrypted, damaged] if first == "encrypted first" else [damaged, encrypted]
    reasons = {}
    for path in order:
        (problem,) = pdf.read(path, Context())
        assert isinstance(problem, SourceProblem), problem
        reasons[path.name] = problem.reason
    assert reasons[encrypted.name].startswith("encrypted PDF: a password is needed")
    assert reasons[damaged.name] == "not a readable PDF (damaged or cut short?)"


@pytest.mark.parametrize("suffix", ["docx", "pdf", "ofd"])
def test_missing_file_is_one_problem(tmp_path, suffix):
    items = list(READERS[suffix].read(tmp_path / f"gone.{suffix}", Context()))
    assert len(items) == 1 and "cannot read" in items[0].reason


def damaged(data: bytes, seed: int) -> bytes:
    """DATA cut short (odd seeds) or with 20 bytes overwritten (even seeds), fixed by SEED."""
    rng = random.Random(seed)
    if seed % 2:
        return data[: rng.randrange(len(data))]
    out = bytearray(data)
    for _ in range(20):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("name", ["gongwen.docx", "gongwen.ofd", "gongwen.pdf"])
def test_damaged_bytes_give_one_item_and_never_raise(tmp_path, name, seed):
    path = tmp_path / name
    path.write_bytes(damaged((FIXTURES / name).read_bytes(), seed))
    items = list(READERS[path.suffix.lstrip(".")].read(path, Context()))
    assert len(items) == 1


SAMPLES = sorted(
    p
    for p in (Path(__file__).parent.parent / "sources" / "documents").glob("*.*")
    if p.suffix in (".docx", ".pdf", ".ofd")
)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_archive_documents_read(path):
    (item,) = READERS[path.suffix.lstrip(".")].read(path, Context())
    assert isinstance(item, RawBulletin) and "澄江市人民政府" in [b.text for b in item.blocks]
    assert [b.rows[0] for b in item.blocks if b.kind == "table"] == [TABLE[0]]


MB = 1 << 20
# A package whose one member unpacks to 48 MB of spaces (the file itself ~50 KB): the first parts
# a reader opens, then the bomb where the body or the page would be.
BOMBS = {
    "docx": {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": None,
    },
    "ofd": {
        "OFD.xml": '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
        "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>'
        '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": None,
    },
}


def write_zip_bomb(path: Path, members: dict[str, str | None], size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in members.items():
            if text is not None:
                package.writestr(name, text)
                continue
            with package.open(name, "w", force_zip64=True) as member:
                for _ in range(size // MB):
                    member.write(b" " * MB)


def read_bomb(path: Path) -> tuple[SourceProblem, int]:
    """The one problem PATH (a file under 1 MB) gives under a 1 MB limit, and the peak of Python memory."""
    assert path.stat().st_size < MB
    tracemalloc.start()
    try:
        (problem,) = read_source(path, Context(), max_record_bytes=MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(problem, SourceProblem), problem
    return problem, peak


@pytest.mark.parametrize("suffix", BOMBS)
def test_a_zip_bomb_is_one_problem_and_never_unpacked(tmp_path, suffix):
    path = tmp_path / f"bomb.{suffix}"
    write_zip_bomb(path, BOMBS[suffix], 48 * MB)
    problem, peak = read_bomb(path)
    assert problem.reason == "unpacks to 48 MB, more than 8 MB (8 × --max-record-bytes): a zip bomb?"
    assert peak < 4 * MB, f"{peak / MB:.1f} MB held"


@pytest.mark.parametrize("name", ["gongwen.docx", "gongwen.ofd"])
def test_a_real_document_is_far_below_the_unpacked_bound(name):
    (item,) = read_source(FIXTURES / name, Context(), max_record_bytes=MB)
    assert isinstance(item, RawBulletin), item


def write_pdf_bomb(path: Path, size: int) -> None:
    """A one-page PDF whose content stream (a line of text, then SIZE spaces) is Flate-compressed."""
    inflater = zlib.compressobj(9)
    stream = inflater.compress(b"BT /F1 12 Tf 72 720 Td (Qingxi) Tj ET\n")
    stream += b"".join(inflater.compress(b" " * MB) for _ in range(size // MB)) + inflater.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(out)


def test_a_pdf_stream_that_inflates_past_the_bound_is_one_problem(tmp_path):
    path = tmp_path / "bomb.pdf"
    write_pdf_bomb(path, 48 * MB)
    problem, peak = read_bomb(path)
    assert problem.reason.endswith("inflates to more than 8 MB (8 × --max-record-bytes): a decompression bomb?")
    assert peak < 4 * MB, f"{peak / MB:.1f} MB held"


@pytest.mark.parametrize("name", ["gongwen.pdf", "gongwen-radicals.pdf"])
def test_real_pdfs_are_far_below_the_inflated_bound(name):
    (item,) = read_source(FIXTURES / name, Context(), max_record_bytes=MB)
    assert isinstance(item, RawBulletin), item
