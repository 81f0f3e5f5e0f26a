"""Every forbidden path of the case API: the exact status and code, and nothing changed.

Clerks do intake for any item; reviewers see only their department's tasks and those cases
(another case answers 404, exactly like one that does not exist); heads decide their department's
extensions; supervisors read everything; anonymous callers and revoked tokens are not signed in.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.accounts.models import ApiToken
from onewindow.accounts.tokens import do_create_token, do_revoke_token
from onewindow.cases.actions import (
    do_accept_case,
    do_request_extension,
    do_start_special_procedure,
)
from onewindow.cases.models import (
    Case,
    CaseMaterial,
    CaseStage,
    Extension,
    IdempotencyKey,
    ReviewTask,
    Suspension,
)
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import Notification
from tests.cases.conftest import CITIZEN_ID
from tests.factories import ServiceItemFactory, UserFactory
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


NOT_FOUND = {"code": "not_found", "message": "办件不存在"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def snapshot():
    """Everything an API call could change."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk",
                "state",
                "number",
                "colour",
                "extension_days",
                "decision",
                "reason",
                "updated_at",
            )
        ),
        "materials": list(
            CaseMaterial.objects.order_by("pk").values_list("pk", "status", "file", "defect")
        ),
        "stages": list(CaseStage.objects.order_by("pk").values_list("pk", "state")),
        "tasks": list(
            ReviewTask.objects.order_by("pk").values_list(
                "pk", "state", "opinion", "due_date", "extension_days"
            )
        ),
        "suspensions": list(Suspension.objects.order_by("pk").values_list("pk", "ended_on")),
        "extensions": list(Extension.objects.order_by("pk").values_list("pk", "state")),
        "notifications": Notification.objects.count(),
        "audit": AuditEntry.objects.count(),
        "idempotency_keys": IdempotencyKey.objects.count(),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
    }


@pytest.fixture
def world(receive, clerk, reviewer_market, market):
    """A joint case in review with a pending market extension, an intake not yet accepted, and an
    accepted case of a market-only item (the fire and housing departments take no part in it)."""
    case = do_accept_case(receive(), acting_user=clerk)
    market_task = ReviewTask.objects.get(case=case, department=market, stage__position=0)
    extension = do_request_extension(
        market_task, days=3, reason="需要实地核查", acting_user=reviewer_market
    )
    market_only = ServiceItemFactory(
        code="441303-SCJG-009", lead_department=market, flow=[[(market, 5)]]
    )
    other = do_accept_case(receive(item=market_only), acting_user=clerk)
    return {
        "case": case,
        "intake": receive(),
        "market_task": market_task,
        "fire_task": ReviewTask.objects.get(case=case, department__code="XFJYDD"),
        "extension": extension,
        "other": other,
        "other_task": other.tasks.get(),
        "material": case.item.materials.first(),
    }


def intake_body(world):
    return {
        "item_code": world["case"].item.code,
        "applicant": {
            "kind": "citizen",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13800138000",
        },
        "materials": [],
    }


