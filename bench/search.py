"""Benchmark: the staff search (cases/search.py) over 1,000,000 cases on PostgreSQL; one JSON line.

    .venv/bin/python bench/search.py [--url postgres://postgres@127.0.0.1:5432/bench_search]
        [--cases N] [--samples N] [--keep] [--explain]

Creates the database named by --url (default `bench_search`) unless it exists, migrates it and
fills it once with N cases (default 1,000,000), written by the database itself with INSERT …
SELECT generate_series (a benchmark fixture, not a way to create cases): 5 items, one service
point; one case in 50 an intake without a number, one in 10 in review, the others delivered;
applicants appear on two cases each, every tenth with a landline stored with its hyphen; names
drawn from 10,000 (about 100 cases per name); a certificate for every fifth case; and 20,000
results waiting at the window with a pickup code whose search hash (delivery.codes.lookup_hash)
is computed here, as start_window_pickup computes it.

It then times `--samples` searches of each kind (case number, intake number, certificate
number, ID number, phone, name with the ID's last 4 characters, pickup code), each a random
existing key typed as a clerk might type it, through `search.search(clerk, q)`, the function the
API and the page call, and prints the median and 99th percentile in milliseconds (target: p99
≤ 20 ms for each kind). Every run then EXPLAINs (ANALYZE) the SQL of every one of those searches
and fails when a plan reads the case table with a sequential scan; the JSON names the indexes the
plans use and adds `db_p99_ms`, the 99th percentile of the server's execution time, which the
load on a shared machine's Python processes does not blur. --explain prints the first plan of
each kind to stderr. The database is dropped at the end
unless --keep is given (a later run with --keep reuses the filled database).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_search"
ITEMS = 5
CHUNK = 100_000
DAYS = 400  # received over the last 400 days
NAMES_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
NAMES_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆帅旭宁鑫博彬林波雪琳晶慧颖倩婷欣怡佳悦琪"
PICKUPS = 20_000


def _maintenance_dsn(url):
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def ensure_database(url):
    """Create the benchmark database when it does not exist; True when it was created."""
    import psycopg

    dsn, name = _maintenance_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return not exists


def drop_database(url):
    import psycopg
    from django.db import connections

    connections.close_all()
    dsn, name = _maintenance_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def catalogue():
    """The service point, items, a clerk; created once."""
    from django.utils import timezone

    from onewindow.accounts.models import User
    from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
    from onewindow.catalog.models import Department, ServiceItem

    hall, _ = Department.objects.get_or_create(
        code="BSHALL", defaults={"name": "基准政务服务中心", "kind": "hall"}
    )
    lead, _ = Department.objects.get_or_create(code="BSSCJG", defaults={"name": "基准市场监管局"})
    items = [
        ServiceItem.objects.get_or_create(
            code=f"441303-BS-{n:02d}",
            status=ItemStatus.PUBLISHED,
            defaults={
                "name": f"基准检索事项{n:02d}",
                "item_type": ItemType.LICENSING,
                "window_class": WindowClass.ENTERPRISE,
                "lead_department": lead,
                "legal_limit_days": 20,
                "promised_limit_days": 10,
                "channels": ["window"],
                "delivery_methods": ["window"],
                "published_at": timezone.now(),
            },
        )[0]
        for n in range(1, ITEMS + 1)
    ]
    clerk, _ = User.objects.get_or_create(
        username="bs_clerk", defaults={"full_name": "检索基准", "role": "clerk", "department": hall}
    )
    return hall, lead, items, clerk


# One case per i in [start, stop): the applicant is i / 2, so each applicant has two cases.
CASES_SQL = """
INSERT INTO cases_case (
    number, state, channel, applicant_kind, applicant_name, applicant_id_number, applicant_phone,
    applicant_email, legal_representative, legal_representative_id_number, contact_name, proxy_name,
    proxy_id_number, proxy_phone, received_on, accepted_on, promised_deadline, legal_deadline, extension_days, colour,
    decision, decision_number, decided_on, reason, decision_text, decision_conditions, collected_at,
    collected_by, created_at, updated_at, clerk_id, item_id, service_point_id)
SELECT
    CASE WHEN i %% 50 = 0 THEN NULL
         ELSE '441303' || to_char(d, 'YYYYMMDD') || lpad((i / %(days)s + 1)::text, 6, '0') END,
    CASE WHEN i %% 50 = 0 THEN 'submitted' WHEN i %% 10 = 1 THEN 'in_review'
         ELSE 'delivered' END,
    'window', 'citizen',
    substr(%(surnames)s, 1 + (a * 7) %% %(n_surnames)s, 1)
        || substr(%(given)s, 1 + (a / 97) %% %(n_given)s, 1),
    '110' || lpad(a::text, 14, '0') || CASE WHEN a %% 11 = 0 THEN 'X' ELSE (a %% 10)::text END,
    CASE WHEN a %% 10 = 3 THEN '0752-' || lpad((a %% 10000000)::text, 7, '0')
         ELSE '13' || lpad(a::text, 9, '0') END,
    '', '', '', '', '', '', '',
    d,
    CASE WHEN i %% 50 = 0 THEN NULL ELSE d END,
    CASE WHEN i %% 50 = 0 THEN NULL ELSE d + 14 END,
    CASE WHEN i %% 50 = 0 THEN NULL ELSE d + 28 END,
    0,
    CASE WHEN i %% 10 = 1 AND i %% 50 <> 0 THEN 'green' ELSE 'none' END,
    CASE WHEN i %% 10 = 1 OR i %% 50 = 0 THEN '' ELSE 'approved' END,
    '', NULL, '', '', '', NULL, '',
    now(), now(), %(clerk)s, (ARRAY[%(items)s])[1 + i %% %(n_items)s], %(hall)s
