"""Scans attached to a window intake are kept when another field fails validation: the page lists
them (“已上传：…” with a remove option) and the corrected submission uses them; they belong to the
form's token and the clerk; abandoned ones are purged with their files."""

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.cases.actions.intake import do_issue_supplement_notice
from onewindow.cases.actions.pending import do_purge_pending_uploads
from onewindow.cases.models import Case, CaseMaterial, PendingUpload
from onewindow.cases.tasks import purge_pending_uploads
from tests import scans
from tests.cases.conftest import CITIZEN_ID
from tests.cases.test_window_pages import intake_data, materials
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WINDOW = "/window/"
PDF = scans.pdf()
WRONG_ID = CITIZEN_ID[:-1] + "1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def stored_files(media):
    return sorted(path for path in media.rglob("*") if path.is_file())


def with_scan(data, material, name="营业执照.pdf", content=PDF):
    data[f"m{material.pk}-scan"] = SimpleUploadedFile(name, content)
    return data


def test_a_scan_survives_a_wrong_id_and_is_used_by_the_corrected_form(
    at_window, joint_item, _media, django_capture_on_commit_callbacks
):
    licence = materials(joint_item)["营业执照"]
    token = uuid.uuid4().hex
    data = intake_data(joint_item, idempotency_key=token, applicant_id_number=WRONG_ID)

    first = at_window.post(WINDOW, with_scan(data, licence))

    assert first.status_code == 422 and not Case.objects.exists()
    page = first.content.decode()
    assert "已上传：营业执照.pdf" in page and f'name="m{licence.pk}-scan-remove"' in page
    kept = PendingUpload.objects.get()
    assert (kept.form_token, kept.material, kept.file_name) == (token, licence, "营业执照.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        second = at_window.post(WINDOW, intake_data(joint_item, idempotency_key=token))

    assert second.status_code == 302
    row = CaseMaterial.objects.get(case=Case.objects.get(), material=licence)
    assert row.file.read() == PDF and row.file_name == "营业执照.pdf"
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert not PendingUpload.objects.exists()
    assert stored_files(_media) == [_media / row.file.name]  # the kept copy is gone


def test_a_new_file_replaces_the_kept_one(
    at_window, joint_item, _media, django_capture_on_commit_callbacks
):
    licence = materials(joint_item)["营业执照"]
    token = uuid.uuid4().hex
    data = intake_data(joint_item, idempotency_key=token, applicant_id_number=WRONG_ID)
    at_window.post(WINDOW, with_scan(data, licence, name="old.pdf"))
    other = scans.pdf(width=420)
    data = intake_data(joint_item, idempotency_key=token, applicant_id_number=WRONG_ID)

    with django_capture_on_commit_callbacks(execute=True):
        again = at_window.post(WINDOW, with_scan(data, licence, name="new.pdf", content=other))

    assert "已上传：new.pdf" in again.content.decode()
    assert "old.pdf" not in again.content.decode()
    assert PendingUpload.objects.get().file.read() == other
    assert len(stored_files(_media)) == 1


def test_a_removed_scan_is_not_used(
    at_window, joint_item, _media, django_capture_on_commit_callbacks
):
    licence = materials(joint_item)["营业执照"]
    token = uuid.uuid4().hex
    data = intake_data(joint_item, idempotency_key=token, applicant_id_number=WRONG_ID)
    at_window.post(WINDOW, with_scan(data, licence))

    with django_capture_on_commit_callbacks(execute=True):
        response = at_window.post(
            WINDOW,
            intake_data(joint_item, idempotency_key=token, **{f"m{licence.pk}-scan-remove": "1"}),
        )

    assert response.status_code == 302
    assert not CaseMaterial.objects.get(material=licence).file
    assert not PendingUpload.objects.exists() and stored_files(_media) == []


def test_another_clerk_cannot_use_a_kept_scan(client, clerk, hall, joint_item):
    licence = materials(joint_item)["营业执照"]
    token = uuid.uuid4().hex
    client.force_login(clerk)
    data = intake_data(joint_item, idempotency_key=token, applicant_id_number=WRONG_ID)
    client.post(WINDOW, with_scan(data, licence))
    other = UserFactory(username="clerk_other", role="clerk", department=hall)
    client.force_login(other)

    response = client.post(WINDOW, intake_data(joint_item, idempotency_key=token))

    assert response.status_code == 302
    assert not CaseMaterial.objects.get(material=licence).file
    assert PendingUpload.objects.get().user == clerk  # still the first clerk's


def test_a_form_without_a_proper_token_keeps_nothing(at_window, joint_item):
    licence = materials(joint_item)["营业执照"]
    data = intake_data(joint_item, idempotency_key="x' OR 1=1", applicant_id_number=WRONG_ID)

    response = at_window.post(WINDOW, with_scan(data, licence))

    assert response.status_code == 422
    assert not PendingUpload.objects.exists()
    assert "已上传" not in response.content.decode()


def test_a_bad_upload_is_an_error_and_the_good_one_is_kept(at_window, joint_item):
    named = materials(joint_item)
    licence, other = named["营业执照"], next(m for n, m in named.items() if n != "营业执照")
    token = uuid.uuid4().hex
    data = with_scan(intake_data(joint_item, idempotency_key=token), licence)
    data[f"m{other.pk}-scan"] = SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>")

    response = at_window.post(WINDOW, data)

    assert response.status_code == 415
    assert list(PendingUpload.objects.values_list("material", flat=True)) == [licence.pk]


def test_continuing_an_intake_keeps_scans_too(at_window, receive, clerk, joint_item):
    case = receive(except_names=("营业执照",))
    case = do_issue_supplement_notice(case, defects={}, acting_user=clerk)
    licence = materials(joint_item)["营业执照"]
    token = uuid.uuid4().hex
    url = f"/window/intakes/{case.pk}/"
    # Accepting with a tolerated-acceptance date in the past fails; the scan stays.
    data = intake_data(joint_item, idempotency_key=token, outcome="accept_tolerated")
    data["supplement_due"] = ""

    first = at_window.post(url, with_scan(data, licence))

    assert first.status_code == 422
    assert "已上传：营业执照.pdf" in first.content.decode()

    second = at_window.post(url, intake_data(joint_item, idempotency_key=token))

    assert second.status_code == 302
    assert CaseMaterial.objects.get(case=case, material=licence).file.read() == PDF
    assert not PendingUpload.objects.exists()


def test_abandoned_scans_are_purged_with_their_files(at_window, joint_item, settings, _media):
    licence = materials(joint_item)["营业执照"]
    data = intake_data(joint_item, idempotency_key=uuid.uuid4().hex, applicant_id_number=WRONG_ID)
    at_window.post(WINDOW, with_scan(data, licence))
    kept = PendingUpload.objects.get()
    hours = settings.ONEWINDOW_PENDING_UPLOAD_HOURS

    assert do_purge_pending_uploads(now=kept.created_at + timedelta(hours=hours)) == 0
    assert PendingUpload.objects.exists() and len(stored_files(_media)) == 1

    PendingUpload.objects.update(created_at=timezone.now() - timedelta(hours=hours, seconds=1))
    purge_pending_uploads.call()

    assert not PendingUpload.objects.exists() and stored_files(_media) == []
