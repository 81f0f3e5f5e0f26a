import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from onewindow.accounts.constants import Role
from onewindow.accounts.models import User
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_role_shown(client):
    UserFactory(username="clerk", full_name="陈晓", role=Role.CLERK)

    response = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": "onewindow-test"}, follow=True
    )

    assert response.context["user"].is_authenticated
    assert "综合窗口受理人员" in response.content.decode()


def test_wrong_password_is_refused_with_a_chinese_message(client):
    UserFactory(username="clerk")

    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "用户名或密码不正确" in response.content.decode()


def test_reviewer_must_belong_to_a_department():
    reviewer = User(username="r", role=Role.REVIEWER)

    with pytest.raises(ValidationError) as caught:
        reviewer.full_clean()

    assert "department" in caught.value.message_dict
    reviewer.department = DepartmentFactory(code="SCJGJ")
    reviewer.set_password("x-long-password")
    reviewer.full_clean()


def test_demo_command_is_idempotent(capsys):
    from django.core.management import call_command

    call_command("demo")
    users, staff_out = User.objects.count(), capsys.readouterr().out
    call_command("demo")

    assert User.objects.count() == users
    assert "reviewer_market" in staff_out and "onewindow-demo" in staff_out
    assert "items_created=0" in capsys.readouterr().out
