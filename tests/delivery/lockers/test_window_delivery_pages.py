"""The window case page's delivery steps (issue, hand-over, locker deposit), the clerk's locker
page, and the delivery API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onewindow.cases.constants import CaseState
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.models import Compartment, Delivery, LockerDeposit, WindowPickup
from tests import scans
from tests.delivery.lockers.conftest import PROXY_ID, make_locker
from tests.factories import DepartmentFactory
from tests.openapi import ApiClient
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def html(response):
    return response.content.decode()


def test_a_decided_case_shows_the_issue_button_and_issuing_sends_the_code(at_window, decided):
    case = decided()
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert 'id="issue-card"' in page

    response = at_window.post(reverse("delivery:issue_result", args=[case.pk]))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert 'id="hand-over-card"' in page and 'name="pickup_code"' in page
    assert sent_code(case)


def test_the_hand_over_form_delivers_the_case(at_window, issued):
    case = issued()
    form = {
        "pickup_code": sent_code(case),
        "collector_kind": "proxy",
        "collector_name": "王芳",
        "collector_id_number": PROXY_ID,
        "authorisation_scan": SimpleUploadedFile("委托书.pdf", scans.pdf()),
    }

    response = at_window.post(reverse("delivery:hand_over", args=[case.pk]), form)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "王芳"
    assert WindowPickup.objects.get(delivery__case=case).authorisation_sha256
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert "已由 王芳 于" in page


def test_a_wrong_id_at_the_hand_over_form_shows_the_error_next_to_the_field(at_window, issued):
    case = issued()
    form = {
        "pickup_code": sent_code(case),
        "collector_kind": "applicant",
        "collector_name": "李明",
        "collector_id_number": PROXY_ID,
    }

    response = at_window.post(reverse("delivery:hand_over", args=[case.pk]), form)

    assert response.status_code == 422
    page = html(response)
    assert page.count("证件号码与申请人不一致") == 2  # the banner and the field
    assert f'value="{PROXY_ID}"' in page  # what was typed stays
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED


def test_a_proxy_without_a_letter_at_the_hand_over_form_is_refused(at_window, issued):
    case = issued()
    form = {
        "pickup_code": sent_code(case),
        "collector_kind": "proxy",
        "collector_name": "王芳",
        "collector_id_number": PROXY_ID,
    }

    response = at_window.post(reverse("delivery:hand_over", args=[case.pk]), form)

    assert response.status_code == 422
    assert "他人代领须提供申请人的授权委托书" in html(response)
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED


def test_the_case_page_resends_the_pickup_code(at_window, issued):
    case = issued()
    old = WindowPickup.objects.get(delivery__case=case)

    response = at_window.post(reverse("delivery:resend_code", args=[case.pk]))

    assert response.status_code == 302
    assert WindowPickup.objects.filter(delivery__case=case).count() == 2
    old.refresh_from_db()
    assert old.expires_at <= timezone.now()  # the old code is void
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert "已重新生成领取码并短信通知申请人" in page


def test_the_deposit_form_puts_the_result_in_the_locker(at_window, issued, locker):
    case = issued(DeliveryMethod.LOCKER)
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert 'id="deposit-card"' in page and "政务服务中心一楼取件柜（空闲 12 格）" in page

    response = at_window.post(
        reverse("delivery:deposit", args=[case.pk]), {"locker": locker.pk, "size": "M"}
    )

    assert response.status_code == 302
    deposit = LockerDeposit.objects.get(delivery__case=case)
    assert deposit.compartment.number == 7
    page = html(at_window.get(reverse("cases:case", args=[case.pk])))
    assert 'id="in-locker-card"' in page and "第 7 号格口" in page
    assert "已放入政务服务中心一楼取件柜第 7 号格口" in page


def test_the_deposit_form_shows_a_full_locker(at_window, issued, locker):
    Compartment.objects.filter(locker=locker).update(state=CompartmentState.OCCUPIED)
    case = issued(DeliveryMethod.LOCKER)

    response = at_window.post(reverse("delivery:deposit", args=[case.pk]), {"locker": locker.pk})

    assert response.status_code == 409
    assert "取件柜已满" in html(response)
    assert Delivery.objects.get(case=case).state == DeliveryState.READY


def test_the_deposit_form_offers_only_the_clerks_own_lockers(at_window, issued, locker):
    elsewhere = make_locker(DepartmentFactory(code="QT", kind="town"), code="town-1", sizes=["M"])
    case = issued(DeliveryMethod.LOCKER)

    response = at_window.post(reverse("delivery:deposit", args=[case.pk]), {"locker": elsewhere.pk})

    assert response.status_code == 422
    assert elsewhere.compartments.get().state == CompartmentState.FREE


def test_the_lockers_page_shows_free_and_occupied_compartments(at_window, issued, clerk, locker):
    from onewindow.delivery.actions import do_deposit_in_locker

    case = issued(DeliveryMethod.LOCKER)
    do_deposit_in_locker(case, locker=locker, compartment=5, acting_user=clerk)

    page = html(at_window.get(reverse("delivery:lockers")))

    assert "空闲 11 / 共 12 格" in page
    assert page.count("compartment compartment-occupied") == 1
    assert case.number in page


def test_the_lockers_page_is_for_clerks(client, reviewer_market):
    client.force_login(reviewer_market)
    assert client.get(reverse("delivery:lockers")).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def test_the_api_deposits_and_lists_the_lockers(client, issued, clerk, locker):
    api = ApiClient(client).as_user(clerk)
    case = issued(DeliveryMethod.LOCKER)

    response = api.post(
        f"/api/delivery/cases/{case.pk}/locker-deposit", {"locker": "hall-1", "size": "L"}
    )

    assert response.status_code == 201
    assert response.json()["compartment"] == 11 and response.json()["size"] == "L"
    listed = api.get("/api/delivery/lockers").json()
    assert listed[0]["code"] == "hall-1" and listed[0]["free"] == 11


def test_the_api_refuses_a_taken_compartment(client, issued, clerk, locker):
    api = ApiClient(client).as_user(clerk)
    Compartment.objects.filter(locker=locker, number=2).update(state=CompartmentState.OCCUPIED)
    case = issued(DeliveryMethod.LOCKER)

    response = api.post(
        f"/api/delivery/cases/{case.pk}/locker-deposit", {"locker": "hall-1", "compartment": 2}
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "compartment_taken",
        "message": "第 2 号格口已被占用，请选择其他格口",
    }
    assert not LockerDeposit.objects.exists()


def test_the_api_hands_over_at_the_window(client, issued, clerk):
    api = ApiClient(client).as_user(clerk)
    case = issued()

    wrong = api.post(
        f"/api/cases/{case.pk}/collect",
        {
            "pickup_code": "000000" if sent_code(case) != "000000" else "000001",
            "collector": {"id_number": case.applicant_id_number},
        },
    )
    ok = api.post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": sent_code(case), "collector": {"id_number": case.applicant_id_number}},
    )

    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_code"
    assert ok.status_code == 200 and ok.json()["state"]["value"] == "delivered"
