"""API tokens for integrations: made once on the command line, stored as a digest, accepted as a
bearer token without CSRF, revoked by prefix or in the admin; and the session's CSRF check."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from onewindow.accounts.models import ApiToken
from onewindow.accounts.tokens import authenticate, do_create_token
from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_accept_case,
    do_receive_intake,
)
from onewindow.core.models import AuditEntry
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

INBOX = "/api/cases/inbox"


@pytest.fixture
def reviewer(db):
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    return UserFactory(username="reviewer_market", role="reviewer", department=market)


@pytest.fixture
def open_task(reviewer):
    """The open task of an accepted case of a one-step item of the reviewer's department."""
    clerk = UserFactory(username="clerk", role="clerk")
    item = ServiceItemFactory(lead_department=reviewer.department)
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="citizen", name="李明", id_number="11010519491231002X", phone="13800138000"
        ),
        materials=[MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()],
        acting_user=clerk,
    )
    return do_accept_case(case, acting_user=clerk).tasks.get()


def create(username, name="镇便民服务中心对接"):
    out, err = StringIO(), StringIO()
    call_command("token", "create", username, "--name", name, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_digest(reviewer):
    token, note = create("reviewer_market")

    assert len(token) == 64 and "\n" not in token
    stored = ApiToken.objects.get()
    assert stored.user == reviewer and stored.name == "镇便民服务中心对接"
    assert stored.key_prefix == token[:8]
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.objects.values().get())
    assert token[:8] in note and token not in note
    assert AuditEntry.objects.filter(action="create_api_token").count() == 1


@pytest.fixture(autouse=True)
def _chinese_terminal(terminal):
    terminal("zh_CN.UTF-8")


def test_create_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="没有用户 nobody"):
        create("nobody")


def test_an_english_terminal_reads_english_and_nothing_mixed(reviewer, terminal):
    terminal("en_US.UTF-8")
    token, note = create("reviewer_market")
    out = StringIO()
    call_command("token", "revoke", token[:8], stdout=out)

    assert note == (
        f"Token “镇便民服务中心对接” created for reviewer_market (prefix {token[:8]}); "
        "it is shown only this once.\n"
    )
    assert out.getvalue() == f"{token[:8]} revoked\n"
    with pytest.raises(CommandError, match=r"^No user nobody$"):
        create("nobody")
    with pytest.raises(CommandError, match=r"^The prefix needs at least 8 characters$"):
        call_command("token", "revoke", "abc", stdout=StringIO())


def test_a_chinese_terminal_reads_chinese_only(reviewer):
    token, note = create("reviewer_market")
    out = StringIO()
    call_command("token", "revoke", token[:8], stdout=out)

    assert (
        note
        == f"已为 reviewer_market 创建令牌“镇便民服务中心对接”（前缀 {token[:8]}）；令牌只显示这一次。\n"
    )
    assert out.getvalue() == f"{token[:8]} 已吊销\n"


