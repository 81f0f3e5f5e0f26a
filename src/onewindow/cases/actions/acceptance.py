"""Acceptance (受理) of an intake: number the case, copy the item version's flow, open the first
stage and start the clock; 容缺受理 when only tolerated materials are missing."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import hooks
from onewindow.cases.actions import statements
from onewindow.cases.actions.common import WARNING_COLOURS, today
from onewindow.cases.actions.decision import decide_on_the_spot
from onewindow.cases.constants import CaseState, Colour, MaterialStatus, StageState, TaskState
from onewindow.cases.deadlines import colour_for
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, not_found, wrong_state
from onewindow.cases.models import Case, CaseStage, ReviewTask
from onewindow.cases.permissions import is_clerk
from onewindow.catalog.constants import ItemStatus, Requirement
from onewindow.core import numbering, workdays
from onewindow.core.batch import Batch, CheckFailed, Sql
from onewindow.core.punctuation import join_list
from onewindow.notifications.notify import tell_applicant_in_batch


def _blocking(case):
    """Checklist lines of required materials still missing or defective: they block acceptance."""
    return list(
        case.materials.select_related("material").filter(
            status__in=(
                MaterialStatus.MISSING,
                MaterialStatus.DEFECTIVE,
                MaterialStatus.TOLERATED,
            ),
            material__requirement=Requirement.REQUIRED,
        )
    )


def do_accept_case(case, *, acting_user, supplement_due=None, client_address=None):
    """Accept (受理): number the case, copy the flow, open the first stage, start the clock.

    Only materials flagged 容缺 may still be missing; then a supplement-by date is set and the
    result cannot be issued before they arrive. An on-the-spot item is decided at once. One batch;
    the checks (state, blocking materials) run in it, and the error path reads the details. The
    returned case's `opened_tasks` maps each department of the first stage to its task id.
    """
    if not is_clerk(acting_user):
        raise forbidden(_("只有综合窗口人员可以受理"))
    on, now = today(), timezone.now()
    item = case.item
    flow = published(item).flow
    promised = workdays.deadline(on, item.promised_limit_days, suspensions=(), extension_days=0)
    legal = workdays.deadline(on, item.legal_limit_days, suspensions=(), extension_days=0)
    if supplement_due is None:
        supplement_due = min(
            workdays.add_workdays(on, settings.ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS), legal
        )
    colour = colour_for(promised, on, limit_days=item.promised_limit_days)

    batch = Batch()
    statements.lock_case(batch, case.pk)
    pending = (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE, MaterialStatus.TOLERATED)
    outstanding = (
        "EXISTS (SELECT 1 FROM cases_casematerial cm JOIN catalog_material m "
        "ON m.id = cm.material_id WHERE cm.case_id = c.id AND cm.status IN (%s, %s, %s) "
        "AND m.requirement = %s)"
    )
    conditions = [
        (
            "c.state NOT IN (%s, %s)",
            [CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT],
            "case_state",
        ),
        (outstanding, [*pending, Requirement.REQUIRED], "materials_missing"),
    ]
    if supplement_due <= on:
        conditions.append((outstanding, [*pending, Requirement.TOLERATED], "supplement_due"))
    elif supplement_due > legal:
        # The result cannot be issued before the tolerated materials arrive: a later date would
        # let the case run past its legal time limit by design.
        conditions.append((outstanding, [*pending, Requirement.TOLERATED], "supplement_too_late"))
    statements.check_case(batch, case.pk, conditions)
    batch.execute(
        "UPDATE cases_casematerial SET status = %s WHERE case_id = %s AND status IN (%s, %s, %s) "
        "AND material_id IN (SELECT id FROM catalog_material WHERE item_id = %s "
        "AND requirement = %s)",
        [MaterialStatus.TOLERATED, case.pk, *pending, item.pk, Requirement.TOLERATED],
    )
    # Whether any material is left to bring in later, for the case named `{}`.
    tolerated = "EXISTS (SELECT 1 FROM cases_casematerial WHERE case_id = {}.id AND status = %s)"
    number = numbering.case_number(batch, settings.ONEWINDOW_REGION_CODE, on)
    has_tolerated = Sql(tolerated.format("c"), (MaterialStatus.TOLERATED,))
    tolerated_names = batch.json_array_of(
        "SELECT m.name AS v FROM cases_casematerial cm JOIN catalog_material m "
        "ON m.id = cm.material_id WHERE cm.case_id = c.id AND cm.status = %s "
        "ORDER BY cm.position, cm.id"
    )
    # Written before the UPDATE, which it describes: the state it leaves, the number it gives.
    statements.audit(
        batch,
        "accept_case",
        case_id=case.pk,
        number=number,
        acting_user=acting_user,
        from_state=Sql("c.state"),
        to_state=CaseState.ACCEPTED,
        client_address=client_address,
        details=[
            ("tolerated", Sql(tolerated_names, (MaterialStatus.TOLERATED,))),
            (
                "supplement_due",
                Sql(
                    f"CASE WHEN {has_tolerated.text} THEN CAST(%s AS TEXT) ELSE '' END",
                    (*has_tolerated.params, str(supplement_due)),
                ),
            ),
        ],
    )
    # Accepted, then at once in review (the first stage opens): one UPDATE, two audit rows. The
    # audit row above, the stages and the UPDATE read nothing the others write: one statement.
    _copy_stages(batch, case.pk, flow, on, alongside=True)
    accepted = batch.fetch(
        f"UPDATE cases_case SET number = {number.text}, accepted_on = %s, state = %s, "
        f"supplement_due = CASE WHEN {tolerated.format('cases_case')} "
        f"THEN {batch.typed('DATE')} ELSE NULL END, "
        "promised_deadline = %s, legal_deadline = %s, colour = %s, colour_changed_at = %s, "
        "updated_at = %s WHERE id = %s RETURNING number, supplement_due",
        [
            *number.params,
            on,
            CaseState.IN_REVIEW,
            MaterialStatus.TOLERATED,
            supplement_due,
            promised,
            legal,
            colour,
            now if colour != Colour.NONE else None,
            now,
            case.pk,
        ],
        alongside=True,
    )
    statements.audit(
        batch,
        "start_review",
        case_id=case.pk,
        acting_user=acting_user,
        from_state=CaseState.ACCEPTED,
        to_state=CaseState.IN_REVIEW,
        client_address=client_address,
    )
    tasks, opened = _copy_tasks(batch, case.pk, flow, on, alongside=True)
    # The applicant is told the number and the promised deadline (SMS, e-mail, progress page).
    after_messages = tell_applicant_in_batch(
        batch, case, "accepted", event_key=f"accepted:{case.pk}", context={"deadline": promised}
    )
    if item.is_on_the_spot:
        decide_on_the_spot(batch, case.pk, acting_user=acting_user, on=on)
    else:
        for department_id, due_date, task_colour in opened:
            if task_colour in WARNING_COLOURS:
                # A 0-day step is yellow from its first day (cases/deadlines.py warning_days).
                statements.queue_colour_change(
                    batch,
                    case_id=case.pk,
                    colour=task_colour,
                    deadline=due_date,
                    department_id=department_id,
                    task_id=Sql(
                        "(SELECT id FROM cases_reviewtask WHERE case_id = %s "
                        "AND department_id = %s AND state = %s)",
                        (case.pk, department_id, TaskState.OPEN),
                    ),
                )
        if colour in WARNING_COLOURS:
            # E.g. a 0-day promise: yellow from the first day.
            _announce_case_colour(batch, case.pk, item, colour, promised)
    try:
        results = batch.run()
    except CheckFailed as failed:
        raise _accept_error(failed.code, case, legal=legal) from None
    after_messages(results)
    if item.is_on_the_spot:
        hooks.case_decided.send(sender=Case, case_id=case.pk)  # delivery issues it
        case.refresh_from_db()
        return case
    number, due = results[accepted][0]
    case.number, case.accepted_on, case.state = number, on, CaseState.IN_REVIEW
    case.supplement_due = statements.as_date(due)
    case.promised_deadline, case.legal_deadline, case.colour = promised, legal, colour
    # What each department's inbox now shows: department id → its open task's id.
    case.opened_tasks = {
        department_id: task_id
        for task_id, department_id, state in results[tasks]
        if state == TaskState.OPEN
    }
    return case


def _announce_case_colour(batch, case_id, item, colour, promised):
    """The case is yellow or red at once: audited, and queued for the lead department's and the
    supervisors' grouped notices (as common.announce_case_colour does for later changes)."""
    statements.audit(
        batch,
        "colour_changed",
        case_id=case_id,
        acting_user=None,
        from_state=CaseState.IN_REVIEW,
        to_state=CaseState.IN_REVIEW,
        details=[("previous", Colour.NONE), ("colour", colour)],
    )
    for recipient in ({"department_id": item.lead_department_id}, {"supervisors": True}):
        statements.queue_colour_change(
            batch, case_id=case_id, colour=colour, deadline=promised, **recipient
        )


