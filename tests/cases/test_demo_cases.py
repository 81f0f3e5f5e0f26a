"""`onewindow demo` fills the window, the inboxes and the progress query with a few real cases."""

import pytest
from django.core.management import call_command

from onewindow.cases import queries
from onewindow.cases.constants import CaseState, MaterialStatus, TaskState
from onewindow.cases.models import Case
from onewindow.core.models import AuditEntry
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.models import Locker

pytestmark = pytest.mark.django_db


def test_the_demo_makes_cases_in_every_state_once(capsys, terminal):
    terminal("en_US.UTF-8")  # the report is in the terminal's language (core/i18n.py)
    call_command("demo")
    first = capsys.readouterr().out
    counts = (Case.objects.count(), AuditEntry.objects.filter(object_type="cases.case").count())
    call_command("demo")

    assert "Demo cases: 9" in first and "Demo cases: kept" in capsys.readouterr().out
    assert (
        Case.objects.count(),
        AuditEntry.objects.filter(object_type="cases.case").count(),
    ) == counts
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            CaseState.DELIVERED,
            CaseState.DELIVERED,
            CaseState.IN_REVIEW,
            CaseState.IN_REVIEW,
            CaseState.IN_REVIEW,
            CaseState.IN_REVIEW,
            CaseState.NEEDS_SUPPLEMENT,
            CaseState.SUBMITTED,
            CaseState.ISSUED,
        ]
    )
    tolerated = Case.objects.get(item__code="441303-SCJG-005", applicant_name="李明")
    assert tolerated.supplement_due is not None
    assert tolerated.materials.filter(status=MaterialStatus.TOLERATED).exists()
    joint = Case.objects.get(item__code="441303-ZJ-004")
    first_stage = dict(
        joint.tasks.filter(stage__position=0).values_list("department__code", "state")
    )
    assert first_stage == {"XFJYDD": TaskState.APPROVED, "ZJJ": TaskState.OPEN}


def test_the_delivered_demo_case_has_a_public_timeline():
    call_command("demo")
    case = Case.objects.get(item__code="441303-SCJG-003")

    steps = [label for _, label, _ in queries.public_timeline(case)]

    assert case.state == CaseState.DELIVERED and case.decision_number
    assert [str(s) for s in steps][:2] == ["收件", "受理"] and str(steps[-1]) == "窗口领取"


def test_the_demo_has_a_hall_locker_holding_one_result():
    call_command("demo")
    case = Case.objects.get(state=CaseState.ISSUED)
    locker = Locker.objects.get(code="hall-1")

    assert locker.compartments.count() == 12
    assert sorted(set(locker.compartments.values_list("size", flat=True))) == ["L", "M", "S"]
    assert case.delivery.state == DeliveryState.IN_LOCKER
    deposit = case.delivery.locker_deposits.get()
    assert deposit.compartment.state == CompartmentState.OCCUPIED and deposit.locker == locker
    assert case.messages.filter(template="locker_code").exists()


def test_the_demo_decisions_are_signed_and_one_awaits_head_markets_signature():
    from onewindow.accounts.models import User
    from onewindow.cases.constants import DraftState
    from onewindow.cases.models import DecisionDraft

    call_command("demo")
    delivered = Case.objects.get(item__code="441303-SCJG-003")
    signed = delivered.decision_drafts.get()
    assert signed.state == DraftState.SIGNED and signed.handled_by.username == "head_market"
    assert delivered.decision_text.startswith("经审查")
    head = User.objects.get(username="head_market")
    [waiting] = queries.drafts_awaiting_signature(head)
    assert waiting.case.item.code == "441303-SCJG-004"
    assert DecisionDraft.objects.filter(state=DraftState.AWAITING_SIGNATURE).count() == 1
    # Every department that reviews in the demo has a head.
    heads = set(User.objects.filter(role="head").values_list("department__code", flat=True))
    assert {"SCJGJ", "XFJYDD", "ZJJ"} <= heads


def test_the_demo_reports_in_chinese_on_a_chinese_terminal(capsys, terminal):
    terminal("zh_CN.UTF-8")
    call_command("demo")
    out = capsys.readouterr().out

    assert "演示办件：9" in out and "演示工作人员账户（新账户的密码：onewindow-demo）：" in out
    assert "Demo" not in out and "[new]" not in out
