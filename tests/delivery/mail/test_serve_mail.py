"""The demo mails results out of the box: `onewindow serve` starts the courier simulator on the
default-style loopback courier URL and points the webhook at itself; its task worker books the
parcel, the simulator's signed events reach the served site, and the case is delivered."""

import os
import sqlite3
import subprocess
import sys

import pytest

from tests.core.test_serve import ONEWINDOW, _free_port, _wait_for

SCRIPT = """
from onewindow.accounts.models import User
from onewindow.cases.actions import (
    ApplicantInput, MaterialInput, do_accept_case, do_complete_review, do_draft_decision,
    do_receive_intake, do_sign_decision,
)
from onewindow.cases.constants import TaskState
from onewindow.catalog.models import ServiceItem
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result

clerk, admin = User.objects.get(username="clerk"), User.objects.get(username="admin")
item = ServiceItem.objects.published().get(code="441303-SCJG-005")
case = do_receive_intake(
    item=item,
    applicant=ApplicantInput(
        kind="citizen", name="王芳", id_number="11010519491231002X", phone="13900139000"
    ),
    materials=[MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()],
    acting_user=clerk,
)
case = do_accept_case(case, acting_user=clerk)
do_choose_delivery(
    case,
    method="mail",
    address={"recipient_name": "王芳", "phone": "13900139000", "province": "广东省",
             "city": "惠州市", "district": "惠城区", "street": "江北街道文昌一路 9 号"},
    acting_user=clerk,
)
while case.tasks.filter(state=TaskState.OPEN).exists():
    for task in case.tasks.filter(state=TaskState.OPEN):
        do_complete_review(task, decision="approved", opinion="同意", acting_user=admin)
# A licence of the demo catalogue: drafted and signed (签发) by a head (here the superuser).
draft = do_draft_decision(case, outcome="approved", text="准予许可。", acting_user=admin)
do_sign_decision(draft, acting_user=admin)
case.refresh_from_db()
do_issue_result(case, acting_user=clerk)
print(case.pk)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="as test_serve: Linux process handling")
def test_serve_runs_the_courier_simulator_and_delivers_a_mailed_result(tmp_path):
    database = tmp_path / "serve.sqlite3"
    courier_port, port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "ONEWINDOW_VAR_DIR": str(tmp_path),
        "ONEWINDOW_COURIER_URL": f"http://127.0.0.1:{courier_port}",
        "ONEWINDOW_COURIER_SIMULATOR_INTERVAL": "0.2",
    }
    env.pop("ONEWINDOW_COURIER_WEBHOOK_URL", None)
    subprocess.run([ONEWINDOW, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    subprocess.run([ONEWINDOW, "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [ONEWINDOW, "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        made = subprocess.run(
            [ONEWINDOW, "shell", "-c", SCRIPT], env=env, check=True, capture_output=True, text=True
        )
        case_id = int(made.stdout.strip().splitlines()[-1])

        def case_state():
            with sqlite3.connect(database) as db:
                row = db.execute(
                    "SELECT c.state, c.collected_by, d.state FROM cases_case c "
                    "JOIN delivery_delivery d ON d.case_id = c.id WHERE c.id = ?",
                    [case_id],
                ).fetchone()
            return row if row and row[0] == "delivered" else None

        assert _wait_for(case_state, timeout=60) == ("delivered", "EMS 签收", "delivered")
        with sqlite3.connect(database) as db:
            codes = [
                code
                for (code,) in db.execute(
                    "SELECT e.code FROM delivery_trackingevent e ORDER BY e.occurred_at, e.id"
                )
            ]
            refused = db.execute("SELECT COUNT(*) FROM delivery_refusedwebhookcall").fetchone()
        assert codes == ["collected", "in_transit", "out_for_delivery", "delivered"]
        assert refused == (0,)
    finally:
        server.terminate()
        server.wait(timeout=20)