def test_a_token_signs_in_to_the_api(client, reviewer):
    token, _ = create("reviewer_market")

    response = ApiClient(client).with_token(token).get(INBOX)

    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_needs_no_csrf_token(reviewer, open_task):
    token, _ = create("reviewer_market")
    strict = Client(enforce_csrf_checks=True)
    task = open_task

    response = strict.post(
        f"/api/cases/tasks/{task.pk}/review",
        {"decision": "approved"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200


def test_revoke_by_prefix_stops_the_token_at_once(client, reviewer):
    token, _ = create("reviewer_market")
    api = ApiClient(client).with_token(token)
    assert api.get(INBOX).status_code == 200
    out = StringIO()

    call_command("token", "revoke", token[:8], stdout=out)

    assert "已吊销" in out.getvalue()
    assert ApiToken.objects.get().revoked_at is not None
    response = api.get(INBOX)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert AuditEntry.objects.filter(action="revoke_api_token").count() == 1


def test_revoking_twice_keeps_the_first_time(reviewer):
    token, _ = create("reviewer_market")
    call_command("token", "revoke", token[:8], stdout=StringIO())
    first = ApiToken.objects.get().revoked_at

    call_command("token", "revoke", token[:8], stdout=StringIO())

    assert ApiToken.objects.get().revoked_at == first
    assert AuditEntry.objects.filter(action="revoke_api_token").count() == 1


def test_revoke_with_an_unknown_or_short_prefix_fails(reviewer):
    create("reviewer_market")

    with pytest.raises(CommandError, match=r"^没有前缀为 ffffffff 的令牌$"):
        call_command("token", "revoke", "ffffffff", stdout=StringIO())
    with pytest.raises(CommandError, match=r"^前缀至少 8 个字符$"):
        call_command("token", "revoke", "abc", stdout=StringIO())


def test_only_the_exact_token_authenticates(reviewer):
    _, token = do_create_token(reviewer, name="对接")

    assert authenticate(token) == reviewer
    assert authenticate(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert authenticate(token[:8]) is None
    assert authenticate("") is None


def test_last_used_is_written_at_most_once_a_minute(reviewer, django_assert_num_queries):
    api_token, token = do_create_token(reviewer, name="对接")
    authenticate(token)
    used = ApiToken.objects.get().last_used_at

    with django_assert_num_queries(1):  # the lookup, no update
        authenticate(token)

    assert ApiToken.objects.get().last_used_at == used
    ApiToken.objects.filter(pk=api_token.pk).update(
        last_used_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    authenticate(token)
    assert ApiToken.objects.get().last_used_at > used


# --- session sign-in and CSRF -------------------------------------------------------------------


def test_a_session_post_without_the_csrf_token_is_refused(reviewer, open_task):
    task = open_task
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)

    response = strict.post(
        f"/api/cases/tasks/{task.pk}/review",
        {"decision": "approved"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    task.refresh_from_db()
    assert task.state == "open"


def test_a_session_post_with_the_csrf_token_is_accepted(reviewer, open_task):
    task = open_task
    strict = Client(enforce_csrf_checks=True)
    strict.get("/accounts/login/")  # a page with a form sets the csrftoken cookie
    csrf = strict.cookies["csrftoken"].value
    strict.force_login(reviewer)

    response = strict.post(
        f"/api/cases/tasks/{task.pk}/review",
        {"decision": "approved"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 200


def test_an_anonymous_post_is_told_to_sign_in_not_about_csrf(open_task):
    task = open_task

    response = Client(enforce_csrf_checks=True).post(
        f"/api/cases/tasks/{task.pk}/review",
        {"decision": "approved"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_the_openapi_document_offers_both_ways_to_sign_in(client):
    schemes = client.get("/api/openapi.json").json()["components"]["securitySchemes"]

    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["StaffSessionAuth"]["in"] == "cookie"


# --- the admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_lists_tokens_without_their_digest(admin_client, reviewer):
    api_token, token = do_create_token(reviewer, name="镇便民服务中心对接")

    page = admin_client.get("/admin/accounts/apitoken/").content.decode()
    detail = admin_client.get(f"/admin/accounts/apitoken/{api_token.pk}/change/").content.decode()

    assert "镇便民服务中心对接" in page and api_token.key_prefix in page
    for html in (page, detail):
        assert api_token.key_hash not in html and token not in html
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_the_admin_revokes_selected_tokens(admin_client, reviewer):
    first, _ = do_create_token(reviewer, name="一")
    second, _ = do_create_token(reviewer, name="二")

    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [first.pk]},
        follow=True,
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None


@pytest.mark.parametrize(
    ("locale", "wanted", "unwanted"),
    [
        ("en_US.UTF-8", "Create or revoke API tokens for integrations.", "令牌"),
        ("zh_CN.UTF-8", "创建或吊销系统对接用的接口令牌。", "Create or revoke"),
    ],
)
def test_the_help_reads_in_the_terminals_language(terminal, locale, wanted, unwanted):
    from onewindow.accounts.management.commands.token import Command

    terminal(locale)
    parser = Command().create_parser("onewindow", "token")
    create = parser._subparsers._group_actions[0].choices["create"]
    text = parser.format_help() + create.format_help()

    assert wanted in text and unwanted not in text
