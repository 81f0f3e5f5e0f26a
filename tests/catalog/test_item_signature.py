"""Whether a head signs an item's decisions (`needs_signature`) and which result document it issues:
on by default for 行政许可 in the catalogue file and the admin, kept through export and import."""

import pytest
from django.urls import reverse

from onewindow.catalog.actions import CatalogueError, do_create_draft, do_import_catalogue
from onewindow.catalog.interchange import export_catalogue
from onewindow.catalog.models import ServiceItem
from onewindow.core.management.commands.demo import sync_role_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_licensing_items_are_signed_unless_the_file_says_otherwise(small_catalogue):
    first, second = small_catalogue["items"]
    first["type"] = "confirmation"
    second["needs_signature"] = False
    do_import_catalogue(small_catalogue)
    assert not ServiceItem.objects.get(code=first["code"]).needs_signature
    assert not ServiceItem.objects.get(code=second["code"]).needs_signature

    del second["needs_signature"]
    summary = do_import_catalogue(small_catalogue)
    # The licensing item without the key is signed: a change, hence a new version.
    assert summary["items_new_version"] == 1
    assert ServiceItem.objects.published().get(code=second["code"]).needs_signature


def test_the_export_writes_the_signature_and_the_result_document(small_catalogue):
    small_catalogue["items"][1]["result_document"] = "approval_decision"
    do_import_catalogue(small_catalogue)
    exported = {item["code"]: item for item in export_catalogue()["items"]}
    item = exported[small_catalogue["items"][1]["code"]]
    assert (item["needs_signature"], item["result_document"]) == (True, "approval_decision")
    # Imported again, nothing changed.
    assert do_import_catalogue(export_catalogue())["items_unchanged"] == 2


def test_a_drafted_version_keeps_the_signature(small_catalogue):
    small_catalogue["items"][1]["needs_signature"] = False
    do_import_catalogue(small_catalogue)
    code = small_catalogue["items"][1]["code"]
    draft = do_create_draft(code, acting_user=UserFactory(role="catalog_admin"))
    assert draft.needs_signature is False


def test_bad_values_are_listed_with_their_place(small_catalogue):
    small_catalogue["items"][0]["needs_signature"] = "yes"
    small_catalogue["items"][0]["result_document"] = "poster"
    with pytest.raises(CatalogueError) as caught:
        do_import_catalogue(small_catalogue)
    places = [error.place for error in caught.value.errors]
    assert places == ["items[0].needs_signature", "items[0].result_document"]
    assert not ServiceItem.objects.exists()


def test_the_admins_new_item_starts_signed(client):
    user = UserFactory(username="catalog", role="catalog_admin", is_staff=True)
    user.groups.add(sync_role_groups())
    client.force_login(user)
    add = reverse("admin:catalog_serviceitem_add")
    form = client.get(add).context["adminform"].form
    assert form.initial["needs_signature"] is True
    other = client.get(add, {"item_type": "filing"}).context["adminform"].form
    assert other.initial["needs_signature"] is False
