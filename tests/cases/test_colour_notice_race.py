"""Two workers sending the grouped colour notices at the same moment tell each recipient once:
each recipient is claimed with a conditional UPDATE of its clock row. Real concurrent
transactions: PostgreSQL only, as in test_concurrency.py."""

from datetime import timedelta

import pytest
from django.db import connection

from onewindow.cases.actions import do_accept_case, do_refresh_colours, do_send_colour_notices
from onewindow.cases.models import ColourChange
from onewindow.notifications.models import Notification
from tests.cases.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions (run with DATABASE_URL set to PostgreSQL)",
    ),
]


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_tell_each_recipient_once(receive, clerk, supervisor, round_):
    case = do_accept_case(receive(), acting_user=clerk)
    do_refresh_colours(on=case.promised_deadline + timedelta(days=1))
    recipients = set(ColourChange.objects.values_list("recipient_id", "department_id"))
    assert len(recipients) == 4  # three departments and the supervisor

    results = race(do_send_colour_notices, do_send_colour_notices)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 4
    notices = Notification.objects.filter(kind="colour_changes")
    assert set(notices.values_list("recipient_id", "department_id")) == recipients
    assert notices.count() == 4
    assert not ColourChange.objects.filter(notification__isnull=True).exists()
