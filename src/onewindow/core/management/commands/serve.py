"""`onewindow serve`: the web server with a background worker and the scheduler beside it."""

import atexit
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve OneWindow (development server) with a task worker and scheduler in child processes."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )

    def handle(self, *args, addrport, no_worker, **options):
        children = []
        if not no_worker:
            for command in (["db_worker", "--queue-name", "*", "--no-reload"], ["scheduler"]):
                children.append(subprocess.Popen([sys.executable, "-m", "onewindow.cli", *command]))

        def stop_children():
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()

        atexit.register(stop_children)
        self.stdout.write(
            f"OneWindow: http://{addrport}/  (worker: {'off' if no_worker else 'on'})"
        )
        call_command("runserver", addrport, use_reloader=False)
