"""Issuing the result of a decided case: the certificate's number, content, signature and PDF."""

import hashlib
from datetime import date

import pytest
import time_machine
from django.db import connection
from django_tasks_db.models import DBTaskResult

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery import documents, signing
from onewindow.delivery.actions import do_issue_result
from onewindow.delivery.constants import CertificateKind, CertificateState, DeliveryState
from onewindow.delivery.models import Certificate
from onewindow.delivery.tasks import issue_result
from onewindow.notifications.constants import MessageChannel
from onewindow.notifications.models import OutboundMessage
from tests.delivery.pdfs import attachment, embedded_font_files, reader, text

pytestmark = pytest.mark.django_db


def _pdf(certificate):
    with certificate.pdf.open("rb") as file:
        return file.read()


def test_an_approval_issues_a_licence_and_the_case_is_issued(issue):
    with time_machine.travel("2026-12-02 09:30 +08:00", tick=False):
        certificate = issue()
    case = certificate.case
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert case.delivery.state == DeliveryState.READY
    assert certificate.kind == CertificateKind.LICENCE
    assert certificate.state == CertificateState.VALID
    assert certificate.number == "SCJGJ-2026-000001"
    assert certificate.holder_name == "王小红"
    assert certificate.holder_id_masked == "110105********002X"
    assert (certificate.item_code, certificate.item_name) == (
        "441303-SCJG-010",
        "食品经营许可（新办）",
    )
    assert certificate.department.code == "SCJGJ"
    # 5 years from the issue date, the last day included.
    assert certificate.issued_on == certificate.valid_from == date(2026, 12, 2)
    assert certificate.valid_until == date(2031, 12, 1)


def test_the_pdf_reads_back_with_the_holder_number_and_an_embedded_cjk_font(issue):
    certificate = issue()
    content = _pdf(certificate)
    # The validity end follows the issue date, which is the run's today: read it from the record.
    until = certificate.valid_until
    assert content.startswith(b"%PDF-")
    assert certificate.pdf_sha256 == hashlib.sha256(content).hexdigest()
    words = text(content)
    for expected in (
        "行政许可证",
        "王小红",
        certificate.number,
        "110105********002X",
        "食品经营许可（新办）",
        "惠州市惠阳区市场监督管理局",
        f"{until.year}年{until.month}月{until.day}日",
        documents.verification_code(certificate.signature),
    ):
        assert expected in words, expected
    # The QR code of the verification page, as an image.
    [qr] = reader(content).pages[0].images
    assert qr.image.size[0] == qr.image.size[1] >= 200
    fonts = embedded_font_files(content)
    assert fonts, "no embedded font program"
    assert any("CJK" in name for name, _key in fonts), fonts


def test_the_attached_payload_verifies_offline_with_the_published_key(client, issue):
    certificate = issue()
    embedded = attachment(_pdf(certificate))
    assert embedded["payload"] == certificate.payload
    assert embedded["key_id"] == certificate.key_id == signing.current_key_id()
    assert embedded["algorithm"] == "Ed25519"
    pem = client.get("/verify/public-key.pem").content.decode()
    assert signing.check_signature(embedded["payload"], embedded["signature"], pem)


def test_the_payload_is_canonical_json_of_what_the_document_says(issue):
    certificate = issue()
    payload = certificate.payload
    # Sorted keys, no whitespace, UTF-8 rather than \u escapes.
    assert payload == signing.canonical(__import__("json").loads(payload)).decode()
    assert " " not in payload.replace("（新办）", "") and "\\u" not in payload
    data = __import__("json").loads(payload)
    assert data["number"] == certificate.number
    assert data["holder_name"] == "王小红"
    assert data["valid_until"] == certificate.valid_until.isoformat()
    assert data["case_number"] == certificate.case.number


def test_a_refusal_issues_a_refusal_decision_with_reasons_and_remedies(issue):
    certificate = issue(approve=False, opinion="经营场所与食品安全要求不符")
    assert certificate.kind == CertificateKind.REFUSAL
    assert certificate.valid_until is None
    words = text(_pdf(certificate))
    assert "不予行政许可决定书" in words
    assert "经营场所与食品安全要求不符" in words
    assert "第三十八条" in words
    assert "60日内" in words and "惠阳区人民政府申请行政复议" in words
    assert "6个月内" in words and "行政诉讼" in words


