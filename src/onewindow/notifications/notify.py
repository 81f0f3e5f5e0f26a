"""Telling people: one call per event, written into the outbox in the caller's transaction.

    tell_applicant(case, "locker_code", event_key=f"locker_code:{deposit.pk}", context={...})
    tell_staff("red_card", event_key=..., case=case, recipient=supervisor, context={...})

tell_applicant writes one OutboundMessage per channel the applicant can be reached on: the in-app
message shown on the public progress page (written as sent), an SMS to the case's phone and an
e-mail when the case has an address. Each SMS and e-mail gets its own background task
(notifications/tasks.py), enqueued on commit (enqueue_sends), which claims, sends and retries it. The unique (event key, channel, address)
makes the same event never send twice, whoever calls twice.

tell_staff writes a Notification to a person or a department, guarded by an in-app outbox
row with the same uniqueness.

The acceptance is a SQL batch (core.batch): tell_applicant_in_batch writes its messages from it.
Templates and their context keys: notifications/texts.py; docs/notifications.md.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from onewindow.core.batch import Sql
from onewindow.core.logmask import MOBILE
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.kinds import kind_text
from onewindow.notifications.texts import (
    APPLICANT_TEMPLATES,
    STAFF_TEMPLATES,
    applicant_texts,
    render,
    require_context,
)

logger = logging.getLogger(__name__)

# The address of an applicant's in-app messages (they have no account yet).
APPLICANT_INBOX = "applicant"
# Stands for the case number in texts rendered before the number exists (the acceptance batch).
NUMBER_MARK = "\u2063NUMBER\u2063"
# What the applicant's in-app copy (the public progress page) shows instead of these values.
PRIVATE_VALUES = {"code": "******", "reason": gettext_lazy("（详见短信）")}


def _applicant_values(case, template, context, *, number=None):
    values = {
        "region": settings.ONEWINDOW_REGION_NAME,
        "number": (case.number or "") if number is None else number,
        "item": case.item.name,
        "applicant": case.applicant_name,
        **(context or {}),
    }
    require_context(APPLICANT_TEMPLATES, template, values)
    return values


def _applicant_rows(case, template, values):
    """(channel, address, subject, body, state) of each message of one event to the applicant."""
    email = getattr(case, "applicant_email", "")
    # In the applicant's language (chosen at intake), whoever's request causes the message.
    language = getattr(case, "applicant_language", "") or settings.LANGUAGE_CODE
    text, subject, email_body = applicant_texts(
        template, values, email=bool(email), language=language
    )
    inbox_text = text
    private = {key: mask for key, mask in PRIVATE_VALUES.items() if values.get(key)}
    if private:
        # The progress page opens with the number and 4 characters of the phone or ID: it says
        # that a pickup code or a department's reason was sent, not what it is; only the phone
        # (and the mailbox) get that.
        inbox_text = render(f"{template}.sms.txt", {**values, **private}, language=language)
    rows = [(MessageChannel.IN_APP, APPLICANT_INBOX, "", inbox_text, MessageState.SENT)]
    if MOBILE.fullmatch(case.applicant_phone or ""):
        # A landline (0752-…) takes no SMS: such an applicant is told in-app and by e-mail.
        rows.append((MessageChannel.SMS, case.applicant_phone, "", text, MessageState.PENDING))
    if email:
        rows.append((MessageChannel.EMAIL, email, subject, email_body, MessageState.PENDING))
    return rows


def tell_applicant(case, template, *, event_key, context=None):
    """Queue the message `template` about `case` to its applicant; returns the messages written
    (none when this event was already told)."""
    from onewindow.notifications.models import OutboundMessage

    values = _applicant_values(case, template, context)
    now = timezone.now()
    messages = [
        OutboundMessage(
            event_key=event_key,
            template=template,
            channel=channel,
            address=address,
            case=case,
            subject=subject,
            body=body,
            state=state,
            sent_at=now if state == MessageState.SENT else None,
            next_attempt_at=now if state == MessageState.PENDING else None,
        )
        for channel, address, subject, body, state in _applicant_rows(case, template, values)
    ]
    written = _write_new(messages)
    enqueue_sends([m.pk for m in written if m.state == MessageState.PENDING])
    return written


def _write_new(messages):
    """Insert the messages of one event, skipping those already told; returns those written.

    The usual case, an event told for the first time, is one INSERT for all its channels (the
    issue step tells two events: a savepoint per row made it the costliest step of W1). When the
    event was told before on some channel, the unique key refuses the whole INSERT and the rows
    go in one by one, each in its own savepoint, keeping those not told yet."""
    from onewindow.notifications.models import OutboundMessage

    if not messages:
        return []
    if len(messages) > 1 and connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():
                return OutboundMessage.objects.bulk_create(messages)
        except IntegrityError:
            for message in messages:
                message.pk = None
                message._state.adding = True
    written = []
    for message in messages:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            continue  # This event was told on this channel to this address already.
        written.append(message)
    return written


def tell_applicant_in_batch(batch, case, template, *, event_key, context=None):
    """As tell_applicant, written by `batch` (core.batch): one INSERT, placed after the statement
    that gives the case its number (the texts are rendered with a mark that SQL replaces by the
    number). When the task queue is django-tasks-db on the same database, the batch enqueues the
    send tasks too (INSERT … SELECT by the message's unique key): they commit with the messages,
    at no commit of their own. Call the returned function with the batch's results after it ran:
    it enqueues (on commit) what the batch could not."""
    from onewindow.notifications.models import OutboundMessage

    values = _applicant_values(case, template, context, number=NUMBER_MARK)
    now = timezone.now()
    number = "(SELECT number FROM cases_case WHERE id = %s)"

    def numbered(text):
        if NUMBER_MARK not in text:
            return text
        return Sql(f"REPLACE(CAST(%s AS TEXT), %s, {number})", (text, NUMBER_MARK, case.pk))

    rows = [
        {
            "event_key": event_key,
            "template": template,
            "channel": channel,
            "address": address,
            "case_id": case.pk,
            "subject": numbered(subject),
            "body": numbered(body),
            "state": state,
            "created_at": now,
            "sent_at": now if state == MessageState.SENT else None,
            "next_attempt_at": now if state == MessageState.PENDING else None,
        }
        for channel, address, subject, body, state in _applicant_rows(case, template, values)
    ]
    index = batch.insert_rows(
        OutboundMessage, rows, returning=("id", "state"), on_conflict_ignore=True
    )
    queue = _database_queue(batch.using)
    if queue is not None:
        for row in rows:
            if row["state"] == MessageState.PENDING:
                _enqueue_in_batch(batch, queue, row, now)
        return lambda results: None
    return lambda results: enqueue_sends(
        [pk for pk, state in results[index] or () if state == MessageState.PENDING]
    )


def _database_queue(using):
    """The send task's backend when it is django-tasks-db writing to database `using`, else None."""
    from django.db import router
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from onewindow.notifications.tasks import send_message

    backend = send_message.get_backend()
    if isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == using:
        return backend
    return None


def _enqueue_in_batch(batch, backend, row, now):
    """The task row django-tasks-db's enqueue() would write, for the message of `row`."""
    import uuid

    from django_tasks_db.models import DBTaskResult, get_date_max

    from onewindow.notifications.tasks import send_message

    json_object = batch.json_object
    json_array = "jsonb_build_array" if batch.postgresql else "json_array"
    batch.insert_row(
        DBTaskResult,
        {
            "id": uuid.uuid4(),
            "enqueued_at": now,
            "args_kwargs": Sql(
                f"{json_object}('args', {json_array}(m.id), 'kwargs', {json_object}())"
            ),
            "priority": send_message.priority,
            "task_path": send_message.module_path,
            "queue_name": send_message.queue_name,
            "backend_name": backend.alias,
            "run_after": get_date_max(),
        },
        source=Sql(
            "FROM delivery_outboundmessage m WHERE m.event_key = %s AND m.channel = %s "
            "AND m.address = %s AND m.state = %s",
            (row["event_key"], row["channel"], row["address"], MessageState.PENDING),
        ),
    )


def tell_staff(template, *, event_key, case=None, department_id=None, recipient=None, context=None):
    """An in-app notice (Notification) to `recipient` or to everyone in the department;
    returns it, or None when this event was already told to them."""
    from onewindow.notifications.models import OutboundMessage

    if (recipient is None) == (department_id is None):
        raise ValueError("tell_staff needs a recipient or a department, not both")
    values = {
        "region": settings.ONEWINDOW_REGION_NAME,
        "number": (case.number or "") if case is not None else "",
        "item": case.item.name if case is not None else "",
        **(context or {}),
    }
    require_context(STAFF_TEMPLATES, template, values)
    address = f"user:{recipient.pk}" if recipient is not None else f"department:{department_id}"
    try:
        with transaction.atomic():
            OutboundMessage.objects.create(
                event_key=event_key,
                template=template,
                channel=MessageChannel.IN_APP,
                address=address,
                recipient=recipient,
                case=case,
                body=render(f"{template}.staff.txt", values),
                state=MessageState.SENT,
                sent_at=timezone.now(),
            )
    except IntegrityError:
        return None
    return notify(
        kind=template,
        render=lambda: render(f"{template}.staff.txt", values, language=translation.get_language()),
        case=case,
        department_id=department_id,
        recipient=recipient,
    )


def notify(
    *,
    kind,
    params=None,
    render=None,
    case=None,
    department=None,
    department_id=None,
    recipient=None,
    recipient_id=None,
):
    """An in-app notice to a person, or to everyone in a department (by object or id), written
    in its readers' language: a person's own (accounts.User.language), a department's in every
    language of the site (settings.LANGUAGES; each member reads theirs, Notification.text_in).

    The text is the kind's (kinds.py) with `params`, or what `render()` returns; either is
    rendered under translation.override, so the sender's request language plays no part."""
    from onewindow.accounts.models import User
    from onewindow.notifications.models import Notification

    if department is not None:
        department_id = department.pk
    if recipient is not None:
        recipient_id = recipient.pk
    if recipient_id is not None and department_id is not None:
        raise ValueError("a notice goes to a recipient or a department, not both")
    if render is None:
        values = params or {}

        def render():
            return kind_text(kind, values)

    if recipient_id is not None:
        language = (
            recipient.language
            if recipient is not None
            else User.objects.filter(pk=recipient_id).values_list("language", flat=True).first()
        )
        languages = [language or settings.LANGUAGE_CODE]
    else:
        others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        languages = [settings.LANGUAGE_CODE, *others]
    texts = {}
    for language in languages:
        with translation.override(language):
            texts[language] = str(render())
    return Notification.objects.create(
        kind=kind,
        text=texts[languages[0]],
        texts=texts,
        case=case,
        department_id=department_id,
        recipient_id=recipient_id,
    )


def enqueue_sends(message_ids):
    """One send task per message. When the queue is django-tasks-db on the default database, the
    task rows are written now, in the caller's transaction: a worker sees them when it commits,
    and a rolled-back action leaves neither message nor task. Any other backend is called on
    commit. Should enqueuing on commit fail, the messages stay pending and the sweeper
    (notifications/tasks.py) enqueues them later."""
    if not message_ids:
        return
    from onewindow.notifications.tasks import send_message

    ids = list(message_ids)
    if _database_queue("default") is not None:
        for pk in ids:
            send_message.enqueue(pk)
        return

    def enqueue():
        for pk in ids:
            try:
                send_message.enqueue(pk)
            except Exception:
                logger.exception("could not enqueue message %s; the sweeper will", pk)

    transaction.on_commit(enqueue)
