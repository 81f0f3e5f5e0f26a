"""A worker that dies loses nothing: a real `onewindow db_worker` is killed with SIGKILL in the
middle of an issue task and in the middle of a send, a new one is started, and every case is
issued exactly once and every message delivered once.

The worker is a subprocess on the test's own database, so the test is transactional and runs on
PostgreSQL only: its kill points are a table lock that the issue task waits on (it has locked the
case and opened its transaction) and an SMS gateway that holds the request it was sent. Beats,
staleness and claims are set to a second or two so that recovery takes seconds.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection, transaction

from onewindow.cases.constants import CaseState
from onewindow.cases.models import Case
from onewindow.core.models import AuditEntry, WorkerHeartbeat
from onewindow.delivery.models import Certificate
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from tests.cases.conftest import citizen, clerk, hall, reviewer_market  # noqa: F401
from tests.core.test_serve import ONEWINDOW, _wait_for
from tests.delivery.mail.conftest import accept, decide, mail_item  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker subprocess shares the test database, and the kill point is a table "
        "lock: the SQLite test database is in memory (run with DATABASE_URL set to PostgreSQL)",
    ),
    pytest.mark.skipif(sys.platform != "linux", reason="signals and process handling of Linux"),
]


class WorkerProcess:
    """`onewindow db_worker` in a subprocess on the test database; its output in a log file."""

    def __init__(self, env, log_path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self):
        self.worker_id = f"crash-test-{uuid.uuid4().hex[:12]}"
        self.log = open(self.log_path, "a")  # closed by kill() or stop()
        self.process = subprocess.Popen(
            [
                ONEWINDOW,
                "db_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                self.worker_id,
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def output(self):
        return self.log_path.read_text()


@pytest.fixture
def worker_env(settings, tmp_path, sms_gateway, database_tasks):
    """The environment of a worker on this test's database, gateway, key and media folder."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True  # decisions enqueue the issue task
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "ONEWINDOW_VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ONEWINDOW_SIGNING_KEY_FILE": settings.ONEWINDOW_SIGNING_KEY_FILE,
        "ONEWINDOW_SMS_GATEWAY_URL": settings.ONEWINDOW_SMS_GATEWAY_URL,
        "ONEWINDOW_SMS_GATEWAY_KEY": settings.ONEWINDOW_SMS_GATEWAY_KEY,
        "ONEWINDOW_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "ONEWINDOW_WORKER_HEARTBEAT_SECONDS": "0.5",
        "ONEWINDOW_WORKER_STALE_SECONDS": "2",
        "ONEWINDOW_MESSAGE_CLAIM_SECONDS": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