# (who, method, path, body, status, code): each row is one refusal.
FORBIDDEN = [
    # A reviewer of another department reviewing a task of a case their department is part of.
    (
        "reviewer_fire",
        "post",
        "/api/cases/tasks/{market_task}/review",
        {"decision": "approved"},
        403,
        "forbidden",
    ),
    (
        "reviewer_fire",
        "post",
        "/api/cases/tasks/{market_task}/extensions",
        {"days": 1, "reason": "x"},
        403,
        "forbidden",
    ),
    (
        "reviewer_fire",
        "post",
        "/api/cases/tasks/{market_task}/supplement-request",
        {"reason": "x"},
        403,
        "forbidden",
    ),
    (
        "reviewer_fire",
        "post",
        "/api/cases/tasks/{market_task}/special-procedure",
        {"kind": "hearing", "reason": "x"},
        403,
        "forbidden",
    ),
    # ... and of a case their department takes no part in: it does not exist for them.
    (
        "reviewer_fire",
        "post",
        "/api/cases/tasks/{other_task}/review",
        {"decision": "approved"},
        404,
        "not_found",
    ),
    ("reviewer_fire", "get", "/api/cases/{other}", None, 404, "not_found"),
    ("reviewer_housing", "post", "/api/cases/{other}/decide", {}, 404, "not_found"),
    # Clerks do intake, not review or decisions.
    (
        "clerk",
        "post",
        "/api/cases/tasks/{market_task}/review",
        {"decision": "approved"},
        403,
        "forbidden",
    ),
    ("clerk", "post", "/api/cases/{case}/decide", {}, 403, "forbidden"),
    (
        "clerk",
        "post",
        "/api/cases/extensions/{extension}/decision",
        {"approve": True},
        403,
        "forbidden",
    ),
    ("clerk", "post", "/api/cases/{case}/terminate", {"reason": "x"}, 403, "forbidden"),
    ("clerk", "get", "/api/cases/inbox", None, 403, "forbidden"),
    # Reviewers and heads do not do intake.
    ("reviewer_market", "post", "/api/cases/{intake}/accept", {}, 403, "forbidden"),
    (
        "reviewer_market",
        "post",
        "/api/cases/{intake}/not-accept",
        {"reason": "x"},
        403,
        "forbidden",
    ),
    (
        "reviewer_market",
        "post",
        "/api/cases/{intake}/supplement-notice",
        {"defects": {}},
        403,
        "forbidden",
    ),
    (
        "reviewer_market",
        "post",
        "/api/cases/{intake}/materials",
        {"materials": [{"material_id": 1, "received": True}]},
        403,
        "forbidden",
    ),
    ("head_market", "post", "/api/cases/{case}/withdraw", {"reason": "x"}, 403, "forbidden"),
    (
        "reviewer_market",
        "post",
        "/api/cases/{case}/collect",
        {"pickup_code": "123456", "collector": {"id_number": "11010519491231002X"}},
        403,
        "forbidden",
    ),
    (
        "reviewer_market",
        "post",
        "/api/cases/{case}/tolerated-materials",
        {"material_ids": [1]},
        403,
        "forbidden",
    ),
    ("reviewer_market", "post", "/api/cases/intakes", "intake", 403, "forbidden"),
    ("supervisor", "post", "/api/cases/intakes", "intake", 403, "forbidden"),
    # An intake not accepted yet has no task of the fire department: fire cannot see it.
    ("reviewer_fire", "post", "/api/cases/{intake}/accept", {}, 404, "not_found"),
    # Extensions are decided by the head of the task's department only.
    (
        "head_fire",
        "post",
        "/api/cases/extensions/{extension}/decision",
        {"approve": True},
        403,
        "forbidden",
    ),
    (
        "reviewer_market",
        "post",
        "/api/cases/extensions/{extension}/decision",
        {"approve": True},
        403,
        "forbidden",
    ),
    # Termination: the lead department's head only.
    ("reviewer_market", "post", "/api/cases/{case}/terminate", {"reason": "x"}, 403, "forbidden"),
    ("head_fire", "post", "/api/cases/{case}/terminate", {"reason": "x"}, 403, "forbidden"),
    # Deciding: the lead department only.
    ("head_fire", "post", "/api/cases/{case}/decide", {}, 403, "forbidden"),
    # Supervision: supervisors only.
    ("clerk", "get", "/api/cases/{case}/audit", None, 403, "forbidden"),
    ("reviewer_market", "get", "/api/cases/{case}/audit", None, 403, "forbidden"),
    ("head_market", "get", "/api/cases/{case}/audit", None, 403, "forbidden"),
    ("clerk", "post", "/api/cases/{case}/press", {"message": "快"}, 403, "forbidden"),
    ("head_market", "post", "/api/cases/{case}/press", {"message": "快"}, 403, "forbidden"),
    ("reviewer_market", "get", "/api/cases/supervision", None, 403, "forbidden"),
    ("supervisor", "get", "/api/cases/inbox", None, 403, "forbidden"),
    (
        "supervisor",
        "post",
        "/api/cases/tasks/{market_task}/review",
        {"decision": "approved"},
        403,
        "forbidden",
    ),
    # Roles without cases see none.
    ("catalog_admin", "get", "/api/cases/{case}", None, 404, "not_found"),
    (
        "catalog_admin",
        "post",
        "/api/cases/tasks/{market_task}/review",
        {"decision": "approved"},
        404,
        "not_found",
    ),
]