def _accept_error(code, case, *, legal):
    if code == "not_found":
        return not_found()
    current = Case.objects.get(pk=case.pk)
    if code == "case_state":
        return wrong_state(current, (CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT))
    blocking = _blocking(current)
    if code == "materials_missing" and blocking:
        names = join_list(row.material.name for row in blocking)
        return CaseActionError(
            "materials_missing",
            _("缺少必要材料，不能受理：%(names)s") % {"names": names},
            status=422,
            detail=[
                {"type": "missing", "loc": ["materials", row.material_id], "msg": row.material.name}
                for row in blocking
            ],
        )
    if code == "numbers_exhausted":
        return CaseActionError(
            "numbers_exhausted",
            _("今日办件编号已用完，请联系系统管理员"),
            status=503,
        )
    if code == "supplement_due":
        return invalid_input(
            "supplement_due",
            _("容缺补齐期限须晚于今天"),
        )
    if code == "supplement_too_late":
        message = _("容缺补齐期限不能晚于法定办结期限 %(deadline)s") % {
            "deadline": legal.isoformat()
        }
        return CaseActionError(
            "invalid_input",
            message,
            status=422,
            detail=[{"type": "after_legal_deadline", "loc": ["supplement_due"], "msg": message}],
        )
    return CaseActionError(code, code)


