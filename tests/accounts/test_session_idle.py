"""A staff session ends after ONEWINDOW_SESSION_IDLE_MINUTES without a request (30 by default)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client):
    return client.get(reverse("home")).wsgi_request.user.is_authenticated


def sign_in(client):
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302


def test_the_default_idle_time_is_30_minutes():
    assert django_settings.ONEWINDOW_SESSION_IDLE_MINUTES == 30
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60


def test_an_idle_session_ends_after_30_minutes(client):
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
        assert not signed_in(client)
        # The page asks to sign in again.
        response = client.get(reverse("cases:intake"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_working_keeps_the_session_alive(client):
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    # A request every 20 minutes for two hours: never 30 minutes idle.
    for step in range(1, 7):
        with time_machine.travel(start + timedelta(minutes=20 * step), tick=False):
            assert signed_in(client), f"signed out after {20 * step} minutes"
    with time_machine.travel(start + timedelta(minutes=120 + 31), tick=False):
        assert not signed_in(client)


def test_the_idle_time_is_configurable(client, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert signed_in(client)
    with time_machine.travel(start + timedelta(minutes=9, seconds=30), tick=False):
        assert not signed_in(client)


def test_the_session_is_not_written_on_every_request(client):
    # Sliding the expiry once a minute, not on each page view: a read stays a read.
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
        signed_in(client)
    from django.contrib.sessions.models import Session

    expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        signed_in(client)
    assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        signed_in(client)
    assert Session.objects.get().expire_date == expiry + timedelta(seconds=61)
