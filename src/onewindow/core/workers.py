"""Task workers that die lose nothing: heartbeats, and the recovery of the tasks they held.

django-tasks-db marks a task RUNNING when a worker claims it and appends the worker's id to the
row's worker_ids; a worker killed mid-task (SIGKILL, out of memory, a lost host) leaves the task
RUNNING for ever (django-tasks-db issue #5, open in 0.13). So every `onewindow db_worker`
(core/management/commands/db_worker.py) keeps a WorkerHeartbeat row fresh from a thread, and on
each beat gives back the RUNNING tasks whose worker (the last of worker_ids) has not beaten for
ONEWINDOW_WORKER_STALE_SECONDS: they become READY and run again from the start, so every task must
be idempotent (the issue, booking and send tasks are). The UPDATE is conditional on the task
still being RUNNING since the same `started_at`: two workers recovering at once give a task back
once, and a task claimed again meanwhile is left alone. A task whose workers died
ONEWINDOW_TASK_MAX_RUNS times is marked FAILED instead: it may be what kills them.

Heartbeats and `started_at` come from each host's clock: keep the hosts' clocks synchronised
(NTP); the stale delay dwarfs their usual drift.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# Heartbeats of workers gone this long are forgotten (a worker stopped cleanly deletes its own).
FORGET_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """Stands as the error of a task whose worker died while running it too many times."""


def beat(worker_id, *, started_at=None):
    """Say that worker `worker_id` is alive now (one UPDATE; an INSERT the first time)."""
    from onewindow.core.models import WorkerHeartbeat

    now = timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=now):
        return
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen_at": now},
        create_defaults={
            "last_seen_at": now,
            "started_at": started_at or now,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def forget(worker_id):
    """A worker that stops cleanly leaves no task running: its heartbeat goes."""
    from onewindow.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_lost_tasks(*, now=None):
    """Give back the RUNNING tasks of dead workers; returns (ids made READY, ids marked FAILED)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from onewindow.core.models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ONEWINDOW_WORKER_STALE_SECONDS)
    # Claimed before the cutoff: a worker that claimed a task later was alive after the cutoff.
    running = list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).values_list("pk", "started_at", "worker_ids", "task_path")
    )
    if not running:
        return [], []
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    recovered, failed = [], []
    for pk, started_at, worker_ids, task_path in running:
        worker_id = worker_ids[-1] if worker_ids else None
        if worker_id in alive:
            continue
        claim = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        runs = len(worker_ids)
        if runs >= settings.ONEWINDOW_TASK_MAX_RUNS:
            if claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker died while running this task, {runs} times "
                f"(workers {', '.join(worker_ids)})\n",
            ):
                failed.append(pk)
                logger.error(
                    "task %s (%s) failed: its worker died %s times, last %s",
                    pk,
                    task_path,
                    runs,
                    worker_id,
                )
            continue
        # Nothing updated: another worker recovered it first, or it was claimed again.
        if claim.update(status=TaskResultStatus.READY):
            recovered.append(pk)
            logger.warning(
                "task %s (%s) runs again: its worker %s has not been seen since before %s",
                pk,
                task_path,
                worker_id,
                cutoff.isoformat(),
            )
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_AFTER).delete()
    return recovered, failed


class Heartbeat:
    """The heartbeat of one worker process: `start()` beats once and, with `thread`, goes on
    beating and recovering lost tasks every ONEWINDOW_WORKER_HEARTBEAT_SECONDS in a daemon
    thread (on its own database connection) while tasks run; `stop()` ends it and forgets the
    worker. A killed process stops beating with it, which is the point."""

    def __init__(self, worker_id, *, thread=True):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{worker_id}", daemon=True
        )
        self._use_thread = thread

    def start(self):
        self.beat()
        self.recover()
        if self._use_thread:
            self._thread.start()
        return self

    def beat(self):
        try:
            beat(self.worker_id, started_at=self.started_at)
        except Exception:
            # A missed beat is retried at the next one; the worker itself goes on.
            logger.exception("worker %s: heartbeat failed", self.worker_id)

    def recover(self):
        try:
            recover_lost_tasks()
        except Exception:
            logger.exception("worker %s: recovering lost tasks failed", self.worker_id)

    def _run(self):
        try:
            while not self._stop.wait(settings.ONEWINDOW_WORKER_HEARTBEAT_SECONDS):
                close_old_connections()
                self.beat()
                self.recover()
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=settings.ONEWINDOW_WORKER_HEARTBEAT_SECONDS + 5)
        try:
            forget(self.worker_id)
        except Exception:
            logger.exception("worker %s: could not remove its heartbeat", self.worker_id)


def enqueue_with_transaction(task, *args, **kwargs):
    """Enqueue `task` so that it cannot be lost between a commit and the enqueue. When its queue
    is django-tasks-db on the default database, the task row is written now, in the caller's
    transaction: it commits with the change that needs it (a process dying after the commit
    but before an on-commit enqueue would leave, say, a decided case with no issue task), and a
    rollback takes it back. Any other backend is called on commit."""
    from django.db import router, transaction
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == "default":
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
