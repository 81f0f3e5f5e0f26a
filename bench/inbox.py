"""Benchmark: a department's inbox and the public progress query over 100,000 cases; one JSON line.

    DATABASE_URL=postgres://… .venv/bin/python bench/inbox.py [--cases N] [--samples N] [--explain]

Runs on the database named by DATABASE_URL (when it is unset, a SQLite file in the temporary
directory that later runs reuse; the targets are for PostgreSQL). It migrates the database, then
seeds N cases (default 100,000) unless an earlier run already did: 15 departments, 15 items whose
single stage has 3 of them reviewing in parallel, so that every department reviews a fifth of the
cases. One case in ten is open (in review, one department has answered, two still review, due
dates spread around today); the others are delivered. Each case has its stage, its tasks and the
audit entries its actions would have written (7 for a delivered case, 3 for an open one). The seed
writes rows with bulk_create: it is a benchmark fixture, not a way to create cases.

It then times `--samples` calls of each query, as the pages run them:

- inbox: `queries.inbox(department)[:20]` evaluated, for a department picked at random;
- progress: `queries.find_for_progress(number, secret)` and `queries.public_timeline(case)` for a
  random case, with the right secret;

and prints the median and 99th percentile in milliseconds. Every run checks, with EXPLAIN, that the
inbox uses the task_inbox index, that the progress query finds the case by the unique index on its
number and that the timeline reads the audit index; --explain also prints the plans (EXPLAIN
ANALYZE on PostgreSQL) to stderr.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

ITEM_PREFIX = "441303-IB-"
DEPARTMENTS = 15
REVIEWERS_PER_CASE = 3
OPEN_EVERY = 10  # one case in ten is open
DAYS_BACK = 400  # delivered cases were accepted over the last 400 days
# Seeded case numbers stay clear of the ones real intakes draw (up to 499,999 seeded cases).
FIRST_SEQUENCE = 500_001
CHUNK = 2_000


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        # A fixed file in the temporary directory, so that the next run reuses the seeded cases.
        path = Path(tempfile.gettempdir()) / "onewindow-bench-inbox.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def catalogue():
    """The departments and items, created once."""
    from django.utils import timezone

    from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
    from onewindow.catalog.models import Department, FlowStage, FlowStep, ServiceItem

    departments = [
        Department.objects.get_or_create(code=f"IB{n:02d}", defaults={"name": f"基准部门{n:02d}"})[
            0
        ]
        for n in range(1, DEPARTMENTS + 1)
    ]
    items = []
    for n, lead in enumerate(departments):
        item, created = ServiceItem.objects.get_or_create(
            code=f"{ITEM_PREFIX}{n + 1:02d}",
            status=ItemStatus.PUBLISHED,
            defaults={
                "name": f"基准联办事项{n + 1:02d}",
                "item_type": ItemType.LICENSING,
                "window_class": WindowClass.ENTERPRISE,
                "lead_department": lead,
                "legal_limit_days": 20,
                "promised_limit_days": 10,
                "channels": ["window"],
                "delivery_methods": ["window"],
                "published_at": timezone.now(),
            },
        )
        if created:
            stage = FlowStage.objects.create(item=item, position=0, name="并联审查")
            for k in range(REVIEWERS_PER_CASE):
                department = departments[(n + k) % DEPARTMENTS]
                FlowStep.objects.create(stage=stage, department=department, limit_days=5)
        item.reviewing = [departments[(n + k) % DEPARTMENTS] for k in range(REVIEWERS_PER_CASE)]
        items.append(item)
    return departments, items


def seeded_cases():
    from onewindow.cases.models import Case

    return Case.objects.filter(item__code__startswith=ITEM_PREFIX)


def seed(total):
    """Create the cases [already seeded, total), in chunks of one transaction each."""
    from django.db import connection, transaction

    _, items = catalogue()
    done = seeded_cases().count()
    began = time.perf_counter()
    for start in range(done, total, CHUNK):
        with transaction.atomic():
            _seed_chunk(items, range(start, min(start + CHUNK, total)))
    if done < total and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_reviewtask, cases_casestage, core_auditentry")
    return total - done, time.perf_counter() - began


def _seed_chunk(items, indexes):
    from django.utils import timezone

    from onewindow.cases.constants import (
        ApplicantKind,
        CaseState,
        Colour,
        Decision,
        StageState,
        TaskState,
    )
    from onewindow.cases.models import Case, CaseStage, ReviewTask
    from onewindow.core.models import AuditEntry

    today = timezone.localdate()
    now = timezone.now()
    cases = []
    for i in indexes:
        # Runs of ten cases share an item, so that the open ones (first of each run) cover all.
        item = items[(i // OPEN_EVERY) % len(items)]
        is_open = i % OPEN_EVERY == 0
        # Open cases were accepted in the last three weeks; delivered ones over the last 400 days.
        accepted_on = today - timedelta(days=(i // 7) % 21 if is_open else (i // 3) % DAYS_BACK)
        sequence = FIRST_SEQUENCE + i  # unique whatever the date
        case = Case(
            number=f"441303{accepted_on:%Y%m%d}{sequence:06d}",
            item=item,
            state=CaseState.IN_REVIEW if is_open else CaseState.DELIVERED,
            applicant_kind=ApplicantKind.CITIZEN,
            applicant_name=f"申请人{i}",
            applicant_id_number="11010519491231002X",
            applicant_phone=f"138{i:08d}",
            received_on=accepted_on,
            accepted_on=accepted_on,
            promised_deadline=accepted_on + timedelta(days=14),
            legal_deadline=accepted_on + timedelta(days=28),
            colour=Colour.GREEN if is_open else Colour.NONE,
        )
        if not is_open:
            case.decision = Decision.APPROVED
            case.decision_number = f"{item.lead_department.code}〔{accepted_on.year}〕{i}号"
            case.decided_on = accepted_on + timedelta(days=7)
            case.collected_at, case.collected_by = now, case.applicant_name
        cases.append(case)
    Case.objects.bulk_create(cases)

    stages = CaseStage.objects.bulk_create(
        CaseStage(
            case=case,
            position=0,
            name="并联审查",
            state=StageState.OPEN if case.state == CaseState.IN_REVIEW else StageState.DONE,
            opened_on=case.accepted_on,
            closed_at=None if case.state == CaseState.IN_REVIEW else now,
        )
        for case in cases
    )
    tasks, entries = [], []
    for case, stage in zip(cases, stages, strict=True):
        is_open = case.state == CaseState.IN_REVIEW

        def audit(action, from_state, to_state, case=case, **details):
            entries.append(
                AuditEntry(
                    action=action,
                    object_type="cases.case",
                    object_id=str(case.pk),
                    actor_role="clerk",
                    from_state=from_state,
                    to_state=to_state,
                    details={"number": case.number, **details},
                )
            )

        audit("receive_intake", "draft", "submitted", item=case.item.code, version=1)
        audit("accept_case", "submitted", "accepted", tolerated=[], supplement_due="")
        for k, department in enumerate(case.item.reviewing):
            answered = not is_open or k == 0
            task = ReviewTask(
                case=case,
                stage=stage,
                department=department,
                limit_days=5,
                state=TaskState.APPROVED if answered else TaskState.OPEN,
                opened_on=case.accepted_on,
                due_date=case.accepted_on + timedelta(days=7 + k),
                colour=Colour.NONE if answered else Colour.GREEN,
                opinion="同意" if answered else "",
                decided_at=now if answered else None,
            )
            tasks.append(task)
            if answered:
                audit(
                    "complete_review",
                    "in_review",
                    "in_review",
                    department=department.code,
                    department_name=department.name,
                    decision="approved",
                )
        if not is_open:
            audit("decide_case", "in_review", "decided", decision="approved")
            audit("mark_collected", "decided", "delivered", collected_by=case.collected_by)
    ReviewTask.objects.bulk_create(tasks)
    AuditEntry.objects.bulk_create(entries)


def timed(function, samples):
    """Milliseconds of each call, after a few warm-up calls."""
    for _ in range(min(20, samples)):
        function()
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(times):
    return {
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(statistics.quantiles(times, n=100)[98], 3),
    }


def plans(department, case):
    """EXPLAIN (ANALYZE on PostgreSQL) of the SQL the inbox and the progress query really run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onewindow.cases import queries

    with CaptureQueriesContext(connection) as captured:
        list(queries.inbox(department)[:20])
        found = queries.find_for_progress(case.number, case.applicant_phone[-4:])
        queries.public_timeline(found)
    inbox_sql, case_sql, timeline_sql = (q["sql"] for q in captured.captured_queries)
    if connection.vendor == "postgresql":
        explain = "EXPLAIN (ANALYZE, BUFFERS) "
    else:
        explain = "EXPLAIN QUERY PLAN "
    result = {}
    with connection.cursor() as cursor:
        for name, sql in (("inbox", inbox_sql), ("progress", case_sql), ("timeline", timeline_sql)):
            cursor.execute(explain + sql)
            result[name] = "\n".join(str(row[-1]) for row in cursor.fetchall())
    return result


