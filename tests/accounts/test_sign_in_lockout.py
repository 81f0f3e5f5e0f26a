"""Failed sign-ins are throttled per user name and per address (django-axes), logged, and shown to
administrators; a successful sign-in starts the count again."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.constants import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in(client, username, password, address="198.51.100.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def signed_in(response):
    return response.wsgi_request.user.is_authenticated


def assert_locked_out(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "登录失败次数过多，已暂停登录" in page
    assert "请 15 分钟后再试" in page
    assert not signed_in(response)


def test_failures_below_the_limit_get_the_wrong_password_message(client):
    UserFactory(username="clerk")

    for _ in range(LIMIT - 1):
        response = sign_in(client, "clerk", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()

    assert signed_in(sign_in(client, "clerk", PASSWORD))


def test_failures_for_one_user_lock_that_user_from_any_address(client):
    clerk = UserFactory(username="clerk")

    for n in range(LIMIT - 1):
        sign_in(client, "clerk", "wrong-password", address=f"203.0.113.{n + 1}")
    assert_locked_out(sign_in(client, "clerk", "wrong-password", address="203.0.113.99"))

    # The right password, from an address that never failed, is refused too: nothing is written.
    sessions_before = client.session.session_key
    logins_before = AccessLog.objects.count()
    assert_locked_out(sign_in(client, "clerk", PASSWORD, address="192.0.2.50"))
    clerk.refresh_from_db()
    assert clerk.last_login is None
    assert AccessLog.objects.count() == logins_before
    assert client.session.session_key == sessions_before
    # Another user at those addresses is not affected.
    UserFactory(username="reviewer")
    assert signed_in(sign_in(client, "reviewer", PASSWORD, address="203.0.113.1"))


def test_failures_from_one_address_lock_that_address_for_any_user(client):
    UserFactory(username="clerk")

    for n in range(LIMIT - 1):
        sign_in(client, f"guess{n}", "wrong-password", address="198.51.100.7")
    assert_locked_out(sign_in(client, "guess-last", "wrong-password", address="198.51.100.7"))

    assert_locked_out(sign_in(client, "clerk", PASSWORD, address="198.51.100.7"))
    # The same user from another address signs in: only the address is locked.
    assert signed_in(sign_in(client, "clerk", PASSWORD, address="198.51.100.8"))


def test_the_lockout_page_is_in_english_for_an_english_reader(client):
    UserFactory(username="clerk")
    for _ in range(LIMIT):
        sign_in(client, "clerk", "wrong-password")

    response = sign_in(client, "clerk", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins: signing in is paused" in page
    assert "try again in 15 minutes" in page


def test_a_successful_sign_in_starts_the_count_again(client):
    UserFactory(username="clerk")
    for _ in range(LIMIT - 1):
        sign_in(client, "clerk", "wrong-password")
    assert signed_in(sign_in(client, "clerk", PASSWORD))
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    client.post(reverse("accounts:logout"))

    for _ in range(LIMIT - 1):
        response = sign_in(client, "clerk", "wrong-password")
    assert response.status_code == 200
    assert signed_in(sign_in(client, "clerk", PASSWORD))


def test_the_lockout_ends_after_the_cool_off(client):
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            sign_in(client, "clerk", "wrong-password")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert_locked_out(sign_in(client, "clerk", PASSWORD))
    # Failing during the lockout restarted its clock (14 minutes in): 15 more from there.
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        assert_locked_out(sign_in(client, "clerk", PASSWORD))
    with time_machine.travel(start + timedelta(minutes=44), tick=False):
        assert signed_in(sign_in(client, "clerk", PASSWORD))


def test_the_admin_sign_in_is_throttled_as_well(client):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "admin", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.7",
        )

    response = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.1",
    )

    assert_locked_out(response)


def test_failed_sign_ins_are_logged_and_shown_to_administrators(client, caplog):
    UserFactory(username="clerk")
    with caplog.at_level("WARNING", logger="axes"):
        for _ in range(LIMIT):
            sign_in(client, "clerk", "wrong-password", address="198.51.100.7")
    assert any("clerk" in r.getMessage() for r in caplog.records if r.name.startswith("axes"))
    failures = AccessFailureLog.objects.filter(username="clerk")
    assert failures.count() == LIMIT
    assert failures.filter(locked_out=True).count() == 1
    # The password typed is never stored.
    attempt = AccessAttempt.objects.get(username="clerk")
    assert "wrong-password" not in attempt.post_data

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for name in ("accessfailurelog", "accessattempt"):
        page = client.get(reverse(f"admin:axes_{name}_changelist"))
        assert page.status_code == 200
        assert "clerk" in page.content.decode() and "198.51.100.7" in page.content.decode()


def test_the_api_still_takes_the_session_of_a_real_sign_in(client, market):
    UserFactory(username="reviewer", role=Role.REVIEWER, department=market)
    assert signed_in(sign_in(client, "reviewer", PASSWORD))

    response = client.get("/api/cases/inbox")

    assert response.status_code == 200, response.content
