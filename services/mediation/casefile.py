"""The dispute's case file (卷宗) as a printable Chinese PDF: the register, the notice of rights and duties, the
session records, the agreement and the follow-up visits.

The text uses the Adobe CID font STSong-Light, which every PDF reader supplies, so the service needs no font
file and the image no CJK fonts. Personal data appears in full here: the file is for the parties and the
committee's archive, and producing it is an audited read.
"""
import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .api.codes import CATEGORIES, FOLLOW_UP_LABELS, REFERRAL_LABELS

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1, spaceAfter=8 * mm)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
ROLE = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}
RIGHTS = [
    "一、当事人有权选择或者接受人民调解员；有权接受调解、拒绝调解或者要求终止调解；有权要求调解公开进行或者不公开进行；"
    "有权自主表达意愿、自愿达成调解协议。",
    "二、当事人应当如实陈述纠纷事实；遵守调解现场秩序，尊重人民调解员；尊重对方当事人行使权利。",
    "三、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。",
    "四、经调解达成协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。",
]


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _table(rows) -> Table:
    table = Table([[_p(k), _p(v)] for k, v in rows], colWidths=[35 * mm, 135 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _party_line(i: int, party: dict) -> str:
    parts = [f"{ROLE[party['role']]}{i + 1}：{party.get('name') or '（登记居民 ' + str(party.get('resident_id')) + '）'}"]
    if party.get("id_number"):
        parts.append(f"身份证号：{party['id_number']}")
    if party.get("phone"):
        parts.append(f"电话：{party['phone']}")
    if party.get("address"):
        parts.append(f"住址：{party['address']}")
    return "，".join(parts)


def render(dispute: dict, committee: dict | None) -> bytes:
    """`dispute` with its parties opened (as the store returns it)."""
    committee_name = committee["name"] if committee else "（尚未受理）"
    story = [_p("人民调解卷宗", TITLE), _table([
        ("卷宗编号", dispute["_id"]), ("调解组织", committee_name),
        ("纠纷类别", CATEGORIES[dispute["category"]] + ("（重大矛盾纠纷）" if dispute["major"] else "")),
        ("登记日期", dispute["registered_at"].astimezone().date().isoformat()),
        ("当事人", "\n".join(_party_line(i, p) for i, p in enumerate(dispute["parties"]))),
        ("纠纷简要情况", dispute["summary"])])]

    story += [PageBreak(), _p("人民调解权利义务告知书", TITLE), *[_p(line) for line in RIGHTS]]

    story += [PageBreak(), _p("人民调解记录", TITLE)]
    for n, session in enumerate(dispute.get("sessions", []), 1):
        story += [_p(f"第{n}次调解", HEADING), _table([
            ("时间", session["held_on"]), ("地点", session["place"]), ("参加人员", "、".join(session["attendees"])),
            ("调解记录", session["record"]), ("达成的共识", session.get("agreed") or "无")])]
    if not dispute.get("sessions"):
        story.append(_p("（尚无调解记录）"))

    agreement = dispute.get("agreement")
    story += [PageBreak(), _p("人民调解协议书", TITLE)]
    if agreement:
        terms = "\n".join(f"{i}. {t['content']}；履行方式：{t['manner']}；履行期限：{t['deadline']}"
                          for i, t in enumerate(agreement["terms"], 1))
        signatures = "\n".join(f"{ROLE[dispute['parties'][s['party_index']]['role']]}"
                               f"{s['party_index'] + 1}（签名）  {s['signed_on']}" for s in agreement["party_signatures"])
        story += [_p("\n".join(_party_line(i, p) for i, p in enumerate(dispute["parties"]))), Spacer(1, 4 * mm),
                  _table([("纠纷事实", agreement["facts"]), ("争议事项", agreement["matters"]),
                          ("各方责任", agreement["responsibilities"]), ("协议内容", terms),
                          ("当事人签名", signatures),
                          ("人民调解员", f"{agreement.get('mediator_name', agreement['mediator_id'])}（签名）  "
                                         f"{agreement['mediator_signed_on']}"),
                          ("调解组织", f"{committee_name}（印章）")]),
                  Spacer(1, 4 * mm),
                  _p("本协议自各方当事人和人民调解员签名并加盖人民调解委员会印章之日起生效。当事人可以自协议生效之日起"
                     "三十日内共同向人民法院申请司法确认。本协议一式三份，当事人各执一份，人民调解委员会留存一份。")]
    else:
        referral = dispute.get("referral")
        story.append(_p("（未达成调解协议）" + (f" 去向：{REFERRAL_LABELS[referral['to']]}，{referral['note']}"
                                             if referral else "")))

    story += [PageBreak(), _p("回访记录", TITLE)]
    for visit in dispute.get("follow_ups", []):
        story.append(_table([("回访日期", visit["visited_on"]), ("回访人", visit["visitor"]),
                             ("履行情况", FOLLOW_UP_LABELS[visit["performed"]]), ("回访情况", visit["record"])]))
        story.append(Spacer(1, 4 * mm))
    if not dispute.get("follow_ups"):
        story.append(_p("（尚未回访）"))

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"人民调解卷宗 {dispute['_id']}", author=committee_name,
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()
