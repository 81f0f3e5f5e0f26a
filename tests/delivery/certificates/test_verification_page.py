"""The public verification page (/verify/): no sign-in, by number and name, QR code, or PDF."""

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.delivery import documents
from onewindow.delivery.actions import do_revoke_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _pdf(certificate):
    with certificate.pdf.open("rb") as file:
        return file.read()


def test_the_form_needs_no_sign_in(client):
    page = client.get("/verify/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "证书真伪查询" in html and "上传 PDF 核验" in html
    assert "/verify/public-key.pem" in html


def test_number_and_name_say_genuine(client, issue):
    certificate = issue()
    page = client.post("/verify/", {"number": certificate.number, "holder_name": "王小红"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-result="valid"' in html and "真实有效" in html
    assert certificate.number in html and "食品经营许可（新办）" in html
    assert "王**" in html and "王小红" not in html.split("verify-answer")[1].split("</section>")[0]


def test_the_qr_code_link_answers_at_once(client, issue):
    certificate = issue()
    url = documents.verification_url(certificate)
    assert url.startswith("http://127.0.0.1:8000/verify/?number=")
    page = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert 'data-result="valid"' in page.content.decode()


def test_a_wrong_name_answers_like_an_unknown_number(client, issue):
    certificate = issue()
    wrong = client.post("/verify/", {"number": certificate.number, "holder_name": "李四"})
    unknown = client.post("/verify/", {"number": "SCJGJ-2026-999999", "holder_name": "李四"})
    for page in (wrong, unknown):
        html = page.content.decode()
        assert page.status_code == 200 and 'data-result="not_found"' in html
        assert "未查到该证照" in html and "食品经营许可" not in html


def test_a_revoked_certificate_says_revoked_with_the_date(client, issue, head_market):
    certificate = issue()
    with time_machine.travel("2027-03-15 10:00 +08:00", tick=False):
        do_revoke_certificate(certificate, reason="撤销", acting_user=head_market)
    html = client.post(
        "/verify/", {"number": certificate.number, "holder_name": "王小红"}
    ).content.decode()
    assert 'data-result="revoked"' in html and "已撤销（2027-03-15）" in html


def test_uploading_the_pdf_says_genuine_and_an_altered_one_not(client, issue):
    certificate = issue()
    genuine = client.post(
        "/verify/", {"mode": "pdf", "file": SimpleUploadedFile("a.pdf", _pdf(certificate))}
    )
    assert 'data-result="valid"' in genuine.content.decode()
    assert "文件与签发原件完全一致" in genuine.content.decode()
    altered = client.post(
        "/verify/",
        {"mode": "pdf", "file": SimpleUploadedFile("a.pdf", _pdf(certificate) + b"%")},
    )
    html = altered.content.decode()
    assert 'data-result="not_genuine"' in html and "不是本平台签发的原件，或内容被篡改" in html


def test_uploading_something_else_says_why(client):
    page = client.post("/verify/", {"mode": "pdf", "file": SimpleUploadedFile("a.pdf", b"GIF89a")})
    assert page.status_code == 415 and "不是可读取的 PDF" in page.content.decode()
    empty = client.post("/verify/", {"mode": "pdf"})
    assert empty.status_code == 422 and "请选择要核验的 PDF 文件" in empty.content.decode()


def test_an_empty_form_is_a_422(client):
    page = client.post("/verify/", {"number": "", "holder_name": ""})
    assert page.status_code == 422


def test_the_page_is_rate_limited_with_the_api(client, issue, settings, still_clock):
    from onewindow.delivery.api.certificates import RATE_LIMIT

    certificate = issue()
    for _ in range(RATE_LIMIT):
        client.post(
            "/api/certificates/verify",
            {"number": "X", "holder_name": "Y"},
            content_type="application/json",
        )
    page = client.post("/verify/", {"number": certificate.number, "holder_name": "王小红"})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()
    assert page["Retry-After"]
