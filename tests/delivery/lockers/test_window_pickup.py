"""Window pickup (窗口领取): the pickup code sent when the result is issued, and the hand-over with
the collector's ID checked. Every refusal says precisely why and changes nothing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case
from onewindow.cases.uploads import CheckedUpload
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_resend_pickup_code
from onewindow.delivery.constants import DeliveryState, VisitKind
from onewindow.delivery.models import Visit, WindowPickup
from onewindow.notifications.models import OutboundMessage
from tests.delivery.lockers.conftest import PROXY_ID
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db


def hand_over(case, clerk, code, **collector):
    collector.setdefault("id_number", case.applicant_id_number)
    return do_hand_over_at_window(
        case, pickup_code=code, collector=Collector(**collector), acting_user=clerk
    )


def refused(case, clerk, code, **collector):
    with pytest.raises(CaseActionError) as caught:
        hand_over(case, clerk, code, **collector)
    return caught.value


def assert_nothing_changed(case):
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.collected_at is None
    assert case.delivery.state == DeliveryState.READY
    assert not Visit.objects.filter(case=case, kind=VisitKind.PICKUP).exists()
    assert WindowPickup.objects.get(delivery__case=case).collected_at is None
    assert not AuditEntry.objects.filter(action="hand_over_at_window").exists()


def test_issuing_for_the_window_sends_a_pickup_code_that_is_stored_only_hashed(issued, hall):
    case = issued()

    message = OutboundMessage.objects.get(case=case, template="ready_for_pickup", channel="sms")
    code = sent_code(case)
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert message.event_key == f"ready_for_pickup:{case.delivery.pk}"
    assert hall.name in message.body and code in message.body
    assert case.delivery.state == DeliveryState.READY
    assert pickup.service_point == hall and code not in pickup.code_hash
    assert len(pickup.code_hash) == 64
    assert pickup.expires_at - pickup.issued_at == timedelta(days=90)


def test_the_applicant_collects_with_the_code_and_their_id(
    issued, clerk, sms_gateway, django_capture_on_commit_callbacks
):
    case = issued()
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(case, clerk, sent_code(case), id_number=case.applicant_id_number.lower())

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "李明"
    assert case.collected_at is not None
    assert case.delivery.state == DeliveryState.DELIVERED
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert pickup.collector_kind == "applicant" and pickup.handed_over_by == clerk
    visit = Visit.objects.get(case=case, kind=VisitKind.PICKUP)
    assert visit.clerk == clerk and visit.service_point == clerk.department
    entry = AuditEntry.objects.get(action="hand_over_at_window")
    assert entry.from_state == "issued" and entry.to_state == "delivered"
    assert entry.details["collector_id"] == "110105********002X"
    assert "已送达" in sms_gateway.texts()[-1]


def test_a_proxy_collects_with_their_own_id_and_an_authorisation_letter(issued, clerk):
    case = issued()
    scan = CheckedUpload(
        content=b"%PDF-1.7\n%%EOF\n", content_type="application/pdf", sha256="", name="委托书.pdf"
    )

    hand_over(
        case,
        clerk,
        sent_code(case),
        kind="proxy",
        name="王芳",
        id_number=PROXY_ID,
        authorisation_reference="委托书 2026-118",
        authorisation_scan=scan,
    )

    case.refresh_from_db()
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert case.state == CaseState.DELIVERED and case.collected_by == "王芳"
    assert (pickup.collector_kind, pickup.collector_id_number) == ("proxy", PROXY_ID)
    assert pickup.authorisation_reference == "委托书 2026-118"
    assert pickup.authorisation_scan.read() == b"%PDF-1.7\n%%EOF\n"
    assert len(pickup.authorisation_sha256) == 64


def test_a_wrong_code_is_refused(issued, clerk):
    case = issued()
    code = sent_code(case)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    error = refused(case, clerk, wrong)

    assert (error.status, error.code) == (422, "wrong_code")
    assert error.message == "领取码不正确，还可尝试 4 次。"
    assert_nothing_changed(case)
    assert WindowPickup.objects.get(delivery__case=case).failed_attempts == 1


def test_a_code_that_is_not_six_digits_is_invalid_input(issued, clerk):
    case = issued()

    error = refused(case, clerk, "12ab")

    assert (error.status, error.code) == (422, "invalid_input")
    assert error.detail[0]["loc"] == ["pickup_code"]
    assert "6 位数字" in error.message
    assert_nothing_changed(case)


def test_an_expired_code_is_refused(issued, clerk):
    case = issued()
    code = sent_code(case)

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        error = refused(case, clerk, code)
        with translation.override("en"):
            english = refused(case, clerk, code)

    assert (error.status, error.code) == (410, "code_expired")
    assert re.fullmatch(r"取件码已于 \d{4}-\d\d-\d\d \d\d:\d\d 过期", error.message)
    assert re.fullmatch(r"The code expired on \d{4}-\d\d-\d\d \d\d:\d\d", english.message)
    assert_nothing_changed(case)


def test_a_used_code_is_refused_and_says_when_it_was_used(issued, clerk):
    case = issued()
    code = sent_code(case)
    hand_over(case, clerk, code)
    visits = Visit.objects.count()

    error = refused(case, clerk, code)
    with translation.override("en"):
        english = refused(case, clerk, code)

    assert (error.status, error.code) == (410, "code_used")
    assert error.message.startswith("该取件码已使用，结果已于 ")
    assert english.message.startswith("This code was already used: the result was collected on ")
    assert Visit.objects.count() == visits
    assert AuditEntry.objects.filter(action="hand_over_at_window").count() == 1


def test_another_persons_id_is_refused_for_the_applicant(issued, clerk):
    case = issued()

    error = refused(case, clerk, sent_code(case), id_number=PROXY_ID)

    assert (error.status, error.code) == (422, "id_mismatch")
    assert error.message.startswith("证件号码与申请人不一致")
    assert error.detail[0]["loc"] == ["collector.id_number"]
    assert_nothing_changed(case)


def test_a_proxy_without_an_authorisation_letter_is_refused(issued, clerk):
    case = issued()

    error = refused(case, clerk, sent_code(case), kind="proxy", name="王芳", id_number=PROXY_ID)

    assert (error.status, error.code) == (422, "authorisation_missing")
    assert error.message.startswith("他人代领须提供申请人的授权委托书")
    assert_nothing_changed(case)


def test_a_proxy_with_an_invalid_id_number_is_refused(issued, clerk):
    case = issued()

    error = refused(
        case,
        clerk,
        sent_code(case),
        kind="proxy",
        name="王芳",
        id_number="440103199003078275",
        authorisation_reference="委托书",
    )

    assert (error.status, error.code) == (422, "invalid_input")
    assert error.message == "居民身份证号码校验位错误"
    assert error.detail[0]["loc"] == ["collector.id_number"]
    assert_nothing_changed(case)


def test_a_decided_case_that_was_not_issued_cannot_be_handed_over(decided, clerk):
    case = decided()

    error = refused(case, clerk, "123456")

    assert (error.status, error.code) == (409, "wrong_state")
    assert Case.objects.get(pk=case.pk).state == CaseState.DECIDED


def test_only_clerks_hand_over(issued, reviewer_market):
    case = issued()

    error = refused(case, reviewer_market, sent_code(case))

    assert (error.status, error.code) == (403, "forbidden")
    assert_nothing_changed(case)


def test_a_new_code_replaces_an_expired_one(issued, clerk):
    case = issued()
    old = sent_code(case)

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        pickup = do_resend_pickup_code(case, acting_user=clerk)
        new = sent_code(case)
        assert pickup.code == new
        assert refused(case, clerk, old).code == "code_expired"
        hand_over(case, clerk, new)

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    assert (
        OutboundMessage.objects.filter(
            case=case, template="ready_for_pickup", channel="sms"
        ).count()
        == 2
    )


def test_a_resent_code_voids_the_old_one_at_once(issued, clerk):
    case = issued()
    old = sent_code(case)

    do_resend_pickup_code(case, acting_user=clerk)

    assert refused(case, clerk, old).code == "code_expired"
    assert (
        OutboundMessage.objects.filter(
            case=case, template="ready_for_pickup", channel="sms"
        ).count()
        == 2
    )
    assert AuditEntry.objects.filter(action="resend_pickup_code").count() == 1


def test_no_code_is_resent_for_a_result_in_a_locker(issued, clerk, locker):
    from onewindow.catalog.constants import DeliveryMethod
    from onewindow.delivery.actions import do_deposit_in_locker

    case = issued(DeliveryMethod.LOCKER)
    do_deposit_in_locker(case, locker=locker, acting_user=clerk)

    with pytest.raises(CaseActionError) as caught:
        do_resend_pickup_code(case, acting_user=clerk)

    assert (caught.value.status, caught.value.code) == (409, "not_at_window")
    assert not WindowPickup.objects.filter(delivery__case=case).exists()


def test_a_resent_code_that_happens_to_equal_the_old_one_still_works(issued, clerk, monkeypatch):
    from onewindow.delivery import codes

    monkeypatch.setattr(codes, "new_code", lambda: "424242")  # a one-in-a-million repeat
    case = issued()
    do_resend_pickup_code(case, acting_user=clerk)

    hand_over(case, clerk, "424242")

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    assert WindowPickup.objects.filter(delivery__case=case, collected_at__isnull=False).count() == 1
