"""The department side of the API: inbox, parallel review, clock stops, extensions, the decision,
collection, termination, supervision and the audit trail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.actions import (
    do_accept_case,
    do_complete_review,
    do_refresh_colours,
    do_request_extension,
)
from onewindow.cases.constants import CaseState, ExtensionState, StageState, TaskState
from onewindow.cases.models import Case, Extension, ReviewTask, Suspension
from onewindow.notifications.models import Notification
from tests.openapi import ApiClient
from tests.pickup import issue

pytestmark = pytest.mark.django_db


INBOX = "/api/cases/inbox"


@pytest.fixture
def api(client):
    return ApiClient(client)


def task_of(case, code, position=0):
    return ReviewTask.objects.get(case=case, department__code=code, stage__position=position)


def open_cases(receive, clerk, n):
    return [do_accept_case(receive(), acting_user=clerk) for _ in range(n)]


def approve_first_stage(case, reviewer_market, reviewer_fire, reviewer_housing):
    for code, reviewer in (("SCJGJ", reviewer_market), ("XFJYDD", reviewer_fire)):
        do_complete_review(
            task_of(case, code), decision="approved", opinion="同意", acting_user=reviewer
        )
    do_complete_review(
        task_of(case, "ZJJ"), decision="approved", opinion="", acting_user=reviewer_housing
    )


# --- the inbox -----------------------------------------------------------------------------------


def test_inbox_lists_only_my_departments_open_tasks(api, accepted_case, reviewer_fire):
    response = api.as_user(reviewer_fire).get(INBOX)

    assert response.status_code == 200
    [task] = response.json()["tasks"]
    assert task["department"]["code"] == "XFJYDD"
    assert task["case"]["number"] == accepted_case.number
    assert task["case"]["applicant_name"] == "李明"
    assert task["colour"]["value"] == "green" and task["due_date"]
    assert response.json()["next_cursor"] is None


def test_inbox_filters_by_colour_item_and_words(api, receive, clerk, head_market, joint_item):
    [first, second] = open_cases(receive, clerk, 2)
    api.as_user(head_market)

    def numbers(**params):
        return [t["case"]["number"] for t in api.get(INBOX, params).json()["tasks"]]

    assert numbers(colour="green") == [first.number, second.number]
    assert numbers(colour="red") == []
    assert numbers(item=joint_item.code) == [first.number, second.number]
    assert numbers(item="441303-OTHER") == []
    assert numbers(q=second.number[-6:]) == [second.number]
    assert numbers(q="李明") == [first.number, second.number]
    assert numbers(sort="-due_date") == [second.number, first.number]


def test_inbox_pages_with_a_cursor(api, receive, clerk, reviewer_market):
    cases = open_cases(receive, clerk, 5)
    api.as_user(reviewer_market)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, "sort": "number", **({"cursor": cursor} if cursor else {})}
        body = api.get(INBOX, params).json()
        seen += [t["case"]["number"] for t in body["tasks"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == sorted(case.number for case in cases)


def test_inbox_refuses_a_forged_cursor_or_one_from_another_sort(
    api, receive, clerk, reviewer_market
):
    open_cases(receive, clerk, 2)
    api.as_user(reviewer_market)
    by_number = api.get(INBOX, {"limit": 1, "sort": "number"}).json()["next_cursor"]

    forged = api.get(INBOX, {"cursor": "not-a-cursor"})
    other_sort = api.get(INBOX, {"cursor": by_number, "sort": "due_date"})

    assert (forged.status_code, forged.json()["code"]) == (400, "invalid_cursor")
    assert (other_sort.status_code, other_sort.json()["code"]) == (400, "invalid_cursor")
    assert api.get(INBOX, {"cursor": by_number, "sort": "number"}).status_code == 200


def test_inbox_costs_the_same_queries_for_one_task_or_many(api, receive, clerk, reviewer_market):
    api.as_user(reviewer_market)
    open_cases(receive, clerk, 1)
    api.get(INBOX)  # warm up: session, content types
    with CaptureQueriesContext(connection) as one:
        assert len(api.client.get(INBOX).json()["tasks"]) == 1
    open_cases(receive, clerk, 7)
    with CaptureQueriesContext(connection) as many:
        assert len(api.client.get(INBOX).json()["tasks"]) == 8

    assert len(one) == len(many)
    assert len(many) <= 4  # session, user, the page of tasks (+ savepoints on some backends)


# --- parallel review to collection ---------------------------------------------------------------


def test_three_departments_approve_in_parallel_then_the_case_is_decided_and_collected(
    api, accepted_case, clerk, reviewer_market, reviewer_fire, reviewer_housing, head_market
):
    case = accepted_case
    for code, reviewer in (
        ("SCJGJ", reviewer_market),
        ("XFJYDD", reviewer_fire),
        ("ZJJ", reviewer_housing),
    ):
        response = api.as_user(reviewer).post(
            f"/api/cases/tasks/{task_of(case, code).pk}/review",
            {"decision": "approved", "opinion": "符合要求"},
        )
        assert response.status_code == 200
        assert response.json()["state"]["value"] == "approved"
        assert response.json()["decided_by"]["username"] == reviewer.username

    assert case.stages.get(position=0).state == StageState.DONE
    final = task_of(case, "SCJGJ", position=1)
    assert final.state == TaskState.OPEN
    api.as_user(reviewer_market).post(
        f"/api/cases/tasks/{final.pk}/review", {"decision": "approved", "opinion": "准予"}
    )

    decided = api.as_user(head_market).post(f"/api/cases/{case.pk}/decide")
    assert decided.status_code == 200
    assert decided.json()["state"]["value"] == "decided"
    assert decided.json()["decision"]["value"] == "approved"
    assert decided.json()["decision_number"].startswith("SCJGJ")

    code = issue(case, clerk)
    collected = api.as_user(clerk).post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": code, "collector": {"id_number": case.applicant_id_number}},
    )
    assert collected.status_code == 200
    assert collected.json()["state"]["value"] == "delivered"
    assert collected.json()["collected_by"] == "李明"


def test_a_refusal_needs_an_opinion(api, accepted_case, reviewer_fire):
    task = task_of(accepted_case, "XFJYDD")

    response = api.as_user(reviewer_fire).post(
        f"/api/cases/tasks/{task.pk}/review", {"decision": "refused", "opinion": ""}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["opinion"]
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_an_unknown_decision_is_invalid_input(api, accepted_case, reviewer_fire):
    task = task_of(accepted_case, "XFJYDD")

    response = api.as_user(reviewer_fire).post(
        f"/api/cases/tasks/{task.pk}/review", {"decision": "maybe"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_reviewing_a_task_twice_is_a_conflict(api, accepted_case, reviewer_fire):
    url = f"/api/cases/tasks/{task_of(accepted_case, 'XFJYDD').pk}/review"
    api.as_user(reviewer_fire).post(url, {"decision": "approved"})

    response = api.post(url, {"decision": "refused", "opinion": "改主意"})

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert task_of(accepted_case, "XFJYDD").state == TaskState.APPROVED


def test_deciding_before_every_department_answered_is_a_conflict(api, accepted_case, head_market):
    response = api.as_user(head_market).post(f"/api/cases/{accepted_case.pk}/decide")

    assert response.status_code == 409
    assert response.json()["code"] == "review_not_finished"
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.IN_REVIEW


def test_collection_waits_for_tolerated_materials(
    api, receive, clerk, reviewer_market, reviewer_fire, reviewer_housing
):
    case = do_accept_case(receive(except_names=["消防安全承诺书"]), acting_user=clerk)
    approve_first_stage(case, reviewer_market, reviewer_fire, reviewer_housing)
    do_complete_review(
        task_of(case, "SCJGJ", 1), decision="approved", opinion="", acting_user=reviewer_market
    )
    api.as_user(reviewer_market).post(f"/api/cases/{case.pk}/decide")
    code = issue(case, clerk)

    response = api.as_user(clerk).post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": code, "collector": {"id_number": case.applicant_id_number}},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "tolerated_materials_outstanding"
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED


# --- clock stops -----------------------------------------------------------------------------------


def test_a_supplement_request_stops_the_clock_until_the_window_resumes_it(
    api, accepted_case, reviewer_fire, clerk
):
    task = task_of(accepted_case, "XFJYDD")

    stopped = api.as_user(reviewer_fire).post(
        f"/api/cases/tasks/{task.pk}/supplement-request", {"reason": "请补充消防平面图"}
    )

    assert stopped.status_code == 201
    suspension = stopped.json()
    assert suspension["kind"]["value"] == "supplement" and suspension["ended_on"] is None
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.SUSPENDED

    resumed = api.as_user(clerk).post(f"/api/cases/suspensions/{suspension['id']}/resume")
    assert resumed.status_code == 200
    assert resumed.json()["ended_on"] is not None
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.IN_REVIEW

    again = api.post(f"/api/cases/suspensions/{suspension['id']}/resume")
    assert again.status_code == 409
    assert again.json()["code"] == "already_resumed"


def test_a_special_procedure_has_a_kind_and_an_expected_end(api, accepted_case, reviewer_fire):
    task = task_of(accepted_case, "XFJYDD")
    api.as_user(reviewer_fire)

    response = api.post(
        f"/api/cases/tasks/{task.pk}/special-procedure",
        {"kind": "expert_review", "reason": "组织专家论证", "expected_end": "2099-03-02"},
    )

    assert response.status_code == 201
    assert response.json()["kind"] == {"value": "expert_review", "label": "专家评审"}
    assert response.json()["expected_end"] == "2099-03-02"
    detail = api.get(f"/api/cases/{accepted_case.pk}").json()
    assert detail["state"]["value"] == "suspended"
    assert [s["id"] for s in detail["suspensions"]] == [response.json()["id"]]

    resumed = api.post(f"/api/cases/suspensions/{response.json()['id']}/resume")
    assert resumed.status_code == 200


def test_a_special_procedure_cannot_be_a_supplement_or_in_the_past(
    api, accepted_case, reviewer_fire
):
    url = f"/api/cases/tasks/{task_of(accepted_case, 'XFJYDD').pk}/special-procedure"
    api.as_user(reviewer_fire)

    supplement = api.post(url, {"kind": "supplement", "reason": "补正"})
    past = api.post(url, {"kind": "hearing", "reason": "听证", "expected_end": "2000-01-01"})

    assert supplement.status_code == 422 and supplement.json()["detail"][0]["loc"] == ["kind"]
    assert past.status_code == 422 and past.json()["detail"][0]["loc"] == ["expected_end"]
    assert not Suspension.objects.exists()


# --- extensions ------------------------------------------------------------------------------------


def test_an_extension_is_requested_and_approved_by_the_head(
    api, accepted_case, reviewer_fire, head_fire
):
    task = task_of(accepted_case, "XFJYDD")
    due_before = task.due_date

    requested = api.as_user(reviewer_fire).post(
        f"/api/cases/tasks/{task.pk}/extensions", {"days": 5, "reason": "需现场复核"}
    )

    assert requested.status_code == 201
    extension = requested.json()
    assert extension["state"]["value"] == "requested"
    assert extension["department"]["code"] == "XFJYDD"
    assert Notification.objects.filter(kind="extension_requested", department__code="XFJYDD")

    decided = api.as_user(head_fire).post(
        f"/api/cases/extensions/{extension['id']}/decision", {"approve": True, "note": "同意"}
    )

    assert decided.status_code == 200
    assert decided.json()["state"]["value"] == "approved"
    assert decided.json()["decision_note"] == "同意"
    task.refresh_from_db()
    accepted_case.refresh_from_db()
    assert task.extension_days == 5 and task.due_date > due_before
    assert accepted_case.extension_days == 5

    again = api.post(f"/api/cases/extensions/{extension['id']}/decision", {"approve": False})
    assert again.status_code == 409
    assert again.json()["code"] == "extension_decided"


def test_an_extension_is_refused_by_the_head(api, accepted_case, reviewer_fire, head_fire):
    task = task_of(accepted_case, "XFJYDD")
    extension = do_request_extension(task, days=3, reason="材料复杂", acting_user=reviewer_fire)

    response = api.as_user(head_fire).post(
        f"/api/cases/extensions/{extension.pk}/decision", {"approve": False, "note": "不必延期"}
    )

    assert response.status_code == 200
    assert response.json()["state"]["value"] == "refused"
    accepted_case.refresh_from_db()
    assert accepted_case.extension_days == 0


def test_an_extension_over_the_cap_is_refused(api, accepted_case, reviewer_fire):
    response = api.as_user(reviewer_fire).post(
        f"/api/cases/tasks/{task_of(accepted_case, 'XFJYDD').pk}/extensions",
        {"days": 11, "reason": "很复杂"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "extension_over_cap"
    assert not Extension.objects.exists()


def test_a_second_pending_extension_is_a_conflict(api, accepted_case, reviewer_fire):
    url = f"/api/cases/tasks/{task_of(accepted_case, 'XFJYDD').pk}/extensions"
    api.as_user(reviewer_fire).post(url, {"days": 2, "reason": "一"})

    response = api.post(url, {"days": 2, "reason": "二"})

    assert response.status_code == 409
    assert response.json()["code"] == "extension_pending"
    assert Extension.objects.filter(state=ExtensionState.REQUESTED).count() == 1


# --- ending early, supervision ---------------------------------------------------------------------


def test_the_lead_departments_head_terminates(api, accepted_case, head_market):
    response = api.as_user(head_market).post(
        f"/api/cases/{accepted_case.pk}/terminate", {"reason": "申请人隐瞒有关情况"}
    )

    assert response.status_code == 200
    assert response.json()["state"]["value"] == "terminated"
    assert response.json()["reason"] == "申请人隐瞒有关情况"


def test_a_supervisor_presses_the_departments_still_reviewing(
    api, accepted_case, supervisor, reviewer_market
):
    do_complete_review(
        task_of(accepted_case, "SCJGJ"),
        decision="approved",
        opinion="",
        acting_user=reviewer_market,
    )

    response = api.as_user(supervisor).post(
        f"/api/cases/{accepted_case.pk}/press", {"message": "请加快办理"}
    )

    assert response.status_code == 200
    pressed = Notification.objects.filter(kind="press", case=accepted_case)
    assert sorted(pressed.values_list("department__code", flat=True)) == ["XFJYDD", "ZJJ"]


def test_the_supervision_board_counts_red_cases_by_department(api, receive, clerk, supervisor):
    [late, _on_time] = open_cases(receive, clerk, 2)
    Case.objects.filter(pk=_on_time.pk).update(
        promised_deadline=late.promised_deadline + timedelta(days=60)
    )
    do_refresh_colours(on=late.promised_deadline + timedelta(days=1))

    response = api.as_user(supervisor).get("/api/cases/supervision")

    assert response.status_code == 200
    body = response.json()
    assert body["departments"] == [
        {"code": "SCJGJ", "name": "惠州市惠阳区市场监督管理局", "yellow": 0, "red": 1}
    ]
    [case] = body["cases"]
    assert case["number"] == late.number and case["colour"]["value"] == "red"
    assert body["truncated"] is False


def test_a_supervisor_reads_the_audit_trail(api, accepted_case, supervisor, clerk):
    response = api.as_user(supervisor).get(f"/api/cases/{accepted_case.pk}/audit")

    assert response.status_code == 200
    entries = response.json()
    assert [e["action"] for e in entries] == ["receive_intake", "accept_case", "start_review"]
    accept = entries[1]
    assert accept["actor"] == {"username": "clerk", "full_name": "陈晓"}
    assert accept["role"] == {"value": "clerk", "label": "综合窗口受理人员"}
    assert (accept["from_state"], accept["to_state"]) == ("submitted", "accepted")


def test_the_api_records_the_client_address(api, accepted_case, reviewer_fire, supervisor):
    api.as_user(reviewer_fire).client.post(
        f"/api/cases/tasks/{task_of(accepted_case, 'XFJYDD').pk}/review",
        {"decision": "approved"},
        content_type="application/json",
        REMOTE_ADDR="10.20.30.40",
    )

    entries = api.as_user(supervisor).get(f"/api/cases/{accepted_case.pk}/audit").json()

    review = next(e for e in entries if e["action"] == "complete_review")
    assert review["client_address"] == "10.20.30.40"
    assert review["role"]["value"] == "reviewer"


def test_a_reviewer_sees_the_case_with_the_opinions_given(
    api, accepted_case, reviewer_market, reviewer_fire
):
    do_complete_review(
        task_of(accepted_case, "SCJGJ"),
        decision="approved",
        opinion="经营范围符合",
        acting_user=reviewer_market,
    )

    response = api.as_user(reviewer_fire).get(f"/api/cases/{accepted_case.pk}")

    assert response.status_code == 200
    opinions = {
        t["department"]["code"]: t["opinion"] for t in response.json()["stages"][0]["tasks"]
    }
    assert opinions["SCJGJ"] == "经营范围符合"


def test_a_case_costs_the_same_queries_however_much_it_holds(
    api, accepted_case, receive, clerk, market, reviewer_market
):
    from tests.factories import ServiceItemFactory

    small = do_accept_case(
        receive(item=ServiceItemFactory(lead_department=market, flow=[[(market, 5)]])),
        acting_user=clerk,
    )
    do_request_extension(
        task_of(accepted_case, "SCJGJ"), days=2, reason="复核", acting_user=reviewer_market
    )
    api.as_user(reviewer_market).get(f"/api/cases/{small.pk}")  # warm up

    def queries_for(case):
        with CaptureQueriesContext(connection) as captured:
            assert api.client.get(f"/api/cases/{case.pk}").status_code == 200
        return len(captured)

    assert queries_for(small) == queries_for(accepted_case) <= 8
