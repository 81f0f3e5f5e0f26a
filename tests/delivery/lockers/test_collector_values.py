"""The collector's name and authorisation reference at the window hand-over follow the same
text rule as intake (core.text); a proxy born after today is refused. Nothing is written."""

import pytest
import time_machine
from django.urls import reverse
from stdnum.cn import ric

from onewindow.cases.constants import CaseState
from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Visit, WindowPickup
from tests.delivery.lockers.conftest import PROXY_ID
from tests.openapi import ApiClient
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db


def nothing_written(case):
    """What a hand-over writes, as a comparable snapshot."""
    return (
        AuditEntry.objects.count(),
        Visit.objects.count(),
        list(WindowPickup.objects.filter(delivery__case=case).values_list("collected_at")),
    )


def collect(client, clerk, case, collector, **headers):
    api = ApiClient(client).as_user(clerk)
    return api.post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": sent_code(case), "collector": collector},
        **headers,
    )


@pytest.mark.parametrize(
    ("collector", "loc", "kind", "message"),
    [
        (
            {"kind": "proxy", "name": "\u200b\u200b", "id_number": PROXY_ID},
            "collector.name",
            "no_visible_character",
            "领取人姓名没有可见的文字",
        ),
        (
            {"kind": "applicant", "name": "李明\x1b[8m", "id_number": "11010519491231002X"},
            "collector.name",
            "control_character",
            "领取人姓名不能含有终端转义序列（U+001B）",
        ),
        (
            {
                "kind": "proxy",
                "name": "王芳",
                "id_number": PROXY_ID,
                "authorisation_reference": "WT-1\u202e2",
            },
            "collector.authorisation_reference",
            "bidi_control",
            "授权委托书编号不能含有改变文字方向的控制字符（U+202E）",
        ),
    ],
)
def test_a_collector_text_unfit_to_store_is_refused(
    client, clerk, issued, collector, loc, kind, message
):
    case = issued()
    before = nothing_written(case)

    response = collect(client, clerk, case, collector)

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": message,
        "detail": [{"type": kind, "loc": [loc], "msg": message}],
    }
    assert nothing_written(case) == before
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED


def test_a_proxy_collector_born_after_today_is_refused(client, clerk, issued):
    case = issued()
    before = nothing_written(case)
    with time_machine.travel("2026-12-31 23:30 +0800", tick=False):
        body = "4413032027010100"  # born on New Year's Day, tomorrow
        unborn = body + "1" + ric.calc_check_digit(body + "10")

        response = collect(
            client,
            clerk,
            case,
            {"kind": "proxy", "name": "王芳", "id_number": unborn, "authorisation_reference": "1"},
            **{"Accept-Language": "en"},
        )

    assert response.status_code == 422
    message = "The ID card number's birth date is in the future"
    assert response.json() == {
        "code": "invalid_input",
        "message": message,
        "detail": [
            {"type": "birth_date_in_future", "loc": ["collector.id_number"], "msg": message}
        ],
    }
    assert nothing_written(case) == before


def test_the_hand_over_form_shows_the_name_refusal_next_to_the_field(client, clerk, issued):
    case = issued()
    client.force_login(clerk)
    before = nothing_written(case)

    response = client.post(
        reverse("delivery:hand_over", args=[case.pk]),
        {
            "pickup_code": sent_code(case),
            "collector_kind": "proxy",
            "collector_name": "王\u2067芳",
            "collector_id_number": PROXY_ID,
            "authorisation_reference": "WT-1",
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    error = "领取人姓名不能含有改变文字方向的控制字符（U+2067）"
    assert page.rindex(error) > page.index('name="collector_name"')
    assert nothing_written(case) == before
