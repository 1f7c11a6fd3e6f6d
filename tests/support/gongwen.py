"""Official documents (公文) of fictional offices, as the readers hand them over: paragraphs and,
for laid-out ones, each paragraph's alignment. Every name, number and place is invented."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    lines: tuple[tuple[str, str], ...]  # (alignment, text); alignment "" in a text source
    expected: dict = field(default_factory=dict)  # Gongwen field -> value
    body_first: str = ""
    body_last: str = ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.lines)

    @property
    def aligns(self) -> tuple[str, ...] | None:
        aligns = tuple(align for align, _ in self.lines)
        return aligns if any(aligns) else None


def text(*paragraphs: str) -> tuple[tuple[str, str], ...]:
    return tuple(("", p) for p in paragraphs)


def laid_out(*lines: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    short = {"c": "center", "r": "right", "l": "left", "j": "justify"}
    return tuple((short[align], p) for align, p in lines)


NOTICE_LINES = (
    ("c", "澄江市人民政府文件"),
    ("c", "澄府发〔2025〕7号"),
    ("c", "澄江市人民政府关于印发澄江市加快"),
    ("c", "数字经济发展三年行动方案的通知"),
    ("l", "各县（市、区）人民政府，市政府各部门，"),
    ("l", "各直属机构："),
    ("j", "现将《澄江市加快数字经济发展三年行动方案（2025—2027年）》印发给你们，请认真组织实施。"),
    ("j", "一、总体要求"),
    ("j", "（一）工作目标。到2027年，全市数字经济核心产业增加值占地区生产总值比重达到8%。"),
    ("j", "二、保障措施"),
    ("j", "各地各部门要加强统筹协调，每季度向市发展改革委报送工作进展。"),
    ("j", "附件：1．澄江市数字经济重点项目清单"),
    ("j", "2．澄江市数字经济发展指标分解表"),
    ("r", "澄江市人民政府"),
    ("r", "2025年3月12日"),
    ("j", "（此件公开发布）"),
    ("l", "附件1"),
    ("c", "澄江市数字经济重点项目清单"),
    ("l", "序号 项目名称 责任单位"),
    ("l", "1 星湖算力中心 市发展改革委"),
    ("l", "抄送：市委各部门，市人大常委会办公室，市政协办公室。"),
    ("l", "澄江市人民政府办公室 2025年3月14日印发"),
)
NOTICE_EXPECTED = {
    "mark": "澄江市人民政府文件",
    "doc_number": "澄府发〔2025〕7号",
    "title": "澄江市人民政府关于印发澄江市加快数字经济发展三年行动方案的通知",
    "recipients": "各县（市、区）人民政府，市政府各部门，各直属机构",
    "attachments": ("澄江市数字经济重点项目清单", "澄江市数字经济发展指标分解表"),
    "publisher": "澄江市人民政府",
    "date_written": "2025-03-12",
    "note": "（此件公开发布）",
    "copy_to": "市委各部门，市人大常委会办公室，市政协办公室",
    "printed_by": "澄江市人民政府办公室",
    "date_printed": "2025-03-14",
}
NOTICE_BODY = (
    "现将《澄江市加快数字经济发展三年行动方案（2025—2027年）》印发给你们，请认真组织实施。",
    "1 星湖算力中心 市发展改革委",
)
NOTICE_APPENDIX = ("附件1", "澄江市数字经济重点项目清单", "序号 项目名称 责任单位", "1 星湖算力中心 市发展改革委")

DECISION = text(
    "中共澄江市委员会文件",
    "澄发【2025】2号",
    "中共澄江市委员会关于表彰2024年度乡村振兴先进集体的决定",
    "2024年，全市各级党组织和广大党员干部扎实推进乡村振兴，涌现出一批先进集体。",
    "市委决定，授予星湖镇党委等10个集体“乡村振兴先进集体”称号。",
    "中共澄江市委员会",
    "二〇二五年一月二十日",
)
OPINION = text(
    "澄江市人民政府办公室文件",
    "澄政办发(2025)15号",
    "澄江市人民政府办公室关于进一步做好",
    "稳就业工作的实施意见",
    "各县（市、区）人民政府，市政府各部门：",
    "为贯彻落实省政府关于稳就业工作部署，经市政府同意，提出以下意见。",
    "一、支持企业吸纳就业",
    "二、拓宽高校毕业生就业渠道",
    "澄江市人民政府办公室",
    "2025年4月3日",
    "（此件主动公开）",
)
MEASURES = text(
    "白沙县城市公园管理办法",
    "第一条 为加强城市公园管理，改善人居环境，根据有关法律法规，结合本县实际，制定本办法。",
    "第二条 本办法适用于本县城区范围内的城市公园。",
    "第三条 本办法自2025年6月1日起施行。",
    "白沙县人民政府",
    "2025年5月8日",
)
REPLY = text(
    "澄政复[2025]3号",
    "澄江市人民政府关于同意设立星湖湿地公园的批复",
    "市自然资源局：",
    "你局《关于设立星湖湿地公园的请示》（澄自然资发〔2025〕21号）收悉。经研究，批复如下：",
    "一、同意设立星湖湿地公园。",
    "澄江市人民政府",
    "二○二五年二月十八日",
)
LETTER = text(
    "澄江市发展和改革委员会",
    "澄发改函（2025）9号",
    "签发人：罗明远",
    "澄江市发展和改革委员会关于商请提供重点项目用地情况的函",
    "市自然资源局：",
    "为做好2025年重点项目调度工作，请你局于4月30日前提供重点项目用地审批情况。",
    "澄江市发展和改革委员会",
    "2025年4月16日",
    "（联系人：甘晓雯，电话：0871-5550123）",
)
JOINT = text(
    "澄江市教育体育局 澄江市财政局文件",
    "澄教体发〔2025〕4号",
    "澄江市教育体育局 澄江市财政局关于做好学生资助工作的通知",
    "各县（市、区）教育体育局、财政局：",
    "现就做好2025年学生资助工作通知如下。",
    "澄江市教育体育局 澄江市财政局",
    "2025年2月26日",
)
SCHOOL_PLAN = laid_out(
    ("c", "澄江市第一中学"),
    ("c", "澄一中〔2025〕6号"),
    ("c", "关于2025年春季植树活动的安排"),
    ("l", "各年级组、各处室："),
    ("j", "为倡导绿色生活，学校定于3月12日组织春季植树活动。"),
    ("j", "附件：植树分组名单"),
    ("r", "澄江市第一中学"),
    ("r", "2025年3月5日"),
)

JOINT_HEADER = laid_out(
    ("c", "白沙县农业农村局"),
    ("c", "白沙县林业和草原局"),
    ("c", "文件"),
    ("c", "白农发〔2025〕3号"),
    ("c", "白沙县农业农村局 白沙县林业和草原局"),
    ("c", "关于做好春季动植物疫病防控工作的通知"),
    ("l", "各乡（镇）人民政府："),
    ("j", "当前正值春季动植物疫病高发期，现就有关工作通知如下。"),
    ("j", "一、加强监测预警"),
    ("r", "白沙县农业农村局"),
    ("r", "白沙县林业和草原局"),
    ("r", "2025年3月3日"),
)

CASES = {
    "notice-laid-out": Sample(laid_out(*NOTICE_LINES), NOTICE_EXPECTED, *NOTICE_BODY),
    "notice-as-text": Sample(text(*(p for _, p in NOTICE_LINES)), NOTICE_EXPECTED, *NOTICE_BODY),
    "decision-cjk-date-square-brackets": Sample(
        DECISION,
        {
            "mark": "中共澄江市委员会文件",
            "doc_number": "澄发〔2025〕2号",
            "title": "中共澄江市委员会关于表彰2024年度乡村振兴先进集体的决定",
            "publisher": "中共澄江市委员会",
            "date_written": "2025-01-20",
        },
        DECISION[3][1],
        DECISION[4][1],
    ),
    "opinion-wrapped-title-ascii-parentheses": Sample(
        OPINION,
        {
            "mark": "澄江市人民政府办公室文件",
            "doc_number": "澄政办发〔2025〕15号",
            "title": "澄江市人民政府办公室关于进一步做好稳就业工作的实施意见",
            "recipients": "各县（市、区）人民政府，市政府各部门",
            "publisher": "澄江市人民政府办公室",
            "date_written": "2025-04-03",
            "note": "（此件主动公开）",
        },
        OPINION[5][1],
        "二、拓宽高校毕业生就业渠道",
    ),
    "measures-without-number": Sample(
        MEASURES,
        {"title": "白沙县城市公园管理办法", "publisher": "白沙县人民政府", "date_written": "2025-05-08"},
        MEASURES[1][1],
        "第三条 本办法自2025年6月1日起施行。",
    ),
    "reply-ascii-brackets-circle-zero": Sample(
        REPLY,
        {
            "doc_number": "澄政复〔2025〕3号",
            "title": "澄江市人民政府关于同意设立星湖湿地公园的批复",
            "recipients": "市自然资源局",
            "publisher": "澄江市人民政府",
            "date_written": "2025-02-18",
        },
        REPLY[3][1],
        "一、同意设立星湖湿地公园。",
    ),
    "letter-with-signer-and-contact": Sample(
        LETTER,
        {
            "mark": "澄江市发展和改革委员会",
            "doc_number": "澄发改函〔2025〕9号",
            "signer": "罗明远",
            "title": "澄江市发展和改革委员会关于商请提供重点项目用地情况的函",
            "recipients": "市自然资源局",
            "publisher": "澄江市发展和改革委员会",
            "date_written": "2025-04-16",
            "note": "（联系人：甘晓雯，电话：0871-5550123）",
        },
        LETTER[5][1],
        LETTER[5][1],
    ),
    "joint-issuers": Sample(
        JOINT,
        {
            "mark": "澄江市教育体育局 澄江市财政局文件",
            "doc_number": "澄教体发〔2025〕4号",
            "title": "澄江市教育体育局 澄江市财政局关于做好学生资助工作的通知",
            "recipients": "各县（市、区）教育体育局、财政局",
            "publisher": "澄江市教育体育局、澄江市财政局",
            "date_written": "2025-02-26",
        },
        "现就做好2025年学生资助工作通知如下。",
        "现就做好2025年学生资助工作通知如下。",
    ),
    "laid-out-title-and-signature-of-no-known-kind": Sample(
        SCHOOL_PLAN,
        {
            "mark": "澄江市第一中学",
            "doc_number": "澄一中〔2025〕6号",
            "title": "关于2025年春季植树活动的安排",
            "recipients": "各年级组、各处室",
            "attachments": ("植树分组名单",),
            "publisher": "澄江市第一中学",
            "date_written": "2025-03-05",
        },
        "为倡导绿色生活，学校定于3月12日组织春季植树活动。",
        "为倡导绿色生活，学校定于3月12日组织春季植树活动。",
    ),
    "joint-header-over-three-lines-laid-out": Sample(
        JOINT_HEADER,
        {
            "mark": "白沙县农业农村局 白沙县林业和草原局 文件",
            "doc_number": "白农发〔2025〕3号",
            "title": "白沙县农业农村局 白沙县林业和草原局关于做好春季动植物疫病防控工作的通知",
            "recipients": "各乡（镇）人民政府",
            "publisher": "白沙县农业农村局、白沙县林业和草原局",
            "date_written": "2025-03-03",
        },
        "当前正值春季动植物疫病高发期，现就有关工作通知如下。",
        "一、加强监测预警",
    ),
}

# Ordinary bulletins: nothing may be taken from them.
NOT_OFFICIAL = {
    "meeting-bulletin": (
        "3月14日，澄江市市长罗明远主持召开市政府第5次常务会议，研究部署一季度经济运行工作。",
        "会议指出，要狠抓项目建设。",
        "会议还研究了其他事项。",
    ),
    "news-with-plan-headline": (
        "澄江市出台老旧小区改造方案",
        "记者从市住房城乡建设局获悉，今年全市将改造老旧小区42个。",
        "澄江市融媒体中心",
        "2025年3月1日",
    ),
    "meeting-ending-with-date": (
        "经市政府研究决定：",
        "一、同意调整市防汛抗旱指挥部成员。",
        "澄江市人民政府",
        "2025年5月20日",
    ),
    "quoted-number-in-lead": (
        "根据《澄江市人民政府关于印发夜间经济措施的通知》（澄府发〔2025〕7号），市商务局召开推进会。",
        "会议要求各县区抓好落实。",
    ),
    "headline-and-colon-lead": (
        "白沙县召开春季森林防火工作会议",
        "会议强调：",
        "要压实各级责任。",
    ),
}
