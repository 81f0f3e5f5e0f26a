"""Service points: a clerk fills the lockers of their own point and hands over the results waiting
there; a result moves to another point only by an explicit, audited transfer (issue 9, §4). The
village clerk of the demo (霞角村) once filled the hall's locker and handed over a hall result:
each of those is refused here, precisely, with nothing written."""

import pytest
from django.urls import reverse

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import (
    Collector,
    do_deposit_in_locker,
    do_hand_over_at_window,
    do_resend_pickup_code,
    do_transfer_result,
)
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.models import Compartment, LockerDeposit, Visit, WindowPickup
from onewindow.notifications.models import OutboundMessage
from tests.delivery.lockers.conftest import make_locker
from tests.factories import DepartmentFactory, UserFactory
from tests.openapi import ApiClient
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
HALL_RESULT = (
    "该结果在惠阳区政务服务中心待领取，只能由惠阳区政务服务中心的窗口人员办理；"
    "要在其他服务点领取，请由惠阳区政务服务中心办理转移。"
)


@pytest.fixture
def village(db):
    return DepartmentFactory(code="LJZ-XJC", name="霞角村党群服务中心", kind="village")


@pytest.fixture
def clerk_village(village):
    return UserFactory(username="clerk_village", full_name="叶青", role="clerk", department=village)


def snapshot(case):
    """Everything the refused steps could have changed."""
    case.refresh_from_db()
    return {
        "case": (case.state, case.collected_at, case.collected_by),
        "delivery": (case.delivery.state, case.delivery.delivered_at),
        "pickups": list(
            WindowPickup.objects.filter(delivery__case=case)
            .order_by("pk")
            .values_list("pk", "service_point_id", "expires_at", "collected_at")
        ),
        "deposits": LockerDeposit.objects.count(),
        "compartments": list(Compartment.objects.order_by("pk").values_list("pk", "state")),
        "messages": OutboundMessage.objects.filter(case=case).count(),
        "visits": Visit.objects.filter(case=case).count(),
        "audit": AuditEntry.objects.count(),
    }


def refusal(run):
    with pytest.raises(CaseActionError) as caught:
        run()
    return caught.value


# --- lockers ----------------------------------------------------------------------------------


def test_a_village_clerk_cannot_fill_the_halls_locker(issued, clerk_village, locker):
    case = issued(DeliveryMethod.LOCKER)
    before = snapshot(case)

    error = refusal(lambda: do_deposit_in_locker(case, locker=locker, acting_user=clerk_village))

    assert (error.status, error.code) == (403, "locker_at_other_point")
    assert (
        error.message == "政务服务中心一楼取件柜属于惠阳区政务服务中心，只能存入本服务点的取件柜。"
    )
    assert snapshot(case) == before
    assert set(locker.compartments.values_list("state", flat=True)) == {CompartmentState.FREE}


def test_a_village_clerk_fills_the_villages_own_locker(issued, clerk_village, village):
    village_locker = make_locker(village, code="xjc-1", sizes=["M", "M"])
    case = issued(DeliveryMethod.LOCKER)

    deposit = do_deposit_in_locker(case, locker=village_locker, acting_user=clerk_village)

    assert deposit.locker == village_locker and deposit.compartment.number == 1
    case.refresh_from_db()
    assert case.delivery.state == DeliveryState.IN_LOCKER


def test_the_locker_api_refuses_another_points_locker_in_the_readers_language(
    client, issued, clerk_village, locker
):
    api = ApiClient(client).as_user(clerk_village)
    case = issued(DeliveryMethod.LOCKER)
    before = snapshot(case)
    path = f"/api/delivery/cases/{case.pk}/locker-deposit"

    response = api.post(path, {"locker": "hall-1"})
    english = api.post(path, {"locker": "hall-1"}, **{"Accept-Language": "en"})

    assert response.status_code == 403
    assert response.json() == {
        "code": "locker_at_other_point",
        "message": "政务服务中心一楼取件柜属于惠阳区政务服务中心，只能存入本服务点的取件柜。",
    }
    assert english.status_code == 403 and english.json()["code"] == "locker_at_other_point"
    assert english.json()["message"] == (
        "政务服务中心一楼取件柜 belongs to 惠阳区政务服务中心: "
        "results go only into the lockers of your own service point."
    )
    assert snapshot(case) == before


def test_the_deposit_form_offers_only_my_points_lockers_and_refuses_another(
    client, issued, clerk_village, locker, village
):
    village_locker = make_locker(village, code="xjc-1", sizes=["M"])
    case = issued(DeliveryMethod.LOCKER)
    client.force_login(clerk_village)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert f'value="{village_locker.pk}"' in page and f'value="{locker.pk}"' not in page
    before = snapshot(case)

    response = client.post(reverse("delivery:deposit", args=[case.pk]), {"locker": locker.pk})

    assert response.status_code == 422
    assert snapshot(case) == before


