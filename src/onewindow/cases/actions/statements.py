"""SQL building blocks of the hot case actions (core.batch): one round trip per action.

Each function adds statements to a Batch; `case_id` is an int, a Ref or a Sql subquery. The
statements address rows by id so that they can run before Python has seen anything: the state
checks that the ORM actions do in Python are checks here (see core.batch), and the error path reads
what it needs for a precise message.
"""

import json
from datetime import date

from django.utils import timezone

from onewindow.cases.constants import CaseState, Colour, Decision, TaskState
from onewindow.cases.models import Case, ColourChange
from onewindow.core import numbering
from onewindow.core.batch import Sql
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import Notification

CASE_TYPE = Case._meta.label_lower


def task_case(task_id):
    """The case id of a task, as a subquery."""
    return Sql("(SELECT case_id FROM cases_reviewtask WHERE id = %s)", (task_id,))


def value_sql(value):
    """(text, params) of a value: a Sql expression as it is, anything else as a placeholder."""
    if isinstance(value, Sql):
        return value.text, list(value.params)
    return "%s", [value]


def typed_sql(value):
    """(text, params) of a value whose type SQL cannot infer from the context (a JSON value, a
    concatenation): Sql as it is, numbers as BIGINT, anything else as TEXT."""
    if isinstance(value, Sql):
        return value.text, list(value.params)
    if isinstance(value, int) and not isinstance(value, bool):
        return "CAST(%s AS BIGINT)", [value]
    return "CAST(%s AS TEXT)", [value]


def outside_department(department_column, department_id, code="forbidden"):
    """A check condition: the row's department is not `department_id` — NULL-safe, so that a
    user without a department is outside every department."""
    return (
        f"(CAST(%s AS BIGINT) IS NULL OR {department_column} <> %s)",
        [department_id, department_id],
        code,
    )


