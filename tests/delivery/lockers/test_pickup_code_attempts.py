"""A window pickup code (领取码) takes five wrong tries: the fifth voids it until the clerk sends
a new one, the case and its delivery stay as they were, and the lock is logged. Full-width digits
are the same digits."""

import pytest

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_resend_pickup_code
from onewindow.delivery.constants import DeliveryState, VisitKind
from onewindow.delivery.models import Visit, WindowPickup
from tests.openapi import ApiClient
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db

LOCKED = "领取码已输错 5 次，已停用。请核实领取人身份，并为申请人重新发送领取码。"


def hand_over(case, clerk, code):
    return do_hand_over_at_window(
        case,
        pickup_code=code,
        collector=Collector(id_number=case.applicant_id_number),
        acting_user=clerk,
        client_address="10.1.2.3",
    )


def refused(case, clerk, code):
    with pytest.raises(CaseActionError) as caught:
        hand_over(case, clerk, code)
    return caught.value


def wrong_code(code, step=1):
    return f"{(int(code) + step) % 1_000_000:06d}"


def assert_nothing_changed(case):
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.collected_at is None
    assert case.delivery.state == DeliveryState.READY
    assert not Visit.objects.filter(case=case, kind=VisitKind.PICKUP).exists()
    assert not WindowPickup.objects.filter(delivery__case=case, collected_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="hand_over_at_window").exists()


def test_the_fifth_wrong_code_voids_the_pickup_code(issued, clerk):
    case = issued()
    code = sent_code(case)
    for step, left in enumerate((4, 3, 2, 1), start=1):
        error = refused(case, clerk, wrong_code(code, step))
        assert (error.status, error.code) == (422, "wrong_code")
        assert error.message == f"领取码不正确，还可尝试 {left} 次。"

    fifth = refused(case, clerk, wrong_code(code, 5))
    # Void now: the right code is refused too.
    right = refused(case, clerk, code)

    for error in (fifth, right):
        assert (error.status, error.code) == (429, "locked_out")
        assert error.message == LOCKED
        assert error.detail == [{"type": "locked", "loc": ["pickup_code"], "msg": "resend"}]
    assert_nothing_changed(case)
    assert WindowPickup.objects.get(delivery__case=case).failed_attempts == 5
    entry = AuditEntry.objects.get(action="pickup_code_locked")
    assert (entry.object_type, entry.object_id) == ("cases.case", str(case.pk))
    assert (entry.actor, entry.client_address) == (clerk, "10.1.2.3")


def test_a_new_code_sent_after_the_lock_works(issued, clerk):
    case = issued()
    old = sent_code(case)
    for step in range(1, 6):
        refused(case, clerk, wrong_code(old, step))

    do_resend_pickup_code(case, acting_user=clerk)
    new = sent_code(case)
    hand_over(case, clerk, new)

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED


def test_wrong_codes_of_one_case_do_not_count_against_another(issued, clerk):
    first, second = issued(), issued()
    for step in range(1, 6):
        refused(first, clerk, wrong_code(sent_code(first), step))

    hand_over(second, clerk, sent_code(second))

    second.refresh_from_db()
    assert second.state == CaseState.DELIVERED


def test_full_width_digits_are_the_code(issued, clerk):
    case = issued()
    typed = sent_code(case).translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    hand_over(case, clerk, typed)

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    assert WindowPickup.objects.get(delivery__case=case).failed_attempts == 0


def test_the_api_answers_a_void_code_with_429(client, issued, clerk):
    api = ApiClient(client).as_user(clerk)
    case = issued()
    code = sent_code(case)
    for step in range(1, 5):
        refused(case, clerk, wrong_code(code, step))

    response = api.post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": wrong_code(code, 5), "collector": {"id_number": case.applicant_id_number}},
    )

    assert response.status_code == 429
    assert response.json() == {
        "code": "locked_out",
        "message": LOCKED,
        "detail": [{"type": "locked", "loc": ["pickup_code"], "msg": "resend"}],
    }
    assert_nothing_changed(case)
