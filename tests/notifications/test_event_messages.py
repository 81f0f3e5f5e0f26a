"""The case events tell the applicant: the one-time supplement notice, a clock stop and its end,
an approved extension (Art. 42: with its reason); supervision cards go to staff once per event."""

import pytest

from onewindow.cases.actions import (
    do_decide_extension,
    do_end_suspension,
    do_issue_supplement_notice,
    do_refresh_colours,
    do_request_extension,
    do_request_supplement,
    do_send_colour_notices,
    do_start_special_procedure,
)
from onewindow.cases.actions.common import announce_case_colour
from onewindow.cases.constants import Colour
from onewindow.notifications.constants import MessageChannel
from onewindow.notifications.models import Notification, OutboundMessage

pytestmark = pytest.mark.django_db


def sms_texts(case, template):
    return list(
        OutboundMessage.objects.filter(case=case, template=template, channel=MessageChannel.SMS)
        .order_by("id")
        .values_list("body", flat=True)
    )


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def market_task(case):
    return case.tasks.get(department__code="SCJGJ", stage__position=0)


def test_the_one_time_notice_lists_every_material_once(receive, clerk):
    case = receive(except_names=("营业执照", "经营场所证明"))
    application_form = case.materials.get(material__name="开业联办申请表")
    do_issue_supplement_notice(
        case, defects={application_form.material_id: "未签名"}, acting_user=clerk
    )
    [text] = sms_texts(case, "supplement_notice")
    assert text.startswith("【惠阳区政务服务】您申请的“餐饮服务开业联办”材料不齐全")
    listed = text.split("后到窗口办理：")[1].rstrip("。").split("；")
    assert sorted(listed) == sorted(["开业联办申请表（未签名）", "营业执照", "经营场所证明"])
    # The same notice again (a double click): told once.
    do_issue_supplement_notice(
        case, defects={application_form.material_id: "未签名"}, acting_user=clerk
    )
    assert len(sms_texts(case, "supplement_notice")) == 1


def test_a_special_procedure_and_its_end_are_told(accepted_case, reviewer_market):
    suspension = do_start_special_procedure(
        market_task(accepted_case),
        kind="expert_review",
        reason="组织专家评审",
        expected_end=None,
        acting_user=reviewer_market,
    )
    [stopped] = sms_texts(accepted_case, "suspended")
    assert f"您的办件{accepted_case.number}进入专家评审程序：组织专家评审" in stopped
    assert "不计入办理时限" in stopped

    do_end_suspension(suspension, acting_user=reviewer_market)
    accepted_case.refresh_from_db()
    [resumed] = sms_texts(accepted_case, "resumed")
    assert resumed == (
        f"【惠阳区政务服务】您的办件{accepted_case.number}已恢复办理，"
        f"承诺办结日期{chinese_date(accepted_case.promised_deadline)}。"
    )


def test_a_supplement_request_says_what_to_bring(accepted_case, reviewer_market):
    do_request_supplement(
        market_task(accepted_case), reason="补交租赁合同原件", acting_user=reviewer_market
    )
    [text] = sms_texts(accepted_case, "suspended")
    assert "需补正材料：补交租赁合同原件" in text and "请到窗口补交" in text
    # The public progress page says that the applicant was told, not the department's reason.
    inbox = OutboundMessage.objects.get(
        case=accepted_case, template="suspended", channel=MessageChannel.IN_APP
    )
    assert "补交租赁合同原件" not in inbox.body and "需补正材料：（详见短信）" in inbox.body


def test_an_approved_extension_is_told_with_its_reason(accepted_case, reviewer_market, head_market):
    extension = do_request_extension(
        market_task(accepted_case), days=5, reason="需现场核查", acting_user=reviewer_market
    )
    assert sms_texts(accepted_case, "extended") == []  # a request is not yet news
    do_decide_extension(extension, approve=True, acting_user=head_market)
    accepted_case.refresh_from_db()
    [text] = sms_texts(accepted_case, "extended")
    assert f"您的办件{accepted_case.number}经负责人批准延长5个工作日，理由：需现场核查" in text
    assert chinese_date(accepted_case.promised_deadline) in text


def test_a_refused_extension_tells_the_applicant_nothing(
    accepted_case, reviewer_market, head_market
):
    extension = do_request_extension(
        market_task(accepted_case), days=5, reason="需现场核查", acting_user=reviewer_market
    )
    do_decide_extension(extension, approve=False, acting_user=head_market)
    assert sms_texts(accepted_case, "extended") == []


def test_a_colour_card_announced_twice_is_told_once_in_the_grouped_notice(
    accepted_case, supervisor, market
):
    accepted_case.colour = Colour.RED
    announce_case_colour(accepted_case, Colour.YELLOW, Colour.RED)
    announce_case_colour(accepted_case, Colour.YELLOW, Colour.RED)
    assert do_send_colour_notices() == 2
    cards = Notification.objects.filter(kind="colour_changes")
    assert sorted((n.department_id or 0, n.recipient_id or 0) for n in cards) == sorted(
        [(market.pk, 0), (0, supervisor.pk)]
    )
    for card in cards:
        assert (
            card.text
            == f"监察状态变化 1 件：{accepted_case.number} 办件超期（红牌）（到期 {accepted_case.promised_deadline}）"
        )


def test_the_supervision_task_tells_staff_in_app_not_through_the_applicant_outbox(
    accepted_case, supervisor
):
    from datetime import timedelta

    result = do_refresh_colours(on=accepted_case.promised_deadline + timedelta(days=1))
    assert result["cases"] == 1
    assert do_send_colour_notices() == 4  # three departments and the supervisor
    assert not OutboundMessage.objects.filter(case=accepted_case, template="red_card").exists()
    assert Notification.objects.filter(kind="colour_changes", recipient=supervisor).count() == 1
