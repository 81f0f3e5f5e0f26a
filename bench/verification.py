"""Benchmark: the verification API over 100,000 stored certificates; one JSON line.

    DATABASE_URL=postgres://… .venv/bin/python bench/verification.py [--certificates N] [--samples N]

Runs on the database named by DATABASE_URL (when it is unset, a SQLite file in the temporary
directory that later runs reuse; the target, p99 ≤ 20 ms, is for PostgreSQL). It migrates the
database and, unless an earlier run already did, stores N certificates (default 100,000) with
bulk_create: real numbers, canonical payloads and Ed25519 signatures, no PDFs; they belong to 1,000
cases of one item (the lookup never reads the case). One in twenty is revoked, one in twenty
expired.

It then times `--samples` calls of POST /api/certificates/verify through Django's test client
(URL routing, middleware, ninja's validation, the rate limiter, the lookup and the JSON answer): a
random stored number with the right holder name, and one in ten an unknown number. It prints the
median and 99th percentile in milliseconds, for the API call and for the lookup alone
(verification.verify_number), and checks with EXPLAIN that the lookup uses the unique index on
Certificate.number (--explain prints the plan to stderr).
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
# The benchmark is one client asking many times: the per-client limit would answer 429.
os.environ["ONEWINDOW_VERIFICATIONS_PER_MINUTE"] = "100000000"

ITEM_CODE = "441303-VERIFY-BENCH"
DEPARTMENT = ("VERB", "基准发证部门")
CASES = 1_000
CHUNK = 5_000


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "onewindow-bench-verification.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    key = Path(tempfile.gettempdir()) / "onewindow-bench-verification-key.pem"
    os.environ["ONEWINDOW_SIGNING_KEY_FILE"] = str(key)
    import django

    django.setup()
    from onewindow.delivery.signing import generate_key_file

    generate_key_file(key)


def fixtures():
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
            "name": "基准许可事项",
            "item_type": ItemType.LICENSING,
            "window_class": WindowClass.ENTERPRISE,
            "lead_department": department,
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "channels": ["window"],
            "delivery_methods": ["window"],
            "published_at": timezone.now(),
        },
    )
    cases = list(Case.objects.filter(item=item).order_by("id"))
    if not cases:
        today = timezone.localdate()
        cases = Case.objects.bulk_create(
            Case(
                number=f"V{n:019d}",
                item=item,
                state=CaseState.ISSUED,
                applicant_kind=ApplicantKind.CITIZEN,
                applicant_name=f"持证人{n}",
                applicant_id_number="11010519491231002X",
                applicant_phone="13800138000",
                received_on=today,
                accepted_on=today,
                decision=Decision.APPROVED,
                decided_on=today,
            )
            for n in range(CASES)
        )
    return department, item, cases


def holder(n):
    return f"持证人{n:06d}"


def number(n):
    return f"{DEPARTMENT[0]}-{2020 + n % 7}-{n:06d}"


def seed(total):
    from django.db import connection, transaction
    from django.utils import timezone

    from onewindow.delivery import documents, signing
    from onewindow.delivery.constants import CertificateState
    from onewindow.delivery.models import Certificate

    department, item, cases = fixtures()
    done = Certificate.objects.filter(department=department).count()
    today = timezone.localdate()
    began = time.perf_counter()
    for start in range(done, total, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, total)):
            case = cases[n % len(cases)]
            issued_on = today - timedelta(days=n % 1500)
            expired = n % 20 == 7
            certificate = Certificate(
                number=number(n),
                kind="licence",
                case=case,
                holder_name=holder(n),
                holder_id_masked="110105********002X",
                item_code=item.code,
                item_name=item.name,
                department=department,
                issued_on=issued_on,
                valid_from=issued_on,
                valid_until=today - timedelta(days=1) if expired else today + timedelta(days=900),
                state=CertificateState.REVOKED if n % 20 == 3 else CertificateState.VALID,
                revoked_at=timezone.now() if n % 20 == 3 else None,
                pdf_sha256="0" * 64,
            )
            certificate.payload = documents.payload_text(documents.payload_for(certificate, case))
            certificate.signature, certificate.key_id = signing.sign(certificate.payload.encode())
            rows.append(certificate)
        with transaction.atomic():
            Certificate.objects.bulk_create(rows)
    if done < total and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE delivery_certificate")
    return total - done, time.perf_counter() - began


def timed(function, samples):
    for _ in range(min(50, samples)):
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


def plan(sample_number):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onewindow.delivery import verification

    with CaptureQueriesContext(connection) as captured:
        verification.verify_number(sample_number, holder_name="x")
    sql = captured.captured_queries[0]["sql"]
    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--explain", action="store_true", help="print the query plan to stderr")
    options = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from onewindow.delivery import verification
    from onewindow.delivery.models import Certificate

    call_command("migrate", verbosity=0, interactive=False)
    created, seed_seconds = seed(options.certificates)
    rng = random.Random(options.seed)
    stored = Certificate.objects.filter(number__startswith=DEPARTMENT[0] + "-").count()
    client = Client()
    results = {}

    def ask():
        n = rng.randrange(options.certificates)
        known = rng.random() >= 0.1
        body = {"number": number(n) if known else f"NONE-2026-{n:06d}", "holder_name": holder(n)}
        response = client.post("/api/certificates/verify", body, content_type="application/json")
        assert response.status_code == 200, response.content
        result = response.json()["result"]
        results[result] = results.get(result, 0) + 1
        assert (result == "not_found") != known

    def lookup():
        n = rng.randrange(options.certificates)
        verification.verify_number(number(n), holder_name=holder(n))

    api_times = timed(ask, options.samples)
    lookup_times = timed(lookup, options.samples)
    query_plan = plan(number(rng.randrange(options.certificates)))
    if options.explain:
        print(query_plan, file=sys.stderr)
    index_used = "delivery_certificate_number" in query_plan or "INDEX" in query_plan.upper()
    print(
        json.dumps(
            {
                "benchmark": "verification",
                "db": connection.vendor,
                "certificates": stored,
                "samples": options.samples,
                "api": summary(api_times),
                "lookup": summary(lookup_times),
                "answers": results,
                "number_index_used": index_used,
                "seeded_now": created,
                "seed_seconds": round(seed_seconds, 1),
            },
            ensure_ascii=False,
        )
    )
    assert index_used, query_plan


if __name__ == "__main__":
    main()
