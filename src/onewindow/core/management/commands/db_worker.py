"""`onewindow db_worker`: django-tasks-db's worker with a heartbeat (core/workers.py).

It replaces django-tasks-db's command of the same name (onewindow.core comes before
django_tasks_db in INSTALLED_APPS), so that every worker, however it is started, beats and
recovers the tasks of dead workers. Options are django-tasks-db's. With --batch (tests, cron) it
beats in the main thread, before each task, instead of from a thread.
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from onewindow.core.workers import Heartbeat


class Worker(upstream.Worker):
    def run(self):
        self.heartbeat = Heartbeat(self.worker_id, thread=not self.batch).start()
        try:
            super().run()
        finally:
            self.heartbeat.stop()

    def run_task(self, db_task_result):
        if self.batch:
            self.heartbeat.beat()
        super().run_task(db_task_result)


class Command(upstream.Command):
    help = "Run a database background worker that beats and recovers tasks of dead workers."

    def handle(self, *, verbosity, queue_name, exclude_queues, batch, reload, **options):
        # django-tasks-db's handle(), building this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
