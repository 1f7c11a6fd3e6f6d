"""pdf reader on PDFs that Chromium prints here: lines rejoined (Latin words keep one space, Chinese joins
without), paragraphs kept whole across a page break, page numbers gone, the page of each block."""

from __future__ import annotations

import html
import subprocess
import sys

import pytest

from bulletins.ingest.readers import pdf
from bulletins.models import Context, RawBulletin
from support.browser import CHROMIUM, launch

FOOTER = '<div style="width:100%;text-align:center;font-size:12pt">- <span class="pageNumber"></span> -</div>'
CASES = [  # (what, paragraphs): each printed as one <p>, each must come back as one block
    ("latin words keep one space",
     ["The Chengjiang Municipal People's Government publishes this notice on the rural drinking water "
      "safety plan, so that every district office, every township and every village committee can act on it "
      "in time; questions go to the Qingxi District office."]),
    ("mixed chinese and latin",
     ["澄江市人民政府办公室关于印发 Rural Water Safety Action Plan 2025 的通知，各区、各部门要认真贯彻执行，"
      "确保 2025 年底前完成 ISO 9001 质量管理体系认证工作并报市政府备案。"]),
    ("paragraph across a page break",
     ["各区、各部门要坚持以人民为中心的发展思想，把农村饮水安全工作摆在突出位置。" * 60]),
]  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    # The full browser prints these: the headless shell breaks its lines elsewhere ("2025 年" at a line end).
    with launch(CHROMIUM) as browser:
        page = browser.new_page()
        for what, paragraphs in CASES:
            body = "".join(f'<p style="text-indent:2em;margin:0">{html.escape(p)}</p>' for p in paragraphs)
            page.set_content(f'<html lang="zh-CN"><body style="font-size:16pt;line-height:1.8">{body}</body></html>')
            path = folder / f"{len(paths)}.pdf"
            margin = {"top": "30mm", "bottom": "30mm", "left": "28mm", "right": "26mm"}
            options = {"display_header_footer": True, "header_template": "<span></span>", "footer_template": FOOTER}
            path.write_bytes(page.pdf(format="A4", margin=margin, **options))
            paths[what] = path
    return paths


@pytest.mark.browser
@pytest.mark.parametrize(("what", "paragraphs"), CASES, ids=[c[0] for c in CASES])
def test_printed_paragraphs_come_back_whole(printed, what, paragraphs):
    (item,) = pdf.read(printed[what], Context())
    assert isinstance(item, RawBulletin), item
    assert [b.text for b in item.blocks] == paragraphs
    assert item.blocks[0].indent == 2.0 and item.blocks[0].page == 1
    assert "- 1 -" not in item.text and "- 2 -" not in item.text


def long_pdf(pages: int) -> bytes:
    """A PDF of PAGES pages of Latin text (Helvetica, 40 lines in paragraphs of 5) and page numbers."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(1, pages + 1):
        lines = b"".join(
            b"BT /F1 11 Tf %d %d Td (Qingxi District notice %d, paragraph line %d of the plan.) Tj ET\n"
            % (94 if i % 5 == 0 else 72, 760 - 16 * i, n, i)  # an indented first line every five lines
            for i in range(40)
        )
        lines += b"BT /F1 11 Tf 290 40 Td (- %d -) Tj ET" % n
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(lines), lines))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % len(objects))  # fmt: skip
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# VmHWM is this process's own peak; ru_maxrss would also count the test worker it was started
# from (Linux keeps the larger of the two across exec), which may hold far more than the reader.
PEAK = """
import re, sys
from pathlib import Path
from bulletins.ingest.readers import pdf
from bulletins.models import Context
(item,) = pdf.read(Path(sys.argv[1]), Context())
status = Path("/proc/self/status").read_text()
print(item.blocks[-1].page, int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


@pytest.mark.slow
def test_500_pages_stay_under_500_mb(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(long_pdf(500))
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True)
    last_page, peak_mb = map(int, out.stdout.split())
    assert last_page == 500 and peak_mb < 500


def test_more_text_than_a_bulletin_may_have_is_one_problem(tmp_path):
    """Pages are read until their text passes --max-record-bytes, not to the last one (a 5 MB PDF of
    20,000 pages sharing one content stream took 75 s and 866 MB)."""
    path = tmp_path / "long.pdf"
    path.write_bytes(long_pdf(60))  # about 2.4 KB of text a page
    (item,) = pdf.read(path, Context(), max_record_bytes=64 * 1024)
    assert item.reason.startswith("its text passes 65,536 bytes by page ") and "(--max-record-bytes)" in item.reason
    page = int(item.reason.split("by page ")[1].split(",")[0])
    assert 20 <= page <= 40, item.reason
    (whole,) = pdf.read(path, Context(), max_record_bytes=1024 * 1024)
    assert isinstance(whole, RawBulletin) and whole.blocks[-1].page == 60
