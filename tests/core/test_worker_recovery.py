"""A task left RUNNING by a worker that stopped beating runs again; a live worker's task is left
alone; a task that kept killing its workers is failed. `onewindow db_worker` is the worker with
the heartbeat (core/workers.py). The kill itself: tests/delivery/test_worker_crash.py."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onewindow.core import workers
from onewindow.core.models import WorkerHeartbeat
from onewindow.core.tasks import warn_missing_calendar_years

NOW = timezone.make_aware(timezone.datetime(2026, 11, 25, 10, 0))


@pytest.fixture
def recovery(settings, database_tasks):
    settings.ONEWINDOW_WORKER_STALE_SECONDS = 30
    settings.ONEWINDOW_TASK_MAX_RUNS = 3


def running_task(*, worker_ids, started_at):
    """A queued task as a worker leaves it once claimed."""
    result = warn_missing_calendar_years.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=started_at, worker_ids=worker_ids
    )
    return DBTaskResult.objects.get(pk=result.id)


def seen(worker_id, at):
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, started_at=at - timedelta(hours=1), last_seen_at=at
    )


def status(task):
    task.refresh_from_db()
    return task.status


def test_db_worker_is_the_worker_with_a_heartbeat():
    assert get_commands()["db_worker"] == "onewindow.core"


@pytest.mark.django_db
def test_the_task_of_a_worker_not_seen_for_the_stale_delay_runs_again(recovery):
    task = running_task(worker_ids=["dead"], started_at=NOW - timedelta(minutes=5))
    seen("dead", NOW - timedelta(seconds=31))
    with time_machine.travel(NOW, tick=False):
        assert workers.recover_lost_tasks() == ([task.pk], [])
        assert status(task) == "READY"
        # Recovered once: a second recovery (another worker's) finds nothing.
        assert workers.recover_lost_tasks() == ([], [])


@pytest.mark.django_db
def test_the_task_of_a_live_worker_is_left_running_however_long_it_takes(recovery):
    task = running_task(worker_ids=["alive"], started_at=NOW - timedelta(hours=2))
    seen("alive", NOW - timedelta(seconds=29))
    with time_machine.travel(NOW, tick=False):
        assert workers.recover_lost_tasks() == ([], [])
    assert status(task) == "RUNNING"


@pytest.mark.django_db
def test_only_the_last_worker_of_a_task_counts(recovery):
    # Run once by "first" (which died), now by "second", alive.
    task = running_task(worker_ids=["first", "second"], started_at=NOW - timedelta(minutes=1))
    seen("second", NOW - timedelta(seconds=1))
    with time_machine.travel(NOW, tick=False):
        assert workers.recover_lost_tasks() == ([], [])
    assert status(task) == "RUNNING"


@pytest.mark.django_db
def test_a_task_claimed_within_the_stale_delay_is_not_judged_yet(recovery):
    # Its worker has no heartbeat row (yet): a worker beats before it claims, so only a task
    # claimed longer ago than the stale delay tells of a dead worker.
    task = running_task(worker_ids=["new"], started_at=NOW - timedelta(seconds=10))
    with time_machine.travel(NOW, tick=False):
        assert workers.recover_lost_tasks() == ([], [])
    assert status(task) == "RUNNING"
    with time_machine.travel(NOW + timedelta(seconds=21), tick=False):
        assert workers.recover_lost_tasks() == ([task.pk], [])


@pytest.mark.django_db
def test_a_task_whose_workers_died_max_runs_times_is_failed_not_run_again(recovery):
    task = running_task(worker_ids=["w1", "w2", "w3"], started_at=NOW - timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        assert workers.recover_lost_tasks() == ([], [task.pk])
    task.refresh_from_db()
    assert (task.status, task.finished_at) == ("FAILED", NOW)
    assert task.exception_class_path == "onewindow.core.workers.WorkerLost"
    assert task.traceback.startswith("WorkerLost: the worker died while running this task, 3")


@pytest.mark.django_db
def test_heartbeats_of_workers_gone_a_day_are_forgotten(recovery):
    seen("old", NOW - timedelta(days=1, seconds=1))
    seen("recent", NOW - timedelta(hours=23))
    running_task(worker_ids=["old"], started_at=NOW - timedelta(days=2))
    with time_machine.travel(NOW, tick=False):
        workers.recover_lost_tasks()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_a_beat_writes_the_worker_once_and_then_moves_its_time(recovery):
    with time_machine.travel(NOW, tick=False) as clock:
        workers.beat("w1")
        clock.shift(5)
        workers.beat("w1")
    [row] = WorkerHeartbeat.objects.all()
    assert (row.worker_id, row.started_at, row.last_seen_at) == (
        "w1",
        NOW,
        NOW + timedelta(seconds=5),
    )
    assert row.pid and row.hostname


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_recovers_lost_tasks_runs_them_and_forgets_itself(recovery):
    task = running_task(worker_ids=["dead"], started_at=timezone.now() - timedelta(minutes=5))
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        "restarted",
        verbosity=0,
    )
    task.refresh_from_db()
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["dead", "restarted"])
    assert not WorkerHeartbeat.objects.filter(worker_id="restarted").exists()


@pytest.mark.django_db
def test_administrators_see_the_workers_read_only(admin_client):
    seen("w-admin", NOW)
    page = admin_client.get("/admin/core/workerheartbeat/")
    assert page.status_code == 200 and "w-admin" in page.content.decode()
    assert admin_client.get("/admin/core/workerheartbeat/add/").status_code == 403
