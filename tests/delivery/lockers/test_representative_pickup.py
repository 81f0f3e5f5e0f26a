"""An enterprise's legal representative (法定代表人), recorded at intake with their resident ID,
collects the enterprise's result at the window as the applicant — not through the proxy path with
a letter of authorisation. Anyone else's ID is refused precisely, and nothing is written."""

import pytest

from onewindow.cases.actions import ApplicantInput, do_accept_case, do_receive_intake
from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_issue_result
from onewindow.delivery.constants import DeliveryState, VisitKind
from onewindow.delivery.models import Delivery, Visit, WindowPickup
from tests.cases.conftest import ENTERPRISE_CODE, all_received
from tests.delivery.lockers.conftest import PROXY_ID
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db

REPRESENTATIVE_ID = "11010519491231002X"


@pytest.fixture
def enterprise_issued(spot_item, clerk):
    """issued(**applicant) → an enterprise's case, issued for the window."""

    def make(**applicant):
        values = {
            "kind": "enterprise",
            "name": "广州市示范贸易有限公司",
            "id_number": ENTERPRISE_CODE,
            "phone": "13800138000",
            "legal_representative": "黄志强",
            "legal_representative_id_number": REPRESENTATIVE_ID.lower(),
            **applicant,
        }
        case = do_receive_intake(
            item=spot_item,
            applicant=ApplicantInput(**values),
            materials=all_received(spot_item),
            acting_user=clerk,
        )
        case = do_accept_case(case, acting_user=clerk)
        Delivery.objects.create(case=case, method="window")
        do_issue_result(case, acting_user=clerk)
        case.refresh_from_db()
        return case

    return make


def hand_over(case, clerk, **collector):
    return do_hand_over_at_window(
        case, pickup_code=sent_code(case), collector=Collector(**collector), acting_user=clerk
    )


def test_the_representatives_id_is_recorded_at_intake_checked_and_upper_case(enterprise_issued):
    case = enterprise_issued()

    assert case.legal_representative_id_number == REPRESENTATIVE_ID


def test_an_invalid_representative_id_is_refused_at_intake(spot_item, clerk):
    applicant = ApplicantInput(
        kind="enterprise",
        name="广州市示范贸易有限公司",
        id_number=ENTERPRISE_CODE,
        phone="13800138000",
        legal_representative="黄志强",
        legal_representative_id_number="110105194912310021",
    )
    with pytest.raises(CaseActionError) as caught:
        do_receive_intake(
            item=spot_item,
            applicant=applicant,
            materials=all_received(spot_item),
            acting_user=clerk,
        )

    assert (caught.value.status, caught.value.code) == (422, "invalid_input")
    assert caught.value.detail[0]["loc"] == ["applicant.legal_representative_id_number"]
    assert not AuditEntry.objects.filter(action="receive_intake").exists()


def test_the_representative_collects_as_the_applicant_with_their_own_id(enterprise_issued, clerk):
    case = enterprise_issued()

    hand_over(case, clerk, id_number=REPRESENTATIVE_ID)

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "黄志强"
    assert case.delivery.state == DeliveryState.DELIVERED
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert (pickup.collector_kind, pickup.collector_name) == ("applicant", "黄志强")
    assert pickup.collector_id_number == REPRESENTATIVE_ID
    assert not pickup.authorisation_reference and not pickup.authorisation_scan
    entry = AuditEntry.objects.get(action="hand_over_at_window")
    assert entry.details["collector_role"] == "legal_representative"
    assert entry.details["collector_id"] == "110105********002X"
    assert Visit.objects.filter(case=case, kind=VisitKind.PICKUP).count() == 1


def test_the_credit_code_still_collects_as_the_applicant(enterprise_issued, clerk):
    case = enterprise_issued()

    hand_over(case, clerk, id_number=ENTERPRISE_CODE)

    case.refresh_from_db()
    assert case.collected_by == "广州市示范贸易有限公司"
    entry = AuditEntry.objects.get(action="hand_over_at_window")
    assert entry.details["collector_role"] == "applicant"


def assert_nothing_written(case):
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.collected_at is None
    assert case.delivery.state == DeliveryState.READY
    assert WindowPickup.objects.get(delivery__case=case).collected_at is None
    assert not Visit.objects.filter(case=case, kind=VisitKind.PICKUP).exists()
    assert not AuditEntry.objects.filter(action="hand_over_at_window").exists()


def test_another_persons_id_is_refused_for_an_enterprise(enterprise_issued, clerk):
    case = enterprise_issued()

    with pytest.raises(CaseActionError) as caught:
        hand_over(case, clerk, id_number=PROXY_ID)

    error = caught.value
    assert (error.status, error.code) == (422, "id_mismatch")
    assert error.message.startswith(
        "证件号码与申请单位的统一社会信用代码及登记的法定代表人身份证号码均不一致"
    )
    assert error.detail[0]["loc"] == ["collector.id_number"]
    assert_nothing_written(case)


def test_without_a_recorded_representative_id_the_representative_is_refused(
    enterprise_issued, clerk
):
    case = enterprise_issued(legal_representative_id_number="")

    with pytest.raises(CaseActionError) as caught:
        hand_over(case, clerk, id_number=REPRESENTATIVE_ID)

    assert caught.value.code == "id_mismatch"
    assert_nothing_written(case)


def test_a_citizens_case_ignores_a_matching_representative_id(decided, clerk):
    # A representative's ID only counts for an enterprise: a citizen's case compares the
    # applicant's own number.
    case = decided()
    Delivery.objects.create(case=case, method="window")
    do_issue_result(case, acting_user=clerk)
    case.legal_representative_id_number = PROXY_ID  # as if typed by mistake
    case.save(update_fields=["legal_representative_id_number"])

    with pytest.raises(CaseActionError) as caught:
        hand_over(case, clerk, id_number=PROXY_ID)

    assert caught.value.code == "id_mismatch"
    assert caught.value.message.startswith("证件号码与申请人不一致")