@pytest.fixture
def workers(worker_env, tmp_path):
    """workers() starts one more worker; every one still running is stopped at the end."""
    started = []

    def start():
        worker = WorkerProcess(worker_env, tmp_path / "worker.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()


def tasks(name):
    """(status, number of workers that ran it) of the queued tasks named `name`."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path__endswith=f".{name}").order_by("enqueued_at")
    return [(row.status, len(row.worker_ids)) for row in rows]


def waiting_for_lock_on(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table]
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_while_issuing_is_replaced_and_every_case_is_issued_once(
    accept,  # noqa: F811
    decide,  # noqa: F811
    mail_item,  # noqa: F811
    workers,
    sms_gateway,
):
    cases = [decide(accept(mail_item)) for _ in range(3)]
    assert {case.state for case in cases} == {CaseState.DECIDED}
    assert [status for status, _ in tasks("issue_result")] == ["READY"] * 3

    first = workers()
    with transaction.atomic():
        # Certificate numbers come from core_numbersequence: the first issue task, with its case
        # locked and its transaction open, waits here until the worker is killed.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE core_numbersequence IN EXCLUSIVE MODE")
        _wait_for(lambda: waiting_for_lock_on("core_numbersequence"), timeout=60)
        assert ("RUNNING", 1) in tasks("issue_result")
        first.kill()
    assert Certificate.objects.count() == 0
    assert tasks("issue_result").count(("RUNNING", 1)) == 1  # left running by the dead worker

    second = workers()

    def all_issued():
        states = list(
            Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)
        )
        return states == [CaseState.ISSUED] * 3 and all(
            status == "SUCCESSFUL" for status, _ in tasks("issue_result")
        )

    _wait_for(all_issued, timeout=90)
    _wait_for(lambda: not OutboundMessage.objects.filter(state=MessageState.PENDING).exists())
    second.stop()
    # Stopped cleanly (SIGTERM), the new worker took its heartbeat with it; the killed one could not.
    beating = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    assert first.worker_id in beating and second.worker_id not in beating

    for case in cases:
        assert Certificate.objects.filter(case=case).count() == 1
        assert AuditEntry.objects.filter(action="issue_result", object_id=str(case.pk)).count() == 1
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert [number.rsplit("-", 1)[1] for number in numbers] == ["000001", "000002", "000003"]
    # The killed task ran twice (the dead worker, then the new one), the others once.
    assert sorted(tasks("issue_result")) == [
        ("SUCCESSFUL", 1),
        ("SUCCESSFUL", 1),
        ("SUCCESSFUL", 2),
    ]
    # Each SMS of each case (acceptance, decision, pickup code) reached the phone once.
    sms = OutboundMessage.objects.filter(channel=MessageChannel.SMS)
    assert {m.state for m in sms} == {MessageState.SENT}
    delivered = [r.json()["message_id"] for r in sms_gateway.delivered]
    assert sorted(delivered) == sorted(str(m.pk) for m in sms)
    assert sms.filter(template="decided").count() == 3
    assert "runs again: its worker " + first.worker_id in second.output()


def test_a_worker_killed_while_sending_is_replaced_and_the_sms_is_delivered_once(
    accept,  # noqa: F811
    mail_item,  # noqa: F811
    workers,
    sms_gateway,
):
    cases = [accept(mail_item) for _ in range(2)]
    messages = list(OutboundMessage.objects.filter(channel=MessageChannel.SMS).order_by("pk"))
    assert len(messages) == 2 and {m.state for m in messages} == {MessageState.PENDING}

    sms_gateway.hold = True  # takes the SMS, then never answers the worker
    first = workers()
    _wait_for(lambda: len(sms_gateway.requests) == 1, timeout=60)
    first.kill()
    sms_gateway.hold = False
    sms_gateway.release.set()
    [held] = sms_gateway.requests
    killed = OutboundMessage.objects.get(pk=held.json()["message_id"])
    assert (killed.state, killed.attempts) == (MessageState.SENDING, 1)
    assert ("RUNNING", 1) in tasks("send_message")

    started = time.monotonic()
    second = workers()
    _wait_for(
        lambda: (
            set(
                OutboundMessage.objects.filter(channel=MessageChannel.SMS).values_list(
                    "state", flat=True
                )
            )
            == {MessageState.SENT}
        ),
        timeout=60,
    )
    recovered_in = time.monotonic() - started
    second.stop()

    # Sent again with the same key; the gateway had accepted it and dropped the repeat.
    again = [r for r in sms_gateway.requests if r.headers["idempotency-key"] == str(killed.pk)]
    assert len(again) == 2
    assert sorted(r.json()["message_id"] for r in sms_gateway.delivered) == sorted(
        str(m.pk) for m in messages
    )
    killed.refresh_from_db()
    assert (killed.state, killed.attempts) == (MessageState.SENT, 2)
    assert sorted(r.json()["text"] for r in sms_gateway.delivered) == sorted(
        m.body for m in messages
    )
    assert {case.number for case in cases} == {
        m.case.number for m in OutboundMessage.objects.filter(pk__in=[m.pk for m in messages])
    }
    assert all(status == "SUCCESSFUL" for status, _ in tasks("send_message"))
    # Stale after 2 s, claim run out after 2 s: well within a minute, not 11.5.
    assert recovered_in < 30
