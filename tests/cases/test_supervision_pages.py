"""Electronic supervision pages: the board of yellow and red cases, pressing (督办), the audit
trail, the Art. 32 list of undecided intakes, and the read-only admin."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onewindow.cases.actions import do_accept_case, do_refresh_colours
from onewindow.cases.constants import CaseState, Colour
from onewindow.cases.models import Case
from onewindow.core import workdays
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import Notification
from tests.factories import ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARD = "/supervision/"


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def flagged(receive, clerk, market, fire):
    """Market leads one yellow and one red case, fire one red case (as of the joint deadline)."""
    food = ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        promised_limit_days=5,
        flow=[[(market, 5)]],
    )
    fire_check = ServiceItemFactory(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        lead_department=fire,
        promised_limit_days=3,
        flow=[[(fire, 3)]],
    )
    joint = do_accept_case(receive(), acting_user=clerk)
    food_case = do_accept_case(receive(item=food), acting_user=clerk)
    fire_case = do_accept_case(receive(item=fire_check), acting_user=clerk)
    do_refresh_colours(on=joint.promised_deadline)
    for case in (joint, food_case, fire_case):
        case.refresh_from_db()
    assert (joint.colour, food_case.colour, fire_case.colour) == (
        Colour.YELLOW,
        Colour.RED,
        Colour.RED,
    )
    return {"joint": joint, "food": food_case, "fire": fire_case}


def test_the_board_counts_yellow_and_red_cases_by_department(client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(BOARD)
    assert response.status_code == 200
    # The cases' table by lead department (the tasks' table by reviewing department follows).
    html = response.content.decode().split('class="dept-table dept-task-counts"')[0]
    rows = {
        name: (int(red), int(yellow))
        for name, red, yellow in re.findall(
            r'<th scope="row">([^<]+)</th><td class="num is-red">(\d+)</td>'
            r'<td class="num is-yellow">(\d+)</td>',
            html,
        )
    }
    assert rows == {
        "惠州市惠阳区市场监督管理局": (1, 1),
        "惠州市惠阳区消防救援大队": (1, 0),
    }
    for case in flagged.values():
        assert case.number in html
        assert case.promised_deadline.strftime("%Y-%m-%d") in html
    # The chart's data and ECharts itself are on this page.
    assert 'id="board-data"' in html and "vendor/echarts.min.js" in html


def test_echarts_is_loaded_only_on_the_board(client, reviewer_market):
    client.force_login(reviewer_market)
    assert "echarts" not in client.get("/inbox/").content.decode()


def test_only_supervisors_see_the_board(client, reviewer_market, head_market, clerk):
    assert client.get(BOARD).status_code == 302
    for user in (reviewer_market, head_market, clerk):
        client.force_login(user)
        assert client.get(BOARD).status_code == 403


def test_the_board_query_count_does_not_grow_with_the_cases(
    client, supervisor, flagged, receive, clerk, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as few:
        client.get(BOARD)
    for _ in range(4):
        do_accept_case(receive(), acting_user=clerk)
    do_refresh_colours(on=flagged["joint"].promised_deadline)
    with CaptureQueriesContext(connection) as more:
        response = client.get(BOARD)
    cases_table = response.content.decode().split('class="dept-table dept-flagged-tasks"')[0]
    assert cases_table.count('class="dept-row') == 7
    assert len(more) == len(few)
    # Three of them: the stuck background work (decided not issued, unsent, unbooked).
    with django_assert_max_num_queries(15):
        client.get(BOARD)


def test_pressing_a_case_notifies_its_departments_and_is_recorded(
    client, supervisor, flagged, market, fire, housing
):
    case = flagged["joint"]
    client.force_login(supervisor)
    response = client.post(
        reverse("cases:supervision_press", args=[case.pk]),
        {"message": "请今日内说明办理进展"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    pressed = Notification.objects.filter(kind="press", case=case)
    assert {n.department_id for n in pressed} == {market.pk, fire.pk, housing.pk}
    assert all("请今日内说明办理进展" in n.text for n in pressed)
    entry = AuditEntry.objects.get(action="press_case", object_id=str(case.pk))
    assert entry.actor == supervisor and entry.actor_role == "supervisor"
    assert entry.reason == "请今日内说明办理进展" and entry.client_address == "192.0.2.10"
    assert "已督办 1 次" in page_text(client.get(BOARD))


def test_pressing_needs_a_message_and_a_supervisor(client, supervisor, reviewer_market, flagged):
    case = flagged["joint"]
    url = reverse("cases:supervision_press", args=[case.pk])
    client.force_login(supervisor)
    response = client.post(url, {"message": " "})
    assert response.status_code == 422 and "督办须填写内容" in page_text(response)
    client.force_login(reviewer_market)
    assert client.post(url, {"message": "快办"}).status_code == 403
    assert not Notification.objects.filter(kind="press").exists()
    assert not AuditEntry.objects.filter(action="press_case").exists()


def test_the_audit_trail_shows_who_did_what_from_where(
    client, supervisor, flagged, clerk, reviewer_market
):
    case = flagged["food"]
    client.force_login(supervisor)
    client.post(
        reverse("cases:supervision_press", args=[case.pk]),
        {"message": "超期，请说明原因"},
        REMOTE_ADDR="192.0.2.7",
    )
    response = client.get(reverse("cases:supervision_audit", args=[case.pk]))
    assert response.status_code == 200
    text = page_text(response)
    for expected in ("收件", "受理", "督办", "超期，请说明原因", "192.0.2.7", "电子监察"):
        assert expected in text
    assert str(clerk) in text and "综合窗口受理人员" in text
    assert "已受理" in text and "审查中" in text
    # It is only a page to read: no form posts anywhere from it.
    assert 'method="post" action="/supervision' not in response.content.decode()


def test_the_audit_trail_is_for_supervisors_only(client, flagged, reviewer_market, clerk):
    url = reverse("cases:supervision_audit", args=[flagged["joint"].pk])
    for user in (reviewer_market, clerk):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_intakes_undecided_for_five_working_days_are_listed(client, supervisor, receive):
    today = timezone.localdate()
    old_day = today
    while workdays.workdays_between(old_day, today) < 6:
        old_day -= timedelta(days=1)
    with time_machine.travel(
        datetime(old_day.year, old_day.month, old_day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    ):
        old = receive()
    Case.objects.filter(pk=old.pk).update(applicant_name="王五")  # names to find them by
    Case.objects.filter(pk=receive().pk).update(applicant_name="赵六")  # received today

    client.force_login(supervisor)
    text = page_text(client.get(BOARD))
    assert "王五" in text and "赵六" not in text
    assert old_day.strftime("%Y-%m-%d") in text
    assert old.state == CaseState.SUBMITTED


# --- the admin is read-only ---------------------------------------------------------------------


def test_nobody_can_add_change_or_delete_cases_in_the_admin(client, flagged):
    admin = UserFactory(username="root", role="", is_staff=True, is_superuser=True)
    case = flagged["joint"]
    client.force_login(admin)
    assert client.get("/admin/cases/case/").status_code == 200
    change_url = f"/admin/cases/case/{case.pk}/change/"
    response = client.get(change_url)
    assert response.status_code == 200 and case.number in response.content.decode()
    assert client.get("/admin/cases/case/add/").status_code == 403
    assert client.get(f"/admin/cases/case/{case.pk}/delete/").status_code == 403
    assert client.post(change_url, {"applicant_name": "篡改"}).status_code == 403
    case.refresh_from_db()
    assert case.applicant_name == "李明"
    for model in ("cases/reviewtask", "cases/suspension", "cases/extension"):
        assert client.get(f"/admin/{model}/").status_code == 200
        assert client.get(f"/admin/{model}/add/").status_code == 403
    # Staff notices moved to the notifications app, read-only there too.
    assert client.get("/admin/notifications/notification/").status_code == 200
    assert client.get("/admin/notifications/notification/add/").status_code == 403
