"""Wrong codes at a locker keypad are limited per client and per waiting code, not per cabinet:
one client who types wrong codes locks out only itself; a code tried against too often in an hour
stops opening until the hour ends, answered like a wrong code; a new deposit is not affected.
Full-width digits are the same digits (docs/pickup-and-lockers.md)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import do_collect_from_locker, do_deposit_in_locker
from onewindow.delivery.constants import CompartmentState, DeliveryState
from tests.delivery.lockers.conftest import make_locker
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

A, B = "203.0.113.7", "198.51.100.20"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture
def deposited(issued, clerk, locker):
    """A result in compartment 1 of the hall's locker; its code is `.code`."""
    return do_deposit_in_locker(issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk)


@pytest.fixture
def hour():
    """The start of an hour to run in: quarters and hours are fixed windows (core.ratelimit)."""
    return timezone.now().replace(minute=0, second=5, microsecond=0) + timedelta(hours=1)


def other_code(code, step=1):
    return f"{(int(code) + step) % 1_000_000:06d}"


def refused(locker, code, address):
    with pytest.raises(CaseActionError) as caught:
        do_collect_from_locker(locker, code=code, client_address=address)
    return caught.value


def assert_still_waiting(deposit):
    deposit.refresh_from_db()
    assert deposit.collected_at is None
    assert deposit.compartment.state == CompartmentState.OCCUPIED
    case = deposit.delivery.case
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.delivery.state == DeliveryState.IN_LOCKER


def lock_out_message(until):
    until = timezone.localtime(until)
    return (
        f"输错次数过多，本机暂停输入取件码至 {until:%H:%M}，请稍后再试或到窗口求助。"
        "其他人的取件不受影响。"
    )


def test_five_wrong_codes_lock_out_that_client_and_nobody_else(deposited, locker, hour):
    wrong = other_code(deposited.code)
    with time_machine.travel(hour, tick=False):
        for left in (4, 3, 2, 1):
            assert refused(locker, wrong, A).message == f"取件码不正确，还可尝试 {left} 次。"
        fifth = refused(locker, wrong, A)
        # Locked: even the right code is not taken from this client now.
        locked = refused(locker, deposited.code, A)

        for error in (fifth, locked):
            assert (error.status, error.code) == (429, "locked_out")
            assert error.message == lock_out_message(hour.replace(minute=15, second=0))
        assert_still_waiting(deposited)
        entry = AuditEntry.objects.get(action="locker_locked_out")
        assert (entry.client_address, entry.details["locker"]) == (A, "hall-1")

        # Another client at the same cabinet is not locked out: its right code opens.
        deposit = do_collect_from_locker(locker, code=deposited.code, client_address=B)
    assert deposit.collected_at is not None
    assert AuditEntry.objects.filter(action="locker_locked_out").count() == 1


def test_the_lock_out_ends_with_its_quarter_hour(deposited, locker, hour):
    wrong = other_code(deposited.code)
    with time_machine.travel(hour, tick=False):
        for _ in range(5):
            refused(locker, wrong, A)
    with time_machine.travel(hour.replace(minute=14, second=59), tick=False):
        assert refused(locker, deposited.code, A).code == "locked_out"
    with time_machine.travel(hour.replace(minute=15, second=0), tick=False):
        assert refused(locker, wrong, A).message == "取件码不正确，还可尝试 4 次。"
        assert do_collect_from_locker(locker, code=deposited.code, client_address=A).collected_at


def test_a_client_locked_out_at_one_cabinet_may_use_another(deposited, locker, hall, hour):
    other = make_locker(hall, code="hall-2", sizes=["M"])
    with time_machine.travel(hour, tick=False):
        for _ in range(5):
            refused(locker, other_code(deposited.code), A)

        assert refused(other, other_code(deposited.code), A).message.startswith(
            "取件码不正确，还可尝试 4 次"
        )


def test_full_width_digits_open_the_compartment(deposited, locker):
    typed = deposited.code.translate(FULL_WIDTH)[:3] + "\u3000" + deposited.code[3:]

    deposit = do_collect_from_locker(locker, code=typed, client_address=A)

    assert deposit.collected_at is not None
    assert AuditEntry.objects.filter(action="collect_from_locker").count() == 1


