"""Staff passwords: at least 12 characters, not made of the user name or a date."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.accounts.passwords import NotNameOrDateValidator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


@pytest.fixture
def clerk():
    return UserFactory(username="chenxiao", full_name="陈晓")


def test_a_long_unrelated_password_is_accepted(clerk):
    assert codes("river-lantern-94-maple", clerk) == set()


def test_a_password_shorter_than_12_characters_is_refused(clerk):
    assert "password_too_short" in codes("Kp7#mq2!x", clerk)
    assert "password_too_short" not in codes("Kp7#mq2!xZ4w", clerk)


@pytest.mark.parametrize(
    "password",
    ["chenxiao12345", "ChenXiao-ChenXiao", "chenxiao!2024-01-01", "oaixnehcchenxiao"],
)
def test_a_password_made_of_the_user_name_is_refused(clerk, password):
    assert codes(password, clerk) & {"password_name_or_date", "password_too_similar"}


@pytest.mark.parametrize(
    "password",
    [
        "199001011990",
        "2024-01-01-2024",
        "1990/01/01 2000.12.31",
        "31.12.1999-2024",
        "陈晓19900101!!",
    ],
)
def test_a_password_made_of_dates_is_refused(clerk, password):
    assert "password_name_or_date" in codes(password, clerk)


def test_the_rule_reads_the_rest_once_names_and_dates_are_taken_out():
    validator = NotNameOrDateValidator()
    user = User(username="clerk", full_name="陈晓")

    validator.validate("clerk-blue-river-7", user)
    with pytest.raises(ValidationError) as caught:
        validator.validate("clerk_2024.1.1_!", user)
    assert caught.value.messages == ["密码不能主要由用户名、姓名或日期组成，请使用更难猜测的密码。"]


def test_the_admin_refuses_a_weak_password_for_a_new_account(client):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    users_before = User.objects.count()

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "wangfang",
            "usable_password": "true",
            "password1": "wangfang1990",
            "password2": "wangfang1990",
            "role": "clerk",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "密码不能主要由用户名、姓名或日期组成" in page
    assert User.objects.count() == users_before
