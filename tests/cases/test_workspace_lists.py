"""Workspaces (工作台) and their worklists (the workspace app): each role lands on its own after
signing in; each list shows what that role may see, opens the case, and costs the same number of
queries however long it is. Personas from tests/cases/conftest.py (the app reads cases' data)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.cases.actions import (
    do_accept_case,
    do_complete_review,
    do_issue_supplement_notice,
    do_receive_intake,
    do_request_extension,
)
from onewindow.cases.models import ReviewTask
from tests.cases.conftest import all_received
from tests.factories import UserFactory
from tests.pickup import issue

pytestmark = pytest.mark.django_db

PASSWORD = "onewindow-test"


def sign_in(client, user, **query):
    url = reverse("accounts:login")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"username": user.username, "password": PASSWORD})


def count_of(response, key):
    match = re.search(
        rf'id="ws-{key}".*?<span class="dept-count ws-count" data-count="(\d+)"',
        response.content.decode(),
        flags=re.S,
    )
    return int(match.group(1))


def waiting_intake(receive, clerk):
    case = receive(except_names=("营业执照",))
    missing = case.materials.get(material__name="营业执照").material_id
    return do_issue_supplement_notice(case, defects={missing: "未提供"}, acting_user=clerk)


def tolerated_case(receive, clerk):
    return do_accept_case(receive(except_names=("消防安全承诺书",)), acting_user=clerk)


def issued_at(point_clerk, item, citizen, **intake):
    case = do_receive_intake(
        item=item,
        applicant=citizen,
        materials=all_received(item),
        acting_user=point_clerk,
        **intake,
    )
    case = do_accept_case(case, acting_user=point_clerk)
    issue(case, point_clerk)
    case.refresh_from_db()
    return case


def answered(case, department_code, reviewer, decision="approved"):
    task = ReviewTask.objects.get(case=case, department__code=department_code, stage__position=0)
    opinion = "同意" if decision == "approved" else "不符合条件"
    return do_complete_review(task, decision=decision, opinion=opinion, acting_user=reviewer)


# --- landing after sign-in ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "title"),
    [
        ("clerk", "窗口工作台"),
        ("reviewer_market", "部门工作台"),
        ("head_market", "负责人工作台"),
        ("supervisor", "监察工作台"),
    ],
)
def test_each_role_lands_on_its_own_workspace(client, request, persona, title):
    user = request.getfixturevalue(persona)
    response = sign_in(client, user)
    assert response.status_code == 302 and response.url == "/workspace/"
    page = client.get("/workspace/")
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.content.decode()


def test_the_next_page_wins_over_the_workspace(client, reviewer_market):
    response = sign_in(client, reviewer_market, next="/inbox/")
    assert response.url == "/inbox/"


def test_a_catalogue_administrator_goes_to_the_admin(client):
    admin = UserFactory(username="catalog", role="catalog_admin", is_staff=True)
    client.force_login(admin)
    assert client.get("/workspace/").url == "/admin/"


def test_the_workspace_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/workspace/done/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- the clerk's lists -------------------------------------------------------------------------


def test_a_clerk_sees_intakes_waiting_from_any_window_and_can_continue_one(
    client, receive, clerk, clerk2
):
    intake = waiting_intake(receive, clerk2)  # received by a colleague at another window
    client.force_login(clerk)
    page = client.get("/workspace/")
    assert count_of(page, "supplements") == 1
    continue_url = reverse("cases:continue_intake", args=[intake.pk])
    assert f'href="{continue_url}"' in page.content.decode()
    assert client.get(continue_url).status_code == 200


def test_a_clerk_sees_tolerated_materials_due_and_the_row_opens_the_case(client, receive, clerk):
    case = tolerated_case(receive, clerk)
    assert case.supplement_due is not None
    client.force_login(clerk)
    response = client.get("/workspace/tolerated/")
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert f'href="{reverse("cases:case", args=[case.pk])}"' in response.content.decode()


def test_a_case_leaves_the_tolerated_list_when_its_materials_arrive(client, receive, clerk):
    from onewindow.cases.actions import do_receive_tolerated_materials

    case = tolerated_case(receive, clerk)
    owed = [row.material_id for row in case.tolerated_missing]
    do_receive_tolerated_materials(case, material_ids=owed, acting_user=clerk)
    client.force_login(clerk)
    assert case.number not in client.get("/workspace/tolerated/").content.decode()


def test_results_to_hand_over_are_those_at_my_service_point(
    client, clerk, clerk_village, spot_item, citizen
):
    at_hall = issued_at(clerk, spot_item, citizen)
    at_village = issued_at(clerk_village, spot_item, citizen)
    client.force_login(clerk)
    html = client.get("/workspace/hand-over/").content.decode()
    assert at_hall.number in html and at_village.number not in html
    client.force_login(clerk_village)
    html = client.get("/workspace/hand-over/").content.decode()
    assert at_village.number in html and at_hall.number not in html


def test_a_collected_result_leaves_the_hand_over_list(client, clerk, spot_item, citizen):
    from tests.pickup import collect

    case = issued_at(clerk, spot_item, citizen)
    collect(case, clerk)
    client.force_login(clerk)
    assert case.number not in client.get("/workspace/hand-over/").content.decode()


# --- the department's lists --------------------------------------------------------------------


def test_reviewers_see_their_departments_done_tasks_only(
    client, accepted_case, reviewer_market, reviewer_fire
):
    answered(accepted_case, "SCJGJ", reviewer_market)
    client.force_login(reviewer_fire)
    response = client.get("/workspace/done/")
    assert response.status_code == 200
    assert accepted_case.number not in response.content.decode()
    client.force_login(reviewer_market)
    response = client.get("/workspace/done/")
    assert accepted_case.number in response.content.decode()
    task = ReviewTask.objects.get(case=accepted_case, department__code="SCJGJ", stage__position=0)
    assert f'href="{reverse("cases:inbox_task", args=[task.pk])}"' in response.content.decode()


def test_the_done_list_filters_by_outcome_person_item_and_dates(
    client, receive, clerk, reviewer_market, head_market, joint_item
):
    approved = do_accept_case(receive(), acting_user=clerk)
    refused = do_accept_case(receive(), acting_user=clerk)
    answered(approved, "SCJGJ", reviewer_market)
    answered(refused, "SCJGJ", head_market, decision="refused")
    client.force_login(reviewer_market)

    def shown(**query):
        html = client.get("/workspace/done/", query).content.decode()
        return {case.number for case in (approved, refused) if case.number in html}

    both = {approved.number, refused.number}
    assert shown() == both
    assert shown(outcome="refused") == {refused.number}
    assert shown(who=reviewer_market.pk) == {approved.number}
    assert shown(item=joint_item.code) == both
    assert shown(item="441303-NONE-000") == set()
    today = approved.accepted_on.isoformat()
    assert shown(since=today, until=today) == both
    assert shown(until="2000-01-01") == set()
    # A filter bar drops what it cannot read instead of failing.
    assert shown(since="not-a-date", who="x", outcome="maybe") == both


def test_heads_see_their_departments_extension_requests(
    client, accepted_case, reviewer_market, reviewer_fire, head_market, head_fire
):
    task = ReviewTask.objects.get(case=accepted_case, department__code="SCJGJ", stage__position=0)
    do_request_extension(task, days=3, reason="需现场核查", acting_user=reviewer_market)
    client.force_login(head_market)
    page = client.get("/workspace/")
    assert count_of(page, "extensions") == 1
    assert 'id="ws-awaiting-signature"' in page.content.decode()  # the 待签发 slot
    client.force_login(head_fire)
    assert count_of(client.get("/workspace/"), "extensions") == 0


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("clerk", "/workspace/done/"),
        ("clerk", "/workspace/extensions/"),
        ("reviewer_market", "/workspace/supplements/"),
        ("reviewer_market", "/workspace/tolerated/"),
        ("reviewer_market", "/workspace/hand-over/"),
        ("reviewer_market", "/workspace/extensions/"),
        ("head_market", "/workspace/hand-over/"),
    ],
)
def test_a_list_outside_ones_role_is_forbidden(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 403
    assert "您的岗位不能查看这个工作清单" in response.content.decode()


def test_supervisors_see_every_list_across_departments(
    client, receive, clerk, accepted_case, reviewer_market, reviewer_fire, supervisor
):
    waiting_intake(receive, clerk)
    answered(accepted_case, "SCJGJ", reviewer_market)
    answered(accepted_case, "XFJYDD", reviewer_fire)
    client.force_login(supervisor)
    page = client.get("/workspace/")
    assert count_of(page, "supplements") == 1
    assert count_of(page, "done") == 2  # both departments
    for url in ("supplements", "tolerated", "hand-over", "done", "extensions"):
        assert client.get(f"/workspace/{url}/").status_code == 200
    fire = ReviewTask.objects.get(case=accepted_case, department__code="XFJYDD").department
    html = client.get("/workspace/done/", {"department": fire.pk}).content.decode()
    assert html.count('class="ws-row"') == 1
    # Rows open the audit trail: supervisors do not work the window or the inbox.
    assert reverse("cases:supervision_audit", args=[accepted_case.pk]) in html


# --- query counts ------------------------------------------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_clerk_lists_cost_the_same_queries_for_more_rows(
    client, receive, clerk, spot_item, citizen
):
    def add_rows():
        waiting_intake(receive, clerk)
        tolerated_case(receive, clerk)
        issued_at(clerk, spot_item, citizen)

    add_rows()
    client.force_login(clerk)
    urls = ["/workspace/", *(f"/workspace/{u}/" for u in ("supplements", "tolerated", "hand-over"))]
    few = [queries_of(client, url) for url in urls]
    for _ in range(3):
        add_rows()
    assert [queries_of(client, url) for url in urls] == few


def test_the_department_lists_cost_the_same_queries_for_more_rows(
    client, receive, clerk, reviewer_market, head_market, supervisor
):
    def add_rows():
        case = do_accept_case(receive(), acting_user=clerk)
        answered(case, "SCJGJ", reviewer_market)
        task = ReviewTask.objects.get(case=case, department__code="XFJYDD", stage__position=0)
        do_request_extension(
            task,
            days=2,
            reason="检测",
            acting_user=UserFactory(
                username=f"fire{case.pk}", role="reviewer", department=task.department
            ),
        )

    add_rows()
    for user, urls in (
        (head_market, ["/workspace/", "/workspace/done/", "/workspace/extensions/"]),
        (supervisor, ["/workspace/", "/workspace/done/", "/workspace/extensions/"]),
    ):
        client.force_login(user)
        few = [queries_of(client, url) for url in urls]
        add_rows()
        add_rows()
        assert [queries_of(client, url) for url in urls] == few, user


# --- the JSON API ------------------------------------------------------------------------------


def test_the_api_lists_the_worklists_a_clerk_may_open(client, receive, clerk, clerk2):
    from tests.openapi import ApiClient

    intake = waiting_intake(receive, clerk2)
    api = ApiClient(client).as_user(clerk)
    body = api.get("/api/workspace/worklists").json()
    assert [(row["key"], row["total"]) for row in body] == [
        ("supplements", 1),
        ("tolerated", 0),
        ("hand_over", 0),
    ]
    one = api.get("/api/workspace/worklists/supplements").json()
    assert one["total"] == 1 and not one["truncated"]
    [row] = one["rows"]
    assert row["case_id"] == intake.pk and row["applicant_name"] == "李明"
    assert row["url"] == reverse("cases:continue_intake", args=[intake.pk])


def test_the_api_gives_reviewers_their_done_tasks_and_refuses_the_clerks_lists(
    client, accepted_case, reviewer_market
):
    from onewindow.cases.models import CaseMaterial
    from tests.openapi import ApiClient

    task = answered(accepted_case, "SCJGJ", reviewer_market)
    api = ApiClient(client).as_user(reviewer_market)
    body = api.get("/api/workspace/worklists/done", {"limit": 1}).json()
    assert [(r["task_id"], r["number"]) for r in body["rows"]] == [(task.pk, accepted_case.number)]
    before = CaseMaterial.objects.count()
    refused = api.get("/api/workspace/worklists/hand_over")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert refused.json()["message"] == "您的岗位不能查看这个工作清单"
    assert api.get("/api/workspace/worklists/nothing").status_code == 422
    assert api.get("/api/workspace/worklists/done", {"limit": 0}).status_code == 422
    assert CaseMaterial.objects.count() == before  # a read: nothing written either way