def test_the_locker_page_lists_only_my_points_lockers(client, clerk_village, locker, village):
    make_locker(village, code="xjc-1", sizes=["M"])
    client.force_login(clerk_village)

    page = client.get(reverse("delivery:lockers")).content.decode()
    rows = ApiClient(client).as_user(clerk_village).get("/api/delivery/lockers").json()

    assert "xjc-1" in page and "hall-1" not in page
    assert [row["code"] for row in rows] == ["xjc-1"]


# --- the hand-over ----------------------------------------------------------------------------


def test_a_village_clerk_cannot_hand_over_a_result_waiting_at_the_hall(issued, clerk_village):
    case = issued()
    code = sent_code(case)
    before = snapshot(case)

    error = refusal(
        lambda: do_hand_over_at_window(
            case,
            pickup_code=code,
            collector=Collector(id_number=case.applicant_id_number),
            acting_user=clerk_village,
        )
    )

    assert (error.status, error.code, error.message) == (403, "result_at_other_point", HALL_RESULT)
    assert snapshot(case) == before


def test_a_wrong_code_at_another_point_says_where_the_result_is_not_that_the_code_is_wrong(
    issued, clerk_village
):
    case = issued()
    before = snapshot(case)

    error = refusal(
        lambda: do_hand_over_at_window(
            case,
            pickup_code="000000" if sent_code(case) != "000000" else "111111",
            collector=Collector(id_number=case.applicant_id_number),
            acting_user=clerk_village,
        )
    )

    assert error.code == "result_at_other_point"
    assert snapshot(case) == before


def test_the_collect_api_and_the_page_refuse_the_hand_over_at_another_point(
    client, issued, clerk_village
):
    case = issued()
    code = sent_code(case)
    before = snapshot(case)
    api = ApiClient(client).as_user(clerk_village)

    response = api.post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": code, "collector": {"id_number": case.applicant_id_number}},
    )
    page = client.post(
        reverse("delivery:hand_over", args=[case.pk]),
        {
            "pickup_code": code,
            "collector_kind": "applicant",
            "collector_id_number": case.applicant_id_number,
        },
    )

    assert response.status_code == 403
    assert response.json() == {"code": "result_at_other_point", "message": HALL_RESULT}
    assert page.status_code == 403 and HALL_RESULT in page.content.decode()
    assert snapshot(case) == before


def test_the_case_page_at_another_point_says_where_the_result_waits_without_a_form(
    client, issued, clerk_village
):
    case = issued()
    client.force_login(clerk_village)

    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert 'id="elsewhere-card"' in page and "结果在惠阳区政务服务中心待领取。" in page
    assert 'name="pickup_code"' not in page and 'id="transfer-card"' not in page


def test_a_village_clerk_cannot_resend_a_halls_pickup_code(issued, clerk_village):
    case = issued()
    before = snapshot(case)

    error = refusal(lambda: do_resend_pickup_code(case, acting_user=clerk_village))

    assert (error.status, error.code, error.message) == (403, "result_at_other_point", HALL_RESULT)
    assert snapshot(case) == before


def test_a_clerk_without_a_point_works_at_the_district_hall(issued, locker, hall):
    """Accounts made before service points (no department) act at the hall, not everywhere."""
    loose = UserFactory(username="clerk_loose", role="clerk")
    case = issued()

    do_hand_over_at_window(
        case,
        pickup_code=sent_code(case),
        collector=Collector(id_number=case.applicant_id_number),
        acting_user=loose,
    )

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    other = issued(DeliveryMethod.LOCKER)
    deposit = do_deposit_in_locker(other, locker=locker, acting_user=loose)
    assert deposit.locker.service_point == hall


# --- the transfer -----------------------------------------------------------------------------


def test_the_hall_transfers_a_result_to_the_village_which_then_hands_it_over(
    issued, clerk, clerk_village, village, sms_gateway, django_capture_on_commit_callbacks
):
    case = issued()
    old_code = sent_code(case)

    with django_capture_on_commit_callbacks(execute=True):
        pickup = do_transfer_result(
            case, to_point=village, reason="申请人住在霞角村", acting_user=clerk
        )

    assert pickup.service_point == village
    new_code = sent_code(case)
    assert new_code == pickup.code
    assert "霞角村党群服务中心" in sms_gateway.texts()[-1] and new_code in sms_gateway.texts()[-1]
    entry = AuditEntry.objects.get(action="transfer_result")
    assert entry.actor == clerk and entry.reason == "申请人住在霞角村"
    assert (entry.details["from_point"], entry.details["to_point"]) == ("ZWFWZX", "LJZ-XJC")
    # The hall cannot hand it over any more; the old code is dead at the village.
    error = refusal(
        lambda: do_hand_over_at_window(
            case,
            pickup_code=new_code,
            collector=Collector(id_number=case.applicant_id_number),
            acting_user=clerk,
        )
    )
    assert error.code == "result_at_other_point" and "霞角村党群服务中心" in error.message
    if old_code != new_code:
        error = refusal(
            lambda: do_hand_over_at_window(
                case,
                pickup_code=old_code,
                collector=Collector(id_number=case.applicant_id_number),
                acting_user=clerk_village,
            )
        )
        assert error.code == "code_expired"

    do_hand_over_at_window(
        case,
        pickup_code=new_code,
        collector=Collector(id_number=case.applicant_id_number),
        acting_user=clerk_village,
    )

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    visit = Visit.objects.get(case=case, kind="pickup")
    assert (visit.service_point, visit.clerk) == (village, clerk_village)


