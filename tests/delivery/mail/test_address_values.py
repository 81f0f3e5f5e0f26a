"""A mail address follows the same text rule as intake (core.text): the recipient's name may not
be invisible or hold control, bidi or format characters; the other lines no control or bidi
characters. Refused with the field named and nothing written."""

import pytest

from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Delivery, MailAddress
from tests.delivery.mail.conftest import ADDRESS
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "kind", "message"),
    [
        ("recipient_name", "\u200b", "no_visible_character", "收件人姓名没有可见的文字"),
        (
            "recipient_name",
            "李\u200d明",
            "invisible_character",
            "收件人姓名不能含有不可见字符（U+200D）",
        ),
        (
            "street",
            "开城大道\x1b[2J1 号",
            "control_character",
            "详细地址不能含有终端转义序列（U+001B）",
        ),
        ("street", "开城大道\n1 号", "control_character", "详细地址不能含有控制字符（U+000A）"),
        (
            "city",
            "惠州\u202e市",
            "bidi_control",
            "市（地区、州、盟）不能含有改变文字方向的控制字符（U+202E）",
        ),
    ],
)
def test_an_address_line_unfit_to_store_is_refused(
    client, clerk, accepted_case, field, value, kind, message
):
    api = ApiClient(client).as_user(clerk)
    before = AuditEntry.objects.count()

    response = api.put(
        f"/api/cases/{accepted_case.pk}/delivery",
        {"method": "mail", "address": {**ADDRESS, field: value}},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": message,
        "detail": [{"type": kind, "loc": [field], "msg": message}],
    }
    assert not Delivery.objects.exists() and not MailAddress.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_address_refusal_is_in_english_for_an_english_reader(client, clerk, accepted_case):
    api = ApiClient(client).as_user(clerk)

    response = api.put(
        f"/api/cases/{accepted_case.pk}/delivery",
        {"method": "mail", "address": {**ADDRESS, "recipient_name": "\u2800"}},
        **{"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["message"] == "The recipient's name has no visible characters"
