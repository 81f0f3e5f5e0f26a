"""The delivery choice on the window's case page, and the tracking of a mailed result on the
case page and the public progress page."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.mail import (
    _record_shipment,
    do_record_tracking_event,
    tracking_input,
)
from onewindow.delivery.models import Delivery, MailAddress, TrackingEvent
from tests.cases.conftest import CITIZEN_ID
from tests.delivery.mail.conftest import ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("courier_clock")]


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def case_page(case):
    return f"/window/cases/{case.pk}/"


def choose_page(case):
    return f"/window/cases/{case.pk}/delivery/"


def test_the_case_page_offers_the_methods_the_item_allows(
    at_window, accept, window_only_item, accepted_case
):
    page = at_window.get(case_page(accepted_case)).content.decode()

    assert f'action="/window/cases/{accepted_case.pk}/delivery/"' in page
    for label in ("窗口领取", "自助取件柜", "邮政寄递（EMS）"):
        assert label in page
    assert 'name="district"' in page
    # The applicant is the recipient unless the clerk changes it.
    assert 'value="13800138000"' in page

    other = at_window.get(case_page(accept(window_only_item))).content.decode()
    assert "邮政寄递（EMS）" not in other and 'name="district"' not in other


def test_choosing_mail_on_the_case_page(at_window, accepted_case):
    response = at_window.post(choose_page(accepted_case), {"method": "mail", **ADDRESS})

    assert response.status_code == 302 and response["Location"] == case_page(accepted_case)
    page = at_window.get(case_page(accepted_case)).content.decode()
    assert "已登记送达方式。" in page
    assert "广东省惠州市惠阳区淡水街道开城大道中 1 号" in page
    assert Delivery.objects.get().method == "mail"


def test_a_missing_district_is_shown_next_to_its_field(at_window, accepted_case):
    response = at_window.post(
        choose_page(accepted_case), {"method": "mail", **ADDRESS, "district": ""}
    )

    assert response.status_code == 422
    page = response.content.decode()
    message = "须填写区（县）"
    assert message in page
    field = page.split('id="delivery-district"')[1].split("</div>")[0]
    assert message in field
    # What was typed stays in the form.
    assert 'value="淡水街道开城大道中 1 号"' in page
    assert not Delivery.objects.exists() and not MailAddress.objects.exists()


def test_a_method_the_item_does_not_allow_is_refused_on_the_page(
    at_window, accept, window_only_item
):
    case = accept(window_only_item)

    response = at_window.post(choose_page(case), {"method": "mail", **ADDRESS})

    assert response.status_code == 422
    assert "该事项不支持此送达方式" in response.content.decode()
    assert not Delivery.objects.exists()


@pytest.fixture
def mailed_case(accepted_case, clerk, decide):
    do_choose_delivery(accepted_case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(accepted_case)
    do_issue_result(case, acting_user=clerk)
    _record_shipment(Delivery.objects.get().pk, "EMS4440000001CN", courier_code="ems")
    do_record_tracking_event(
        tracking_input(
            {
                "event_id": "1",
                "tracking_number": "EMS4440000001CN",
                "code": "in_transit",
                "description": "运输中，已到达处理中心",
                "location": "广州邮件处理中心",
                "occurred_at": "2026-12-01T10:00:00+08:00",
            }
        )
    )
    return case


def test_the_case_page_shows_the_tracking_and_closes_the_choice(at_window, mailed_case):
    page = at_window.get(case_page(mailed_case)).content.decode()

    assert "EMS4440000001CN" in page and "广州邮件处理中心" in page and "运输中" in page
    assert "2026-12-01 10:00" in page
    assert f'action="/window/cases/{mailed_case.pk}/delivery/"' not in page


def test_the_public_progress_page_shows_the_tracking_but_not_the_address(client, mailed_case):
    cache.clear()
    response = client.post("/progress/", {"number": mailed_case.number, "secret": CITIZEN_ID[-4:]})

    page = response.content.decode()
    assert "邮寄进度" in page and "EMS4440000001CN" in page and "广州邮件处理中心" in page
    assert "结果已寄出" in page  # the step in the public timeline
    now = page.split("当前环节")[1].split("</dd>")[0]
    assert "结果已寄出" in now and "待领取" not in now
    assert "淡水街道" not in page and "516211" not in page and "13800138000" not in page
    cache.clear()


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "9999-12-31 23:00"),
        (datetime(1, 1, 1, 0, 0, tzinfo=UTC), "0001-01-01 "),
    ],
)
def test_pages_render_a_stored_event_time_at_the_edge_of_the_calendar(
    at_window, client, mailed_case, stored, shown
):
    # Stored before the webhook refused such times: in Shanghai 9999-12-31 23:00 UTC is past the
    # calendar's end, which used to break the case page for every clerk (OverflowError).
    TrackingEvent.objects.update(occurred_at=stored)

    page = at_window.get(case_page(mailed_case))

    assert page.status_code == 200 and shown in page.content.decode()
    cache.clear()
    progress = client.post("/progress/", {"number": mailed_case.number, "secret": CITIZEN_ID[-4:]})
    assert progress.status_code == 200 and shown in progress.content.decode()
