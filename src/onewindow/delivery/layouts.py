"""The layouts of the result documents, drawn on a pdfdraw.Page (millimetres from the top left).

Two layouts: the letter (红头文书, portrait A4) of decisions, acceptance opinions, filing receipts
and certifications: the department in red over a red rule, the title and number, the text, a
table of facts, the signature with the seal and the verification block at the foot of the page;
and the licence (营业执照式, landscape A4): a double border, a large title, the credit code and
number, a grid of fields, the seal over the issuing department and date.

The texts are Chinese whatever the language of the person who issued the document: official
documents are issued in Chinese, so they are not translated.
"""

from onewindow.delivery.constants import CertificateKind
from onewindow.delivery.pdfdraw import Page
from onewindow.delivery.seal import SEAL_RED, draw_seal

INK = "#111111"
GREY = "#555555"
BORDER = "#a0322b"
SEAL_DIAMETER = 42

# (opening paragraph, closing paragraph) per kind; {placeholders} from the document's context.
LETTER_TEXTS = {
    CertificateKind.APPROVAL: (
        "你（单位）{received}提出的“{item}”申请，本机关{accepted}依法受理。经审查，申请符合法定条件、"
        "标准。根据《中华人民共和国行政许可法》第三十八条第一款的规定，本机关决定准予行政许可。",
        "本决定书自签发之日起生效{until}。请按本决定从事许可事项，接受监督检查。",
    ),
    CertificateKind.REFUSAL: (
        "你（单位）{received}提出的“{item}”申请，本机关{accepted}依法受理。经审查，本机关决定不予"
        "行政许可。理由如下：",
        "根据《中华人民共和国行政许可法》第三十八条第二款的规定，如不服本决定，可以自收到本决定书之日起"
        "{review_days}日内向{region}人民政府申请行政复议，或者自收到本决定书之日起{lawsuit_months}个月内"
        "依法向人民法院提起行政诉讼。",
    ),
    CertificateKind.ACCEPTANCE: (
        "你（单位）{received}申请的“{item}”，本机关依法受理并组织了验收。经对申报材料审查和现场检查，"
        "验收合格，同意通过验收。",
        "本意见书不免除建设、施工、监理等单位依法应承担的责任。投入使用后，请依法做好日常管理，"
        "接受监督检查。",
    ),
    CertificateKind.FILING: (
        "你（单位）{received}报送的“{item}”备案材料收悉。经核对，材料齐全，符合法定形式，予以备案。",
        "备案不代表对所报送事项的批准。备案信息发生变化的，请依法及时办理变更备案。",
    ),
    CertificateKind.CERTIFICATION: (
        "兹证明 {holder}（{holder_id_label}：{holder_id}）申请的“{item}”事项，经本机关核实，"
        "情况属实，特此证明。",
        "本证明仅用于证明上述事项{until}。",
    ),
}


def _fields(context):
    certificate = context["certificate"]
    until = context["validity_until"]
    return {
        "item": certificate.item_name,
        "holder": certificate.holder_name,
        "holder_id": context["holder_id"],
        "holder_id_label": context["holder_id_label"],
        "received": f"于{context['received_on']}" if context["received_on"] else "",
        "accepted": f"已于{context['accepted_on']}" if context["accepted_on"] else "",
        "until": f"，有效期至{until}" if until else "",
        "review_days": context["review_days"],
        "lawsuit_months": context["lawsuit_months"],
        "region": context["region"],
    }


def _verification(page, x, y, context, *, size=9.0):
    """The QR code and the lines that let anyone check the document; (x, y) its top left."""
    certificate = context["certificate"]
    page.qr(x, y, 24, context["verification_url"])
    lines = [
        "扫描二维码或登录政务服务网“证书真伪查询”核验本文书",
        f"文书编号：{certificate.number}　验证码：{context['verification_code']}",
        f"签名密钥：{certificate.key_id}（Ed25519，签名内容见附件 certificate.json）",
        context["public_url"],
    ]
    for n, line in enumerate(lines):
        page.text(x + 28, y + 5.5 + n * 4.6, line, size, colour="#333333")


def _signature(page, cx, y, context, size):
    """The department and date centred on cx, the seal stamped over them."""
    page.text(cx, y, context["department"], size, align="center")
    page.text(cx, y + 7.5, context["issued_on"], size, align="center")
    draw_seal(page, cx, y + 1, SEAL_DIAMETER, context["department"], context["seal_purpose"])


# --- the letter (portrait) ------------------------------------------------------------------------

LEFT, RIGHT, WIDTH = 20.0, 190.0, 170.0
# The flowing text must end above the signature (its seal reaches up to about 210 mm).
LETTER_CONTENT_LIMIT = 202.0


def _facts(page, y, rows, size):
    """A bordered two-column table whose top is y; returns its bottom."""
    label_width, leading, padding = 34.0, size * 0.53, 1.6
    for label, value in rows:
        lines = page.wrap(value, size, WIDTH - label_width - 5)
        height = 2 * padding + leading * len(lines) + 1.0
        page.rect(LEFT, y, label_width, height, fill="#f4f4f4")
        page.rect(LEFT, y, WIDTH, height, stroke=GREY, width=0.3)
        page.line(LEFT + label_width, y, LEFT + label_width, y + height, width=0.3, colour=GREY)
        baseline = y + padding + size * 0.36 + 0.8
        page.text(LEFT + 2.5, baseline, label, size)
        for n, line in enumerate(lines):
            page.text(LEFT + label_width + 2.5, baseline + n * leading, line, size)
        y += height
    return y


