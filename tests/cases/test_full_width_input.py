"""A clerk's Chinese input method types full-width digits and letters (１３８…, …Ｘ): intake stores
the ASCII form, from the API and the window page alike, and the public progress query takes a
full-width secret. Digits of other scripts and superscripts are still refused, nothing written."""

import pytest
from django.core.cache import cache

from onewindow.cases.models import Case
from onewindow.core.models import AuditEntry
from tests.cases.conftest import CITIZEN_ID, ENTERPRISE_CODE, intake_payload
from tests.cases.test_window_pages import intake_data
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

PROXY_ID = "440103199003078274"
PHONE_MESSAGE = "电话号码格式错误"


def full_width(text):
    """`text` as a full-width input method types it (ASCII 0x21–0x7E → U+FF01–FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The progress query counts in the default cache, which outlives a test's rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def stored(case):
    return (
        case.applicant_id_number,
        case.applicant_phone,
        case.proxy_id_number,
        case.proxy_phone,
    )


def test_the_api_stores_full_width_numbers_in_ascii(api, joint_item):
    body = intake_payload(
        joint_item,
        id_number=full_width(CITIZEN_ID.lower()),
        phone="１３８ ００１３ ８０００",
    )
    body["proxy"] = {
        "name": "王芳",
        "id_number": full_width(PROXY_ID),
        "phone": "１３９－００１３－９０００",
    }

    response = api.post("/api/cases/intakes", body)

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert stored(case) == (CITIZEN_ID, "13800138000", PROXY_ID, "13900139000")
    assert response.json()["applicant"]["phone"] == "13800138000"


def test_the_api_stores_a_full_width_credit_code_in_ascii(api, joint_item):
    body = intake_payload(
        joint_item,
        kind="enterprise",
        name="惠州市惠阳区示例餐饮有限公司",
        id_number=full_width(ENTERPRISE_CODE.lower()),
        legal_representative="王强",
        phone="０７５２－３３３４４５５",
    )

    response = api.post("/api/cases/intakes", body)

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.applicant_id_number, case.applicant_phone) == (ENTERPRISE_CODE, "0752-3334455")


@pytest.mark.parametrize(
    ("field", "phone"),
    [("applicant", "13٨00138000"), ("applicant", "1³800138000"), ("proxy", "١٣٩٠٠١٣٩٠٠٠")],
)
def test_a_phone_with_other_scripts_digits_is_refused(api, joint_item, field, phone):
    body = intake_payload(joint_item)
    if field == "proxy":
        body["proxy"] = {"name": "王芳", "id_number": PROXY_ID, "phone": phone}
    else:
        body["applicant"]["phone"] = phone

    response = api.post("/api/cases/intakes", body)

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": PHONE_MESSAGE,
        "detail": [{"type": "invalid", "loc": [f"{field}.phone"], "msg": PHONE_MESSAGE}],
    }
    assert not Case.objects.exists() and not AuditEntry.objects.exists()


def test_an_id_number_with_a_superscript_digit_is_still_refused(api, joint_item):
    message = "居民身份证号码格式错误"

    response = api.post(
        "/api/cases/intakes",
        intake_payload(joint_item, id_number=full_width(CITIZEN_ID[:16]) + "²Ｘ"),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["message"] == message
    assert response.json()["detail"][0]["loc"] == ["applicant.id_number"]
    assert not Case.objects.exists() and not AuditEntry.objects.exists()


def test_the_window_page_stores_full_width_numbers_in_ascii(client, clerk, joint_item):
    client.force_login(clerk)
    data = intake_data(
        joint_item,
        applicant_id_number=full_width(CITIZEN_ID),
        applicant_phone="１３８００１３８０００",
        proxy_name="王芳",
        proxy_id_number=full_width(PROXY_ID),
        proxy_phone="１３９ ００１３ ９０００",
    )

    response = client.post("/window/", data)

    assert response.status_code == 302
    assert stored(Case.objects.get()) == (CITIZEN_ID, "13800138000", PROXY_ID, "13900139000")


def test_the_window_page_refuses_an_arabic_indic_phone(client, clerk, joint_item):
    client.force_login(clerk)

    response = client.post("/window/", intake_data(joint_item, applicant_phone="١٣٨٠٠١٣٨٠٠٠"))

    assert response.status_code == 422
    assert "电话号码格式错误" in response.content.decode()
    assert not Case.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("secret", ["００２Ｘ", "００２ｘ", "８０００"])
def test_the_progress_api_takes_a_full_width_secret(client, accepted_case, secret):
    api = ApiClient(client).as_user(None)

    response = api.get("/api/cases/progress", {"number": accepted_case.number, "secret": secret})

    assert response.status_code == 200
    assert response.json()["number"] == accepted_case.number


def test_the_progress_page_takes_a_full_width_number_and_secret(client, accepted_case):
    response = client.post(
        "/progress/", {"number": full_width(accepted_case.number), "secret": "００２ｘ"}
    )

    assert accepted_case.number in response.content.decode()
    assert "办理过程" in response.content.decode()


def test_a_superscript_secret_does_not_match(client, accepted_case):
    api = ApiClient(client).as_user(None)

    # ⁸⁰⁰⁰ would be the phone's last four under NFKC: it is not the same characters.
    response = api.get("/api/cases/progress", {"number": accepted_case.number, "secret": "⁸⁰⁰⁰"})

    assert response.status_code == 404