FROM (
    SELECT i, i / 2 AS a, (current_date - (i %% %(days)s)) AS d
    FROM generate_series(%(start)s, %(stop)s - 1) AS i
) AS s
"""

CERTIFICATES_SQL = """
INSERT INTO delivery_certificate (
    number, kind, holder_name, holder_id_masked, item_code, item_name, issued_on, valid_from,
    state, reason, payload, signature, key_id, pdf, pdf_sha256, created_at, case_id, department_id)
SELECT 'BSSCJG-' || to_char(c.received_on, 'YYYY') || '-' || lpad(c.id::text, 7, '0'),
    'licence', c.applicant_name, '', '', '', c.received_on, c.received_on,
    'valid', '', '{}', '', '', '', '', now(), c.id, %s
FROM cases_case c WHERE c.state = 'delivered' AND c.id %% 5 = 0
"""


def fill(total, hall, lead, items, clerk):
    """The cases not yet written, then certificates and waiting pickups (once)."""
    from django.db import connection, transaction

    from onewindow.cases.models import Case

    done = Case.objects.count()
    began = time.perf_counter()
    params = {
        "days": DAYS,
        "surnames": NAMES_SURNAMES,
        "n_surnames": len(NAMES_SURNAMES),
        "given": NAMES_GIVEN,
        "n_given": len(NAMES_GIVEN),
        "clerk": clerk.pk,
        "items": None,
        "n_items": len(items),
        "hall": hall.pk,
    }
    # The item ids go in as literals of an ARRAY[…]: they are integers from the database.
    sql = CASES_SQL.replace("%(items)s", ", ".join(str(item.pk) for item in items))
    for start in range(done, total, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "start": start, "stop": min(start + CHUNK, total)})
    if done < total:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(CERTIFICATES_SQL, [lead.pk])
        _waiting_pickups(hall)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")
            cursor.execute("VACUUM ANALYZE delivery_certificate")
            cursor.execute("VACUUM ANALYZE delivery_delivery")
            cursor.execute("VACUUM ANALYZE delivery_windowpickup")
    return total - done, time.perf_counter() - began


def pickup_code(case_id):
    """The code of a seeded waiting pickup (known to the bench, as the SMS would tell it)."""
    return f"{(case_id * 7919) % 1_000_000:06d}"


def _waiting_pickups(hall):
    """PICKUPS delivered cases become issued, waiting at the hall with a pickup code."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from onewindow.delivery import codes

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM cases_case WHERE state = 'delivered' AND id %% 5 = 1 "
            "ORDER BY id LIMIT %s",
            [PICKUPS],
        )
        case_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("UPDATE cases_case SET state = 'issued' WHERE id = ANY(%s)", [case_ids])
        cursor.execute(
            "INSERT INTO delivery_delivery (method, state, created_at, updated_at, case_id) "
            "SELECT 'window', 'ready', now(), now(), id FROM unnest(%s::bigint[]) AS id",
            [case_ids],
        )
        cursor.execute(
            "SELECT id, case_id FROM delivery_delivery WHERE case_id = ANY(%s)", [case_ids]
        )
        rows = []
        for delivery_id, case_id in cursor.fetchall():
            code = pickup_code(case_id)
            rows.append(
                (
                    codes.code_hash(f"window:{case_id}", code),
                    codes.lookup_hash(hall.pk, code),
                    now,
                    now + timedelta(days=30),
                    delivery_id,
                    hall.pk,
                )
            )
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            values = ", ".join(["(%s, %s, %s, %s, '', '', '', '', '', '', %s, %s, 0)"] * len(chunk))
            cursor.execute(
                "INSERT INTO delivery_windowpickup (code_hash, lookup_hash, issued_at, expires_at, "
                "collector_kind, collector_name, collector_id_number, authorisation_reference, "
                "authorisation_scan, authorisation_sha256, delivery_id, service_point_id, "
                f"failed_attempts) VALUES {values}",
                [value for row in chunk for value in row],
            )


# --- the queries, as a clerk types them ---------------------------------------------------------


