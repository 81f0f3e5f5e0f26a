"""The department pages: the inbox, the task page and its actions, extensions, decisions,
scanned materials and notifications."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.cases import queries
from onewindow.cases.actions import (
    do_accept_case,
    do_complete_review,
    do_receive_intake,
    do_request_extension,
    do_start_special_procedure,
)
from onewindow.cases.constants import CaseState, Colour, ExtensionState, TaskState
from onewindow.cases.models import Extension, ReviewTask
from onewindow.core import workdays
from onewindow.core.models import AuditEntry
from tests.cases.conftest import scanned_lines
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on_day(day):
    """Freeze the clock at 09:00 Beijing time on `day` (the actions read today from the clock)."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False
    )


def task_of(case, department, *, position=0):
    return ReviewTask.objects.get(case=case, stage__position=position, department=department)


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def fire_item(fire):
    return ServiceItemFactory(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        lead_department=fire,
        promised_limit_days=10,
        flow=[[(fire, 5)]],
    )


@pytest.fixture
def food_item(market):
    return ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        promised_limit_days=10,
        flow=[[(market, 2)]],
    )


@pytest.fixture
def accept(receive, clerk):
    def make(**kwargs):
        return do_accept_case(receive(**kwargs), acting_user=clerk)

    return make


# --- the inbox --------------------------------------------------------------------------------


def test_inbox_shows_only_the_departments_own_tasks(
    client, accept, fire_item, reviewer_market, reviewer_fire
):
    joint = accept()
    fire_only = accept(item=fire_item)

    client.force_login(reviewer_market)
    text = page_text(client.get(INBOX))
    assert joint.number in text
    assert fire_only.number not in text
    assert "待作出决定" not in text  # departments are still reviewing

    client.force_login(reviewer_fire)
    text = page_text(client.get(INBOX))
    assert joint.number in text and fire_only.number in text


def test_inbox_is_for_reviewers_and_heads_only(client, clerk, supervisor, head_market):
    assert client.get(INBOX).status_code == 302  # to the sign-in page
    client.force_login(clerk)
    assert client.get(INBOX).status_code == 403
    client.force_login(supervisor)
    assert client.get(INBOX).status_code == 403
    client.force_login(head_market)
    assert client.get(INBOX).status_code == 200


def test_an_empty_inbox_says_so(client, reviewer_market):
    client.force_login(reviewer_market)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert "本部门暂无待办审批任务" in page_text(response)


def test_inbox_filters_by_colour_item_and_search(
    client, accept, food_item, citizen, reviewer_market
):
    joint = accept()
    food = accept(item=food_item)
    paused = accept()
    do_start_special_procedure(
        task_of(paused, reviewer_market.department),
        kind="inspection",
        reason="现场核查经营场所",
        expected_end=None,
        acting_user=reviewer_market,
    )
    client.force_login(reviewer_market)

    text = page_text(client.get(INBOX, {"colour": Colour.PAUSED}))
    assert paused.number in text and joint.number not in text and food.number not in text

    text = page_text(client.get(INBOX, {"item": food_item.code}))
    assert food.number in text and joint.number not in text

    text = page_text(client.get(INBOX, {"q": food.number[-6:]}))
    assert food.number in text and joint.number not in text

    text = page_text(client.get(INBOX, {"q": citizen.name}))
    assert all(case.number in text for case in (joint, food, paused))

    text = page_text(client.get(INBOX, {"q": "没有这个人"}))
    assert "没有符合筛选条件的审批任务" in text

    # A value that is not a choice is dropped, not an error.
    assert client.get(INBOX, {"colour": "purple", "order": "x"}).status_code == 200


def test_inbox_sorts_by_due_date_either_way_and_by_number(
    client, accept, food_item, reviewer_market
):
    joint = accept()  # market has 5 working days
    food = accept(item=food_item)  # market has 2 working days
    client.force_login(reviewer_market)

    def order(**params):
        text = page_text(client.get(INBOX, params))
        return sorted((joint, food), key=lambda case: text.index(case.number))

    assert order() == [food, joint]
    assert order(order="due_date") == [food, joint]
    assert order(order="-due_date") == [joint, food]
    assert order(order="number") == [joint, food]


