"""公文 frames the end-to-end check found misread (benchmarks/bench_official_e2e.py): the 版记 printed
before the attachment pages (short and long ones), and a joint document's signatures side by side."""

from __future__ import annotations

import pytest

from bulletins.ingest.gongwen import parse

HEAD = (
    "石门市人民政府办公室文件",
    "石府办发【2025】34号",
    "石门市人民政府办公室关于进一步加强河湖长制工作的意见",
    "各区人民政府：",
)
BODY = ("一、总体要求", "各单位要坚持以人民为中心的发展思想，把河湖长制工作摆在突出位置。")
TAIL = ("附件：河湖长制重点任务分工表", "石门市人民政府办公室", "2025年10月1日", "（此件公开发布）")
IMPRINT = ("抄送：市委各部门，市人大常委会办公室。", "石门市人民政府办公室 2025年10月1日印发")
SHORT = ("附件", "河湖长制重点任务分工表", "序号 重点任务 牵头单位")
LONG = (*SHORT[:2], *(f"第{i}项任务：统筹安排专项资金3500万元，资金使用情况按季度公开。" for i in range(8)))


@pytest.mark.parametrize(
    ("lines", "appendix"),
    [
        pytest.param((*HEAD, *BODY, *TAIL, *IMPRINT, *SHORT), SHORT, id="imprint-before-a-short-attachment"),
        pytest.param((*HEAD, *BODY, *TAIL, *IMPRINT, *LONG), LONG, id="imprint-before-a-long-attachment"),
        pytest.param((*HEAD, *BODY, *TAIL, *LONG, *IMPRINT), LONG, id="imprint-at-the-end"),
    ],
)
def test_imprint_before_or_after_the_attachment_pages(lines, appendix):
    found = parse(lines)
    assert (found.publisher, found.date_written.isoformat(), found.note) == (TAIL[1], "2025-10-01", TAIL[3])
    assert (found.copy_to, found.printed_by) == ("市委各部门，市人大常委会办公室", "石门市人民政府办公室")
    assert found.body == (*BODY, *appendix) and found.appendix_at == len(BODY)


@pytest.mark.parametrize(
    ("signature", "publisher"),
    [
        pytest.param(("白沙区农业农村局 白沙区财政局",), "白沙区农业农村局、白沙区财政局", id="side-by-side"),
        pytest.param(("白沙区农业农村局", "白沙区财政局"), "白沙区农业农村局、白沙区财政局", id="stacked"),
        pytest.param(("白沙区农业农村局",), "白沙区农业农村局", id="one-office"),
    ],
)
def test_joint_signatures_joined_by_a_list_comma(signature, publisher):
    lines = ("白沙区农业农村局", "白沙区财政局", "文件", "白农联发〔2025〕112号", "关于进一步加强河湖长制工作的通知",
             "各乡镇人民政府：", *BODY, *signature, "二〇二五年二月十二日", *IMPRINT)  # fmt: skip
    found = parse(lines)
    assert (found.publisher, found.date_written.isoformat()) == (publisher, "2025-02-12")
