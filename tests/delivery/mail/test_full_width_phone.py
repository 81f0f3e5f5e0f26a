"""The recipient's phone of a mail address typed with a full-width input method (１３８…) is stored in
ASCII, from the API and the case page alike (core.identity), so that the courier's system dials it;
digits of other scripts are refused, nothing written."""

import pytest

from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Delivery, MailAddress
from tests.delivery.mail.conftest import ADDRESS
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

MOBILE_MESSAGE = "手机号码应为以 13–19 开头的 11 位数字"


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def test_the_api_stores_a_full_width_phone_and_postcode_in_ascii(api, accepted_case):
    address = {**ADDRESS, "phone": "１３８－００１３\u3000８０００", "postcode": "５１６２１１"}

    response = api.put(
        f"/api/cases/{accepted_case.pk}/delivery", {"method": "mail", "address": address}
    )

    assert response.status_code == 200, response.json()
    stored = MailAddress.objects.get()
    assert (stored.phone, stored.postcode) == ("13800138000", "516211")


def test_the_case_page_stores_a_full_width_phone_in_ascii(client, clerk, accepted_case):
    client.force_login(clerk)

    response = client.post(
        f"/window/cases/{accepted_case.pk}/delivery/",
        {"method": "mail", **ADDRESS, "phone": "１３９ ００１３ ９０００"},
    )

    assert response.status_code == 302
    assert MailAddress.objects.get().phone == "13900139000"


@pytest.mark.parametrize("phone", ["13٨00138000", "1³800138000", "１３８００１３８００²"])
def test_a_phone_with_other_digits_is_refused(api, accepted_case, phone):
    before = AuditEntry.objects.count()

    response = api.put(
        f"/api/cases/{accepted_case.pk}/delivery",
        {"method": "mail", "address": {**ADDRESS, "phone": phone}},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": MOBILE_MESSAGE,
        "detail": [{"type": "invalid", "loc": ["phone"], "msg": MOBILE_MESSAGE}],
    }
    assert not Delivery.objects.exists() and not MailAddress.objects.exists()
    assert AuditEntry.objects.count() == before
