"""Certificate numbers: per issuing department and year, gap-free, never shared under concurrency."""

import threading

import pytest
import time_machine
from django.db import connection

from onewindow.core import numbering
from onewindow.core.models import NumberSequence
from onewindow.delivery.models import Certificate


@pytest.mark.django_db
def test_numbers_count_per_department_and_start_again_each_year(issue):
    with time_machine.travel("2026-12-30 10:00 +08:00", tick=False):
        first, second = issue(), issue()
    with time_machine.travel("2027-01-04 10:00 +08:00", tick=False):
        third = issue()
    assert [first.number, second.number, third.number] == [
        "SCJGJ-2026-000001",
        "SCJGJ-2026-000002",
        "SCJGJ-2027-000001",
    ]
    assert NumberSequence.objects.get(key="certificate:SCJGJ:2026").last_value == 2
    # Another department's counter is its own.
    assert numbering.certificate_number("XFJYDD", 2026) == "XFJYDD-2026-000001"


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back(decide):
    from django.db import transaction

    from onewindow.delivery.actions import do_issue_result

    case = decide()
    with pytest.raises(RuntimeError), transaction.atomic():
        do_issue_result(case)
        raise RuntimeError("the PDF store failed")
    assert not Certificate.objects.exists()
    assert do_issue_result(case).certificate.number.endswith("-000001")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent transactions (see tests/cases/test_concurrency.py)",
)
def test_concurrent_numbers_are_distinct_and_gap_free():
    from django.db import transaction

    numbers, errors = [], []
    barrier = threading.Barrier(8)

    def claim():
        try:
            connection.ensure_connection()
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    numbers.append(numbering.certificate_number("SCJGJ", 2026))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(numbers) == [f"SCJGJ-2026-{n:06d}" for n in range(1, 81)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent transactions (see tests/cases/test_concurrency.py)",
)
def test_two_workers_running_the_issue_task_issue_one_certificate(decide):
    from onewindow.delivery.tasks import issue_result

    case = decide()
    barrier = threading.Barrier(2)
    results = []

    def work():
        try:
            connection.ensure_connection()
            barrier.wait()
            results.append(issue_result.call(case.pk))
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["issued", "skipped"]
    assert Certificate.objects.filter(case=case).count() == 1