def as_date(value):
    """A date read back from RETURNING: SQLite gives it as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def lock_case(batch, case_id):
    """Lock the case row first, always, as the ORM actions do: the last two answers of a stage are
    serialised on it, and every later statement of the batch sees what the other committed."""
    text, params = value_sql(case_id)
    batch.execute(f"SELECT id FROM cases_case WHERE id = {text}{batch.for_update}", params)


def check_case(batch, case_id, conditions):
    """Stop with the first code whose condition (SQL over the case `c`) holds; `not_found` when
    there is no such case. `conditions` is a list of (sql, params, code)."""
    text, params = value_sql(case_id)
    whens, when_params = _whens(conditions)
    batch.check(
        f"COALESCE((SELECT CASE {whens} ELSE '' END FROM cases_case c WHERE c.id = {text}), "
        "'not_found')",
        [*when_params, *params],
    )


def check_task(batch, task_id, conditions):
    """As check_case, over the task `t` and its case `c`."""
    whens, when_params = _whens(conditions)
    batch.check(
        f"COALESCE((SELECT CASE {whens} ELSE '' END FROM cases_reviewtask t "
        "JOIN cases_case c ON c.id = t.case_id WHERE t.id = %s), 'not_found')",
        [*when_params, task_id],
    )


def _whens(conditions):
    parts, params = [], []
    for sql, condition_params, code in conditions:
        parts.append(f"WHEN {sql} THEN '{code}'")
        params += list(condition_params)
    return " ".join(parts), params


def audit(
    batch,
    action,
    *,
    case_id,
    acting_user,
    from_state,
    to_state,
    details=(),
    reason="",
    client_address=None,
    number=None,
    alongside=False,
):
    """The audit row of a case action. `details` are (key, SQL expression or value) pairs over the
    case `c` or plain values; the case number is always recorded, as core.audit.record does
    (`number`, a Sql expression, when the row is written before the case gets it). With
    `alongside` it may run with the statement before it (core.batch), which must then not change
    what it reads."""
    text, params = value_sql(case_id)
    number = number or Sql("COALESCE(c.number, '')")
    pairs, pair_params = ["'number'", number.text], list(number.params)
    for key, value in details:
        value_text, value_params = typed_sql(value)
        pairs += [f"'{key}'", value_text]
        pair_params += value_params
    batch.insert_row(
        AuditEntry,
        {
            "created_at": timezone.now(),
            "actor_id": acting_user.pk if acting_user is not None else None,
            "actor_role": getattr(acting_user, "role", "") or "",
            "action": action,
            "object_type": CASE_TYPE,
            "object_id": Sql("CAST(c.id AS TEXT)"),
            "from_state": from_state,
            "to_state": to_state,
            "reason": reason,
            "client_address": client_address,
            "details": Sql(f"{batch.json_object}({', '.join(pairs)})", tuple(pair_params)),
        },
        source=Sql(f"FROM cases_case c WHERE c.id = {text}", tuple(params)),
        alongside=alongside,
    )


def notify(batch, *, kind, case_id, text, department_id=None, recipient_id=None, condition=None):
    """An in-app notification whose text starts with the case number: `text` follows it. With a
    `condition` (Sql over the case `c`) it is written only when that holds."""
    case_text, params = value_sql(case_id)
    where = f"c.id = {case_text}"
    if condition is not None:
        where += f" AND {condition.text}"
        params += list(condition.params)
    batch.insert_row(
        Notification,
        {
            "kind": kind,
            "text": Sql("COALESCE(c.number, '') || CAST(%s AS TEXT)", (text,)),
            "case_id": Sql("c.id"),
            "department_id": department_id,
            "recipient_id": recipient_id,
            "created_at": timezone.now(),
        },
        source=Sql(f"FROM cases_case c WHERE {where}", tuple(params)),
    )


def notify_supervisors(batch, *, kind, case_id, text):
    """The same notification to every active supervisor."""
    from onewindow.accounts.constants import Role

    case_text, params = value_sql(case_id)
    batch.insert_row(
        Notification,
        {
            "kind": kind,
            "text": Sql("COALESCE(c.number, '') || CAST(%s AS TEXT)", (text,)),
            "case_id": Sql("c.id"),
            "recipient_id": Sql("u.id"),
            "created_at": timezone.now(),
        },
        source=Sql(
            f"FROM cases_case c, accounts_user u WHERE c.id = {case_text} "
            "AND u.role = %s AND u.is_active",
            (*params, Role.SUPERVISOR),
        ),
    )


def queue_colour_change(
    batch,
    *,
    case_id,
    colour,
    deadline,
    department_id=None,
    task_id=None,
    supervisors=False,
    condition=None,
):
    """Queue a colour change for the grouped notices (as common.announce_case_colour and
    announce_task_colour do): for `department_id`, or with `supervisors` for every active
    supervisor. With a `condition` (Sql over the case `c`) it is queued only when that holds."""
    from onewindow.accounts.constants import Role

    case_text, params = value_sql(case_id)
    where = f"c.id = {case_text}"
    if condition is not None:
        where += f" AND {condition.text}"
        params += list(condition.params)
    row = {
        "case_id": Sql("c.id"),
        "task_id": task_id,
        "colour": colour,
        "deadline": deadline,
        "created_at": timezone.now(),
    }
    if supervisors:
        row["recipient_id"] = Sql("u.id")
        source = Sql(
            f"FROM cases_case c, accounts_user u WHERE {where} AND u.role = %s AND u.is_active",
            (*params, Role.SUPERVISOR),
        )
    else:
        row["department_id"] = department_id
        source = Sql(f"FROM cases_case c WHERE {where}", tuple(params))
    batch.insert_row(ColourChange, row, source=source)


def decide(batch, *, case_id, acting_user, client_address, on):
    """The decision after the flow (and of an on-the-spot item at acceptance): approved when every
    department agreed, refused otherwise, with the lead department's decision number for the year."""
    text, params = value_sql(case_id)
    lead_code = Sql(
        "(SELECT d.code FROM cases_case k JOIN catalog_serviceitem i ON i.id = k.item_id "
        f"JOIN catalog_department d ON d.id = i.lead_department_id WHERE k.id = {text})",
        tuple(params),
    )
    number = numbering.decision_number(batch, lead_code, on.year)
    refused = (
        "EXISTS (SELECT 1 FROM cases_reviewtask r WHERE r.case_id = cases_case.id AND r.state = %s)"
    )
    reasons = batch.string_agg_of(
        "SELECT d.name || '：' || r.opinion AS v FROM cases_reviewtask r "
        "JOIN catalog_department d ON d.id = r.department_id "
        "WHERE r.case_id = cases_case.id AND r.state = %s ORDER BY r.id",
        "；",
    )
    row = batch.fetch(
        f"UPDATE cases_case SET state = %s, decision = CASE WHEN {refused} THEN %s ELSE %s END, "
        f"decision_number = {number.text}, decided_on = %s, "
        f"reason = CASE WHEN {refused} THEN {reasons} ELSE reason END, "
        f"colour = %s, updated_at = %s WHERE id = {text} "
        "RETURNING decision, decision_number, decided_on, reason",
        [
            CaseState.DECIDED,
            TaskState.REFUSED,
            Decision.REFUSED,
            Decision.APPROVED,
            *number.params,
            on,
            TaskState.REFUSED,
            TaskState.REFUSED,
            Colour.NONE,
            timezone.now(),
            *params,
        ],
    )
    audit(
        batch,
        "decide_case",
        case_id=case_id,
        acting_user=acting_user,
        from_state=CaseState.IN_REVIEW,
        to_state=CaseState.DECIDED,
        client_address=client_address,
        details=[("decision", Sql("c.decision")), ("decision_number", Sql("c.decision_number"))],
    )
    return row


def dumps(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
