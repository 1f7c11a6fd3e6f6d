"""ofd reader: DeltaX runs, glyphs placed out of order, CTM-scaled objects, part paths, damaged packages."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bulletins.ingest.readers import ofd
from bulletins.models import Context, RawBulletin, SourceProblem

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


@pytest.mark.parametrize(
    ("value", "advances"),
    [("g 3 5.6", [5.6, 5.6, 5.6]), ("g 2 5.6 2.8 2.8", [5.6, 5.6, 2.8, 2.8]), ("5.6 g 2 2.8", [5.6, 2.8, 2.8]),
     ("", []), (None, [])],
)  # fmt: skip
def test_deltas(value, advances):
    assert ofd.deltas(value, 100) == advances


@pytest.mark.parametrize(
    ("value", "limit", "advances"),
    [("g 3000000000 5.6", 3, [5.6, 5.6, 5.6]), ("5.6 g 9999999999999 2.8 4.2", 2, [5.6, 2.8]),
     ("g 2 5.6", 5, [5.6, 5.6]), ("g -5 5.6 2.8", 2, [2.8]), ("g 1e400 5.6", 2, [5.6, 5.6]), ("g nan 5.6 1", 3, [1.0])],
)  # fmt: skip
def test_a_run_gives_no_more_advances_than_there_are_glyphs(value, limit, advances):
    """A DeltaX run of three billion advances in a 7 KB file took 4.7 GB: a TextCode needs one per glyph."""
    assert ofd.deltas(value, limit) == advances


def test_a_huge_run_count_reads_in_bounded_memory(tmp_path):
    import tracemalloc

    page = text_object(20, 40, "澄江市人民政府文件", delta="g 3000000000 10")
    tracemalloc.start()
    (item,) = ofd.read(package(tmp_path, [page]), Context())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(item, RawBulletin) and "澄江市人民政府文件" in item.text
    assert peak < 8 * 2**20, peak


def text_object(x: float, y: float, text: str, size: float = 5.6, ctm: str = "", delta: str = "") -> str:
    ctm = f' CTM="{ctm}"' if ctm else ""
    delta = f' DeltaX="{delta}"' if delta else f' DeltaX="g {len(text) - 1} {size}"' if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="1" Boundary="{x} {y} 156 8" Size="{size}"{ctm}>'
        f'<ofd:TextCode X="0" Y="5"{delta}>{text}</ofd:TextCode></ofd:TextObject>'
    )


def package(tmp_path: Path, pages: list[str], base_loc: str = "Pages/Page_{}/Content.xml", raw: str = "") -> Path:
    """An OFD of PAGES (their text objects), or of one page whose Content.xml is RAW."""
    path = tmp_path / "t.ofd"
    listing = "".join(f'<ofd:Page ID="{i}" BaseLoc="{base_loc.format(i)}"/>' for i in range(len(pages)))
    with zipfile.ZipFile(path, "w") as z:
        root = "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody>"
        z.writestr("OFD.xml", f"<ofd:OFD {NS}>{root}</ofd:OFD>")
        z.writestr("Doc_0/Document.xml", f"<ofd:Document {NS}><ofd:Pages>{listing}</ofd:Pages></ofd:Document>")
        for i, objects in enumerate(pages):
            page = raw or f"<ofd:Page {NS}><ofd:Content><ofd:Layer>{objects}</ofd:Layer></ofd:Content></ofd:Page>"
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page)
    return path


def read(path: Path) -> RawBulletin | SourceProblem:
    (item,) = ofd.read(path, Context())
    return item


def test_glyphs_written_out_of_order_are_read_in_order(tmp_path):
    title = "澄江市人民政府文件"
    glyphs = [text_object(60 + i * 7.7, 40, ch, 7.7) for i, ch in enumerate(title)]
    body = text_object(28, 60, "各区人民政府，市政府各部门：")
    item = read(package(tmp_path, ["".join(reversed(glyphs)) + body]))
    assert [(b.text, b.align) for b in item.blocks][:1] == [(title, "center")]
    assert item.blocks[1].text == "各区人民政府，市政府各部门："


def test_ctm_scaled_object_joins_its_line(tmp_path):
    left = text_object(28, 60, "澄江市人民", ctm="1 0 0 1 0 0")
    right = text_object(0, 0, "政府", size=2.8, ctm="2 0 0 2 56 55", delta="g 1 2.8")  # 5.6 mm once scaled
    item = read(package(tmp_path, [left + right]))
    assert item.text == "澄江市人民政府"


def test_absolute_part_paths(tmp_path):
    pages = [text_object(28, 60, "澄府发〔2025〕7号")]
    item = read(package(tmp_path, pages, base_loc="/Doc_0/Pages/Page_{}/Content.xml"))
    assert item.text == "澄府发〔2025〕7号"


@pytest.mark.parametrize(
    ("page", "reason"),
    [("<ofd:Page", "not well-formed XML"), ("", "no text layer")],
)
def test_damaged_page_is_one_problem(tmp_path, page, reason):
    item = read(package(tmp_path, [""], raw=page or f"<ofd:Page {NS}/>"))
    assert isinstance(item, SourceProblem) and reason in item.reason


def test_package_without_ofd_xml_is_one_problem(tmp_path):
    path = tmp_path / "empty.ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "nothing")
    item = read(path)
    assert isinstance(item, SourceProblem) and "OFD.xml is missing" in item.reason


def test_a_page_part_named_again_is_read_once(tmp_path):
    """Document.xml naming one page part 20,000 times (a 58 KB file) took 27 s and 896 MB; a part
    is read once, whatever the number of Page entries (and spellings of its path) naming it."""
    spellings = ["Pages/Page_0/Content.xml", "./Pages/Page_0/Content.xml", "/Doc_0/Pages/Page_0/Content.xml"]
    listing = "".join(f'<ofd:Page ID="{i}" BaseLoc="{loc}"/>' for i, loc in enumerate(spellings * 2000))
    body = text_object(20, 40, "根据工作需要，现将有关事项通知如下。")
    path = tmp_path / "t.ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "OFD.xml",
            f"<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr("Doc_0/Document.xml", f"<ofd:Document {NS}><ofd:Pages>{listing}</ofd:Pages></ofd:Document>")
        z.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f"<ofd:Page {NS}><ofd:Content><ofd:Layer>{body}</ofd:Layer></ofd:Content></ofd:Page>",
        )
    item = read(path)
    assert isinstance(item, RawBulletin) and item.text.count("通知如下") == 1, item


def test_more_text_than_a_bulletin_may_have_is_one_problem(tmp_path):
    pages = [text_object(20, 40, f"第{n}页：根据工作需要，现将有关事项通知如下。" * 20) for n in range(1, 41)]
    path = package(tmp_path, pages)
    (item,) = ofd.read(path, Context(), max_record_bytes=16 * 1024)
    assert isinstance(item, SourceProblem) and item.reason.startswith("its text passes 16,384 bytes by page ")
    assert isinstance(read(path), RawBulletin)  # under the default limit


def _templated(tmp_path: Path) -> Path:
    """Two pages: the first sets its 版头 in a template of its own; a watermark template lies under both."""
    path = tmp_path / "t.ofd"
    head = text_object(60, 30, "澄江市人民政府文件", size=10)
    mark = text_object(80, 150, "内部资料注意保存")
    bodies = [
        text_object(20, 60, "各区人民政府：根据工作需要，现将有关事项通知如下。"),
        text_object(20, 60, "特此通知。"),
    ]
    document = (
        f'<ofd:Document {NS}><ofd:CommonData><ofd:TemplatePage ID="7" BaseLoc="Tpls/Head/Content.xml"/>'
        '<ofd:TemplatePage ID="8" BaseLoc="Tpls/Mark/Content.xml"/></ofd:CommonData><ofd:Pages>'
        '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/>'
        "</ofd:Pages></ofd:Document>"
    )
    uses = [
        '<ofd:Template TemplateID="7" ZOrder="Background"/><ofd:Template TemplateID="8"/>',
        '<ofd:Template TemplateID="8"/>',
    ]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "OFD.xml",
            f"<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr("Doc_0/Document.xml", document)
        for name, objects in (("Head", head), ("Mark", mark)):
            z.writestr(
                f"Doc_0/Tpls/{name}/Content.xml",
                f"<ofd:Page {NS}><ofd:Content><ofd:Layer>{objects}</ofd:Layer></ofd:Content></ofd:Page>",
            )
        for i, (use, body) in enumerate(zip(uses, bodies)):
            page = f"<ofd:Page {NS}>{use}<ofd:Content><ofd:Layer>{body}</ofd:Layer></ofd:Content></ofd:Page>"
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page)
    return path


def test_a_template_of_one_page_is_read_one_under_every_page_is_not(tmp_path):
    """A 版头 set in the first page's own template is the document's text (it was lost); a template
    under several pages (a watermark, a frame, a running header) is page furniture."""
    item = read(_templated(tmp_path))
    assert isinstance(item, RawBulletin), item
    assert item.text.splitlines()[0] == "澄江市人民政府文件" and "内部资料" not in item.text
    assert "特此通知。" in item.text


def test_a_damaged_page_beside_templates_is_one_problem(tmp_path):
    """The pages are looked through for the templates they use before they are read: a page part
    that cannot be unpacked there is reported as when the page is read, never raised."""
    path = _templated(tmp_path)
    damaged = tmp_path / "damaged.ofd"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
    data = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as package:
        info = package.getinfo("Doc_0/Pages/Page_1/Content.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8  # the deflated bytes of the second page
    damaged.write_bytes(bytes(data))
    item = read(damaged)
    assert isinstance(item, SourceProblem) and "Page_1/Content.xml" in item.reason, item
