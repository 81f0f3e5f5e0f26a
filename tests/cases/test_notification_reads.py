"""Read state per person: a notification to a whole department is read by each member for
themselves; marking one or all read touches only the actor's; nobody marks what is not theirs."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from onewindow.cases import queries
from onewindow.cases.actions import do_mark_all_notifications_read, do_mark_notification_read
from onewindow.cases.actions.common import notify
from onewindow.cases.errors import CaseActionError
from onewindow.notifications.models import NotificationRead
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/notifications/"
INBOX = "/inbox/"


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def unread_rows(response):
    return response.content.decode().count("dept-note-row is-unread")


@pytest.fixture
def reviewer_market2(market):
    return UserFactory(username="reviewer_market2", role="reviewer", department=market)


@pytest.fixture
def pressed(market):
    """A notice to the whole market department."""
    return notify(kind="press", department=market, render=lambda: "督办：请加快办理")


def read_by(user):
    return set(NotificationRead.objects.filter(user=user).values_list("notification_id", flat=True))


def test_a_colleague_reading_a_department_notice_leaves_it_unread_for_me(
    client, pressed, reviewer_market, reviewer_market2
):
    client.force_login(reviewer_market)
    response = client.post(reverse("cases:notifications_read"), {"id": pressed.pk})
    assert response.status_code == 302

    mine = page_text(client.get(NOTIFICATIONS))
    assert "已读" in mine and "dept-badge" not in mine

    client.force_login(reviewer_market2)
    assert 'class="dept-badge">1<' in page_text(client.get(INBOX))
    response = client.get(NOTIFICATIONS)
    assert unread_rows(response) == 1
    assert "1 条未读" in page_text(response)
    assert list(queries.unread_notifications(reviewer_market2)) == [pressed]
    assert read_by(reviewer_market) == {pressed.pk}


def test_mark_all_read_marks_only_the_actors(
    client, market, pressed, reviewer_market, reviewer_market2, supervisor
):
    red = notify(kind="task_red_card", department=market, render=lambda: "本部门审查红牌")
    own = notify(kind="yellow_card", recipient=reviewer_market2, render=lambda: "黄牌预警（个人）")
    notify(kind="red_card", recipient=supervisor, render=lambda: "红牌超期")

    client.force_login(reviewer_market)
    client.post(reverse("cases:notifications_read"))

    assert read_by(reviewer_market) == {pressed.pk, red.pk}
    assert NotificationRead.objects.count() == 2
    assert queries.unread_notifications(reviewer_market).count() == 0
    assert set(queries.unread_notifications(reviewer_market2)) == {pressed, red, own}
    assert queries.unread_notifications(supervisor).count() == 1

    assert do_mark_all_notifications_read(acting_user=reviewer_market2) == 3
    assert do_mark_all_notifications_read(acting_user=reviewer_market2) == 0


def test_a_reviewer_of_another_department_cannot_mark_a_department_notice_read(
    client, pressed, reviewer_fire
):
    with pytest.raises(CaseActionError) as refused:
        do_mark_notification_read(pressed, acting_user=reviewer_fire)
    assert refused.value.status == 403
    assert refused.value.code == "forbidden"
    assert refused.value.message == "这条通知不是发给您或您所在部门的"
    with translation.override("en"), pytest.raises(CaseActionError) as refused:
        do_mark_notification_read(pressed, acting_user=reviewer_fire)
    assert refused.value.message == (
        "This notification is not addressed to you or to your department"
    )

    client.force_login(reviewer_fire)
    response = client.post(reverse("cases:notifications_read"), {"id": pressed.pk})
    assert response.status_code == 403
    assert not NotificationRead.objects.exists()


def test_nobody_marks_someone_elses_personal_notice_read(
    client, market, reviewer_market, reviewer_market2
):
    own = notify(kind="yellow_card", recipient=reviewer_market2, render=lambda: "黄牌预警（个人）")

    client.force_login(reviewer_market)
    response = client.post(reverse("cases:notifications_read"), {"id": own.pk})

    assert response.status_code == 403
    assert not NotificationRead.objects.exists()
    # A notice to nobody in particular and no department is nobody's to mark.
    stray = notify(kind="press", render=lambda: "无接收人")
    with pytest.raises(CaseActionError):
        do_mark_notification_read(stray, acting_user=reviewer_market)


def test_an_unknown_or_malformed_id_is_not_found_and_marks_nothing(
    client, pressed, reviewer_market
):
    client.force_login(reviewer_market)
    url = reverse("cases:notifications_read")
    assert client.post(url, {"id": pressed.pk + 100}).status_code == 404
    assert client.post(url, {"id": "all"}).status_code == 404
    assert not NotificationRead.objects.exists()


def test_a_personal_notice_is_read_by_its_recipient(client, supervisor):
    card = notify(kind="red_card", recipient=supervisor, render=lambda: "红牌超期")
    client.force_login(supervisor)
    assert unread_rows(client.get(NOTIFICATIONS)) == 1

    client.post(reverse("cases:notifications_read"), {"id": card.pk})

    assert unread_rows(client.get(NOTIFICATIONS)) == 0
    assert read_by(supervisor) == {card.pk}


def test_reading_again_keeps_the_first_read_time(pressed, reviewer_market):
    first = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with time_machine.travel(first, tick=False):
        do_mark_notification_read(pressed, acting_user=reviewer_market)
    with time_machine.travel(datetime(2026, 3, 3, 1, 0, tzinfo=UTC), tick=False):
        do_mark_notification_read(pressed, acting_user=reviewer_market)
        do_mark_all_notifications_read(acting_user=reviewer_market)

    assert NotificationRead.objects.get().read_at == first
    listed = queries.notifications_for(reviewer_market).get()
    assert listed.read_at == first


def test_the_notifications_page_needs_the_same_queries_for_ten_notices_as_for_two(
    client, accepted_case, market, reviewer_market, reviewer_market2, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            note = notify(
                kind="press", case=accepted_case, department=market, render=lambda i=i: f"督办 {i}"
            )
            reader = reviewer_market if i % 2 else reviewer_market2
            do_mark_notification_read(note, acting_user=reader)

    add(2)
    client.force_login(reviewer_market)
    with CaptureQueriesContext(connection) as two:
        response = client.get(NOTIFICATIONS)
    assert unread_rows(response) == 1
    add(8)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(NOTIFICATIONS)
    assert unread_rows(response) == 5
    assert page_text(response).count(accepted_case.number) == 10
    assert len(ten) == len(two)
    # Session, user, the user's department (the page header), the page's count, the page's rows
    # with their read state, and the unread count.
    with django_assert_max_num_queries(6):
        client.get(NOTIFICATIONS)


def test_the_admin_shows_how_many_and_who_read_a_notice(
    client, pressed, reviewer_market, reviewer_market2
):
    do_mark_notification_read(pressed, acting_user=reviewer_market)
    do_mark_notification_read(pressed, acting_user=reviewer_market2)
    client.force_login(UserFactory(username="root", role="", is_staff=True, is_superuser=True))

    listing = page_text(client.get("/admin/notifications/notification/"))
    assert '<td class="field-read_count">2</td>' in listing
    page = page_text(client.get(f"/admin/notifications/notification/{pressed.pk}/change/"))
    assert str(reviewer_market) in page and str(reviewer_market2) in page
    assert client.get("/admin/notifications/notificationread/").status_code == 404


# --- the migration from the shared read_at ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_everybody_had_read(market, fire):
    reviewer = UserFactory(username="reviewer_market", role="reviewer", department=market)
    colleague = UserFactory(username="reviewer_market2", role="reviewer", department=market)
    outsider = UserFactory(username="reviewer_fire", role="reviewer", department=fire)
    read_at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    before, after = [("cases", "0002_idempotency_per_user")], [("cases", "0003_notification_reads")]

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Notification = executor.loader.project_state(before).apps.get_model("cases", "Notification")
    shared = Notification.objects.create(
        kind="press", text="read", department_id=market.pk, read_at=read_at
    )
    personal = Notification.objects.create(
        kind="red_card", text="read", recipient_id=reviewer.pk, read_at=read_at
    )
    unread = Notification.objects.create(kind="press", text="unread", department_id=market.pk)

    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        rows = set(NotificationRead.objects.values_list("notification_id", "user_id", "read_at"))
        assert rows == {
            (shared.pk, reviewer.pk, read_at),
            (shared.pk, colleague.pk, read_at),
            (personal.pk, reviewer.pk, read_at),
        }
        assert outsider.pk not in {user for _, user, _ in rows}

        # Back again: read when anybody had read it, as before.
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        Notification = executor.loader.project_state(before).apps.get_model("cases", "Notification")
        restored = dict(Notification.objects.values_list("pk", "read_at"))
        assert restored == {shared.pk: read_at, personal.pk: read_at, unread.pk: None}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
