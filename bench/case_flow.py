"""Benchmark W1: whole cases through the actions layer (not HTTP), printing one JSON line.

    .venv/bin/python bench/case_flow.py --cases N [--processes K] [--count-queries]

Runs on the database named by DATABASE_URL (a fresh SQLite file in a temporary directory when it is
unset), migrating it first and creating its own catalogue item and staff, which later runs reuse:
one item with 5 materials and one stage in which 4 departments review in parallel, a window clerk
and one reviewer per department. Each case goes through 9 steps, each in its own transaction as the
different users would do them: (1) intake with the 5 materials (metadata and sha256 only, no file
bytes), (2) acceptance, (3–6) each department approves with a short opinion, (7) the lead
department decides, (8) the clerk issues the result (a window pickup code sent by SMS to the
outbox), (9) the applicant collects it at the window with that code and their ID. The acceptance returns the ids of the
4 tasks it opened (what each reviewer's inbox then lists); each reviewer's step hands its task id to
the action, as the task page's form posts it.

With --processes K, K worker processes (spawned, each with its own database connection) split the
cases; the clock starts when every worker is ready and stops when the last one is done. At the end
the script checks that every case was delivered and that the case numbers are unique.

--count-queries runs two extra cases first, outside the timing, and adds the number of SQL queries
of each step of the second (BEGIN and COMMIT included) to the JSON line.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import spawn

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

ITEM_CODE = "441303-W1-BENCH"
DEPARTMENTS = [
    ("W1SCJG", "W1 市场监督管理局"),
    ("W1XFJY", "W1 消防救援大队"),
    ("W1ZJJ", "W1 住房和城乡建设局"),
    ("W1STHJ", "W1 生态环境分局"),
]
MATERIALS = ["申请表", "营业执照", "经营场所证明", "消防安全承诺书", "环境影响登记表"]
# A valid resident ID (GB 11643 check digit) and a mobile number.
APPLICANT_ID = "11010519491231002X"
APPLICANT_PHONE = "13800138000"
STEPS = [
    "intake",
    "accept",
    "inbox",
    "review_1",
    "review_2",
    "review_3",
    "review_4",
    "decide",
    "issue",
    "collect",
]


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        directory = tempfile.mkdtemp(prefix="onewindow-w1-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/w1.sqlite3"
    import django

    django.setup()


def create_fixtures():
    """The item, its departments and the staff; reused when a previous run created them."""
    from django.db import transaction
    from django.utils import timezone

    from onewindow.accounts.constants import Role
    from onewindow.accounts.models import User
    from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
    from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem

    with transaction.atomic():
        hall, _ = Department.objects.get_or_create(
            code="W1HALL", defaults={"name": "W1 政务服务中心", "kind": "hall"}
        )
        departments = [
            Department.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in DEPARTMENTS
        ]
        item, created = ServiceItem.objects.get_or_create(
            code=ITEM_CODE,
            status=ItemStatus.PUBLISHED,
            defaults={
                "name": "W1 基准联办事项",
                "item_type": ItemType.LICENSING,
                # W1 measures the one-click decision: no head's signature (签发) step.
                "needs_signature": False,
                "window_class": WindowClass.ENTERPRISE,
                "lead_department": departments[0],
                "legal_limit_days": 20,
                "promised_limit_days": 10,
                "channels": ["window", "online"],
                "delivery_methods": ["window"],
                "published_at": timezone.now(),
            },
        )
        if not created and item.needs_signature:
            # A bench database from before catalog 0003, which turned signatures on for licensing.
            ServiceItem.objects.filter(pk=item.pk).update(needs_signature=False)
        if created:
            for position, name in enumerate(MATERIALS):
                Material.objects.create(item=item, position=position, name=name)
            stage = FlowStage.objects.create(item=item, position=0, name="并联审查")
            for department in departments:
                FlowStep.objects.create(stage=stage, department=department, limit_days=5)
        clerk = _staff(User, "w1_clerk", Role.CLERK, hall)
        reviewers = [
            _staff(User, f"w1_reviewer_{n}", Role.REVIEWER, department)
            for n, department in enumerate(departments, start=1)
        ]
    return {
        "item": item.pk,
        "clerk": clerk.pk,
        "reviewers": [r.pk for r in reviewers],
        "departments": [d.pk for d in departments],
    }


def _staff(User, username, role, department):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": username, "role": role, "department": department},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class Workload:
    """Loads the fixture rows once per process and runs cases."""

    def __init__(self, fixture_ids, run_id):
        from onewindow.accounts.models import User
        from onewindow.cases.actions import ApplicantInput, MaterialInput
        from onewindow.catalog.models import ServiceItem

        self.run_id = run_id
        # Issuing renders the certificate's PDF (bench/certificates.py measures it on its own):
        # its time is kept apart so that W1 can be compared with the figures before issuing.
        self.issue_seconds = 0.0
        self.item = ServiceItem.objects.get(pk=fixture_ids["item"])
        users = User.objects.select_related("department").in_bulk(
            [fixture_ids["clerk"], *fixture_ids["reviewers"]]
        )
        self.clerk = users[fixture_ids["clerk"]]
        self.reviewers = [users[pk] for pk in fixture_ids["reviewers"]]
        self.lead_reviewer = self.reviewers[0]
        self.applicant = ApplicantInput(
            kind="citizen", name="李明", id_number=APPLICANT_ID, phone=APPLICANT_PHONE
        )
        self.materials = [
            MaterialInput(
                material_id=material.pk,
                received=True,
                sha256=hashlib.sha256(material.name.encode()).hexdigest(),
            )
            for material in self.item.materials.all()
        ]

    def warm_up(self):
        """Open the connection, load the working-day calendar and the document font (what a
        long-running worker loads once) before the clock starts."""
        from onewindow.core import workdays
        from onewindow.delivery import rendering

        workdays.get_calendar()
        rendering.warm_up()

    def run_case(self, index, measure=None):
        """One case, start to finish; `measure(step)` wraps each step when counting queries."""
        from contextlib import nullcontext

        from onewindow.cases.actions import (
            do_accept_case,
            do_complete_review,
            do_decide_case,
            do_receive_intake,
        )
        from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_issue_result
        from onewindow.notifications.models import OutboundMessage

        measure = measure or (lambda step: nullcontext())
        with measure("intake"):
            case = do_receive_intake(
                item=self.item,
                applicant=self.applicant,
                materials=self.materials,
                acting_user=self.clerk,
                idempotency_key=f"w1-{self.run_id}-{index}",
            )
        with measure("accept"):
            case = do_accept_case(case, acting_user=self.clerk)
        task_ids = case.opened_tasks
        for n, reviewer in enumerate(self.reviewers, start=1):
            with measure(f"review_{n}"):
                do_complete_review(
                    task_ids[reviewer.department_id],
                    decision="approved",
                    opinion="同意",
                    acting_user=reviewer,
                )
        with measure("decide"):
            case = do_decide_case(case, acting_user=self.lead_reviewer)
        began = time.perf_counter()
        with measure("issue"):
            do_issue_result(case, acting_user=self.clerk)
        self.issue_seconds += time.perf_counter() - began
        # The applicant reads the code from the SMS (outside the measured steps).
        body = OutboundMessage.objects.filter(
            case_id=case.pk, template="ready_for_pickup", channel="sms"
        ).values_list("body", flat=True)[0]
        code = body.rsplit("领取码", 1)[1][:6]
        with measure("collect"):
            do_hand_over_at_window(
                case,
                pickup_code=code,
                collector=Collector(id_number=APPLICANT_ID),
                acting_user=self.clerk,
            )
        return case.pk


def count_queries(workload):
    """SQL queries of each step of a case, the second of two run before the timed ones (the first
    of a process or a day may do one-off work)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}

    @contextmanager
    def measure(step):
        with CaptureQueriesContext(connection) as captured:
            yield
        counts[step] = len(captured.captured_queries)

    first = workload.run_case("count-1")
    second = workload.run_case("count-2", measure)
    return [first, second], counts


