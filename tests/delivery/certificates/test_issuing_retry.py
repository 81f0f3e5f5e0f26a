"""Issuing in three steps (delivery/actions/issuing.py): the number is claimed in a short
transaction, the PDF rendered outside any, the file attached in a second short transaction. A
worker that dies between the steps loses nothing: the retried task keeps the number."""

import pytest
from django.db import transaction

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.delivery import documents, signing, verification
from onewindow.delivery.actions import certificates as certificate_actions
from onewindow.delivery.actions import do_issue_result
from onewindow.delivery.actions.issuing import _claim
from onewindow.delivery.constants import DeliveryState, VerificationResult
from onewindow.delivery.models import Certificate, Delivery
from onewindow.delivery.tasks import issue_result
from tests.delivery.pdfs import attachment


def _crash_after_claiming(case):
    """What a worker that died after step 1 leaves: the committed row with its number and
    signature, no file, the case still DECIDED."""
    with transaction.atomic():
        _, certificate = _claim(case)
    return certificate


def test_the_retry_after_a_crash_between_the_steps_keeps_the_number(decide):
    case = decide()
    claimed = _crash_after_claiming(case)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert not claimed.pdf and claimed.number.endswith("-000001")
    # Meanwhile verification does not know a certificate nobody holds yet.
    answer = verification.verify_number(
        claimed.number, code=documents.verification_code(claimed.signature)
    )
    assert answer.result == VerificationResult.NOT_FOUND

    assert issue_result.call(case.pk) == "issued"  # the worker's retry of the task

    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    [certificate] = Certificate.objects.filter(case=case)
    assert (certificate.pk, certificate.number) == (claimed.pk, claimed.number)
    assert certificate.pdf and certificate.pdf_sha256
    with certificate.pdf.open("rb") as file:
        content = file.read()
    assert verification.verify_pdf(content).result == VerificationResult.VALID
    assert attachment(content)["payload"] == claimed.payload
    pem = signing.public_pem(signing.public_key())
    assert signing.check_signature(certificate.payload, certificate.signature, pem)
    # The counter did not move for the retry: the next certificate takes the next number.
    other = do_issue_result(decide()).certificate
    assert other.number.endswith("-000002")


def test_a_crash_while_rendering_leaves_the_case_decided_and_the_retry_issues(decide, monkeypatch):
    case = decide()

    def power_cut(certificate, case):
        raise OSError("the worker's machine went down")

    with monkeypatch.context() as patched:
        patched.setattr(certificate_actions.documents, "render_pdf", power_cut)
        with pytest.raises(OSError):
            do_issue_result(case)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert not Delivery.objects.filter(case=case, state=DeliveryState.READY).exists()
    [pending] = Certificate.objects.filter(case=case)
    assert not pending.pdf

    issued = do_issue_result(case)

    assert issued.state == CaseState.ISSUED
    assert issued.certificate.pk == pending.pk and issued.certificate.pdf


def test_issuing_an_issued_case_again_is_refused_and_adds_nothing(decide):
    case = decide()
    first = do_issue_result(case).certificate

    with pytest.raises(CaseActionError) as refused:
        do_issue_result(case)

    assert refused.value.code == "wrong_state"
    assert list(Certificate.objects.filter(case=case)) == [first]
