"""Depositing a result in a smart locker: a free compartment of a fitting size, a code by SMS.
Every refusal says precisely why and leaves the compartments, the delivery and the case as they
were."""

import pytest

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import do_deposit_in_locker
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.models import Compartment, LockerDeposit
from onewindow.notifications.models import OutboundMessage
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db


def states(locker):
    return dict(locker.compartments.values_list("number", "state"))


def refused(case, clerk, locker, **options):
    before = states(locker)
    with pytest.raises(CaseActionError) as caught:
        do_deposit_in_locker(case, locker=locker, acting_user=clerk, **options)
    assert states(locker) == before
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert not LockerDeposit.objects.filter(delivery__case=case).exists()
    assert not OutboundMessage.objects.filter(case=case, template="locker_code").exists()
    return caught.value


def occupy(locker, numbers):
    Compartment.objects.filter(locker=locker, number__in=numbers).update(
        state=CompartmentState.OCCUPIED
    )


def test_a_deposit_takes_the_smallest_free_compartment_and_sends_the_code(
    issued, clerk, locker, sms_gateway, django_capture_on_commit_callbacks
):
    case = issued(DeliveryMethod.LOCKER)

    with django_capture_on_commit_callbacks(execute=True):
        deposit = do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    assert deposit.compartment.number == 1 and deposit.compartment.size == "S"
    assert states(locker)[1] == CompartmentState.OCCUPIED
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.delivery.state == DeliveryState.IN_LOCKER
    message = OutboundMessage.objects.get(case=case, template="locker_code", channel="sms")
    assert message.event_key == f"locker_code:{deposit.pk}"
    code = sent_code(case, "locker_code")
    assert code == deposit.code and code not in deposit.code_hash
    assert "政务服务中心一楼取件柜第1号格口" in message.body
    assert sms_gateway.texts()[-1] == message.body
    entry = AuditEntry.objects.get(action="deposit_in_locker")
    assert entry.details["locker"] == "hall-1" and entry.details["compartment"] == 1


def test_a_large_result_takes_a_large_compartment(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)

    deposit = do_deposit_in_locker(case, locker=locker, size="L", acting_user=clerk)

    assert deposit.compartment.number == 11


def test_a_medium_result_takes_a_larger_one_when_the_medium_ones_are_full(issued, clerk, locker):
    occupy(locker, [7, 8, 9, 10])
    case = issued(DeliveryMethod.LOCKER)

    deposit = do_deposit_in_locker(case, locker=locker, size="M", acting_user=clerk)

    assert (deposit.compartment.number, deposit.compartment.size) == (11, "L")


def test_a_named_free_compartment_is_taken(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)

    deposit = do_deposit_in_locker(case, locker=locker, compartment=9, acting_user=clerk)

    assert deposit.compartment.number == 9


def test_a_full_locker_is_refused_listing_the_sizes(issued, clerk, locker):
    occupy(locker, [7, 8, 9, 10, 11, 12])
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker, size="M")

    assert (error.status, error.code) == (409, "locker_full")
    assert error.message == (
        "取件柜已满：政务服务中心一楼取件柜没有空闲的中格口、大格口；尚有空闲：小格口 6 个。"
        "请改存其他取件柜或窗口领取"
    )
    assert error.detail[0]["ctx"] == {"free": {"S": 6}}


def test_a_taken_compartment_is_refused(issued, clerk, locker):
    occupy(locker, [3])
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker, compartment=3)

    assert (error.status, error.code) == (409, "compartment_taken")
    assert error.message == "第 3 号格口已被占用，请选择其他格口"


def test_a_compartment_too_small_is_refused(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker, compartment=2, size="L")

    assert (error.status, error.code) == (422, "invalid_input")
    assert error.message.startswith("第 2 号格口是小格口，放不下大格口的材料")


def test_a_compartment_out_of_service_is_refused(issued, clerk, locker):
    Compartment.objects.filter(locker=locker, number=4).update(
        state=CompartmentState.OUT_OF_SERVICE
    )
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker, compartment=4)

    assert (error.status, error.code) == (409, "compartment_out_of_service")
    assert error.message == "第 4 号格口已停用"


def test_an_item_that_does_not_allow_lockers_is_refused(issued, clerk, locker, spot_item):
    spot_item.delivery_methods = ["window", "mail"]
    spot_item.save(update_fields=["delivery_methods"])
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker)

    assert (error.status, error.code) == (422, "method_not_allowed")
    assert error.message == "该事项不允许通过自助取件柜送达"


def test_an_applicant_who_chose_the_window_is_not_put_in_a_locker(issued, clerk, locker):
    case = issued(DeliveryMethod.WINDOW)

    with pytest.raises(CaseActionError) as caught:
        do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    error = caught.value
    assert (error.status, error.code) == (409, "method_not_chosen")
    assert error.message == ("申请人选择的送达方式是“窗口领取”，不能放入取件柜")
    assert set(states(locker).values()) == {CompartmentState.FREE}
    case.refresh_from_db()
    assert case.delivery.state == DeliveryState.READY


def test_a_result_already_in_the_locker_is_not_deposited_twice(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)
    do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    with pytest.raises(CaseActionError) as caught:
        do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    assert (caught.value.status, caught.value.code) == (409, "not_ready")
    assert list(states(locker).values()).count(CompartmentState.OCCUPIED) == 1


def test_a_decided_case_that_was_not_issued_cannot_be_deposited(decided, clerk, locker):
    case = decided()

    with pytest.raises(CaseActionError) as caught:
        do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    assert (caught.value.status, caught.value.code) == (409, "wrong_state")
    assert set(states(locker).values()) == {CompartmentState.FREE}


def test_an_unknown_size_is_invalid_input(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, clerk, locker, size="XL")

    assert (error.status, error.code) == (422, "invalid_input")
    assert error.message == "格口尺寸应为 S、M 或 L"


def test_only_clerks_deposit(issued, reviewer_market, locker):
    case = issued(DeliveryMethod.LOCKER)

    error = refused(case, reviewer_market, locker)

    assert (error.status, error.code) == (403, "forbidden")


def test_two_deposits_in_one_locker_get_different_codes(issued, clerk, locker):
    first = do_deposit_in_locker(issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk)
    second = do_deposit_in_locker(issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk)

    assert first.compartment != second.compartment
    assert first.code_hash != second.code_hash