def test_htmx_asks_for_the_results_only(client, accept, reviewer_market):
    case = accept()
    client.force_login(reviewer_market)
    response = client.get(INBOX, {"order": "-due_date"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert case.number in html
    assert "<html" not in html and "dept-filters" not in html
    assert 'hx-swap-oob="true"' in html  # the sort menu follows a header click
    assert "HX-Request" in response["Vary"]


def test_inbox_query_count_does_not_grow_with_the_tasks(
    client, accept, reviewer_market, head_market, django_assert_max_num_queries
):
    accept()
    client.force_login(head_market)
    with CaptureQueriesContext(connection) as one:
        assert client.get(INBOX).status_code == 200
    for _ in range(6):
        accept()
    with CaptureQueriesContext(connection) as seven:
        response = client.get(INBOX)
    assert response.content.decode().count('class="dept-row') == 7
    assert len(seven) == len(one)
    with django_assert_max_num_queries(12):
        client.get(INBOX, {"colour": "green", "q": "李", "order": "number"})


def test_inbox_rows_carry_what_the_page_shows_and_not_the_items_texts(
    accept, market, django_assert_num_queries
):
    def shown(task):
        case = task.case
        return (
            task.pk,
            task.task_name,
            task.colour,
            task.opened_on,
            task.due_date,
            task.stage.name,
            case.number,
            case.applicant_name,
            case.item.name,
        )

    accept()
    with django_assert_num_queries(1):
        [task] = queries.inbox(market)
    with django_assert_num_queries(0):
        columns = shown(task)
    whole = ReviewTask.objects.select_related("case__item", "stage").get(pk=task.pk)
    assert columns == shown(whole)
    # The item's long texts are what made the whole rows slow to build (docs/performance.md).
    assert {"conditions", "legal_basis", "notes"} <= task.case.item.get_deferred_fields()


# --- the task page ----------------------------------------------------------------------------


def test_task_page_shows_the_case_the_opinions_and_the_deadline(
    client, accept, reviewer_market, reviewer_fire, fire
):
    case = accept()
    do_complete_review(
        task_of(case, fire),
        decision="approved",
        opinion="消防设施符合要求",
        acting_user=reviewer_fire,
    )
    task = task_of(case, reviewer_market.department)
    client.force_login(reviewer_market)
    response = client.get(reverse("cases:inbox_task", args=[task.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert case.number in text and "李明" in text
    assert "消防设施符合要求" in text  # another department's opinion
    assert "营业执照" in text  # the materials
    assert task.due_date.strftime("%Y-%m-%d") in text
    assert case.promised_deadline.strftime("%Y-%m-%d") in text


def test_reviewer_approves_and_the_task_is_done(client, accept, reviewer_market):
    case = accept()
    task = task_of(case, reviewer_market.department)
    client.force_login(reviewer_market)
    response = client.post(
        reverse("cases:inbox_task_review", args=[task.pk]),
        {"decision": "approved", "opinion": "材料齐全，同意"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302 and response["Location"] == INBOX
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED and task.opinion == "材料齐全，同意"
    entry = AuditEntry.objects.get(action="complete_review", object_id=str(case.pk))
    assert entry.actor == reviewer_market and entry.client_address == "10.1.2.3"


def test_refusal_without_an_opinion_is_refused_and_the_task_stays_open(
    client, accept, reviewer_market
):
    case = accept()
    task = task_of(case, reviewer_market.department)
    client.force_login(reviewer_market)
    url = reverse("cases:inbox_task_review", args=[task.pk])
    response = client.post(url, {"decision": "refused", "opinion": "  "})
    assert response.status_code == 422
    assert "不同意时必须填写理由" in page_text(response)
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    assert not AuditEntry.objects.filter(action="complete_review").exists()

    response = client.post(url, {"decision": "refused", "opinion": "经营场所不符合要求"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.REFUSED


def test_a_reviewer_of_another_department_gets_403_and_nothing_changes(
    client, accept, fire_item, reviewer_market, fire
):
    case = accept(item=fire_item)
    task = task_of(case, fire)
    client.force_login(reviewer_market)
    assert client.get(reverse("cases:inbox_task", args=[task.pk])).status_code == 403
    for name, data in [
        ("cases:inbox_task_review", {"decision": "approved", "opinion": "同意"}),
        ("cases:inbox_task_supplement", {"reason": "缺少平面图"}),
        ("cases:inbox_task_procedure", {"kind": "hearing", "reason": "听证"}),
        ("cases:inbox_task_extension", {"days": "3", "reason": "复杂"}),
    ]:
        assert client.post(reverse(name, args=[task.pk]), data).status_code == 403
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.state == TaskState.OPEN and case.state == CaseState.IN_REVIEW
    assert not case.suspensions.exists() and not case.extensions.exists()


def test_supplement_request_stops_the_clock_and_resuming_moves_the_deadline(
    client, receive, clerk, reviewer_market
):
    with on_day(date(2025, 3, 3)):  # Monday
        case = do_accept_case(receive(), acting_user=clerk)
    task = task_of(case, reviewer_market.department)
    assert case.promised_deadline == date(2025, 3, 17)
    assert task.due_date == date(2025, 3, 10)
    client.force_login(reviewer_market)

    with on_day(date(2025, 3, 5)):  # Wednesday
        response = client.post(
            reverse("cases:inbox_task_supplement", args=[task.pk]),
            {"reason": "经营场所证明未盖章，请补正"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        task.refresh_from_db()
        assert case.state == CaseState.SUSPENDED and task.colour == Colour.PAUSED
        text = page_text(client.get(reverse("cases:inbox_task", args=[task.pk])))
        assert "暂停计时中" in text and "经营场所证明未盖章" in text
        # While the clock is stopped the department cannot answer.
        response = client.post(
            reverse("cases:inbox_task_review", args=[task.pk]), {"decision": "approved"}
        )
        assert response.status_code == 409

    suspension = case.suspensions.get()
    with on_day(date(2025, 3, 10)):  # the next Monday: Wed, Thu, Fri were stopped
        response = client.post(reverse("cases:inbox_resume", args=[suspension.pk]))
        assert response.status_code == 302
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert case.promised_deadline == date(2025, 3, 20)
    assert task.due_date == date(2025, 3, 13)
    assert task.colour != Colour.PAUSED


def test_special_procedure_needs_a_kind_a_reason_and_a_sane_date(client, accept, reviewer_market):
    case = accept()
    task = task_of(case, reviewer_market.department)
    url = reverse("cases:inbox_task_procedure", args=[task.pk])
    client.force_login(reviewer_market)

    response = client.post(url, {"kind": "inspection", "reason": "", "expected_end": ""})
    assert response.status_code == 422 and "须说明原因" in page_text(response)
    response = client.post(url, {"kind": "supplement", "reason": "核查"})
    assert response.status_code == 422
    response = client.post(url, {"kind": "inspection", "reason": "核查", "expected_end": "明天"})
    assert response.status_code == 422
    assert not case.suspensions.exists()

    end = workdays.add_workdays(case.accepted_on, 10)
    response = client.post(
        url, {"kind": "expert_review", "reason": "组织专家评审", "expected_end": end.isoformat()}
    )
    assert response.status_code == 302
    suspension = case.suspensions.get()
    assert suspension.kind == "expert_review" and suspension.expected_end == end
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED


def test_extension_requested_then_approved_by_the_head_moves_the_due_dates(
    client, accept, reviewer_market, head_market
):
    case = accept()
    task = task_of(case, reviewer_market.department)
    due, promised = task.due_date, case.promised_deadline
    client.force_login(reviewer_market)
    response = client.post(
        reverse("cases:inbox_task_extension", args=[task.pk]),
        {"days": "3", "reason": "需要会同多部门现场核查"},
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.state == ExtensionState.REQUESTED

    client.force_login(head_market)
    text = page_text(client.get(INBOX))
    assert "待审批延期" in text and "需要会同多部门现场核查" in text
    response = client.post(
        reverse("cases:inbox_extension_decide", args=[extension.pk]),
        {"approve": "1", "note": "同意"},
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    task.refresh_from_db()
    case.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED and extension.decided_by == head_market
    assert task.due_date == workdays.add_workdays(due, 3)
    assert case.promised_deadline == workdays.add_workdays(promised, 3)


def test_after_an_extension_the_case_page_shows_the_new_limit(
    client, accept, reviewer_market, head_market, clerk
):
    from onewindow.cases.actions import do_decide_extension, do_request_extension

    case = accept()
    task = task_of(case, reviewer_market.department)
    promised, legal = case.item.promised_limit_days, case.item.legal_limit_days
    extension = do_request_extension(
        task, days=3, reason="需要会同多部门现场核查", acting_user=reviewer_market
    )
    do_decide_extension(extension, approve=True, note="同意", acting_user=head_market)
    case.refresh_from_db()
    client.force_login(clerk)

    html = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    limits = dict(re.findall(r'data-limit="(\w+)">(\d+) 个工作日', html))
    assert limits == {"promised": str(promised + 3), "legal": str(legal + 3)}
    assert "（含延期 3 个工作日）" in html
    assert case.promised_deadline.strftime("%Y-%m-%d") in html
    client.force_login(reviewer_market)
    task_page = page_text(client.get(reverse("cases:inbox_task", args=[task.pk])))
    assert f"承诺 {promised + 3} 个工作日" in task_page
    assert f"本部门时限 {task.limit_days + 3} 个工作日" in task_page


def test_extension_input_errors_are_shown_and_nothing_is_requested(client, accept, reviewer_market):
    task = task_of(accept(), reviewer_market.department)
    client.force_login(reviewer_market)
    url = reverse("cases:inbox_task_extension", args=[task.pk])
    response = client.post(url, {"days": "三", "reason": "复杂"})
    assert response.status_code == 422 and "正整数" in page_text(response)
    response = client.post(url, {"days": "11", "reason": "复杂"})
    assert response.status_code == 422 and "最多延期" in page_text(response)
    response = client.post(url, {"days": "2", "reason": ""})
    assert response.status_code == 422
    assert not Extension.objects.exists()


def test_a_head_of_another_department_cannot_decide_the_extension(
    client, accept, reviewer_market, head_fire, head_market
):
    case = accept()
    task = task_of(case, reviewer_market.department)
    extension = do_request_extension(task, days=2, reason="现场核查", acting_user=reviewer_market)
    due = task.due_date
    client.force_login(head_fire)
    assert "现场核查" not in page_text(client.get(INBOX))
    response = client.post(
        reverse("cases:inbox_extension_decide", args=[extension.pk]), {"approve": "1"}
    )
    assert response.status_code == 403
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.state == ExtensionState.REQUESTED and task.due_date == due

    # Only heads see the section; a reviewer of the same department cannot decide either.
    client.force_login(reviewer_market)
    assert "待审批延期" not in page_text(client.get(INBOX))
    response = client.post(
        reverse("cases:inbox_extension_decide", args=[extension.pk]), {"approve": "1"}
    )
    assert response.status_code == 403

    client.force_login(head_market)
    response = client.post(
        reverse("cases:inbox_extension_decide", args=[extension.pk]), {"approve": "0"}
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.state == ExtensionState.REFUSED and task.due_date == due


def test_the_lead_department_decides_from_the_inbox(
    client, accept, reviewer_market, reviewer_fire, reviewer_housing, fire, housing
):
    case = accept()
    for department, user in [(fire, reviewer_fire), (housing, reviewer_housing)]:
        do_complete_review(
            task_of(case, department), decision="approved", opinion="", acting_user=user
        )
    market = reviewer_market.department
    do_complete_review(
        task_of(case, market), decision="approved", opinion="", acting_user=reviewer_market
    )
    do_complete_review(
        task_of(case, market, position=1),
        decision="approved",
        opinion="准予",
        acting_user=reviewer_market,
    )
    client.force_login(reviewer_fire)
    assert "待作出决定" not in page_text(client.get(INBOX))
    assert client.post(reverse("cases:inbox_case_decide", args=[case.pk])).status_code == 403

    client.force_login(reviewer_market)
    text = page_text(client.get(INBOX))
    assert "待作出决定" in text and case.number in text and "拟准予许可" in text
    response = client.post(reverse("cases:inbox_case_decide", args=[case.pk]), follow=True)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.decision == "approved"
    assert case.decision_number in page_text(response)
    # Deciding twice is a conflict, shown on the inbox.
    response = client.post(reverse("cases:inbox_case_decide", args=[case.pk]))
    assert response.status_code == 409


# --- scanned materials ------------------------------------------------------------------------


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def scanned_case(joint_item, citizen, clerk, settings, tmp_path):
    """An accepted joint case whose business licence was scanned at the window."""
    settings.MEDIA_ROOT = tmp_path
    lines = scanned_lines(joint_item, content=PDF)
    case = do_receive_intake(item=joint_item, applicant=citizen, materials=lines, acting_user=clerk)
    return do_accept_case(case, acting_user=clerk)


def test_a_scan_is_streamed_to_those_who_may_see_the_case(
    client, scanned_case, reviewer_market, clerk
):
    row = scanned_case.materials.get(material__name="营业执照")
    url = reverse("cases:inbox_material", args=[row.pk])
    client.force_login(reviewer_market)
    text = page_text(client.get(reverse("cases:inbox_case", args=[scanned_case.pk]), follow=True))
    assert url in text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Saved, never rendered in the platform's origin; the name is the stored one.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_a_scan_is_forbidden_to_another_department(client, scanned_case):
    police = DepartmentFactory(code="GAFJ", name="惠州市公安局惠阳分局")
    outsider = UserFactory(username="reviewer_police", role="reviewer", department=police)
    row = scanned_case.materials.get(material__name="营业执照")
    client.force_login(outsider)
    assert client.get(reverse("cases:inbox_material", args=[row.pk])).status_code == 403
    # A line without a scan has nothing to download.
    client.force_login(UserFactory(username="clerk_x", role="clerk"))
    bare = scanned_case.materials.exclude(pk=row.pk).first()
    assert client.get(reverse("cases:inbox_material", args=[bare.pk])).status_code == 404


# --- notifications ----------------------------------------------------------------------------


def test_notifications_show_a_badge_and_can_be_marked_read(
    client, accept, reviewer_market, head_market
):
    case = accept()
    do_request_extension(
        task_of(case, reviewer_market.department),
        days=2,
        reason="现场核查",
        acting_user=reviewer_market,
    )
    client.force_login(head_market)
    text = page_text(client.get(INBOX))
    assert 'class="dept-badge">1<' in text
    response = client.get(reverse("cases:notifications"))
    text = page_text(response)
    assert "延期申请" in text and case.number in text
    assert reverse("cases:inbox_case", args=[case.pk]) in text

    client.post(reverse("cases:notifications_read"))
    assert not queries.unread_notifications(head_market).exists()
    assert "dept-badge" not in page_text(client.get(INBOX))


def test_the_lead_departments_head_terminates_a_case_from_the_task_page(
    client, accepted_case, head_market, head_fire
):
    from onewindow.cases.constants import CaseState

    task = accepted_case.tasks.get(department__code="SCJGJ", stage__position=0)
    fire_task = accepted_case.tasks.get(department__code="XFJYDD", stage__position=0)
    client.force_login(head_fire)
    refused = client.post(f"/inbox/tasks/{fire_task.pk}/terminate/", {"reason": "越权"})
    accepted_case.refresh_from_db()
    assert refused.status_code == 403 and accepted_case.state == CaseState.IN_REVIEW

    client.force_login(head_market)
    page = client.get(f"/inbox/tasks/{task.pk}/")
    assert "终止办理" in page.content.decode()
    empty = client.post(f"/inbox/tasks/{task.pk}/terminate/", {"reason": " ", "confirm": "yes"})
    assert empty.status_code == 422 and "须说明原因" in empty.content.decode()
    # Terminating cannot be undone: the page's confirmation box is checked on the server.
    unconfirmed = client.post(
        f"/inbox/tasks/{task.pk}/terminate/", {"reason": "申请人提供虚假材料"}
    )
    assert unconfirmed.status_code == 422 and "此操作不可撤回" in unconfirmed.content.decode()
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.IN_REVIEW
    done = client.post(
        f"/inbox/tasks/{task.pk}/terminate/", {"reason": "申请人提供虚假材料", "confirm": "yes"}
    )

    accepted_case.refresh_from_db()
    assert done.status_code == 302 and accepted_case.state == CaseState.TERMINATED