def test_an_item_without_validity_years_issues_a_long_term_certificate(issue, licence_item):
    licence_item.result_validity_years = 0
    licence_item.save(update_fields=["result_validity_years"])
    certificate = issue()
    assert certificate.valid_until is None
    assert "长期有效" in text(_pdf(certificate))


def test_issuing_tells_the_applicant_the_decision_once(issue):
    certificate = issue()
    messages = OutboundMessage.objects.filter(
        case=certificate.case, template="decided", channel=MessageChannel.SMS
    )
    assert messages.count() == 1
    message = messages.get()
    assert message.event_key == f"decided:{certificate.case.pk}"
    assert certificate.number in message.body and "准予许可" in message.body


def test_issuing_is_audited(issue):
    certificate = issue()
    entry = AuditEntry.objects.get(action="issue_certificate", object_id=str(certificate.pk))
    assert entry.object_type == "delivery.certificate"
    assert entry.details["pdf_sha256"] == certificate.pdf_sha256
    case_entry = AuditEntry.objects.get(action="issue_result", object_id=str(certificate.case.pk))
    assert case_entry.details["certificate"] == certificate.number


def test_a_case_cannot_be_issued_twice(issue):
    certificate = issue()
    with pytest.raises(CaseActionError) as error:
        do_issue_result(certificate.case)
    assert error.value.status == 409 and error.value.code == "wrong_state"
    assert Certificate.objects.filter(case=certificate.case).count() == 1


def test_the_decision_writes_one_issue_task_in_its_own_transaction(
    decide, settings, database_tasks, django_capture_on_commit_callbacks
):
    # Not on commit: a process dying between the decision's commit and an on-commit enqueue
    # would leave the case decided with no task to issue it.
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True
    with django_capture_on_commit_callbacks(execute=False):
        case = decide()
    queued = DBTaskResult.objects.filter(task_path="onewindow.delivery.tasks.issue_result")
    assert [row.args_kwargs["args"] for row in queued] == [[case.pk]]
    assert not Certificate.objects.exists()  # the database backend runs it in a worker


def test_the_issue_task_issues_once_and_then_skips(decide):
    case = decide()
    assert issue_result.call(case.pk) == "issued"
    assert issue_result.call(case.pk) == "skipped"
    assert Certificate.objects.filter(case=case).count() == 1


def test_the_certificate_lookup_uses_the_unique_index_on_number(issue):
    certificate = issue()
    with connection.cursor() as cursor:
        sql, params = Certificate.objects.filter(number=certificate.number).query.sql_with_params()
        explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "number" in plan and ("Index" in plan or "INDEX" in plan), plan


def test_an_issued_result_is_collected_at_the_window(issue, clerk):
    from tests.pickup import collect

    certificate = issue()
    case = collect(certificate.case, clerk)
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    entry = AuditEntry.objects.get(action="hand_over_at_window", object_id=str(case.pk))
    assert (entry.from_state, entry.to_state) == ("issued", "delivered")


def test_an_on_the_spot_decision_enqueues_the_issue_task(
    licence_item, clerk, applicant, settings, database_tasks, django_capture_on_commit_callbacks
):
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True
    from onewindow.cases.actions import do_accept_case, do_receive_intake
    from tests.cases.conftest import all_received

    licence_item.is_on_the_spot = True
    licence_item.promised_limit_days = 0
    licence_item.save(update_fields=["is_on_the_spot", "promised_limit_days"])
    case = do_receive_intake(
        item=licence_item,
        applicant=applicant,
        materials=all_received(licence_item),
        acting_user=clerk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = do_accept_case(case, acting_user=clerk)
    assert case.state == CaseState.DECIDED
    queued = DBTaskResult.objects.filter(task_path="onewindow.delivery.tasks.issue_result")
    assert [row.args_kwargs["args"] for row in queued] == [[case.pk]]
    assert issue_result.call(case.pk) == "issued"