def worker(fixture_ids, run_id, indexes, barrier, results):
    """A spawned worker process: its own Django, its own connection."""
    setup_django()
    from django.db import connection

    workload = Workload(fixture_ids, run_id)
    workload.warm_up()
    barrier.wait()
    case_ids = [workload.run_case(index) for index in indexes]
    connection.close()
    results.put((case_ids, workload.issue_seconds))


def run_in_processes(fixture_ids, run_id, cases, processes):
    seconds, results = spawn.run_in_processes(
        worker, [(fixture_ids, run_id, range(n, cases, processes)) for n in range(processes)]
    )
    case_ids = [case_id for ids, _ in results for case_id in ids]
    return case_ids, seconds, sum(issuing for _, issuing in results)


def verify(case_ids, expected):
    """Every case delivered, every number unique."""
    from onewindow.cases.constants import CaseState
    from onewindow.cases.models import Case

    rows = list(Case.objects.filter(pk__in=case_ids).values_list("state", "number"))
    if len(rows) != expected or len(set(case_ids)) != expected:
        raise RuntimeError(f"expected {expected} cases, found {len(rows)}")
    undelivered = [number for state, number in rows if state != CaseState.DELIVERED]
    if undelivered:
        raise RuntimeError(f"{len(undelivered)} cases not delivered, e.g. {undelivered[:3]}")
    numbers = [number for _, number in rows]
    if None in numbers or len(set(numbers)) != len(numbers):
        raise RuntimeError("case numbers are missing or not unique")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--count-queries", action="store_true", help="add the SQL queries of each step"
    )
    options = parser.parse_args()
    if options.cases < 1 or options.processes < 1:
        parser.error("--cases and --processes must be positive")

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    fixture_ids = create_fixtures()
    run_id = uuid.uuid4().hex[:12]
    counted = {}
    if options.count_queries:
        workload = Workload(fixture_ids, run_id)
        case_ids, counts = count_queries(workload)
        verify(case_ids, 2)
        counted = {"queries_per_step": counts, "queries_per_case": sum(counts.values())}

    if options.processes == 1:
        workload = Workload(fixture_ids, run_id)
        workload.warm_up()
        began = time.perf_counter()
        case_ids = [workload.run_case(index) for index in range(options.cases)]
        seconds = time.perf_counter() - began
        issue_seconds = workload.issue_seconds
    else:
        # Spawned children open their own connections; this one must not stay open across them.
        connection.close()
        case_ids, seconds, issue_seconds = run_in_processes(
            fixture_ids, run_id, options.cases, options.processes
        )
    verify(case_ids, options.cases)
    report = {
        "workload": "W1",
        "db": connection.vendor,
        "cases": options.cases,
        "processes": options.processes,
        "seconds": round(seconds, 3),
        "cases_per_s": round(options.cases / seconds, 1),
        # The same run with each process's time in the issue step taken out: the 8 steps that
        # issue 3's W1 timed (with the processes in parallel, an estimate).
        "issue_ms_per_case": round(1000 * issue_seconds / options.cases, 1),
        "cases_per_s_without_issue": round(
            options.cases / (seconds - issue_seconds / options.processes), 1
        ),
        **counted,
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
