"""Benchmark: signed courier tracking events through the webhook, printing one JSON line.

    .venv/bin/python bench/courier_webhook.py [--shipments K] [--events N]

Runs on the database named by DATABASE_URL (a fresh SQLite file in a temporary directory when it is
unset), migrating it first. Makes K mailed cases (an on-the-spot item decided at acceptance, mail
chosen, result issued, shipment recorded), then posts N signed `in_transit` events spread over the
K shipments through Django's full request stack (test client: middleware, URL routing, the view,
signature check, one transaction per event with its locks), then the same N again as replays
(answered "duplicate", nothing written). Reports events per second and median / p99 latency of
each pass.
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

APPLICANT_ID = "11010519491231002X"
ADDRESS = {
    "recipient_name": "李明",
    "phone": "13800138000",
    "province": "广东省",
    "city": "惠州市",
    "district": "惠阳区",
    "street": "淡水街道开城大道中 1 号",
}


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        directory = tempfile.mkdtemp(prefix="onewindow-webhook-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/webhook.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_shipments(count, run_id):
    from django.utils import timezone

    from onewindow.accounts.constants import Role
    from onewindow.accounts.models import User
    from onewindow.cases.actions import (
        ApplicantInput,
        MaterialInput,
        do_accept_case,
        do_receive_intake,
    )
    from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
    from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem
    from onewindow.delivery.actions.choice import do_choose_delivery
    from onewindow.delivery.actions.issuing import do_issue_result
    from onewindow.delivery.actions.mail import _record_shipment

    hall, _ = Department.objects.get_or_create(
        code="WHHALL", defaults={"name": "WH 政务服务中心", "kind": "hall"}
    )
    market, _ = Department.objects.get_or_create(code="WHSCJG", defaults={"name": "WH 市场监管局"})
    item, created = ServiceItem.objects.get_or_create(
        code="441303-WH-BENCH",
        status=ItemStatus.PUBLISHED,
        defaults={
            "name": "WH 基准即办事项",
            "item_type": ItemType.LICENSING,
            "window_class": WindowClass.SOCIAL,
            "lead_department": market,
            "legal_limit_days": 20,
            "promised_limit_days": 0,
            "is_on_the_spot": True,
            "channels": ["window"],
            "delivery_methods": ["window", "mail"],
            "published_at": timezone.now(),
        },
    )
    if created:
        Material.objects.create(item=item, position=0, name="申请书")
        stage = FlowStage.objects.create(item=item, position=0, name="即办")
        FlowStep.objects.create(stage=stage, department=market, limit_days=0)
    clerk, _ = User.objects.get_or_create(
        username="wh_clerk", defaults={"role": Role.CLERK, "department": hall}
    )
    applicant = ApplicantInput(
        kind="citizen", name="李明", id_number=APPLICANT_ID, phone="13800138000"
    )
    numbers = []
    for n in range(count):
        case = do_receive_intake(
            item=item,
            applicant=applicant,
            materials=[
                MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()
            ],
            acting_user=clerk,
        )
        case = do_accept_case(case, acting_user=clerk)
        delivery = do_choose_delivery(case, method="mail", address=ADDRESS, acting_user=clerk)
        do_issue_result(case, acting_user=clerk)
        number = f"EMSB{run_id}{n:05d}"
        _record_shipment(delivery.pk, number, courier_code="ems")
        numbers.append(number)
    return numbers


def post_all(client, events, secret):
    from onewindow.delivery.webhook_signing import signed_headers

    latencies, statuses = [], {}
    started = time.perf_counter()
    for event in events:
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = signed_headers(secret, body)
        begin = time.perf_counter()
        response = client.post(
            "/api/delivery/courier/webhook",
            data=body,
            content_type="application/json",
            headers=headers,
        )
        latencies.append(time.perf_counter() - begin)
        status = response.json().get("status", response.status_code)
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "per_second": round(len(events) / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 2),
        "answers": statuses,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=50)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ONEWINDOW_SMS_GATEWAY_URL = ""  # the outbox is written; nothing is sent
    run_id = uuid.uuid4().hex[:6].upper()
    numbers = make_shipments(args.shipments, run_id)
    events = [
        {
            "event_id": f"{numbers[n % len(numbers)]}-{n}",
            "tracking_number": numbers[n % len(numbers)],
            "code": "in_transit",
            "description": "运输中",
            "location": "惠州市邮件处理中心",
            "occurred_at": "2026-12-01T10:00:00+08:00",
        }
        for n in range(args.events)
    ]
    client = Client()
    secret = settings.ONEWINDOW_COURIER_WEBHOOK_SECRET
    stored = post_all(client, events, secret)
    replayed = post_all(client, events, secret)
    print(
        json.dumps(
            {
                "bench": "courier_webhook",
                "database": connection.vendor,
                "shipments": args.shipments,
                "events": args.events,
                "stored": stored,
                "replayed": replayed,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
