"""`onewindow serve`: the web server with a background worker and the scheduler beside it."""

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _die_with_parent():
    # Linux: children get SIGTERM when the server process dies, however it dies, so a killed demo
    # leaves no orphan worker behind holding the SQLite file.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def courier_simulator_addrport():
    """Where to run the courier simulator: the courier URL's host and port when it is on
    loopback (the demo default), else None — a real courier is configured."""
    url = urlsplit(settings.ONEWINDOW_COURIER_URL)
    if not settings.ONEWINDOW_COURIER_SIMULATOR or url.hostname not in LOOPBACK:
        return None
    return f"{url.hostname}:{url.port or 80}"


def public_url_for(addrport):
    """The site's address as people reach it when `serve` listens on `addrport` ("8000",
    "127.0.0.1:8000", "0.0.0.0:8000", "[::1]:8000"): on every interface, the address of the
    interface that routes outward (the one other machines on the network reach)."""
    host, _, port = addrport.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "[::]"):
        host = _outward_address()
    return f"http://{host}:{port}"


def _outward_address():
    # A UDP "connection" sends nothing: it only asks the kernel which interface would be used.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


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
        if "ONEWINDOW_COURIER_WEBHOOK_URL" not in os.environ:
            # The simulator posts tracking events back to this very server.
            host, _, port = addrport.rpartition(":")
            host = "127.0.0.1" if host in ("", "0.0.0.0") else host
            webhook = f"http://{host}:{port}/api/delivery/courier/webhook"
            os.environ["ONEWINDOW_COURIER_WEBHOOK_URL"] = webhook
            settings.ONEWINDOW_COURIER_WEBHOOK_URL = webhook
        if not os.environ.get("ONEWINDOW_PUBLIC_URL"):
            # The QR codes of the certificates the worker (a child) renders open this server.
            public_url = public_url_for(addrport)
            os.environ["ONEWINDOW_PUBLIC_URL"] = public_url
            settings.ONEWINDOW_PUBLIC_URL = public_url
        simulator = courier_simulator_addrport()
        if simulator is not None:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "onewindow.cli", "courier_simulator", simulator],
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            )
        if not no_worker:
            for command in (["db_worker", "--queue-name", "*", "--no-reload"], ["scheduler"]):
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "onewindow.cli", *command],
                        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                    )
                )

        def stop_children():
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()

        atexit.register(stop_children)
        # SIGTERM (a service manager, `kill`) should stop the children too: exit through atexit.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        self.stdout.write(
            f"OneWindow: {settings.ONEWINDOW_PUBLIC_URL}/  (worker: {'off' if no_worker else 'on'}"
            f"{f', courier simulator: {simulator}' if simulator else ''})"
        )
        call_command("runserver", addrport, use_reloader=False)
