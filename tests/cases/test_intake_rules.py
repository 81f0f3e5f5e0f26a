"""One-window intake: identity checks, the material checklist, and the four outcomes."""

import re
from datetime import date

import pytest
import time_machine
from django.utils import translation

from onewindow.cases.actions import (
    ApplicantInput,
    ProxyInput,
    do_accept_case,
    do_issue_supplement_notice,
    do_not_accept,
    do_receive_tolerated_materials,
    do_update_intake_materials,
)
from onewindow.cases.actions.inputs import MaterialInput
from onewindow.cases.constants import CaseState, Decision, MaterialStatus
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case
from tests.cases.conftest import ENTERPRISE_CODE
from tests.factories import ServiceItemFactory
from tests.pickup import collect, issue

pytestmark = pytest.mark.django_db


def test_accepting_numbers_the_case_region_date_and_daily_sequence(receive, clerk):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        first = do_accept_case(receive(), acting_user=clerk)
        second = do_accept_case(receive(), acting_user=clerk)

    assert first.number == "44130320260302000001"
    assert second.number == "44130320260302000002"
    assert re.fullmatch(r"441303\d{8}\d{6}", first.number)


def test_the_case_pins_the_item_version_it_was_accepted_under(accepted_case, joint_item):
    assert accepted_case.item_id == joint_item.pk
    assert accepted_case.item.version == joint_item.version


@pytest.mark.parametrize(
    ("id_number", "message", "english"),
    [
        ("110105194912310021", "居民身份证号码校验位错误", "ID card number check digit is wrong"),
        ("11010519491231", "居民身份证号码应为 18 位", "ID card number must have 18 characters"),
        (
            "110105194913320026",
            "居民身份证号码中的出生日期无效",
            "ID card number has an invalid birth date",
        ),
    ],
)
def test_an_invalid_id_number_is_refused_and_nothing_is_written(
    receive, id_number, message, english
):
    bad = ApplicantInput(kind="citizen", name="李明", id_number=id_number, phone="13800138000")

    with pytest.raises(CaseActionError) as caught:
        receive(applicant=bad)
    with translation.override("en"), pytest.raises(CaseActionError) as caught_in_english:
        receive(applicant=bad)

    assert caught.value.status == 422 and caught.value.code == "invalid_input"
    assert caught.value.message == message
    assert caught_in_english.value.message == english
    assert caught.value.detail[0]["loc"] == ["applicant.id_number"]
    assert not Case.objects.exists()


def test_an_enterprise_is_identified_by_its_credit_code(receive):
    enterprise = ApplicantInput(
        kind="enterprise",
        name="惠州市惠阳区某某餐饮有限公司",
        id_number=ENTERPRISE_CODE,
        phone="0752-3301234",
        legal_representative="王五",
    )
    case = receive(applicant=enterprise)
    assert case.applicant_id_number == ENTERPRISE_CODE

    bad = ApplicantInput(
        kind="enterprise",
        name="某公司",
        id_number="91110000600037341X",
        phone="13800138000",
        legal_representative="王五",
    )
    with pytest.raises(CaseActionError, match="统一社会信用代码校验位错误"):
        receive(applicant=bad)
    assert Case.objects.count() == 1


def test_a_proxy_applicant_is_recorded_with_a_valid_id(receive):
    case = receive(
        proxy=ProxyInput(name="张三", id_number="440102198001010013", phone="13900139000")
    )

    assert (case.proxy_name, case.proxy_id_number) == ("张三", "440102198001010013")
    with pytest.raises(CaseActionError) as caught:
        receive(proxy=ProxyInput(name="张三", id_number="440102198001010014"))
    assert caught.value.detail[0]["loc"] == ["proxy.id_number"]


def test_a_missing_required_material_blocks_acceptance(receive, clerk):
    case = receive(except_names=["营业执照"])

    with pytest.raises(CaseActionError) as caught:
        do_accept_case(case, acting_user=clerk)

    assert caught.value.code == "materials_missing" and "营业执照" in caught.value.message
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.number is None


def test_tolerated_acceptance_sets_a_supplement_date_and_blocks_collection(
    receive, clerk, reviewer_market, reviewer_fire, reviewer_housing
):
    with time_machine.travel("2026-09-25 10:00 +0800", tick=False):
        case = do_accept_case(receive(except_names=["消防安全承诺书"]), acting_user=clerk)
    # 5 working days after Fri 25 Sep 2026, across 国庆 (1–7 Oct) and the make-up days
    assert case.supplement_due == date(2026, 10, 9)
    tolerated = case.materials.get(material__name="消防安全承诺书")
    assert tolerated.status == MaterialStatus.TOLERATED

    from tests.cases.test_parallel_review import approve_everything

    approve_everything(case, reviewer_market, reviewer_fire, reviewer_housing)
    code = issue(case, clerk)
    with pytest.raises(CaseActionError) as caught:
        collect(case, clerk, code=code)
    assert caught.value.code == "tolerated_materials_outstanding"

    do_receive_tolerated_materials(case, material_ids=[tolerated.material_id], acting_user=clerk)
    collect(case, clerk, code=code)
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.supplement_due is None


