"""Result documents per kind (delivery/documents/<kind>.html): each PDF read back as its reader
would, with its title, number, holder, the department's drawn seal, and what is public (an
enterprise's name and credit code) or masked (a person's ID number)."""

import re
from datetime import timedelta

import pytest

from onewindow.cases.actions import ApplicantInput
from onewindow.catalog.constants import ResultDocument
from onewindow.delivery import documents, verification
from onewindow.delivery.actions import do_issue_result
from onewindow.delivery.constants import CertificateKind
from onewindow.delivery.pdfdraw import _rgb
from onewindow.delivery.seal import SEAL_RED, arc_angles
from tests.cases.conftest import CITIZEN_ID, ENTERPRISE_CODE

# Fixtures of the certificate tests (pytest finds them by name in this module).
from tests.delivery.certificates.conftest import (  # noqa: F401
    applicant,
    clerk,
    decide,
    hall,
    licence_item,
    reviewer_market,
)
from tests.delivery.pdfs import reader, text

DEPARTMENT = "惠州市惠阳区市场监督管理局"
MASKED_CITIZEN_ID = "110105********002X"
ENTERPRISE_NAME = "惠州市惠阳区示例食品贸易有限公司"


def _pdf(certificate):
    with certificate.pdf.open("rb") as file:
        return file.read()


def _red_operators(content):
    """The colour operators in the seal's red in the page's content: 'rg' fills (star,
    characters), 'RG' strokes (the ring)."""
    stream = reader(content).pages[0].get_contents().get_data()
    return set(re.findall(rb"%s (rg|RG)" % re.escape(_rgb(SEAL_RED).encode()), stream))


@pytest.fixture
def issue_kind(decide, licence_item):  # noqa: F811
    def make(result_document, *, approve=True, person=None):
        licence_item.result_document = result_document
        licence_item.save(update_fields=["result_document"])
        case = decide(approve=approve, person=person)
        return do_issue_result(case).certificate

    return make


@pytest.mark.parametrize(
    ("result_document", "kind", "title", "purpose"),
    [
        (ResultDocument.LICENCE, CertificateKind.LICENCE, "行政许可证", "行政许可专用章"),
        (
            ResultDocument.APPROVAL_DECISION,
            CertificateKind.APPROVAL,
            "准予行政许可决定书",
            "行政许可专用章",
        ),
        (ResultDocument.ACCEPTANCE_OPINION, CertificateKind.ACCEPTANCE, "验收意见书", "验收专用章"),
        (ResultDocument.FILING_RECEIPT, CertificateKind.FILING, "备案回执", "备案专用章"),
        (ResultDocument.CERTIFICATION, CertificateKind.CERTIFICATION, "证明", "证明专用章"),
    ],
)
def test_each_kind_reads_back_with_title_number_holder_and_seal(
    issue_kind, result_document, kind, title, purpose
):
    certificate = issue_kind(result_document)

    content = _pdf(certificate)
    words = text(content)
    assert certificate.kind == kind
    assert len(reader(content).pages) == 1  # one A4 page, laid out to fill it
    for expected in (title, certificate.number, "王小红", MASKED_CITIZEN_ID, DEPARTMENT):
        assert expected in words, expected
    assert CITIZEN_ID not in words  # a person's ID number stays masked
    # The seal: its characters are text, the department's name along the arc and the purpose
    # under the star; the ring is stroked and the star filled in the seal's red.
    assert DEPARTMENT + purpose in words
    assert _red_operators(content) == {b"rg", b"RG"}


def test_a_refusal_states_reasons_and_the_rights_of_review_and_litigation(issue_kind):
    certificate = issue_kind(ResultDocument.LICENCE, approve=False)

    words = text(_pdf(certificate))
    assert certificate.kind == CertificateKind.REFUSAL
    for expected in (
        "不予行政许可决定书",
        certificate.number,
        "经营场所不符合食品安全要求",
        "60日内",
        "申请行政复议",
        "6个月内",
        "提起行政诉讼",
        DEPARTMENT + "行政许可专用章",
    ):
        assert expected in words, expected


def test_an_item_without_a_chosen_document_issues_a_licence_as_before(issue_kind):
    # licence_item is 行政许可 (the factory's default type).
    assert issue_kind("").kind == CertificateKind.LICENCE


def test_an_enterprise_shows_its_name_and_credit_code_in_full(issue_kind, client):
    enterprise = ApplicantInput(
        kind="enterprise",
        name=ENTERPRISE_NAME,
        id_number=ENTERPRISE_CODE,
        phone="13800138000",
        legal_representative="张三",
    )
    certificate = issue_kind(ResultDocument.LICENCE, person=enterprise)

    words = text(_pdf(certificate))
    assert ENTERPRISE_NAME in words and ENTERPRISE_CODE in words
    assert "统一社会信用代码" in words
    # /verify/ from the QR code shows the enterprise's name in full (it is public).
    page = client.get(documents.verification_url(certificate).split("8000", 1)[1])
    answer = page.content.decode().split("verify-answer")[1].split("</section>")[0]
    assert ENTERPRISE_NAME in answer and ENTERPRISE_CODE in answer
    assert verification.public_holder_name(certificate) == ENTERPRISE_NAME


def test_verify_masks_a_persons_name(issue_kind, client):
    certificate = issue_kind(ResultDocument.LICENCE)

    page = client.get(documents.verification_url(certificate).split("8000", 1)[1])
    answer = page.content.decode().split("verify-answer")[1].split("</section>")[0]
    assert "王**" in answer and "王小红" not in answer and CITIZEN_ID not in answer


def test_the_signed_decisions_text_conditions_and_validity_are_printed(decide):  # noqa: F811
    # The head-signed decision's fields (Case.decision_text … from the signature workflow, on
    # another branch) are read with getattr in documents.decision_fields: set on the instance.
    case = decide()
    certificate = do_issue_result(case).certificate
    case.refresh_from_db()
    case.decision_text = "同意你单位在核定场所从事预包装食品销售。"
    case.decision_conditions = "一、不得超出核定经营项目；二、每年报送自查报告。"
    case.decision_valid_until = certificate.issued_on + timedelta(days=400)

    _, until = documents.validity(case, CertificateKind.LICENCE, certificate.issued_on)
    assert until == case.decision_valid_until
    certificate.valid_until = until
    words = text(documents.render_pdf(certificate, case))
    assert "同意你单位在核定场所从事预包装食品销售。" in words
    assert "一、不得超出核定经营项目；二、每年报送自查报告。" in words
    assert f"{until.year}年{until.month}月{until.day}日" in words


def test_the_seal_centres_the_name_on_the_top_of_its_arc():
    angles = arc_angles(9)
    assert angles[4] == 0  # the middle character at the top
    assert angles[0] == -angles[-1] and angles[-1] - angles[0] < 250
    assert arc_angles(1) == [0.0]


def test_a_name_outside_gb2312_is_written_with_the_full_font(issue_kind):
    # 喆 is not in GB 2312 (the document font's subset): the system font draws the document.
    person = ApplicantInput(kind="citizen", name="李喆", id_number=CITIZEN_ID, phone="13800138000")
    certificate = issue_kind(ResultDocument.APPROVAL_DECISION, person=person)

    content = _pdf(certificate)
    assert "李喆" in text(content)
    assert verification.verify_pdf(content).result == "valid"
