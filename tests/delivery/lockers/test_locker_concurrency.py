"""Two clerks depositing at the same moment never get the same compartment: with one free
compartment one gets it and the other is told the locker is full; with two, each gets one. Real
concurrent transactions, so PostgreSQL only (see tests/cases/test_concurrency.py)."""

import pytest
from django.db import connection

from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions import do_collect_from_locker, do_deposit_in_locker
from onewindow.delivery.constants import CompartmentState
from onewindow.delivery.models import Compartment, LockerDeposit
from tests.cases.test_concurrency import race
from tests.delivery.lockers.conftest import make_locker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions (run with DATABASE_URL set to PostgreSQL)",
    ),
]


@pytest.mark.parametrize("round_", range(3))
def test_two_depositors_and_one_free_compartment(round_, issued, clerk, clerk2, hall):
    locker = make_locker(hall, sizes=["S", "M", "M"])
    Compartment.objects.filter(locker=locker, size="M").update(state=CompartmentState.OCCUPIED)
    first, second = issued(DeliveryMethod.LOCKER), issued(DeliveryMethod.LOCKER)

    results = race(
        lambda: do_deposit_in_locker(first, locker=locker, acting_user=clerk),
        lambda: do_deposit_in_locker(second, locker=locker, acting_user=clerk2),
    )

    deposits = [r for r in results if isinstance(r, LockerDeposit)]
    errors = [r for r in results if isinstance(r, CaseActionError)]
    assert len(deposits) == 1 and len(errors) == 1, results
    assert errors[0].code == "locker_full" and errors[0].status == 409
    assert LockerDeposit.objects.count() == 1
    assert LockerDeposit.objects.get().compartment.number == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_depositors_and_two_free_compartments_get_one_each(round_, issued, clerk, clerk2, hall):
    locker = make_locker(hall, sizes=["S", "S"])
    first, second = issued(DeliveryMethod.LOCKER), issued(DeliveryMethod.LOCKER)

    results = race(
        lambda: do_deposit_in_locker(first, locker=locker, acting_user=clerk),
        lambda: do_deposit_in_locker(second, locker=locker, acting_user=clerk2),
    )

    assert all(isinstance(r, LockerDeposit) for r in results), results
    assert sorted(r.compartment.number for r in results) == [1, 2]


def test_two_wrong_codes_at_once_both_count(issued, clerk, locker):
    deposit = do_deposit_in_locker(issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk)
    wrong = f"{(int(deposit.code) + 1) % 1_000_000:06d}"

    results = race(
        lambda: do_collect_from_locker(locker, code=wrong),
        lambda: do_collect_from_locker(locker, code=wrong),
    )

    assert sorted(r.message for r in results) == [
        "取件码不正确，还可尝试 3 次。",
        "取件码不正确，还可尝试 4 次。",
    ]
