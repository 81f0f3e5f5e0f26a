"""Periodic work for the demo and small sites: enqueue registered tasks at fixed intervals.

django-tasks has no scheduler of its own. Apps register their periodic tasks here; `onewindow
scheduler` (started by `onewindow serve`) enqueues them, and the db_worker runs them. On a cluster,
run one scheduler (or an external cron calling `onewindow enqueue_periodic`).
"""

import logging
import time

logger = logging.getLogger(__name__)

_PERIODIC = {}


def periodic(every_seconds):
    """Register a django-tasks Task to be enqueued every `every_seconds`."""

    def register(task):
        _PERIODIC[task.module_path] = (task, every_seconds)
        return task

    return register


def registered():
    return dict(_PERIODIC)


def run_forever(*, tick=5.0, stop=None):
    last_run = {}
    while stop is None or not stop.is_set():
        now = time.monotonic()
        for name, (task, every) in registered().items():
            if now - last_run.get(name, -every) >= every:
                try:
                    task.enqueue()
                except Exception:
                    logger.exception("could not enqueue periodic task %s", name)
                last_run[name] = now
        if stop is not None:
            stop.wait(tick)
        else:
            time.sleep(tick)
