"""The intake API at the comprehensive window: receive, accept (also with 容缺), one-time notice,
not accepted, checklist updates, scans, idempotency, and the bad input each one refuses."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.cases.models import Case, CaseMaterial, IdempotencyKey
from onewindow.core.models import AuditEntry
from tests import scans
from tests.cases.conftest import CITIZEN_ID, ENTERPRISE_CODE
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


INTAKES = "/api/cases/intakes"
PNG = scans.png()
PDF = scans.pdf()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def checklist(item, *, missing=(), defects=None):
    defects = defects or {}
    return [
        {
            "material_id": m.pk,
            "received": m.name not in missing and m.name not in defects,
            "defect": defects.get(m.name, ""),
        }
        for m in item.materials.all()
    ]


def citizen_payload(item, **overrides):
    return {
        "item_code": item.code,
        "applicant": {
            "kind": "citizen",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13800138000",
        },
        "materials": checklist(item),
        **overrides,
    }


def material_id(item, name):
    return item.materials.get(name=name).pk


def statuses(case_id):
    return dict(
        CaseMaterial.objects.filter(case_id=case_id).values_list("material__name", "status")
    )


# --- receiving --------------------------------------------------------------------------------


def test_clerk_receives_an_intake_of_the_published_version(api, joint_item, clerk):
    response = api.post(INTAKES, citizen_payload(joint_item))

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == {"value": "submitted", "label": "已提交待预审"}
    assert body["number"] is None
    assert body["item"]["code"] == joint_item.code and body["item"]["version"] == 1
    assert body["applicant"]["id_number"] == CITIZEN_ID
    assert [m["status"]["value"] for m in body["materials"]] == ["received"] * 5
    case = Case.objects.get(pk=body["id"])
    assert case.clerk == clerk and case.state == CaseState.SUBMITTED
    entry = AuditEntry.objects.get(object_id=str(case.pk), action="receive_intake")
    assert entry.client_address == "127.0.0.1" and entry.actor == clerk


def test_an_enterprise_with_a_proxy_is_received(api, joint_item):
    payload = citizen_payload(
        joint_item,
        applicant={
            "kind": "enterprise",
            "name": "惠州市惠阳区好味道餐饮有限公司",
            "id_number": ENTERPRISE_CODE,
            "phone": "0752-3312345",
            "legal_representative": "王芳",
            "contact_name": "刘强",
        },
        proxy={"name": "赵六", "id_number": CITIZEN_ID, "phone": "13900139000"},
    )

    response = api.post(INTAKES, payload)

    assert response.status_code == 201
    body = response.json()
    assert body["applicant"]["kind"]["value"] == "enterprise"
    assert body["applicant"]["legal_representative"] == "王芳"
    assert body["proxy"] == {"name": "赵六", "id_number": CITIZEN_ID, "phone": "13900139000"}


def test_an_enterprises_representative_id_is_recorded_and_masked_elsewhere(api, client, joint_item):
    from tests.factories import DepartmentFactory, UserFactory

    payload = citizen_payload(
        joint_item,
        applicant={
            "kind": "enterprise",
            "name": "惠州市惠阳区好味道餐饮有限公司",
            "id_number": ENTERPRISE_CODE,
            "phone": "0752-3312345",
            "legal_representative": "王芳",
            "legal_representative_id_number": CITIZEN_ID.lower(),
        },
    )

    response = api.post(INTAKES, payload)

    assert response.status_code == 201
    body = response.json()
    assert body["applicant"]["legal_representative_id_number"] == CITIZEN_ID
    village = DepartmentFactory(code="LJZ-XJC", name="霞角村党群服务中心", kind="village")
    elsewhere = ApiClient(client).as_user(
        UserFactory(username="clerk_village", role="clerk", department=village)
    )
    shown = elsewhere.get(f"/api/cases/{body['id']}").json()["applicant"]
    assert shown["legal_representative_id_number"] == "110105********002X"


def test_an_invalid_representative_id_is_refused_naming_the_field(api, joint_item):
    payload = citizen_payload(
        joint_item,
        applicant={
            "kind": "enterprise",
            "name": "某公司",
            "id_number": ENTERPRISE_CODE,
            "phone": "13800138000",
            "legal_representative": "王芳",
            "legal_representative_id_number": CITIZEN_ID[:-1] + "5",
        },
    )

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["detail"][0]["loc"] == ["applicant.legal_representative_id_number"]
    assert Case.objects.count() == 0


def test_the_same_idempotency_key_twice_makes_one_case(api, joint_item):
    first = api.post(INTAKES, citizen_payload(joint_item), **{"Idempotency-Key": "a1b2-c3"})
    second = api.post(INTAKES, citizen_payload(joint_item), **{"Idempotency-Key": "a1b2-c3"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.get().case_id == first.json()["id"]
    other = api.post(INTAKES, citizen_payload(joint_item), **{"Idempotency-Key": "other"})
    assert other.status_code == 201 and Case.objects.count() == 2


def test_an_invalid_id_number_is_refused_naming_the_field(api, joint_item):
    payload = citizen_payload(joint_item)
    payload["applicant"]["id_number"] = CITIZEN_ID[:-1] + "5"  # wrong check digit

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "居民身份证号码校验位错误"
    assert [error["loc"] for error in body["detail"]] == [["applicant.id_number"]]
    assert Case.objects.count() == 0


def test_an_invalid_credit_code_is_refused_naming_the_field(api, joint_item):
    payload = citizen_payload(
        joint_item,
        applicant={
            "kind": "enterprise",
            "name": "某公司",
            "id_number": ENTERPRISE_CODE[:-1] + "M",
            "phone": "13800138000",
            "legal_representative": "王芳",
        },
    )

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "统一社会信用代码校验位错误"
    assert body["detail"][0]["loc"] == ["applicant.id_number"]
    assert Case.objects.count() == 0
    english = api.post(INTAKES, payload, **{"Accept-Language": "en"})
    assert english.status_code == 422
    assert english.json()["message"] == "Credit code check character is wrong"
    assert Case.objects.count() == 0


def test_a_malformed_body_is_invalid_input_with_the_field(api, joint_item):
    payload = citizen_payload(joint_item)
    del payload["applicant"]["phone"]
    payload["materials"][0]["copies"] = "many"

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    locs = {tuple(error["loc"][-2:]) for error in body["detail"]}
    assert ("applicant", "phone") in locs and (0, "copies") in locs
    assert Case.objects.count() == 0


def test_an_unknown_or_unpublished_item_is_refused(api, joint_item):
    joint_item.status = "superseded"
    joint_item.save(update_fields=["status"])

    response = api.post(INTAKES, citizen_payload(joint_item))

    assert response.status_code == 422
    assert response.json()["code"] == "item_not_found"
    assert Case.objects.count() == 0


# --- accepting ----------------------------------------------------------------------------------


def test_accept_numbers_the_case_and_opens_the_parallel_stage(api, receive):
    case = receive()

    response = api.post(f"/api/cases/{case.pk}/accept")

    assert response.status_code == 200
    body = response.json()
    assert body["number"].startswith("441303") and len(body["number"]) == 20
    assert body["state"]["value"] == "in_review"
    assert body["promised_deadline"] and body["legal_deadline"]
    [first, second] = body["stages"]
    assert first["state"]["value"] == "open" and len(first["tasks"]) == 3
    assert second["state"]["value"] == "pending"


def test_accept_with_a_tolerated_material_missing_sets_the_supplement_date(api, receive):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        case = receive(except_names=["消防安全承诺书"])
        response = api.post(f"/api/cases/{case.pk}/accept", {"supplement_due": "2026-03-10"})

    assert response.status_code == 200
    body = response.json()
    assert body["supplement_due"] == "2026-03-10"
    assert statuses(case.pk)["消防安全承诺书"] == MaterialStatus.TOLERATED


def test_accept_with_a_required_material_missing_lists_it(api, receive, joint_item):
    case = receive(except_names=["营业执照", "消防安全承诺书"])

    response = api.post(f"/api/cases/{case.pk}/accept")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "materials_missing"
    assert body["message"] == "缺少必要材料，不能受理：营业执照"
    english = api.post(f"/api/cases/{case.pk}/accept", **{"Accept-Language": "en"})
    assert english.json()["message"] == "Required materials are missing: 营业执照"
    assert body["detail"] == [
        {
            "type": "missing",
            "loc": ["materials", material_id(joint_item, "营业执照")],
            "msg": "营业执照",
        }
    ]
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.number is None
    assert not case.stages.exists()


def test_accepting_twice_is_a_conflict(api, accepted_case):
    before = Case.objects.get(pk=accepted_case.pk)

    response = api.post(f"/api/cases/{accepted_case.pk}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    after = Case.objects.get(pk=accepted_case.pk)
    assert (after.state, after.number, after.updated_at) == (
        before.state,
        before.number,
        before.updated_at,
    )


def test_an_unknown_case_is_not_found(api):
    response = api.post("/api/cases/999999/accept")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "办件不存在"}


# --- one-time notice, checklist updates, not accepted --------------------------------------------


def test_one_time_notice_lists_every_problem_then_the_same_case_continues(api, receive, joint_item):
    case = receive(except_names=["营业执照"])
    licence, premises = material_id(joint_item, "营业执照"), material_id(joint_item, "经营场所证明")

    notice = api.post(
        f"/api/cases/{case.pk}/supplement-notice",
        {"defects": {str(premises): "租赁合同已过期"}},
    )

    assert notice.status_code == 200
    body = notice.json()
    assert body["state"]["value"] == "needs_supplement"
    problems = {
        m["name"]: m["defect"]
        for m in body["materials"]
        if m["defect"] or m["status"]["value"] == "missing"
    }
    assert problems == {"营业执照": "", "经营场所证明": "租赁合同已过期"}
    assert body["accepted_on"] is None

    update = api.post(
        f"/api/cases/{case.pk}/materials",
        {
            "materials": [
                {"material_id": licence, "received": True, "form": "copy", "copies": 2},
                {"material_id": premises, "received": True},
            ]
        },
    )
    assert update.status_code == 200
    lines = {m["name"]: m for m in update.json()["materials"]}
    assert lines["营业执照"]["status"]["value"] == "received"
    assert (lines["营业执照"]["form"], lines["营业执照"]["copies"]) == ("copy", 2)

    accepted = api.post(f"/api/cases/{case.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["id"] == case.pk
    assert accepted.json()["number"]


def test_a_notice_with_nothing_missing_is_refused(api, receive):
    case = receive()

    response = api.post(f"/api/cases/{case.pk}/supplement-notice", {"defects": {}})

    assert response.status_code == 422
    assert response.json()["code"] == "nothing_to_supplement"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_not_accepted_with_a_reason(api, receive):
    case = receive()

    response = api.post(f"/api/cases/{case.pk}/not-accept", {"reason": "不属于本区管辖"})

    assert response.status_code == 200
    assert response.json()["state"]["value"] == "not_accepted"
    assert response.json()["reason"] == "不属于本区管辖"


def test_not_accepted_needs_a_reason(api, receive):
    case = receive()

    response = api.post(f"/api/cases/{case.pk}/not-accept", {"reason": "  "})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_tolerated_materials_received_after_acceptance(api, receive, clerk, joint_item):
    case = receive(except_names=["消防安全承诺书"])
    api.post(f"/api/cases/{case.pk}/accept")
    promise = material_id(joint_item, "消防安全承诺书")

    response = api.post(f"/api/cases/{case.pk}/tolerated-materials", {"material_ids": [promise]})

    assert response.status_code == 200
    assert response.json()["supplement_due"] is None
    assert statuses(case.pk)["消防安全承诺书"] == MaterialStatus.RECEIVED


def test_only_tolerated_materials_can_be_received_late(api, accepted_case, joint_item):
    licence = material_id(joint_item, "营业执照")

    response = api.post(
        f"/api/cases/{accepted_case.pk}/tolerated-materials", {"material_ids": [licence]}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["material_ids"]


def test_withdrawal_with_a_reason(api, accepted_case):
    response = api.post(f"/api/cases/{accepted_case.pk}/withdraw", {"reason": "申请人不再开业"})

    assert response.status_code == 200
    body = response.json()
    assert body["state"]["value"] == "withdrawn"
    assert {t["state"]["value"] for s in body["stages"] for t in s["tasks"]} == {"cancelled"}


# --- scans ---------------------------------------------------------------------------------------


def scan_url(case, item, name="营业执照"):
    return f"/api/cases/{case.pk}/materials/{material_id(item, name)}/scan"


def test_a_png_named_pdf_is_accepted_as_what_it_is(api, receive, joint_item):
    case = receive(except_names=["营业执照"])

    response = api.upload(
        scan_url(case, joint_item),
        {"file": SimpleUploadedFile("x.pdf", PNG, content_type="application/pdf")},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"]["value"] == "received"
    assert body["scan"]["content_type"] == "image/png"
    # The name keeps its stem and takes the extension of what the file is.
    assert body["scan"]["file_name"] == "x.png" and body["scan"]["size"] == len(PNG)
    row = CaseMaterial.objects.get(case=case, material__name="营业执照")
    assert row.file.name.endswith(".png") and row.file.read() == PNG


def test_a_pdf_scan_keeps_what_the_clerk_ticked(api, client, receive, joint_item):
    case = receive()
    CaseMaterial.objects.filter(case=case, material__name="营业执照").update(form="copy", copies=3)

    response = api.upload(
        scan_url(case, joint_item), {"file": SimpleUploadedFile("licence.pdf", PDF)}
    )

    assert response.status_code == 200
    assert (response.json()["form"], response.json()["copies"]) == ("copy", 3)
    assert response.json()["scan"]["content_type"] == "application/pdf"


def test_text_disguised_as_pdf_is_refused(api, receive, joint_item):
    case = receive(except_names=["营业执照"])
    before = statuses(case.pk)

    response = api.upload(
        scan_url(case, joint_item),
        {"file": SimpleUploadedFile("x.pdf", b"just some text", content_type="application/pdf")},
    )

    assert response.status_code == 415
    assert response.json()["code"] == "upload_type_not_allowed"
    assert statuses(case.pk) == before
    assert not CaseMaterial.objects.filter(case=case).exclude(file="").exists()


def test_an_oversized_scan_is_refused(api, receive, joint_item, settings):
    settings.ONEWINDOW_MAX_UPLOAD_BYTES = 32
    case = receive(except_names=["营业执照"])
    before = statuses(case.pk)

    response = api.upload(scan_url(case, joint_item), {"file": SimpleUploadedFile("x.png", PNG)})

    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert statuses(case.pk) == before


def test_a_scan_for_a_material_the_case_does_not_have_is_not_found(api, receive):
    case = receive()

    response = api.upload(
        f"/api/cases/{case.pk}/materials/999999/scan", {"file": SimpleUploadedFile("x.png", PNG)}
    )

    assert response.status_code == 404


def test_no_scans_after_acceptance(api, accepted_case, joint_item):
    response = api.upload(
        scan_url(accepted_case, joint_item), {"file": SimpleUploadedFile("x.png", PNG)}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_a_scan_without_a_file_is_invalid_input(api, receive, joint_item):
    case = receive()

    response = api.upload(scan_url(case, joint_item), {})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
