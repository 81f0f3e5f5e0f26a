"""`onewindow serve` runs the site with a task worker and the scheduler, and stops them with it."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from onewindow.core.management.commands.serve import public_url_for

ONEWINDOW = Path(sys.executable).parent / "onewindow"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the child processes")
def test_serve_answers_pages_and_runs_periodic_tasks_in_a_worker(tmp_path):
    database = tmp_path / "serve.sqlite3"
    courier_port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "ONEWINDOW_VAR_DIR": str(tmp_path),
        # On loopback: serve starts the courier simulator there.
        "ONEWINDOW_COURIER_URL": f"http://127.0.0.1:{courier_port}",
        "ONEWINDOW_COURIER_KEY": "serve-test-key",
    }
    subprocess.run([ONEWINDOW, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [ONEWINDOW, "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def home_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    return response.status
            except OSError:
                return None

        assert _wait_for(home_page) == 200

        def periodic_task_done():
            with sqlite3.connect(database) as connection:
                return connection.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult "
                    "WHERE task_path = 'onewindow.core.tasks.warn_missing_calendar_years' "
                    "AND status = 'SUCCESSFUL'"
                ).fetchone()

        assert _wait_for(periodic_task_done)

        def courier_simulator_answers():
            request = urllib.request.Request(
                f"http://127.0.0.1:{courier_port}/v1/shipments/EMS0000000000CN",
                headers={"Authorization": "Bearer serve-test-key"},
            )
            try:
                urllib.request.urlopen(request, timeout=2)
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return None

        assert _wait_for(courier_simulator_answers) == 404  # it answers, and knows no parcel
        children = _children(server.pid)
        assert len(children) == 3  # the courier simulator, the db_worker and the scheduler
    finally:
        server.terminate()
        server.wait(timeout=20)

    def children_gone():
        return all(not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid) for pid in children)

    assert _wait_for(children_gone, timeout=20)


def _state(pid):
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize(
    ("addrport", "expected"),
    [
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("8123", "http://127.0.0.1:8123"),
        ("[::1]:8123", "http://[::1]:8123"),
        ("zwfw.example.gov.cn:80", "http://zwfw.example.gov.cn:80"),
    ],
)
def test_serve_takes_the_public_url_from_its_address(addrport, expected):
    # The QR codes of the certificates open the address the site is served at, not port 8000.
    assert public_url_for(addrport) == expected


def test_serve_on_every_interface_names_a_reachable_address():
    host = urlsplit(public_url_for("0.0.0.0:8123")).hostname
    assert host not in ("0.0.0.0", "") and socket.inet_aton(host)
