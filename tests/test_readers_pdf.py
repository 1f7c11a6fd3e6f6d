"""pdf reader on PDFs that Chromium prints here: lines rejoined (Latin words keep one space, Chinese joins
without), paragraphs kept whole across a page break, page numbers gone, the page of each block."""

from __future__ import annotations

import html

import pytest

from bulletins.ingest.readers import pdf
from bulletins.models import Context, RawBulletin
from support.browser import launch

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
    with launch() as browser:
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