def index_used(plan, *names):
    return any(name in plan for name in names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--explain", action="store_true", help="print the query plans to stderr")
    options = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from onewindow.cases import queries
    from onewindow.cases.constants import TaskState
    from onewindow.cases.models import Case, ReviewTask

    call_command("migrate", verbosity=0, interactive=False)
    created, seed_seconds = seed(options.cases)
    departments, _ = catalogue()
    rng = random.Random(options.seed)
    case_ids = list(seeded_cases().values_list("pk", flat=True))
    sample_cases = list(
        Case.objects.filter(pk__in=rng.sample(case_ids, min(len(case_ids), 500))).only(
            "number", "applicant_phone"
        )
    )

    def inbox():
        department = rng.choice(departments)
        page = list(queries.inbox(department)[:20])
        assert page, f"{department.code} has an empty inbox"

    def progress():
        chosen = rng.choice(sample_cases)
        case = queries.find_for_progress(chosen.number, chosen.applicant_phone[-4:])
        assert case is not None and queries.public_timeline(case)

    inbox_times = timed(inbox, options.samples)
    progress_times = timed(progress, options.samples)

    found_plans = plans(departments[0], sample_cases[0])
    if options.explain:
        for name, plan in found_plans.items():
            print(f"--- {name}\n{plan}\n", file=sys.stderr)
    uses = {
        "inbox": index_used(found_plans["inbox"], "task_inbox"),
        # The unique constraint's index: cases_case_number_key, or SQLite's automatic one.
        "progress": index_used(
            found_plans["progress"], "cases_case_number", "sqlite_autoindex_cases_case"
        ),
        "timeline": index_used(found_plans["timeline"], "core_audite_object_"),
    }
    open_tasks = ReviewTask.objects.filter(department=departments[0], state=TaskState.OPEN).count()
    print(
        json.dumps(
            {
                "benchmark": "inbox_and_progress",
                "db": connection.vendor,
                "cases": seeded_cases().count(),
                "open_cases": seeded_cases().filter(state="in_review").count(),
                "departments": len(departments),
                "open_tasks_per_department": open_tasks,
                "samples": options.samples,
                "inbox": summary(inbox_times),
                "progress": summary(progress_times),
                "indexes_used": uses,
                "seeded_now": created,
                "seed_seconds": round(seed_seconds, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
