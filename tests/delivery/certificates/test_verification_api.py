"""The public verification API: every answer, checked against the OpenAPI schema."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.delivery import documents
from onewindow.delivery.actions import do_revoke_certificate, do_supersede_certificate
from onewindow.delivery.models import Certificate
from tests.delivery.pdfs import attachment, with_attachment
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

NOT_FOUND = {
    "result": "not_found",
    "message": "未查到该证照",
    **dict.fromkeys(
        [
            "number",
            "kind",
            "holder_name",
            "holder_id",
            "item_name",
            "department",
            "issued_on",
            "valid_from",
            "valid_until",
            "on",
            "superseded_by",
        ]
    ),
}


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()


def _verify(api, number, holder_name="", code=""):
    return api.post(
        "/api/certificates/verify", {"number": number, "holder_name": holder_name, "code": code}
    )


def _pdf(certificate):
    with certificate.pdf.open("rb") as file:
        return file.read()


def _upload(api, content, name="licence.pdf"):
    return api.upload(
        "/api/certificates/verify-pdf",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_a_genuine_certificate_answers_valid(api, issue):
    certificate = issue()
    response = _verify(api, certificate.number, "王小红")
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "valid" and body["message"] == "真实有效"
    assert body["number"] == certificate.number
    assert body["kind"] == {"value": "licence", "label": "行政许可证"}
    assert body["holder_name"] == "王**" and body["holder_id"] == "110105********002X"
    assert body["item_name"] == "食品经营许可（新办）"
    assert body["department"] == "惠州市惠阳区市场监督管理局"
    assert body["valid_until"] == certificate.valid_until.isoformat()
    assert body["on"] is None


def test_the_number_is_found_whatever_the_case_and_spaces(api, issue):
    certificate = issue()
    body = _verify(api, " " + certificate.number.lower() + " ", " 王 小红　").json()
    assert body["result"] == "valid"


def test_the_qr_code_verification_code_works_instead_of_the_name(api, issue):
    certificate = issue()
    code = documents.verification_code(certificate.signature)
    assert _verify(api, certificate.number, code=code.lower()).json()["result"] == "valid"


def test_an_unknown_number_a_wrong_name_and_a_wrong_code_answer_alike(api, issue):
    certificate = issue()
    unknown = _verify(api, "SCJGJ-2026-999999", "王小红")
    wrong_name = _verify(api, certificate.number, "王小明")
    wrong_code = _verify(api, certificate.number, code="0000000000000000")
    no_name = _verify(api, certificate.number)
    for response in (unknown, wrong_name, wrong_code, no_name):
        assert response.status_code == 200
        assert response.json() == NOT_FOUND
    assert unknown.content == wrong_name.content == wrong_code.content


def test_a_revoked_certificate_answers_revoked_with_the_date(api, issue, head_market):
    certificate = issue()
    with time_machine.travel("2027-03-15 10:00 +08:00", tick=False):
        do_revoke_certificate(certificate, reason="以欺骗手段取得许可", acting_user=head_market)
    body = _verify(api, certificate.number, "王小红").json()
    assert body["result"] == "revoked" and body["message"] == "已撤销"
    assert body["on"] == "2027-03-15"


def test_a_superseded_certificate_names_its_replacement(api, issue, head_market):
    certificate = issue()
    replacement = do_supersede_certificate(certificate, reason="换发", acting_user=head_market)
    body = _verify(api, certificate.number, "王小红").json()
    assert body["result"] == "superseded"
    assert body["superseded_by"] == replacement.number
    assert body["on"] == timezone.localdate().isoformat()
    assert _verify(api, replacement.number, "王小红").json()["result"] == "valid"


def test_an_expired_certificate_answers_expired_with_its_last_day(api, issue):
    certificate = issue()
    last_day = certificate.valid_until
    day_after = timezone.make_aware(
        timezone.datetime.combine(last_day + timedelta(days=1), timezone.datetime.min.time())
    ) + timedelta(hours=10)
    with time_machine.travel(day_after - timedelta(days=1), tick=False):
        assert _verify(api, certificate.number, "王小红").json()["result"] == "valid"
    with time_machine.travel(day_after, tick=False):
        body = _verify(api, certificate.number, "王小红").json()
    assert body["result"] == "expired" and body["on"] == last_day.isoformat()


def test_bad_input_is_a_422_with_the_field(api):
    response = api.post("/api/certificates/verify", {"holder_name": "王小红"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "number"]
    too_long = api.post("/api/certificates/verify", {"number": "X" * 49, "holder_name": "王"})
    assert too_long.status_code == 422


# --- by PDF -----------------------------------------------------------------------------------


def test_the_issued_pdf_is_genuine(api, issue):
    certificate = issue()
    body = _upload(api, _pdf(certificate)).json()
    assert body["result"] == "valid" and body["number"] == certificate.number


def test_the_issued_pdf_of_a_revoked_certificate_says_revoked(api, issue, head_market):
    certificate = issue()
    do_revoke_certificate(certificate, reason="撤销", acting_user=head_market)
    assert _upload(api, _pdf(certificate)).json()["result"] == "revoked"


def test_a_pdf_rerendered_with_another_holder_name_is_not_genuine(api, issue):
    certificate = issue()
    forged = Certificate.objects.get(pk=certificate.pk)
    forged.holder_name = "赵大力"
    # The same signed attachment, a document that says something else.
    content = documents.render_pdf(forged, forged.case)
    assert attachment(content)["payload"] == certificate.payload
    body = _upload(api, content).json()
    assert body == {
        **NOT_FOUND,
        "result": "not_genuine",
        "message": "不是本平台签发的原件或内容被篡改",
    }


def test_a_pdf_with_an_edited_attachment_is_not_genuine(api, issue):
    certificate = issue()
    data = attachment(_pdf(certificate))
    payload = json.loads(data["payload"])
    payload["holder_name"] = "赵大力"
    data["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert _upload(api, with_attachment(_pdf(certificate), data)).json()["result"] == "not_genuine"


def test_a_pdf_with_the_genuine_attachment_copied_in_is_not_genuine(api, issue):
    certificate = issue()
    other = issue()
    # Another case's PDF carrying this certificate's untouched, validly signed attachment.
    content = with_attachment(_pdf(other), attachment(_pdf(certificate)))
    assert _upload(api, content).json()["result"] == "not_genuine"


def test_a_one_byte_change_to_the_file_is_not_genuine(api, issue):
    certificate = issue()
    content = _pdf(certificate) + b"\n%"
    assert _upload(api, content).json()["result"] == "not_genuine"


def test_a_pdf_without_attachment_is_not_genuine(api):
    from weasyprint import HTML

    content = HTML(string="<p>行政许可证 SCJGJ-2026-000001</p>").write_pdf()
    assert _upload(api, content).json()["result"] == "not_genuine"


def test_a_file_that_is_not_a_pdf_is_refused_with_415(api):
    for content in (b"\x89PNG\r\n\x1a\n fake", b"%PDF-1.7 but then garbage"):
        response = _upload(api, content)
        assert response.status_code == 415
        assert response.json()["code"] == "not_a_pdf"
        assert "不是可读取的 PDF" in response.json()["message"]


def test_an_oversized_upload_is_refused_with_413(api, settings):
    settings.ONEWINDOW_VERIFY_MAX_PDF_BYTES = 1024
    response = _upload(api, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert "1 KB" in response.json()["message"]


def test_a_missing_file_is_a_422(api):
    response = api.upload("/api/certificates/verify-pdf", {})
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_verifications_are_rate_limited_per_client(api, issue, settings, still_clock):
    from onewindow.delivery.api import certificates as certificate_api

    certificate = issue()
    limit = certificate_api.RATE_LIMIT
    for _ in range(limit):
        assert _verify(api, certificate.number, "王小红").status_code == 200
    response = _verify(api, certificate.number, "王小红")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    # The PDF upload counts on the same counter.
    assert _upload(api, _pdf(certificate)).status_code == 429
