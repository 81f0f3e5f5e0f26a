"""The move of the outbox and the staff notices into the notifications app keeps every row.

Migrate back to the state before the move (cases 0010, delivery 0004, no notifications app),
write rows through that state's models (cases.Notification, cases.NotificationRead,
delivery.OutboundMessage, and a colour change pointing at a notice), migrate forward: the same
rows are read through the notifications app's models, and the colour change still points at its
notice. Then back again and forward once more: the move is reversible. SQLite and PostgreSQL.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.cases.models import ColourChange
from onewindow.notifications.models import Notification, NotificationRead, OutboundMessage
from tests.factories import UserFactory

pytestmark = [pytest.mark.migration, pytest.mark.django_db(transaction=True)]

BEFORE = [("cases", "0010_workspace"), ("delivery", "0004_certificate_kinds")]
UNDO = [*BEFORE, ("notifications", None)]
MOVED = [
    ("cases", "0011_notifications_moved"),
    ("delivery", "0005_outbox_moved"),
    ("notifications", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaf():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_rows_stay_where_they_were(accepted_case, reviewer_market):
    read_at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    colleague = UserFactory(
        username="colleague", role="reviewer", department=reviewer_market.department
    )
    try:
        executor = _migrate(UNDO)
        old = executor.loader.project_state(BEFORE).apps
        OldNotification = old.get_model("cases", "Notification")
        OldRead = old.get_model("cases", "NotificationRead")
        OldMessage = old.get_model("delivery", "OutboundMessage")
        OldChange = old.get_model("cases", "ColourChange")
        notice = OldNotification.objects.create(
            kind="press",
            text="督办",
            case_id=accepted_case.pk,
            department_id=reviewer_market.department_id,
        )
        personal = OldNotification.objects.create(
            kind="decision_signed", text="已签发", recipient_id=reviewer_market.pk
        )
        OldRead.objects.create(notification=notice, user_id=colleague.pk, read_at=read_at)
        sms = OldMessage.objects.create(
            event_key="moved:1",
            template="accepted",
            channel="sms",
            address="13800138000",
            case_id=accepted_case.pk,
            body="短信正文",
            state="failed",
            attempts=5,
            last_error="短信网关返回 HTTP 502",
        )
        change = OldChange.objects.create(
            department_id=reviewer_market.department_id,
            case_id=accepted_case.pk,
            colour="red",
            notification=notice,
        )

        _migrate(MOVED)
        _leaf()
        assert set(Notification.objects.values_list("pk", "kind", "text")) >= {
            (notice.pk, "press", "督办"),
            (personal.pk, "decision_signed", "已签发"),
        }
        assert NotificationRead.objects.get(notification_id=notice.pk).user == colleague
        assert NotificationRead.objects.get(notification_id=notice.pk).read_at == read_at
        moved = OutboundMessage.objects.get(pk=sms.pk)
        assert (moved.event_key, moved.state, moved.attempts, moved.case_id) == (
            "moved:1",
            "failed",
            5,
            accepted_case.pk,
        )
        assert moved.last_error == "短信网关返回 HTTP 502"
        assert ColourChange.objects.get(pk=change.pk).notification.pk == notice.pk

        # And back: the rows are cases' and delivery's again, then forward once more.
        executor = _migrate(UNDO)
        old = executor.loader.project_state(BEFORE).apps
        assert (
            old.get_model("delivery", "OutboundMessage").objects.get(pk=sms.pk).body == "短信正文"
        )
        assert old.get_model("cases", "NotificationRead").objects.count() == 1
    finally:
        _leaf()
    assert OutboundMessage.objects.filter(pk=sms.pk).exists()