@dataclass(frozen=True)
class PublishedItem:
    """What intake and acceptance need of an item version: its materials and its flow, as
    ((stage name, ((department id, task name, limit days), …)), …)."""

    materials: tuple
    flow: tuple


_PUBLISHED = {}


def published(item):
    """The item version's materials and flow.

    Published versions never change, so they are kept per process, keyed by the version's id and
    publication time (ids alone can come back in a test database that was rolled back)."""
    key = (item.pk, item.published_at)
    found = _PUBLISHED.get(key)
    if found is None:
        found = PublishedItem(
            materials=tuple(item.materials.all()),
            flow=tuple(
                (
                    stage.name,
                    tuple((s.department_id, s.task_name, s.limit_days) for s in stage.steps.all()),
                )
                for stage in item.stages.prefetch_related("steps")
            ),
        )
        if item.published_at is not None and item.status != ItemStatus.DRAFT:
            if len(_PUBLISHED) > 5000:
                _PUBLISHED.clear()
            _PUBLISHED[key] = found
    return found


def _copy_stages(batch, case_id, flow, on, *, alongside):
    """The item version's stages become the case's; the first stage opens now. One INSERT."""
    batch.insert_rows(
        CaseStage,
        [
            {
                "case_id": case_id,
                "position": position,
                "name": name,
                "state": StageState.OPEN if position == 0 else StageState.PENDING,
                "opened_on": on if position == 0 else None,
            }
            for position, (name, _steps) in enumerate(flow)
        ],
        alongside=alongside,
    )


def _copy_tasks(batch, case_id, flow, on, *, alongside):
    """The steps become review tasks, those of the first stage open with their due dates and
    colours. One INSERT; returns the batch index of the tasks' (id, department id, state) rows,
    and (department id, due date, colour) of the open tasks."""
    rows, opened = [], []
    for position, (_stage_name, steps) in enumerate(flow):
        for department_id, task_name, limit_days in steps:
            row = {
                "case_id": case_id,
                "stage_id": Sql(
                    "(SELECT id FROM cases_casestage WHERE case_id = %s AND position = %s)",
                    (case_id, position),
                ),
                "department_id": department_id,
                "task_name": task_name,
                "limit_days": limit_days,
                "state": TaskState.PENDING,
            }
            if position == 0:
                due = workdays.deadline(on, limit_days, suspensions=(), extension_days=0)
                colour = colour_for(due, on, limit_days=limit_days)
                row.update(state=TaskState.OPEN, opened_on=on, due_date=due, colour=colour)
                opened.append((department_id, due, colour))
            rows.append(row)
    tasks = batch.insert_rows(
        ReviewTask, rows, returning=("id", "department_id", "state"), alongside=alongside
    )
    return tasks, opened
