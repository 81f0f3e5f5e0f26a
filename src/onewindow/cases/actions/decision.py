"""The decision after the review (作出决定) and the on-the-spot decision of 即办件. The result is
then issued and delivered by the delivery app (do_issue_result, do_hand_over_at_window)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import hooks
from onewindow.cases.actions import statements
from onewindow.cases.actions.common import may_review_somewhere, today
from onewindow.cases.constants import CaseState, Colour, StageState, TaskState
from onewindow.cases.errors import CaseActionError, forbidden, not_found, wrong_state
from onewindow.cases.models import Case
from onewindow.core.batch import Batch, CheckFailed


def awaiting_decision(case):
    """All stages have answered (or one refused): the lead department may now decide."""
    return (
        case.state == CaseState.IN_REVIEW
        and not case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).exists()
    )


def do_decide_case(case, *, acting_user, client_address=None):
    """The decision after the flow: approved when every department agreed, refused otherwise.

    Only for items without `needs_signature`: the others are drafted and signed (signing.py)."""
    if not may_review_somewhere(acting_user):
        raise _lead_forbidden()
    batch = Batch()
    statements.lock_case(batch, case.pk)
    conditions = []
    if not acting_user.is_superuser:
        lead = "(SELECT lead_department_id FROM catalog_serviceitem WHERE id = c.item_id)"
        conditions.append(statements.outside_department(lead, acting_user.department_id))
    conditions += [
        # Checked in the same round trip: items whose decisions a head signs (cases.actions.signing).
        (
            "EXISTS (SELECT 1 FROM catalog_serviceitem i WHERE i.id = c.item_id "
            "AND i.needs_signature = %s)",
            [True],
            "signature_required",
        ),
        ("c.state <> %s", [CaseState.IN_REVIEW], "case_state"),
        (
            "EXISTS (SELECT 1 FROM cases_casestage s WHERE s.case_id = c.id AND s.state IN (%s, %s))",
            [StageState.OPEN, StageState.PENDING],
            "review_not_finished",
        ),
    ]
    statements.check_case(batch, case.pk, conditions)
    decided = statements.decide(
        batch, case_id=case.pk, acting_user=acting_user, client_address=client_address, on=today()
    )
    try:
        results = batch.run()
    except CheckFailed as failed:
        raise _case_error(failed.code, case.pk) from None
    case.state, case.colour = CaseState.DECIDED, Colour.NONE
    case.decision, case.decision_number, case.decided_on, case.reason = results[decided][0]
    case.decided_on = statements.as_date(case.decided_on)
    hooks.case_decided.send(sender=Case, case_id=case.pk)  # delivery issues it
    return case


def _lead_forbidden():
    return forbidden(_("只有牵头部门可以作出决定"))


def _case_error(code, case_id, *, allowed=(CaseState.IN_REVIEW,)):
    if code == "not_found":
        return not_found()
    if code == "forbidden":
        return _lead_forbidden()
    if code == "case_state":
        return wrong_state(Case.objects.get(pk=case_id), allowed)
    if code == "signature_required":
        return CaseActionError(
            "signature_required",
            _("本事项的决定须由牵头部门负责人签发：请拟写决定，提交负责人签发"),
        )
    if code == "review_not_finished":
        return CaseActionError("review_not_finished", _("仍有部门未答复，不能作出决定"))
    if code == "tolerated_materials_outstanding":
        return CaseActionError(
            "tolerated_materials_outstanding",
            _("容缺材料尚未补齐，不能出件"),
        )
    return CaseActionError(code, code)


def decide_on_the_spot(batch, case_id, *, acting_user, client_address=None, on):
    """即办件: the window answers for every step at once and decides (inside do_accept_case)."""
    now = timezone.now()
    text, params = statements.value_sql(case_id)
    batch.execute(
        "UPDATE cases_reviewtask SET state = %s, opinion = %s, decided_by_id = %s, "
        f"decided_at = %s, colour = %s WHERE case_id = {text} AND state IN (%s, %s)",
        [
            TaskState.APPROVED,
            "即办件，当场办结",
            acting_user.pk,
            now,
            Colour.NONE,
            *params,
            TaskState.OPEN,
            TaskState.PENDING,
        ],
    )
    batch.execute(
        f"UPDATE cases_casestage SET state = %s, closed_at = %s WHERE case_id = {text}",
        [StageState.DONE, now, *params],
    )
    return statements.decide(
        batch, case_id=case_id, acting_user=acting_user, client_address=client_address, on=on
    )