def typed_queries(rng, samples):
    """`samples` queries of each kind, from random existing keys."""
    from onewindow.cases.models import Case
    from onewindow.delivery.models import Certificate, WindowPickup

    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked = set()
    while len(picked) < samples * 3:
        picked.add(rng.randint(1, top))
    cases = list(
        Case.objects.filter(pk__in=picked).values(
            "pk",
            "number",
            "received_on",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
        )
    )
    numbered = [c for c in cases if c["number"]]
    # One case in 50 is an intake: the first after a random id (a walk of the primary key).
    intakes = [
        Case.objects.filter(number__isnull=True, pk__gte=rng.randint(1, top))
        .order_by("pk")
        .values("pk", "received_on")
        .first()
        for _ in range(samples)
    ]
    intakes = [row for row in intakes if row]
    certificates = list(
        Certificate.objects.filter(case_id__in=picked).values_list("number", flat=True)
    )
    waiting = list(
        WindowPickup.objects.filter(collected_at__isnull=True)
        .values_list("delivery__case_id", flat=True)
        .order_by("?")[:samples]
    )

    def spaced(number):  # as read off a card: groups of 6, 8 and 4
        return f"{number[:6]} {number[6:14]} {number[14:]}".lower()

    def sample(rows, make):
        return [make(rng.choice(rows)) for _ in range(samples)]

    return {
        "case_number": sample(numbered, lambda c: c["number"]),
        "intake_number": sample(intakes, lambda c: f"SJ{c['received_on']:%Y%m%d}{c['pk']:06d}"),
        "certificate_number": sample(certificates, lambda n: n.lower()),
        "id_number": sample(cases, lambda c: spaced(c["applicant_id_number"])),
        "phone": sample(cases, lambda c: c["applicant_phone"].replace("-", "")),
        "name_id_tail": sample(
            cases, lambda c: f"{c['applicant_name']} {c['applicant_id_number'][-4:].lower()}"
        ),
        "pickup_code": sample(waiting, pickup_code),
    }


def timed(clerk, queries):
    from onewindow.cases import search

    for q in queries[:20]:
        search.search(clerk, q)
    times = []
    for q in queries:
        began = time.perf_counter()
        result = search.search(clerk, q)
        times.append((time.perf_counter() - began) * 1000)
        assert result.cases, f"{q!r} found nothing"
    return times


def summary(times):
    return {
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(statistics.quantiles(times, n=100)[98], 3),
    }


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def check_plans(clerk, queries, explain):
    """EXPLAIN (ANALYZE, FORMAT JSON) of the SQL each of `queries` runs: fails when a plan reads
    cases_case with a sequential scan; returns the indexes the plans use and the server's
    execution times (ms), which the load on the machine's Python processes does not blur."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onewindow.cases import search

    indexes, execution = set(), []
    for n, q in enumerate(queries):
        with CaptureQueriesContext(connection) as captured:
            search.search(clerk, q)
        (sql,) = [
            query["sql"] for query in captured.captured_queries if "cases_case" in query["sql"]
        ]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            found = cursor.fetchone()[0]
        found = json.loads(found) if isinstance(found, str) else found
        plan = found[0]["Plan"]
        execution.append(found[0]["Execution Time"])
        nodes = list(_nodes(plan))
        seq_scans = [node.get("Relation Name") for node in nodes if node["Node Type"] == "Seq Scan"]
        if explain and n == 0:
            print(f"--- {q}\n{json.dumps(plan, indent=1, ensure_ascii=False)}\n", file=sys.stderr)
        assert "cases_case" not in seq_scans, f"{q!r}: sequential scan of cases_case\n{sql}"
        indexes |= {node["Index Name"] for node in nodes if "Index Name" in node}
    return sorted(indexes), execution


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="the benchmark database (PostgreSQL)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    parser.add_argument("--explain", action="store_true", help="print the plans to stderr")
    options = parser.parse_args()

    ensure_database(options.url)
    os.environ["DATABASE_URL"] = options.url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from onewindow.cases.models import Case

    try:
        call_command("migrate", verbosity=0, interactive=False)
        hall, lead, items, clerk = catalogue()
        created, fill_seconds = fill(options.cases, hall, lead, items, clerk)
        rng = random.Random(options.seed)
        queries = typed_queries(rng, options.samples)
        results, plans = {}, {}
        for kind, typed in queries.items():
            results[kind] = summary(timed(clerk, typed))
            plans[kind], execution = check_plans(clerk, typed, options.explain)
            results[kind]["db_p99_ms"] = summary(execution)["p99_ms"]
        line = {
            "benchmark": "case_search",
            "db": connection.vendor,
            "cases": Case.objects.count(),
            "samples": options.samples,
            **results,
            "indexes_used": plans,
            "seq_scan_of_cases": False,  # check_plan fails otherwise
            "filled_now": created,
            "fill_seconds": round(fill_seconds, 1),
        }
        print(json.dumps(line, ensure_ascii=False))
    finally:
        if not options.keep:
            drop_database(options.url)


if __name__ == "__main__":
    main()
