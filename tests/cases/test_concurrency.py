"""Actions racing each other from threads, each thread on its own database connection.

The last two parallel answers of a stage join it exactly once; two clerks accepting one intake get
one case number between them; concurrent acceptances number gap-free; one idempotency key makes one
case. These need real concurrent transactions, so they run on PostgreSQL (CI sets DATABASE_URL):
pytest-django's SQLite test database lives in memory with a shared cache, whose table locks fail at
once with "database table is locked" instead of waiting like a file database's IMMEDIATE
transactions, so a race there tests SQLite's shared-cache mode rather than our code.
"""

import threading

import pytest
from django.db import connection

from onewindow.cases.actions import do_accept_case, do_complete_review
from onewindow.cases.constants import CaseState, StageState, TaskState
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case, IdempotencyKey
from onewindow.core.models import AuditEntry, NumberSequence

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions: the SQLite test database is in memory with a "
        "shared cache, where concurrent writers fail instead of waiting (run with DATABASE_URL "
        "set to PostgreSQL)",
    ),
]


def race(*calls):
    """Run the calls in threads released at the same moment; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            # Connect first: opening a connection takes longer than the race itself, so threads
            # connecting after the barrier would rarely overlap.
            connection.ensure_connection()
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


@pytest.mark.parametrize("round_", range(3))
def test_the_last_two_parallel_answers_join_the_stage_exactly_once(
    round_, accepted_case, reviewer_market, reviewer_fire, reviewer_housing
):
    # Without the case lock both answers would see the other's task still open and neither would
    # close the stage; a second close is impossible (the UPDATE requires the stage still open).
    case = accepted_case
    first = case.stages.get(position=0)
    tasks = {t.department.code: t for t in first.tasks.all()}
    do_complete_review(
        tasks["SCJGJ"], decision="approved", opinion="同意", acting_user=reviewer_market
    )

    results = race(
        lambda: do_complete_review(
            tasks["XFJYDD"], decision="approved", opinion="同意", acting_user=reviewer_fire
        ),
        lambda: do_complete_review(
            tasks["ZJJ"], decision="approved", opinion="同意", acting_user=reviewer_housing
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    first.refresh_from_db()
    second = case.stages.get(position=1)
    assert first.state == StageState.DONE and first.closed_at is not None
    assert second.state == StageState.OPEN
    [next_task] = second.tasks.all()
    assert next_task.state == TaskState.OPEN and next_task.due_date is not None
    reviews = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action="complete_review"
    )
    assert sorted(e.details["department"] for e in reviews) == ["SCJGJ", "XFJYDD", "ZJJ"]


def test_two_clerks_accepting_one_intake_one_wins_the_other_gets_a_conflict(receive, clerk, clerk2):
    intake = receive()
    copies = [Case.objects.get(pk=intake.pk), Case.objects.get(pk=intake.pk)]

    results = race(
        lambda: do_accept_case(copies[0], acting_user=clerk),
        lambda: do_accept_case(copies[1], acting_user=clerk2),
    )

    accepted = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, CaseActionError)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert refused[0].code == "wrong_state" and refused[0].status == 409
    case = Case.objects.get(pk=intake.pk)
    assert case.state == CaseState.IN_REVIEW and case.number == accepted[0].number
    assert case.number.endswith("000001")
    key = f"case:{case.accepted_on:%Y%m%d}"
    assert NumberSequence.objects.get(key=key).last_value == 1  # the loser used no number
    assert case.stages.count() == 2 and case.tasks.count() == 4


def test_concurrent_acceptances_get_unique_gap_free_numbers(receive, clerk):
    threads, per_thread = 8, 5

    def clerk_at_work():
        return [do_accept_case(receive(), acting_user=clerk).number for _ in range(per_thread)]

    results = race(*[clerk_at_work] * threads)

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [number for batch in results for number in batch]
    assert len(set(numbers)) == threads * per_thread
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, threads * per_thread + 1))
    assert len({n[:-6] for n in numbers}) == 1  # region code and one date


def test_one_idempotency_key_from_two_threads_makes_one_case(receive):
    results = race(
        lambda: receive(idempotency_key="intake-7f3a"),
        lambda: receive(idempotency_key="intake-7f3a"),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].pk == results[1].pk
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.get(key="intake-7f3a").case_id == results[0].pk
    assert results[0].materials.count() == 5
    assert AuditEntry.objects.filter(action="receive_intake").count() == 1
