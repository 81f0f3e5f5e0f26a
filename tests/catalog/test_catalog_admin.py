import pytest
from django.urls import reverse

from onewindow.catalog.actions import do_create_draft, do_import_catalogue
from onewindow.catalog.constants import ItemStatus
from onewindow.catalog.models import ServiceItem
from onewindow.core.management.commands.demo import sync_role_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_admin(client):
    user = UserFactory(username="catalog", role="catalog_admin", is_staff=True)
    user.groups.add(sync_role_groups())
    client.force_login(user)
    return user


@pytest.fixture
def item(small_catalogue):
    do_import_catalogue(small_catalogue)
    return ServiceItem.objects.get(code="441303-SCJG-002")


def _change_url(item):
    return reverse("admin:catalog_serviceitem_change", args=[item.pk])


def test_a_published_version_is_shown_read_only(client, catalog_admin, item):
    page = client.get(_change_url(item))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(_change_url(item), {"name": "改名"})
    item.refresh_from_db()
    assert response.status_code == 403
    assert item.name == "公众聚集场所投入使用、营业前消防安全检查"


def test_a_draft_can_be_edited_and_published_from_the_list(client, catalog_admin, item):
    draft = do_create_draft(item.code, acting_user=catalog_admin)
    assert client.get(_change_url(draft)).context["has_change_permission"] is True

    response = client.post(
        reverse("admin:catalog_serviceitem_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED and item.status == ItemStatus.SUPERSEDED
    assert "已发布" in response.content.decode()


def test_publishing_an_invalid_draft_shows_every_error_in_chinese(client, catalog_admin, item):
    draft = do_create_draft(item.code, acting_user=catalog_admin)
    ServiceItem.objects.filter(pk=draft.pk).update(promised_limit_days=3)

    response = client.post(
        reverse("admin:catalog_serviceitem_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "未能发布" in text and "超过承诺时限" in text
    draft.refresh_from_db()
    assert draft.status == ItemStatus.DRAFT
    # Each reason is an error message of its own, not a list nested in one (the admin's style
    # marks every list item of its messages with the green success icon unless it is an error).
    shown = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert shown and all(level == "error" for level, _message in shown)
    assert any("超过承诺时限" in message for _level, message in shown)
    assert "<ul><li>" not in text


def test_admin_form_rejects_promised_above_legal_in_chinese(client, catalog_admin, item):
    draft = do_create_draft(item.code, acting_user=catalog_admin)
    page = client.get(_change_url(draft))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "code": draft.code,
            "name": draft.name,
            "item_type": draft.item_type,
            "window_class": draft.window_class,
            "lead_department": draft.lead_department_id,
            "legal_limit_days": 5,
            "promised_limit_days": 8,
            "max_visits": 1,
            "fee_yuan": "0",
            "channels": ["window"],
            "delivery_methods": ["window"],
            "materials-TOTAL_FORMS": 0,
            "materials-INITIAL_FORMS": 0,
            "stages-TOTAL_FORMS": 0,
            "stages-INITIAL_FORMS": 0,
        }
    )

    response = client.post(_change_url(draft), data)

    assert response.status_code == 200
    assert "承诺时限不得超过法定时限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10


def test_a_published_version_shows_channels_by_their_labels(client, catalog_admin, item):
    page = client.get(_change_url(item)).content.decode()

    assert "窗口办理、网上办理" in page
    assert "自助取件柜" in page
    assert '["window"' not in page
