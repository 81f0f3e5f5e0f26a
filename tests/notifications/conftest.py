"""Notifications: the case personas, an accepted case, and the outbox sent by a real worker.

The suite runs tasks at once (tests/conftest.py). `database_tasks` switches to the database
backend that production uses; `run_worker()` then runs django-tasks-db's own worker loop in batch
mode (it stops when no task is ready), in this process, on the committed queue: the tests that
use it are transactional.
"""

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    accepted_case,
    citizen,
    clerk,
    hall,
    head_market,
    housing,
    joint_item,
    receive,
    reviewer_fire,
    reviewer_market,
    supervisor,
)

GATEWAY_KEY = "test-gateway-key"


def run_worker():
    """Run every ready task of the database queue, as `onewindow db_worker --batch` does."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def queued_sends():
    """The send_message tasks in the database queue: (message id, run_after or None, status)."""
    from django_tasks_db.models import DBTaskResult

    return [
        (
            row.args_kwargs["args"][0],
            None if row.run_after.year == 9999 else row.run_after,
            row.status,
        )
        for row in DBTaskResult.objects.filter(task_path__endswith="send_message").order_by(
            "enqueued_at"
        )
    ]
