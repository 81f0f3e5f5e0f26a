"""Staff change their own password at /accounts/password/, under the password rules."""

import pytest
from django.urls import reverse

from onewindow.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
NEW = "river-lantern-94-maple"


@pytest.fixture
def clerk(client):
    clerk = UserFactory(username="chenxiao", full_name="陈晓")
    client.force_login(clerk)
    return clerk


def change(client, old, new, again=None):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
        REMOTE_ADDR="198.51.100.7",
    )


def test_the_page_lists_the_rules(client, clerk):
    page = client.get(URL).content.decode()

    assert "密码不能主要由用户名、姓名或日期组成。" in page
    assert 'href="/accounts/password/"' in page  # the header links to it


def test_a_clerk_changes_their_password_and_stays_signed_in(client, clerk):
    response = change(client, PASSWORD, NEW)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    clerk.refresh_from_db()
    assert clerk.check_password(NEW)
    assert client.get(reverse("home")).wsgi_request.user == clerk
    entry = AuditEntry.objects.get(action="change_password")
    assert entry.object_id == str(clerk.pk) and entry.actor == clerk
    assert str(entry.client_address) == "198.51.100.7"
    assert NEW not in str(entry.details) and PASSWORD not in str(entry.details)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("chenxiao1990", "密码不能主要由用户名、姓名或日期组成，请使用更难猜测的密码。"),
        ("Kp7#mq2!x", "密码太短：至少需要 12 个字符。"),
        ("1990-01-01--2024-12-31", "密码不能主要由用户名、姓名或日期组成，请使用更难猜测的密码。"),
    ],
)
def test_a_password_against_the_rules_is_refused(client, clerk, new, message):
    response = change(client, PASSWORD, new)

    assert response.status_code == 200
    page = response.content.decode()
    assert "密码未修改，请按提示更正。" in page and message in page
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="change_password").exists()


def test_the_current_password_is_required(client, clerk):
    response = change(client, "not-my-password", NEW)

    assert response.status_code == 200
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="change_password").exists()


def test_signing_in_is_needed(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