def test_other_scripts_digits_are_a_format_error_and_cost_no_attempt(deposited, locker):
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

    error = refused(locker, deposited.code.translate(arabic), A)

    assert (error.status, error.code) == (422, "invalid_input")
    assert error.message == "取件码应为 6 位数字"
    assert_still_waiting(deposited)
    # Not counted as a wrong code: the next wrong code still leaves four attempts.
    assert refused(locker, other_code(deposited.code), A).message == "取件码不正确，还可尝试 4 次。"


def test_one_client_alone_cannot_hold_anybodys_code(deposited, locker, hour):
    # Five wrong codes in every quarter of the hour: all one client can type.
    for quarter in range(4):
        with time_machine.travel(hour + timedelta(minutes=15 * quarter), tick=False):
            for step in range(1, 6):
                refused(locker, other_code(deposited.code, step), A)

    with time_machine.travel(hour.replace(minute=59), tick=False):
        deposit = do_collect_from_locker(locker, code=deposited.code, client_address=B)
    assert deposit.collected_at is not None
    assert not AuditEntry.objects.filter(action="locker_code_held").exists()


def test_a_code_tried_against_too_often_is_held_until_the_hour_ends(
    deposited, locker, issued, clerk, hour
):
    addresses = [f"192.0.2.{n}" for n in range(1, 6)]
    with time_machine.travel(hour.replace(minute=10), tick=False):
        # 21 wrong codes from five clients: one more than a waiting code is tried against per hour.
        for n in range(21):
            refused(locker, other_code(deposited.code, n + 1), addresses[n % 5])

        # The right code now answers exactly like a wrong one, and says why it may.
        error = refused(locker, deposited.code, "198.51.100.99")
        assert (error.status, error.code) == (422, "wrong_code")
        until = timezone.localtime(hour.replace(minute=0, second=0) + timedelta(hours=1))
        assert error.message == (
            "取件码不正确，还可尝试 4 次。本柜近期输错较多，部分格口暂停凭码开启至 "
            f"{until:%H:%M}；如确认取件码无误，请届时再试或到窗口求助。"
        )
        assert_still_waiting(deposited)
        held = AuditEntry.objects.get(action="locker_code_held")
        assert (held.object_type, held.object_id) == ("delivery.lockerdeposit", str(deposited.pk))

        # A result deposited after the guessing is not held: per compartment, not per cabinet.
        later = do_deposit_in_locker(
            issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk
        )
        assert do_collect_from_locker(locker, code=later.code, client_address=B).collected_at

    with time_machine.travel(hour.replace(minute=0, second=0) + timedelta(hours=1), tick=False):
        deposit = do_collect_from_locker(locker, code=deposited.code, client_address=B)
    assert deposit.collected_at is not None


def test_the_kiosk_api_answers_a_locked_out_client_with_429(client, deposited, locker, hour):
    api = ApiClient(client)
    url = f"/api/kiosk/lockers/{locker.code}/open"
    with time_machine.travel(hour, tick=False):
        for _ in range(4):
            api.post(url, {"code": other_code(deposited.code)})

        response = api.post(url, {"code": other_code(deposited.code)})
        other_client = client.post(
            url, {"code": deposited.code}, content_type="application/json", REMOTE_ADDR=B
        )

    until = timezone.localtime(hour.replace(minute=15, second=0))
    assert response.status_code == 429
    assert response.json() == {
        "code": "locked_out",
        "message": lock_out_message(until),
        "detail": [{"type": "locked", "loc": ["code"], "msg": until.isoformat()}],
    }
    assert other_client.status_code == 200


def test_behind_a_trusted_proxy_the_kiosk_counts_the_forwarded_client(
    client, deposited, locker, hour, settings
):
    settings.ONEWINDOW_TRUSTED_PROXIES = 1
    url = f"/api/kiosk/lockers/{locker.code}/open"
    proxy = {"REMOTE_ADDR": "10.0.0.2", "content_type": "application/json"}

    def post(code, forwarded):
        return client.post(url, {"code": code}, HTTP_X_FORWARDED_FOR=forwarded, **proxy)

    with time_machine.travel(hour, tick=False):
        answers = [post(other_code(deposited.code), A).status_code for _ in range(5)]
        opened = post(deposited.code, B)

    assert answers == [422] * 4 + [429]
    assert opened.status_code == 200
    assert AuditEntry.objects.get(action="locker_locked_out").client_address == A
    assert AuditEntry.objects.get(action="collect_from_locker").client_address == B