def _letter_body(page, context, size):
    """Everything above the signature; returns where it ends (mm from the top)."""
    certificate = context["certificate"]
    fields = _fields(context)
    opening, closing = LETTER_TEXTS[certificate.kind]
    leading = size * 0.62  # 1.75 lines
    page.text(105, 30, context["department"], 25, colour=SEAL_RED, spacing=3, align="center")
    page.line(LEFT, 36, RIGHT, 36, width=0.8, colour=SEAL_RED)
    page.text(105, 51, context["title"], 21, spacing=4, align="center")
    page.text(105, 60, context["docno"], size, align="center")
    y = 73.0
    page.text(LEFT, y, f"{certificate.holder_name}：", size)
    y += leading
    y = page.paragraph(
        LEFT, y, WIDTH, opening.format(**fields), size, leading=leading, indent_chars=2
    )
    if certificate.kind == CertificateKind.REFUSAL and not context["decision_text"]:
        y = page.paragraph(
            LEFT, y, WIDTH, context["reasons"], size, leading=leading, indent_chars=2
        )
    if context["decision_text"]:
        y = page.paragraph(
            LEFT, y, WIDTH, context["decision_text"], size, leading=leading, indent_chars=2
        )
    if context["conditions"]:
        page.text(LEFT, y, "许可条件及要求", size)
        y = page.paragraph(
            LEFT, y + leading, WIDTH, context["conditions"], size, leading=leading, indent_chars=2
        )
    rows = [
        (context["holder_label"], certificate.holder_name),
        (context["holder_id_label"], context["holder_id"]),
        ("事项", f"{certificate.item_name}（{certificate.item_code}）"),
        ("办件编号", context["case"].number or ""),
        ("文书编号", certificate.number),
    ]
    if context["show_validity"]:
        rows.append(("有效期", context["validity"]))
    y = _facts(page, y - leading + 3, rows, size - 1) + leading
    return page.paragraph(
        LEFT, y, WIDTH, closing.format(**fields), size, leading=leading, indent_chars=2
    )


def letter(font, context):
    """The portrait letter, its text a little smaller when it would reach the signature."""
    for size in (12.5, 11.5, 10.5, 9.5, 8.5):
        page = Page(210, 297, font)
        if _letter_body(page, context, size) <= LETTER_CONTENT_LIMIT:
            break
    _signature(page, 158, 226, context, 13)
    page.line(LEFT, 251, RIGHT, 251, width=0.3, colour="#999999")
    _verification(page, LEFT, 254, context)
    return page


# --- the licence (landscape) ----------------------------------------------------------------------

LICENCE_LEFT, LICENCE_RIGHT = 28.0, 269.0
LICENCE_CONTENT_LIMIT = 158.0


def _licence_grid(page, context, size):
    certificate = context["certificate"]
    rows = [
        (context["holder_label"], certificate.holder_name),
        ("许可事项", f"{certificate.item_name}（{certificate.item_code}）"),
        ("决定文号", context["case"].decision_number or "—"),
        ("办件编号", context["case"].number or ""),
        ("有效期限", context["validity"]),
    ]
    if context["conditions"]:
        rows.append(("许可条件", context["conditions"]))
    if context["decision_text"]:
        rows.append(("说明", context["decision_text"]))
    value_left = LICENCE_LEFT + 40
    leading = size * 0.55
    y = 76.0
    for label, value in rows:
        # The label spread over 4 characters' width, as a licence prints 名　　称.
        spacing = max(0.0, (4 * size - page.font.width(label, size)) / max(len(label) - 1, 1))
        page.text(LICENCE_LEFT, y, label, size, spacing=spacing if len(label) < 4 else 0)
        lines = page.wrap(value, size, LICENCE_RIGHT - value_left)
        for n, line in enumerate(lines):
            page.text(value_left, y + n * leading, line, size)
        y += leading * len(lines) + size * 0.32
    return y


def licence(font, context):
    certificate = context["certificate"]
    for size in (14, 12.5, 11, 9.5):
        page = Page(297, 210, font)
        if _licence_grid(page, context, size) <= LICENCE_CONTENT_LIMIT:
            break
    page.rect(12, 12, 273, 186, stroke=BORDER, width=0.8)
    page.rect(14, 14, 269, 182, stroke=BORDER, width=0.3)
    page.text(148.5, 38, context["title"], 40, spacing=18, align="center")
    page.text(148.5, 49, certificate.item_name, 13, spacing=1, align="center")
    page.text(LICENCE_LEFT, 62, f"{context['holder_id_label']}：{context['holder_id']}", 11.5)
    page.text(LICENCE_RIGHT, 62, f"编号：{certificate.number}", 11.5, align="right")
    _verification(page, LICENCE_LEFT, 164, context)
    # Right-aligned inside the border whatever the department's name; the seal over the date.
    page.text(LICENCE_RIGHT, 172, f"发证机关：{context['department']}", 14, align="right")
    page.text(LICENCE_RIGHT - 6, 180, context["issued_on"], 14, align="right")
    draw_seal(
        page, LICENCE_RIGHT - 22, 173, SEAL_DIAMETER, context["department"], context["seal_purpose"]
    )
    return page


def draw(font, context):
    kind = context["certificate"].kind
    return licence(font, context) if kind == CertificateKind.LICENCE else letter(font, context)
