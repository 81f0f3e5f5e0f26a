import pytest
from django.db import IntegrityError, transaction

from onewindow.catalog.actions import (
    CatalogueError,
    do_create_draft,
    do_import_catalogue,
    do_publish_item,
)
from onewindow.catalog.constants import ItemStatus
from onewindow.catalog.models import ServiceItem
from onewindow.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_admin():
    return UserFactory(username="catalog", role="catalog_admin")


@pytest.fixture
def published(small_catalogue):
    do_import_catalogue(small_catalogue)
    return ServiceItem.objects.get(code="441303-SCJG-002", status=ItemStatus.PUBLISHED)


def test_editing_a_published_item_starts_from_a_draft_copy(published, catalog_admin):
    draft = do_create_draft(published.code, acting_user=catalog_admin)

    assert (draft.version, draft.status) == (2, ItemStatus.DRAFT)
    assert draft.materials.count() == published.materials.count()
    assert [s.name for s in draft.stages.all()] == [s.name for s in published.stages.all()]
    assert AuditEntry.objects.filter(action="create_item_draft", object_id=str(draft.pk)).exists()
    # Asking again returns the same draft instead of a second one.
    assert do_create_draft(published.code, acting_user=catalog_admin).pk == draft.pk


def test_publishing_a_draft_supersedes_the_previous_version(published, catalog_admin):
    draft = do_create_draft(published.code, acting_user=catalog_admin)
    draft.promised_limit_days = 9
    draft.save(update_fields=["promised_limit_days"])

    do_publish_item(draft, acting_user=catalog_admin)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == ItemStatus.SUPERSEDED and published.superseded_at is not None
    assert draft.status == ItemStatus.PUBLISHED and draft.published_at is not None
    assert published.promised_limit_days == 10  # the old version did not change
    entry = AuditEntry.objects.get(action="publish_item")
    assert (entry.actor, entry.from_state, entry.to_state) == (catalog_admin, "draft", "published")


def test_an_invalid_draft_cannot_be_published(published, catalog_admin):
    draft = do_create_draft(published.code, acting_user=catalog_admin)
    draft.stages.all().delete()

    with pytest.raises(CatalogueError) as caught:
        do_publish_item(draft, acting_user=catalog_admin)

    assert [e.place for e in caught.value.errors] == ["stages"]
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == ItemStatus.DRAFT and published.status == ItemStatus.PUBLISHED


def test_a_published_version_cannot_be_published_again(published, catalog_admin):
    with pytest.raises(CatalogueError, match="只能发布草稿"):
        do_publish_item(published, acting_user=catalog_admin)


def test_the_database_refuses_two_published_versions_of_one_item(published):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(
            code=published.code,
            version=9,
            status=ItemStatus.PUBLISHED,
            name="x",
            item_type="licensing",
            window_class="social",
            lead_department=published.lead_department,
            legal_limit_days=20,
            promised_limit_days=5,
        )


def test_the_database_refuses_a_promised_limit_above_the_legal_one(published):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(
            code="X-1",
            version=1,
            status=ItemStatus.DRAFT,
            name="x",
            item_type="licensing",
            window_class="social",
            lead_department=published.lead_department,
            legal_limit_days=5,
            promised_limit_days=6,
        )