@pytest.fixture
def catalog_admin(db):
    return UserFactory(username="catalog_admin", role="catalog_admin")


def _path(template, world):
    ids = {key: getattr(value, "pk", value) for key, value in world.items()}
    return template.format(**ids)


@pytest.mark.parametrize(
    ("who", "method", "template", "body", "status", "code"),
    FORBIDDEN,
    ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in FORBIDDEN],
)
def test_forbidden_calls_are_refused_and_change_nothing(
    request, client, world, who, method, template, body, status, code
):
    api = ApiClient(client).as_user(request.getfixturevalue(who))
    path = _path(template, world)
    if body == "intake":
        body = intake_body(world)
    before = snapshot()

    response = api.get(path) if method == "get" else api.post(path, body)

    assert (response.status_code, response.json()["code"]) == (status, code)
    # In the default language, Chinese only: no "中文 / English" pair.
    assert CJK.search(response.json()["message"]) and " / " not in response.json()["message"]
    assert snapshot() == before


def test_a_case_another_department_cannot_see_answers_exactly_like_a_missing_one(
    client, world, reviewer_fire
):
    api = ApiClient(client).as_user(reviewer_fire)

    hidden = api.get(f"/api/cases/{world['other'].pk}")
    missing = api.get("/api/cases/987654")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json() == NOT_FOUND


