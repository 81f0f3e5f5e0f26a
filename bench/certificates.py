"""Benchmark: certificates issued per second, PDF included, printing one JSON line.

    DATABASE_URL=postgres://… .venv/bin/python bench/certificates.py [--certificates N] [--processes K]

Runs on the database named by DATABASE_URL (a fresh SQLite file in a temporary directory when it
is unset), migrating it first. It writes N decided cases of one licence item (rows inserted with
bulk_create: a fixture, not the way cases are made), then times `do_issue_result` on each in
turn, as the issue task does: DECIDED → ISSUED with the certificate numbered, its payload signed
(Ed25519), the PDF drawn (delivery/pdfdraw.py) with the Noto CJK font subset embedded, the QR code and
certificate.json attached, the file written under a temporary MEDIA_ROOT, and the applicant's SMS
written to the outbox. A fresh signing key in a temporary directory signs them. At the end every
case must be issued with one certificate whose signature verifies. Besides the wall-clock
figures it prints this process's CPU time per certificate, which a busy machine disturbs less.

With --processes K (K > 1) the same run first issues N certificates in one worker process, then N
more in K worker processes at once (spawned, each with its own connection, each warmed up before
the clock starts), all of the one department: issuing claims the department's number in a short
transaction and renders outside it, so K processes should issue about K times as many per second
as one (on a machine with K free cores). It prints both rates and their ratio.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import spawn

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

ITEM_CODE = "441303-CERT-BENCH"
DEPARTMENT = ("CERTB", "基准市场监督管理局")


def setup_django():
    """A scratch MEDIA_ROOT and signing key, made by the first process and inherited (through
    the environment) by the worker processes it spawns."""
    if "ONEWINDOW_BENCH_SCRATCH" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="onewindow-certs-"))
        os.environ["ONEWINDOW_BENCH_SCRATCH"] = str(scratch)
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/certs.sqlite3"
        os.environ["MEDIA_ROOT"] = str(scratch / "media")
        os.environ["ONEWINDOW_SIGNING_KEY_FILE"] = str(scratch / "signing.pem")
    import django

    django.setup()
    from onewindow.delivery.signing import generate_key_file

    generate_key_file(os.environ["ONEWINDOW_SIGNING_KEY_FILE"])


def decided_cases(total, run_id):
    from django.utils import timezone

    from onewindow.cases.constants import ApplicantKind, CaseState, Decision
    from onewindow.cases.models import Case
    from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
    from onewindow.catalog.models import Department, ServiceItem

    department, _ = Department.objects.get_or_create(
        code=DEPARTMENT[0], defaults={"name": DEPARTMENT[1]}
    )
    item, _ = ServiceItem.objects.get_or_create(
        code=ITEM_CODE,
        status=ItemStatus.PUBLISHED,
        defaults={
            "name": "食品经营许可（基准）",
            "item_type": ItemType.LICENSING,
            "window_class": WindowClass.ENTERPRISE,
            "lead_department": department,
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "result_validity_years": 5,
            "channels": ["window"],
            "delivery_methods": ["window"],
            "published_at": timezone.now(),
        },
    )
    today = timezone.localdate()
    cases = [
        Case(
            number=f"C{run_id}{n:07d}",
            item=item,
            state=CaseState.DECIDED,
            applicant_kind=ApplicantKind.CITIZEN,
            applicant_name=f"王小红{n}",
            applicant_id_number="11010519491231002X",
            applicant_phone="13800138000",
            received_on=today,
            accepted_on=today,
            decision=Decision.APPROVED,
            decision_number=f"{department.code}〔{today.year}〕{n}号",
            decided_on=today,
        )
        for n in range(total)
    ]
    return Case.objects.bulk_create(cases)


def issue_each(case_ids):
    """Issue each case in turn; the milliseconds of each."""
    from onewindow.delivery.actions import do_issue_result

    times = []
    for case_id in case_ids:
        start = time.perf_counter()
        do_issue_result(case_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


def worker(warm_up_ids, case_ids, barrier, results):
    """A spawned worker process: its own Django and connection, warmed up (fonts loaded,
    templates compiled) before the clock starts."""
    setup_django()
    from django.db import connection

    issue_each(warm_up_ids)
    barrier.wait()
    began_cpu = time.process_time()
    times = issue_each(case_ids)
    connection.close()
    results.put((times, time.process_time() - began_cpu))


def run_in_processes(warm_up_ids, case_ids, processes):
    """(seconds, times, cpu seconds) of `case_ids` issued by `processes` worker processes."""
    seconds, results = spawn.run_in_processes(
        worker,
        [(warm_up_ids[n::processes], case_ids[n::processes]) for n in range(processes)],
    )
    return seconds, [t for times, _ in results for t in times], sum(cpu for _, cpu in results)


def figures(seconds, times, cpu):
    return {
        "certificates": len(times),
        "seconds": round(seconds, 2),
        "per_second": round(len(times) / seconds, 1),
        "issue_ms": {
            "median": round(statistics.median(times), 1),
            "p99": round(statistics.quantiles(times, n=100)[98], 1),
        },
        # CPU per certificate: less sensitive to a loaded machine.
        "cpu_ms_per_certificate": round(cpu * 1000 / len(times), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--processes", type=int, default=1)
    options = parser.parse_args()
    if options.certificates < 3 or options.processes < 1:
        parser.error("--certificates must be 3 or more and --processes positive")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from onewindow.delivery import signing
    from onewindow.delivery.models import Certificate

    call_command("migrate", verbosity=0, interactive=False)
    run_id = uuid.uuid4().hex[:8]
    warm = 2 * options.processes if options.processes > 1 else 0
    phases = 1 if options.processes == 1 else 2
    ids = [c.pk for c in decided_cases(warm + phases * options.certificates + 3, run_id)]
    report = {"benchmark": "certificates"}
    if options.processes == 1:
        issue_each(ids[:3])  # warm-up: fonts loaded, templates compiled
        began, began_cpu = time.perf_counter(), time.process_time()
        times = issue_each(ids[3:])
        report.update(figures(time.perf_counter() - began, times, time.process_time() - began_cpu))
    else:
        # Spawned children open their own connections; this one must not stay open across them.
        connection.close()
        rest = ids[warm + 3 :]
        one = figures(*run_in_processes(ids[:1], rest[: options.certificates], 1))
        many = figures(
            *run_in_processes(ids[1:warm], rest[options.certificates :], options.processes)
        )
        report.update(
            {
                "processes": options.processes,
                "one_process": one,
                f"{options.processes}_processes": many,
                "speedup": round(many["per_second"] / one["per_second"], 2),
            }
        )
        issue_each(ids[warm : warm + 3])  # the rest, so that every case is issued

    issued = Certificate.objects.filter(case__number__startswith=f"C{run_id}")
    assert issued.count() == len(ids), "every case has one certificate"
    assert issued.values("number").distinct().count() == len(ids), "numbers are unique"
    assert not issued.filter(pdf="").exists(), "every certificate has its file"
    pem = signing.public_pem(signing.public_key())
    sizes = []
    for certificate in issued.order_by("?")[:20]:
        assert signing.check_signature(certificate.payload, certificate.signature, pem)
        sizes.append(certificate.pdf.size)
    report.update(
        {
            "db": connection.vendor,
            "pdf_bytes_median": int(statistics.median(sizes)),
            # The machine is shared: its load says how much of the cores this run had.
            "cores": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        }
    )
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
