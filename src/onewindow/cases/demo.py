"""Demo cases for `onewindow demo`: a few applications in each state, made through the actions.

So that the window, the inboxes, supervision and the progress query have something to show on a
new demo. Created once: when the demo clerk already has cases, nothing is added.
"""

import re

from onewindow.accounts.models import User
from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_draft_decision,
    do_issue_supplement_notice,
    do_receive_intake,
    do_sign_decision,
)
from onewindow.cases.actions.common import today
from onewindow.cases.actions.signing import default_valid_until
from onewindow.cases.constants import TaskState
from onewindow.cases.models import Case
from onewindow.catalog.constants import DeliveryMethod, Requirement
from onewindow.catalog.models import ServiceItem

CITIZEN = ApplicantInput(
    kind="citizen", name="李明", id_number="441303198506121235", phone="13800138000"
)
CITIZEN_2 = ApplicantInput(
    kind="citizen", name="陈秀兰", id_number="441303199203084566", phone="13926001234"
)
ENTERPRISE = ApplicantInput(
    kind="enterprise",
    name="惠州市惠阳区安和建设工程有限公司",
    id_number="91441303MA4UX1234A",
    phone="13502221234",
    legal_representative="黄志强",
    contact_name="吴敏",
)

# (item code, applicant, what to do with it, materials left out at intake)
DEMO_CASES = [
    ("441303-SCJG-003", CITIZEN, "delivered", ()),
    ("441303-SCJG-002", CITIZEN_2, "on_the_spot", ()),
    ("441303-ZJ-004", ENTERPRISE, "one_department_answered", ()),
    ("441303-SCJG-005", CITIZEN, "tolerated", "tolerated"),
    ("441303-SCJG-001", ENTERPRISE, "accepted", ()),
    ("441303-ZJ-002", ENTERPRISE, "supplement_notice", "first_required"),
    ("441303-SCJG-004", CITIZEN_2, "submitted", ()),
    ("441303-SCJG-005", CITIZEN_2, "in_locker", ()),
    # Every department answered; the reviewer's draft waits in head_market's 待签发 list.
    ("441303-SCJG-004", ENTERPRISE, "awaiting_signature", ()),
]


REVIEWERS = ("reviewer_market", "reviewer_fire", "reviewer_housing")
HEADS = ("head_market", "head_fire", "head_housing")


def load_demo_cases():
    """Create the demo cases unless there are some; returns (number or "—", item, state) rows."""
    staff = User.objects.select_related("department").in_bulk(
        ["clerk", "reviewer_market", "reviewer_fire", "reviewer_housing", *HEADS],
        field_name="username",
    )
    clerk = staff["clerk"]
    if Case.objects.filter(clerk=clerk).exists():
        return []
    reviewers = {user.department_id: user for name, user in staff.items() if name in REVIEWERS}
    # The heads sign the decisions of items that need a signature.
    reviewers["heads"] = {user.department_id: user for name, user in staff.items() if name in HEADS}
    made = []
    for code, applicant, plan, left_out in DEMO_CASES:
        item = ServiceItem.objects.published().filter(code=code).first()
        if item is None:
            continue
        case = _make(item, applicant, plan, left_out, clerk, reviewers)
        case.refresh_from_db()
        made.append((case.number or "—", item.name, case.get_state_display()))
    return made


def _make(item, applicant, plan, left_out, clerk, reviewers):
    materials = list(item.materials.all())
    if left_out == "tolerated":
        missing = {m.pk for m in materials if m.requirement == Requirement.TOLERATED}
    elif left_out == "first_required":
        missing = {next(m.pk for m in materials if m.requirement == Requirement.REQUIRED)}
    else:
        missing = set()
    lines = [MaterialInput(material_id=m.pk, received=m.pk not in missing) for m in materials]
    case = do_receive_intake(item=item, applicant=applicant, materials=lines, acting_user=clerk)
    if plan == "submitted":
        return case
    if plan == "supplement_notice":
        return do_issue_supplement_notice(
            case, defects={pk: "未提交，请补交原件" for pk in missing}, acting_user=clerk
        )
    case = do_accept_case(case, acting_user=clerk)
    if plan in ("accepted", "tolerated", "on_the_spot"):
        if plan == "on_the_spot":
            return _collect_at_window(case, applicant, clerk)
        return case
    if plan == "one_department_answered":
        # The fire brigade answers; housing still has the task in its inbox.
        task = next(t for t in _open_tasks(case) if t.department.code == "XFJYDD")
        do_complete_review(
            task,
            decision="approved",
            opinion="消防设施现场检查合格，同意。",
            acting_user=reviewers[task.department_id],
        )
        return case
    # delivered (or in_locker): every stage answered, decided, then collected or deposited.
    while tasks := _open_tasks(case):
        for task in tasks:
            do_complete_review(
                task,
                decision="approved",
                opinion="材料齐全，符合条件，同意。",
                acting_user=reviewers[task.department_id],
            )
    lead = reviewers[item.lead_department_id]
    if not item.needs_signature:
        case = do_decide_case(case, acting_user=lead)
    else:
        draft = do_draft_decision(
            case,
            outcome="approved",
            text=f"经审查，申请人{case.applicant_name}的申请符合法定条件，准予{item.name}。",
            conditions="请在经营场所显著位置悬挂许可证，依法依规经营。",
            valid_until=default_valid_until(item, today()),
            acting_user=lead,
        )
        if plan == "awaiting_signature":
            return case
        case = do_sign_decision(draft, acting_user=reviewers["heads"][item.lead_department_id])
    # The demo carries some cases through delivery's steps: delivery's actions, imported here
    # because cases does not import delivery at module level (docs/notifications.md).
    from onewindow.delivery.actions import do_deposit_in_locker, do_issue_result
    from onewindow.delivery.models import Delivery, Locker

    locker = Locker.objects.filter(active=True, service_point_id=clerk.department_id).first()
    if plan == "in_locker" and locker is not None:
        Delivery.objects.update_or_create(case=case, defaults={"method": DeliveryMethod.LOCKER})
        do_issue_result(case, acting_user=clerk)
        do_deposit_in_locker(case, locker=locker, acting_user=clerk)
        return case
    return _collect_at_window(case, applicant, clerk)


def _collect_at_window(case, applicant, clerk):
    """Issue the result and hand it over with the code the applicant was sent."""
    from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_issue_result

    do_issue_result(case, acting_user=clerk)
    message = case.messages.filter(template="ready_for_pickup", channel="sms").latest("id")
    code = re.search(r"领取码(\d{6})", message.body).group(1)
    collector = Collector(name=applicant.name, id_number=applicant.id_number)
    return do_hand_over_at_window(case, pickup_code=code, collector=collector, acting_user=clerk)


def _open_tasks(case):
    return list(case.tasks.filter(state=TaskState.OPEN).select_related("department"))