def test_a_reviewer_of_another_department_cannot_resume_a_clock_stop(
    client, world, reviewer_market, reviewer_fire
):
    suspension = do_start_special_procedure(
        world["market_task"],
        kind="inspection",
        reason="现场勘查",
        expected_end=None,
        acting_user=reviewer_market,
    )
    before = snapshot()

    response = (
        ApiClient(client)
        .as_user(reviewer_fire)
        .post(f"/api/cases/suspensions/{suspension.pk}/resume")
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert snapshot() == before


def test_a_clerk_cannot_resume_a_special_procedure(client, world, reviewer_market, clerk):
    suspension = do_start_special_procedure(
        world["market_task"],
        kind="hearing",
        reason="听证",
        expected_end=None,
        acting_user=reviewer_market,
    )
    before = snapshot()

    response = (
        ApiClient(client).as_user(clerk).post(f"/api/cases/suspensions/{suspension.pk}/resume")
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert snapshot() == before


def test_a_reviewer_cannot_attach_a_scan(client, world, reviewer_market):
    intake, material = world["intake"], world["material"]
    before = snapshot()

    response = (
        ApiClient(client)
        .as_user(reviewer_market)
        .upload(
            f"/api/cases/{intake.pk}/materials/{material.pk}/scan",
            {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)},
        )
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert snapshot() == before


# --- not signed in -------------------------------------------------------------------------------

SIGNED_IN_ENDPOINTS = [
    ("post", "/api/cases/intakes", "intake"),
    ("post", "/api/cases/{intake}/materials/{material}/scan", None),
    ("post", "/api/cases/{intake}/accept", {}),
    ("post", "/api/cases/{intake}/supplement-notice", {"defects": {}}),
    ("post", "/api/cases/{intake}/not-accept", {"reason": "x"}),
    (
        "post",
        "/api/cases/{intake}/materials",
        {"materials": [{"material_id": 1, "received": True}]},
    ),
    ("post", "/api/cases/{case}/tolerated-materials", {"material_ids": [1]}),
    ("post", "/api/cases/{case}/decide", {}),
    ("post", "/api/cases/{case}/decision/draft", {"outcome": "approved", "text": "x"}),
    ("post", "/api/cases/{case}/decision/sign", None),
    ("post", "/api/cases/{case}/decision/return", {"comment": "x"}),
    (
        "post",
        "/api/cases/{case}/collect",
        {"pickup_code": "123456", "collector": {"id_number": "x"}},
    ),
    ("post", "/api/cases/{case}/withdraw", {"reason": "x"}),
    ("post", "/api/cases/{case}/terminate", {"reason": "x"}),
    ("post", "/api/cases/{case}/press", {"message": "x"}),
    ("get", "/api/cases/{case}", None),
    ("get", "/api/cases/{case}/audit", None),
    ("get", "/api/cases/inbox", None),
    ("get", "/api/cases/search", None),
    ("post", "/api/cases/tasks/{market_task}/review", {"decision": "approved"}),
    ("post", "/api/cases/tasks/{market_task}/supplement-request", {"reason": "x"}),
    (
        "post",
        "/api/cases/tasks/{market_task}/special-procedure",
        {"kind": "hearing", "reason": "x"},
    ),
    ("post", "/api/cases/suspensions/1/resume", None),
    ("post", "/api/cases/tasks/{market_task}/extensions", {"days": 1, "reason": "x"}),
    ("post", "/api/cases/extensions/{extension}/decision", {"approve": True}),
    ("get", "/api/cases/supervision", None),
    ("put", "/api/cases/{case}/delivery", {"method": "window"}),
    ("get", "/api/cases/{case}/delivery", None),
    ("post", "/api/cases/{case}/delivery/transfer", {"to_point": "ZWFWZX", "reason": "x"}),
]


def test_every_signed_in_endpoint_is_listed_here(client):
    from tests.openapi import openapi_spec

    documented = {
        (method, path)
        for path, operations in openapi_spec(client)["paths"].items()
        if path.startswith("/api/cases/") and path != "/api/cases/progress"
        for method in operations
    }
    listed = {(method, _template(path)) for method, path, _ in SIGNED_IN_ENDPOINTS}
    assert listed == documented


def _template(path):
    names = {
        "{intake}": "{case_id}",
        "{case}": "{case_id}",
        "{material}": "{material_id}",
        "{market_task}": "{task_id}",
        "{extension}": "{extension_id}",
        "/suspensions/1/": "/suspensions/{suspension_id}/",
    }
    for old, new in names.items():
        path = path.replace(old, new)
    return path


@pytest.mark.parametrize(
    ("method", "template", "body"),
    SIGNED_IN_ENDPOINTS,
    ids=[f"{m}-{p}" for m, p, _ in SIGNED_IN_ENDPOINTS],
)
def test_anonymous_calls_are_not_authenticated_and_change_nothing(
    client, world, method, template, body
):
    api = ApiClient(client).as_user(None)
    path = _path(template, world)
    if body == "intake":
        body = intake_body(world)
    before = snapshot()

    response = api.get(path) if method == "get" else getattr(api, method)(path, body)

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "请先登录",
    }
    assert snapshot() == before


@pytest.fixture
def revoked_token(reviewer_market):
    api_token, token = do_create_token(reviewer_market, name="镇便民服务中心")
    do_revoke_token(api_token)
    return token


def test_a_revoked_token_is_not_signed_in_and_changes_nothing(client, world, revoked_token):
    api = ApiClient(client).with_token(revoked_token)
    before = snapshot()

    review = api.post(
        f"/api/cases/tasks/{world['market_task'].pk}/review", {"decision": "approved"}
    )
    inbox = api.get("/api/cases/inbox")

    assert (review.status_code, review.json()["code"]) == (401, "not_authenticated")
    assert (inbox.status_code, inbox.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before


def test_a_token_of_a_deactivated_account_is_not_signed_in(client, world, reviewer_market):
    _, token = do_create_token(reviewer_market, name="对接")
    reviewer_market.is_active = False
    reviewer_market.save(update_fields=["is_active"])
    before = snapshot()

    response = (
        ApiClient(client)
        .with_token(token)
        .post(f"/api/cases/tasks/{world['market_task'].pk}/review", {"decision": "approved"})
    )

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before


def test_a_made_up_token_is_not_signed_in(client, world):
    before = snapshot()

    response = ApiClient(client).with_token("0" * 64).get(f"/api/cases/{world['case'].pk}")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before


def test_a_deactivated_session_user_is_not_signed_in(client, world, clerk):
    api = ApiClient(client).as_user(clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    before = snapshot()

    response = api.post(f"/api/cases/{world['intake'].pk}/accept")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before