def test_the_one_time_notice_lists_every_missing_or_defective_material(receive, clerk):
    case = receive(except_names=["营业执照", "经营场所证明"])
    received = case.materials.get(material__name="开业联办申请表")

    do_issue_supplement_notice(case, defects={received.material_id: "未签名"}, acting_user=clerk)

    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_SUPPLEMENT and case.accepted_on is None
    listed = {
        m.material.name: m.status
        for m in case.materials.exclude(status__in=["received", "not_required"])
    }
    assert listed == {
        "开业联办申请表": MaterialStatus.DEFECTIVE,
        "营业执照": MaterialStatus.MISSING,
        "经营场所证明": MaterialStatus.MISSING,
    }
    assert case.materials.get(material__name="开业联办申请表").defect == "未签名"


def test_the_clerk_continues_the_same_case_when_the_applicant_returns(receive, clerk, joint_item):
    case = receive(except_names=["营业执照"])
    do_issue_supplement_notice(case, defects={}, acting_user=clerk)
    licence = joint_item.materials.get(name="营业执照")

    do_update_intake_materials(
        case, materials=[MaterialInput(material_id=licence.pk, received=True)], acting_user=clerk
    )
    accepted = do_accept_case(case, acting_user=clerk)

    assert accepted.pk == case.pk and accepted.state == CaseState.IN_REVIEW


def test_not_accepting_needs_a_reason_and_ends_the_intake(receive, clerk):
    case = receive()
    with pytest.raises(CaseActionError):
        do_not_accept(case, reason="  ", acting_user=clerk)

    do_not_accept(case, reason="不属于本机关职权范围", acting_user=clerk)

    case.refresh_from_db()
    assert case.state == CaseState.NOT_ACCEPTED and case.reason == "不属于本机关职权范围"
    with pytest.raises(CaseActionError) as caught:
        do_accept_case(case, acting_user=clerk)
    assert caught.value.status == 409 and caught.value.code == "wrong_state"


def test_an_on_the_spot_item_is_decided_at_the_window(market, clerk, citizen):
    from onewindow.cases.actions import do_receive_intake
    from tests.cases.conftest import all_received

    item = ServiceItemFactory(
        name="个体工商户设立登记",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
    )
    case = do_receive_intake(
        item=item, applicant=citizen, materials=all_received(item), acting_user=clerk
    )

    case = do_accept_case(case, acting_user=clerk)

    assert case.state == CaseState.DECIDED and case.decision == Decision.APPROVED
    assert case.decision_number


def test_only_clerks_receive_and_accept(receive, reviewer_market, citizen, joint_item):
    from onewindow.cases.actions import do_receive_intake
    from tests.cases.conftest import all_received

    with pytest.raises(CaseActionError) as caught:
        do_receive_intake(
            item=joint_item,
            applicant=citizen,
            materials=all_received(joint_item),
            acting_user=reviewer_market,
        )
    assert caught.value.status == 403
    case = receive()
    with pytest.raises(CaseActionError) as caught:
        do_accept_case(case, acting_user=reviewer_market)
    assert caught.value.status == 403
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_the_same_idempotency_key_gives_one_case(receive):
    first = receive(idempotency_key="k-1")
    second = receive(idempotency_key="k-1")

    assert first.pk == second.pk and Case.objects.count() == 1


def test_every_applicant_problem_is_reported_at_once(receive):
    bad = ApplicantInput(kind="citizen", name=" ", id_number="110105194912310021", phone="123")

    with pytest.raises(CaseActionError) as caught:
        receive(applicant=bad)

    fields = [line["loc"][0] for line in caught.value.detail]
    assert fields == ["applicant.id_number", "applicant.name", "applicant.phone"]
    assert not Case.objects.exists()


def test_a_submitted_intake_can_be_withdrawn(receive, clerk):
    from onewindow.cases.actions import do_withdraw_case

    case = do_withdraw_case(receive(), reason="申请人改日再来", acting_user=clerk)

    assert case.state == CaseState.WITHDRAWN


def test_tolerated_materials_cannot_be_received_on_a_withdrawn_case(receive, clerk):
    from onewindow.cases.actions import do_withdraw_case

    case = do_accept_case(receive(except_names=["消防安全承诺书"]), acting_user=clerk)
    do_withdraw_case(case, reason="不再办理", acting_user=clerk)
    material = case.materials.get(material__name="消防安全承诺书")

    with pytest.raises(CaseActionError) as caught:
        do_receive_tolerated_materials(case, material_ids=[material.material_id], acting_user=clerk)

    assert caught.value.code == "wrong_state"
    material.refresh_from_db()
    assert material.status == MaterialStatus.TOLERATED


def test_acceptance_stops_when_the_days_case_numbers_are_used_up(receive, clerk):
    from onewindow.cases.actions.common import today
    from onewindow.core.models import NumberSequence

    intake = receive()
    key = f"case:{today():%Y%m%d}"
    NumberSequence.objects.create(key=key, last_value=999_999)

    with pytest.raises(CaseActionError) as refused:
        do_accept_case(intake, acting_user=clerk)

    assert (refused.value.code, refused.value.status) == ("numbers_exhausted", 503)
    assert refused.value.message == "今日办件编号已用完，请联系系统管理员"
    with translation.override("en"), pytest.raises(CaseActionError) as refused:
        do_accept_case(intake, acting_user=clerk)
    assert refused.value.message == "Today's case numbers are used up: call the administrator"
    intake.refresh_from_db()
    assert intake.state == CaseState.SUBMITTED and intake.number is None
    assert NumberSequence.objects.get(key=key).last_value == 999_999