@pytest.mark.parametrize(
    "change, status, code, message",
    [
        ({"acting": "village"}, 403, "result_at_other_point", HALL_RESULT),
        ({"reason": "  "}, 422, "invalid_input", "请填写转移原因。"),
        ({"to": "hall"}, 409, "same_service_point", "结果已在惠阳区政务服务中心待领取。"),
        ({"to": "market"}, 422, "invalid_input", "请选择政务服务中心、镇或村（社区）服务点。"),
        ({"to": None}, 422, "invalid_input", "请选择政务服务中心、镇或村（社区）服务点。"),
        (
            {"acting": "reviewer"},
            403,
            "forbidden",
            "无权执行此操作",
        ),
    ],
)
def test_each_refused_transfer_says_why_and_changes_nothing(
    issued,
    clerk,
    clerk_village,
    village,
    hall,
    market,
    reviewer_market,
    change,
    status,
    code,
    message,
):
    case = issued()
    before = snapshot(case)
    acting = {"village": clerk_village, "reviewer": reviewer_market}.get(
        change.get("acting"), clerk
    )
    to = {"hall": hall, "market": market, None: None}.get(change.get("to", "village"), village)

    error = refusal(
        lambda: do_transfer_result(
            case, to_point=to, reason=change.get("reason", "申请人要求"), acting_user=acting
        )
    )

    assert (error.status, error.code, error.message) == (status, code, message)
    assert snapshot(case) == before


def test_a_result_in_a_locker_is_not_transferred(issued, clerk, village, locker):
    case = issued(DeliveryMethod.LOCKER)
    do_deposit_in_locker(case, locker=locker, acting_user=clerk)
    before = snapshot(case)

    error = refusal(
        lambda: do_transfer_result(case, to_point=village, reason="申请人要求", acting_user=clerk)
    )

    assert (error.status, error.code) == (409, "in_locker")
    assert snapshot(case) == before


def test_the_transfer_form_and_api(client, issued, clerk, village, hall):
    case = issued()
    client.force_login(clerk)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'id="transfer-card"' in page and f'<option value="{village.pk}">' in page
    assert f'<option value="{hall.pk}">' not in page  # where it already is

    response = client.post(
        reverse("delivery:transfer_result", args=[case.pk]),
        {"to_point": village.pk, "reason": "申请人住在霞角村"},
    )

    assert response.status_code == 302
    assert WindowPickup.objects.filter(delivery__case=case).latest("id").service_point == village
    # Back to the hall through the API, as the village's clerk.
    village_clerk = UserFactory(username="clerk_xjc2", role="clerk", department=village)
    api = ApiClient(client).as_user(village_clerk)
    moved = api.post(
        f"/api/cases/{case.pk}/delivery/transfer", {"to_point": "ZWFWZX", "reason": "回中心领取"}
    )
    assert moved.status_code == 200
    assert moved.json()["service_point"] == {"code": "ZWFWZX", "name": hall.name}
    before = snapshot(case)
    refused = api.post(
        f"/api/cases/{case.pk}/delivery/transfer", {"to_point": "LJZ-XJC", "reason": "再转"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "result_at_other_point"
    assert snapshot(case) == before


def test_the_transfer_form_refuses_an_empty_reason_on_the_page(client, issued, clerk, village):
    case = issued()
    client.force_login(clerk)
    before = snapshot(case)

    response = client.post(
        reverse("delivery:transfer_result", args=[case.pk]),
        {"to_point": village.pk, "reason": ""},
    )

    assert response.status_code == 422
    assert snapshot(case) == before


def test_the_public_progress_page_shows_the_transfer(issued, clerk, village):
    from onewindow.cases.queries import public_timeline

    case = issued()
    do_transfer_result(case, to_point=village, reason="申请人要求", acting_user=clerk)

    steps = [(str(label), place) for _, label, place in public_timeline(case)]
    assert ("结果转至其他服务点领取", "霞角村党群服务中心") in steps


def test_a_village_clerk_cannot_send_a_result_waiting_at_the_hall_by_mail(
    client, issued, clerk_village
):
    case = issued()
    before = snapshot(case)
    body = {
        "method": "mail",
        "address": {
            "recipient_name": "李明",
            "phone": "13800138000",
            "province": "广东省",
            "city": "惠州市",
            "district": "惠阳区",
            "street": "淡水街道人民路 1 号",
        },
    }

    response = ApiClient(client).as_user(clerk_village).put(f"/api/cases/{case.pk}/delivery", body)

    assert response.status_code == 403
    assert response.json() == {"code": "result_at_other_point", "message": HALL_RESULT}
    assert snapshot(case) == before
    assert case.delivery.method == DeliveryMethod.WINDOW
