"""Wrong secrets of the progress query are counted per case number too: guessing one case's
4-digit secret from many addresses stops after ten wrong secrets a day, answered the same whether
the number exists or not, while a client that gave the right secret before keeps its access."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

PROGRESS = "/api/cases/progress"
UNKNOWN = "44130399999999999999"
# 03:00 UTC: the per-number day (fixed 24-hour windows of Unix time) ends at 00:00 UTC.
MOMENT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
DAY_ENDS = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


@pytest.fixture
def api(client):
    return ApiClient(client).as_user(None)


def query(api, number, secret, address):
    return api.client.get(PROGRESS, {"number": number, "secret": secret}, REMOTE_ADDR=address)


def guesses(api, number, count, first=1):
    """`count` wrong secrets for `number`, each from another address."""
    return [
        query(api, number, f"{n:04d}", f"192.0.2.{n}").status_code
        for n in range(first, first + count)
    ]


def number_limited_message():
    until = timezone.localtime(DAY_ENDS)
    return (
        f"该办件编号今日输错次数过多，为保护申请人信息，暂停查询至 {until:%m-%d %H:%M}。"
        "请届时再试，或携带受理通知书到窗口查询。"
    )


@time_machine.travel(MOMENT, tick=False)
def test_ten_wrong_secrets_from_ten_addresses_hold_the_number(api, accepted_case):
    assert guesses(api, accepted_case.number, 10) == [404] * 10

    # The right secret from a fresh address is not even tried now.
    held = query(api, accepted_case.number, "8000", "198.51.100.1")

    assert held.status_code == 429
    assert held.json() == {
        "code": "rate_limited",
        "message": number_limited_message(),
        "detail": None,
    }
    assert int(held["Retry-After"]) == (DAY_ENDS - MOMENT).total_seconds()
    # Another case's number is not held.
    other = query(api, UNKNOWN, "8000", "198.51.100.1")
    assert other.status_code == 404


@time_machine.travel(MOMENT, tick=False)
def test_a_held_number_answers_like_a_held_unknown_number(api, accepted_case):
    guesses(api, accepted_case.number, 10)
    guesses(api, UNKNOWN, 10, first=20)

    known = query(api, accepted_case.number, "8000", "198.51.100.1")
    unknown = query(api, UNKNOWN, "8000", "198.51.100.2")

    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content
    assert known["Retry-After"] == unknown["Retry-After"]


@time_machine.travel(MOMENT, tick=False)
def test_nine_wrong_secrets_do_not_hold_the_number(api, accepted_case):
    guesses(api, accepted_case.number, 9)

    assert query(api, accepted_case.number, "8000", "198.51.100.1").status_code == 200


@time_machine.travel(MOMENT, tick=False)
def test_a_client_that_knew_the_secret_is_not_held(api, accepted_case):
    applicant = "198.51.100.50"
    assert query(api, accepted_case.number, "002X", applicant).status_code == 200

    guesses(api, accepted_case.number, 15)

    assert query(api, accepted_case.number, "002X", applicant).status_code == 200
    assert query(api, accepted_case.number, "002X", "198.51.100.51").status_code == 429


def test_the_hold_ends_with_the_day(api, accepted_case):
    with time_machine.travel(MOMENT, tick=False):
        guesses(api, accepted_case.number, 10)
    with time_machine.travel(DAY_ENDS - timedelta(seconds=1), tick=False):
        assert query(api, accepted_case.number, "8000", "198.51.100.1").status_code == 429
    with time_machine.travel(DAY_ENDS, tick=False):
        assert query(api, accepted_case.number, "8000", "198.51.100.1").status_code == 200


@time_machine.travel(MOMENT, tick=False)
def test_the_page_and_the_api_share_the_count(client, api, accepted_case):
    guesses(api, accepted_case.number, 9)
    page = client.post(
        "/progress/", {"number": accepted_case.number, "secret": "1111"}, REMOTE_ADDR="192.0.2.99"
    )
    assert page.status_code == 200 and "办理过程" not in page.content.decode()

    held = client.post(
        "/progress/", {"number": accepted_case.number, "secret": "8000"}, REMOTE_ADDR="192.0.2.98"
    )

    assert held.status_code == 429
    assert number_limited_message() in held.content.decode()
    assert accepted_case.number not in held.content.decode()
    assert "8000" not in held.content.decode()
