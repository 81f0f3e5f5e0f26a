"""Idempotency keys belong to one user and one request; scans of a failed intake leave no file."""

import pytest

from onewindow.cases.actions import do_receive_intake
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case, CaseMaterial, IdempotencyKey
from onewindow.core.models import AuditEntry
from tests.cases.conftest import SCAN_PDF as PDF
from tests.cases.conftest import scanned_lines
from tests.cases.test_api_intake import INTAKES, citizen_payload
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def counts():
    return (
        Case.objects.count(),
        CaseMaterial.objects.count(),
        IdempotencyKey.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_key_reused_for_another_request_is_refused_and_writes_nothing(client, clerk, joint_item):
    api = ApiClient(client).as_user(clerk)
    first = api.post(INTAKES, citizen_payload(joint_item), **{"Idempotency-Key": "k-42"})
    before = counts()
    other = citizen_payload(joint_item)
    other["applicant"]["name"] = "王五"

    response = api.post(INTAKES, other, **{"Idempotency-Key": "k-42"})

    assert first.status_code == 201
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "idempotency_key_reused"
    assert body["message"] == "该幂等键已用于另一份不同的申请"
    assert counts() == before
    english = api.post(INTAKES, other, **{"Idempotency-Key": "k-42", "Accept-Language": "en"})
    assert english.json()["message"] == "This Idempotency-Key was used for a different request"
    assert counts() == before


def test_the_same_key_from_another_clerk_is_another_request(client, clerk, clerk2, joint_item):
    payload = citizen_payload(joint_item)
    mine = ApiClient(client).as_user(clerk).post(INTAKES, payload, **{"Idempotency-Key": "k-7"})
    theirs = ApiClient(client).as_user(clerk2).post(INTAKES, payload, **{"Idempotency-Key": "k-7"})

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    keys = IdempotencyKey.objects.filter(key="k-7").order_by("id")
    assert [(k.user, k.case_id) for k in keys] == [
        (clerk, mine.json()["id"]),
        (clerk2, theirs.json()["id"]),
    ]


def test_a_refused_repeat_leaves_no_scan_behind(media, joint_item, citizen, clerk):
    case = do_receive_intake(
        item=joint_item,
        applicant=citizen,
        materials=scanned_lines(joint_item),
        acting_user=clerk,
        idempotency_key="scan-1",
    )
    stored = files_in(media)
    assert len(stored) == 1 and case.materials.get(material__name="营业执照").file

    with pytest.raises(CaseActionError) as refused:
        do_receive_intake(
            item=joint_item,
            applicant=citizen,
            materials=scanned_lines(joint_item, content=PDF + b"% another scan\n"),
            acting_user=clerk,
            idempotency_key="scan-1",
        )

    assert refused.value.code == "idempotency_key_reused"
    assert files_in(media) == stored


def test_a_replayed_intake_keeps_the_first_scan_only(media, joint_item, citizen, clerk):
    first = do_receive_intake(
        item=joint_item,
        applicant=citizen,
        materials=scanned_lines(joint_item),
        acting_user=clerk,
        idempotency_key="scan-2",
    )
    stored = files_in(media)

    again = do_receive_intake(
        item=joint_item,
        applicant=citizen,
        materials=scanned_lines(joint_item),
        acting_user=clerk,
        idempotency_key="scan-2",
    )

    assert again.pk == first.pk
    assert files_in(media) == stored
    row = again.materials.get(material__name="营业执照")
    assert row.file.name.endswith(stored[0]) and row.file.read() == PDF
