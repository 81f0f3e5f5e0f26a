"""Refused and missing pages say why, in the site's layout, in Chinese or English."""

import pytest
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def _back_to_default_language():
    yield
    translation.deactivate()


def test_a_clerk_opening_the_department_inbox_is_told_why(client):
    client.force_login(UserFactory(username="clerk_x", role="clerk"))

    response = client.get("/inbox/")

    assert response.status_code == 403
    text = response.content.decode()
    assert "只有审批人员和部门负责人可以使用部门待办" in text
    assert "无权访问" in text and "一门通办" in text  # the site's page, not Django's bare one


def test_the_refusal_reads_in_english_when_asked(client):
    client.force_login(UserFactory(username="clerk_y", role="clerk"))

    response = client.get("/inbox/", **EN)

    assert response.status_code == 403
    text = response.content.decode()
    assert "Access denied" in text and "ask your department head" in text
    assert "无权访问" not in text


def test_an_unknown_address_gets_the_sites_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and 'href="/guide/"' in text
    english = client.get("/no-such-page/", **EN).content.decode()
    assert "Page not found" in english and "页面不存在" not in english
