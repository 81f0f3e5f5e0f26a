"""The locker kiosk: the right code opens the compartment and delivers the case (no visit);
wrong, expired and used codes are refused clearly. The limits on wrong codes (per client, per
waiting code) are in test_keypad_limits.py."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import do_collect_from_locker, do_deposit_in_locker
from onewindow.delivery.constants import CompartmentState, DeliveryState, VisitKind
from onewindow.delivery.lockers.drivers import SimulatorDriver
from onewindow.delivery.models import Compartment, Locker, Visit
from onewindow.notifications.models import OutboundMessage
from tests.delivery.lockers.conftest import make_locker
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposited(issued, clerk, locker):
    """A result in compartment 1 of the hall's locker; its code is `.code`."""
    case = issued(DeliveryMethod.LOCKER)
    return do_deposit_in_locker(case, locker=locker, acting_user=clerk)


def other_code(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def refused(locker, code):
    with pytest.raises(CaseActionError) as caught:
        do_collect_from_locker(locker, code=code)
    return caught.value


def assert_still_waiting(deposit):
    deposit.refresh_from_db()
    assert deposit.collected_at is None
    assert deposit.compartment.state == CompartmentState.OCCUPIED
    case = deposit.delivery.case
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.delivery.state == DeliveryState.IN_LOCKER


def test_the_right_code_opens_the_compartment_and_delivers_the_case(
    deposited, locker, sms_gateway, django_capture_on_commit_callbacks
):
    visits = Visit.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        deposit = do_collect_from_locker(locker, code=deposited.code)

    assert deposit.compartment.number == 1
    compartment = Compartment.objects.get(pk=deposit.compartment_id)
    assert compartment.state == CompartmentState.FREE and compartment.opened_at is not None
    assert SimulatorDriver.openings[-1][:2] == ("hall-1", 1)
    case = deposit.delivery.case
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_at is not None
    assert case.delivery.state == DeliveryState.DELIVERED
    assert Visit.objects.count() == visits  # a locker costs no visit
    assert not Visit.objects.filter(case=case, kind=VisitKind.PICKUP).exists()
    assert AuditEntry.objects.get(action="collect_from_locker").to_state == "delivered"
    assert (
        OutboundMessage.objects.filter(case=case, template="delivered", channel="sms").count() == 1
    )
    assert "已送达" in sms_gateway.texts()[-1]


def test_a_wrong_code_says_how_many_attempts_are_left(deposited, locker):
    error = refused(locker, other_code(deposited.code))

    assert (error.status, error.code) == (422, "wrong_code")
    assert error.message == "取件码不正确，还可尝试 4 次。"
    assert_still_waiting(deposited)
    assert not AuditEntry.objects.filter(action="collect_from_locker").exists()


def test_an_expired_code_is_refused(deposited, locker):
    with time_machine.travel(timezone.now() + timedelta(days=5, minutes=1)):
        error = refused(locker, deposited.code)
        with translation.override("en"):
            english = refused(locker, deposited.code)

    assert (error.status, error.code) == (410, "code_expired")

    expiry = f"{timezone.localtime(deposited.expires_at):%Y-%m-%d %H:%M}"
    assert error.message == f"取件码已于 {expiry} 过期"
    assert english.message == f"The code expired on {expiry}"
    assert_still_waiting(deposited)


def test_a_used_code_is_refused(deposited, locker):
    do_collect_from_locker(locker, code=deposited.code)

    error = refused(locker, deposited.code)

    assert (error.status, error.code) == (410, "code_used")
    assert error.message.startswith("该取件码已使用，结果已于 ")
    assert AuditEntry.objects.filter(action="collect_from_locker").count() == 1
    # A used code is not a guess: it costs no attempt.
    assert refused(locker, other_code(deposited.code)).message == "取件码不正确，还可尝试 4 次。"


def test_a_code_of_another_cabinet_does_not_open_this_one(deposited, hall):
    other = make_locker(hall, code="hall-2", sizes=["M"])

    error = refused(other, deposited.code)

    assert error.code == "wrong_code"
    assert_still_waiting(deposited)


def test_wrong_codes_far_apart_do_not_add_up(deposited, locker):
    start = timezone.now()
    wrong = other_code(deposited.code)
    for n in range(6):
        with time_machine.travel(start + timedelta(minutes=20 * n), tick=False):
            assert refused(locker, wrong).code == "wrong_code"


# --- the kiosk page and its API ------------------------------------------------------------------


def test_the_kiosk_page_shows_a_keypad(client, locker):
    page = client.get(reverse("kiosk:locker", args=[locker.code]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "请输入短信中的 6 位取件码" in html and html.count('class="key"') == 10
    assert html.count('class="door size-') == 12


def test_the_kiosk_page_opens_the_compartment(client, deposited, locker):
    page = client.post(reverse("kiosk:locker", args=[locker.code]), {"code": deposited.code})

    html = page.content.decode()
    assert page.status_code == 200
    assert "第 1 号格口已打开，请取件" in html and 'class="door size-S door-open"' in html
    deposited.delivery.case.refresh_from_db()
    assert deposited.delivery.case.state == CaseState.DELIVERED


def test_the_kiosk_page_shows_a_wrong_code_and_nothing_opens(client, deposited, locker):
    page = client.post(
        reverse("kiosk:locker", args=[locker.code]), {"code": other_code(deposited.code)}
    )

    assert page.status_code == 422
    assert "取件码不正确，还可尝试 4 次" in page.content.decode()
    assert "door-open" not in page.content.decode()
    assert_still_waiting(deposited)


def test_the_kiosk_page_says_until_when_this_terminal_is_locked(client, deposited, locker):
    url = reverse("kiosk:locker", args=[locker.code])
    start = timezone.now().replace(minute=2, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            client.post(url, {"code": other_code(deposited.code)})

        page = client.get(url)

    until = timezone.localtime(start.replace(minute=15))
    assert f"输错次数过多，本机暂停输入取件码至 {until:%H:%M}" in page.content.decode()
    assert 'name="code"' not in page.content.decode()
    # Another terminal (address) at the same cabinet still has its keypad.
    other = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert 'name="code"' in other.content.decode()


def test_an_unknown_or_inactive_locker_has_no_kiosk_page(client, locker):
    assert client.get(reverse("kiosk:locker", args=["nope"])).status_code == 404
    Locker.objects.filter(pk=locker.pk).update(active=False)
    assert client.get(reverse("kiosk:locker", args=[locker.code])).status_code == 404


def test_the_kiosk_api_opens_the_compartment(client, deposited, locker):
    api = ApiClient(client)

    response = api.post(f"/api/kiosk/lockers/{locker.code}/open", {"code": deposited.code})

    assert response.status_code == 200
    assert response.json() == {"compartment": 1, "message": "第 1 号格口已打开，请取件"}


def test_the_kiosk_api_refuses_a_wrong_code(client, deposited, locker):
    api = ApiClient(client)

    response = api.post(
        f"/api/kiosk/lockers/{locker.code}/open", {"code": other_code(deposited.code)}
    )

    assert response.status_code == 422
    assert response.json() == {"code": "wrong_code", "message": "取件码不正确，还可尝试 4 次。"}
    assert_still_waiting(deposited)


def test_the_kiosk_api_answers_in_the_readers_language(client, deposited, locker):
    api = ApiClient(client)

    response = api.post(
        f"/api/kiosk/lockers/{locker.code}/open",
        {"code": other_code(deposited.code)},
        **{"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json() == {"code": "wrong_code", "message": "Wrong code: 4 attempts left."}
    assert_still_waiting(deposited)


class BrokenDriver:
    def __init__(self, locker):
        pass

    def open(self, compartment):
        from onewindow.delivery.lockers.drivers import DriverError

        raise DriverError("cabinet offline")


def test_a_door_that_does_not_open_changes_nothing(deposited, locker, settings):
    settings.ONEWINDOW_LOCKER_DRIVERS = {
        "simulator": "tests.delivery.lockers.test_kiosk.BrokenDriver"
    }

    error = refused(locker, deposited.code)

    assert (error.status, error.code) == (503, "locker_fault")
    assert error.message == "柜门未能打开，请联系窗口工作人员"
    assert_still_waiting(deposited)


def test_the_fifth_wrong_code_on_the_kiosk_page_shows_the_lock(client, deposited, locker):
    url = reverse("kiosk:locker", args=[locker.code])
    for _ in range(4):
        client.post(url, {"code": other_code(deposited.code)})

    page = client.post(url, {"code": other_code(deposited.code)})

    assert page.status_code == 429
    assert "输错次数过多，本机暂停输入取件码至" in page.content.decode()
    assert 'name="code"' not in page.content.decode()
    assert_still_waiting(deposited)


def test_the_admin_shows_the_lockers_occupancy(client, deposited, locker):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", role="", is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(reverse("admin:delivery_locker_changelist"))

    assert page.status_code == 200
    assert "1 / 12" in page.content.decode()
    assert client.get(reverse("admin:delivery_locker_change", args=[locker.pk])).status_code == 200
    deposits = client.get(reverse("admin:delivery_lockerdeposit_changelist"))
    assert deposits.status_code == 200 and deposited.code_hash not in deposits.content.decode()
    view = client.get(reverse("admin:delivery_lockerdeposit_change", args=[deposited.pk]))
    assert view.status_code == 200 and deposited.code_hash not in view.content.decode()
    assert client.get(reverse("admin:delivery_windowpickup_changelist")).status_code == 200
