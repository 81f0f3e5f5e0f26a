"""Benchmark: certificates issued per second, PDF included, printing one JSON line.

    DATABASE_URL=postgres://… .venv/bin/python bench/certificates.py [--certificates N]

Runs on the database named by DATABASE_URL (a fresh SQLite file in a temporary directory when it
is unset), migrating it first. It writes N decided cases of one licence item (rows inserted with
bulk_create: a fixture, not the way cases are made), then times `do_issue_result` on each in
turn, as the issue task does: DECIDED → ISSUED with the certificate numbered, its payload signed
(Ed25519), the PDF rendered by WeasyPrint with the Noto CJK font subset embedded, the QR code and
certificate.json attached, the file written under a temporary MEDIA_ROOT, and the applicant's SMS
written to the outbox. A fresh signing key in a temporary directory signs them. At the end every
case must be issued with one certificate whose signature verifies. Besides the wall-clock
figures it prints this process's CPU time per certificate, which a busy machine disturbs less.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

ITEM_CODE = "441303-CERT-BENCH"
DEPARTMENT = ("CERTB", "基准市场监督管理局")


def setup_django():
    scratch = Path(tempfile.mkdtemp(prefix="onewindow-certs-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/certs.sqlite3"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["ONEWINDOW_SIGNING_KEY_FILE"] = str(scratch / "signing.pem")
    import django

    django.setup()
    from onewindow.delivery.signing import generate_key_file

    generate_key_file(scratch / "signing.pem")


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200)
    options = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from onewindow.delivery import signing
    from onewindow.delivery.actions import do_issue_result
    from onewindow.delivery.models import Certificate

    call_command("migrate", verbosity=0, interactive=False)
    run_id = uuid.uuid4().hex[:8]
    cases = decided_cases(options.certificates + 3, run_id)
    for case in cases[:3]:  # warm-up: fonts loaded, templates compiled
        do_issue_result(case.pk)
    times = []
    began, began_cpu = time.perf_counter(), time.process_time()
    for case in cases[3:]:
        start = time.perf_counter()
        do_issue_result(case.pk)
        times.append((time.perf_counter() - start) * 1000)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - began_cpu

    issued = Certificate.objects.filter(case__number__startswith=f"C{run_id}")
    assert issued.count() == len(cases), "every case has one certificate"
    assert issued.values("number").distinct().count() == len(cases), "numbers are unique"
    pem = signing.public_pem(signing.public_key())
    sizes = []
    for certificate in issued.order_by("?")[:20]:
        assert signing.check_signature(certificate.payload, certificate.signature, pem)
        sizes.append(certificate.pdf.size)
    print(
        json.dumps(
            {
                "benchmark": "certificates",
                "db": connection.vendor,
                "certificates": len(times),
                "seconds": round(elapsed, 2),
                "per_second": round(len(times) / elapsed, 1),
                "issue_ms": {
                    "median": round(statistics.median(times), 1),
                    "p99": round(statistics.quantiles(times, n=100)[98], 1),
                },
                # This process's CPU per certificate: less sensitive to a loaded machine.
                "cpu_ms_per_certificate": round(cpu * 1000 / len(times), 1),
                "pdf_bytes_median": int(statistics.median(sizes)),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
