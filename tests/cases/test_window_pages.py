"""The comprehensive window pages: the clerk's workspace, continuing an intake, the case page and
the printable notices, through the Django test client."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases.actions import (
    do_complete_review,
    do_decide_case,
    do_issue_supplement_notice,
)
from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.cases.models import Case, CaseMaterial
from onewindow.cases.queries import art32_cutoff
from onewindow.core import workdays
from tests import scans
from tests.cases.conftest import CITIZEN_ID, ENTERPRISE_CODE
from tests.factories import ServiceItemFactory, UserFactory
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db

WINDOW = "/window/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = scans.pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def materials(item):
    return {m.name: m for m in item.materials.all()}


def intake_data(item, *, outcome="accept", missing=(), defects=None, **fields):
    """The workspace form as a clerk fills it: every material ticked except `missing`."""
    data = {
        "item": item.pk,
        "applicant_kind": "citizen",
        "applicant_name": "李明",
        "applicant_id_number": CITIZEN_ID,
        "applicant_phone": "13800138000",
        "outcome": outcome,
        "idempotency_key": "",
    }
    for material in item.materials.all():
        prefix = f"m{material.pk}"
        if material.name not in missing:
            data[f"{prefix}-received"] = "on"
        data[f"{prefix}-form"] = material.form
        data[f"{prefix}-copies"] = str(material.copies)
        data[f"{prefix}-defect"] = (defects or {}).get(material.name, "")
    data.update(fields)
    return data


def text(response):
    return response.content.decode()


# --- who may use the window ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(WINDOW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["reviewer_market", "supervisor", "head_market"])
def test_other_roles_get_403_with_a_clear_message(client, persona, request, accepted_case):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        WINDOW,
        f"{WINDOW}items/?q=cy",
        f"/window/cases/{accepted_case.pk}/",
        f"/window/cases/{accepted_case.pk}/acceptance-notice/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "仅限综合窗口受理人员" in text(response)
        # One language, the reader's: no English line under the Chinese.
        assert "clerks" not in text(response)
    english = client.get(WINDOW, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403
    assert "comprehensive-window clerks" in text(english) and "仅限" not in text(english)


def test_other_roles_cannot_post_an_intake(client, reviewer_market, joint_item):
    client.force_login(reviewer_market)
    response = client.post(WINDOW, intake_data(joint_item))
    assert response.status_code == 403
    assert not Case.objects.exists()


# --- finding the item ---------------------------------------------------------------------------


def test_the_item_search_finds_items_by_pinyin_initials(at_window, joint_item):
    response = at_window.get(f"{WINDOW}items/", {"q": "cyfw"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "餐饮服务开业联办" in text(response)
    assert reverse("cases:item_checklist", args=[joint_item.pk]) in text(response)


def test_the_checklist_lists_each_material_with_its_requirement(at_window, joint_item):
    response = at_window.get(reverse("cases:item_checklist", args=[joint_item.pk]))
    page = text(response)
    assert response.status_code == 200
    for name in materials(joint_item):
        assert name in page
    assert "req-badge-tolerated" in page and "req-badge-optional" in page
    assert 'value="accept_tolerated"' in page
    assert 'hx-swap-oob="true"' in page  # the chosen item card beside the search box


def test_an_on_the_spot_item_says_it_is_decided_at_once(at_window, market):
    item = ServiceItemFactory(
        name="个体工商户营业执照核发", is_on_the_spot=True, lead_department=market
    )
    page = text(at_window.get(reverse("cases:item_checklist", args=[item.pk])))
    assert "受理并当场办结" in page


# --- accepting ----------------------------------------------------------------------------------


def test_accepting_creates_a_case_and_shows_the_acceptance_notice(at_window, joint_item, clerk):
    response = at_window.post(WINDOW, intake_data(joint_item))
    case = Case.objects.get()
    assert case.state == CaseState.IN_REVIEW and case.number
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:acceptance_notice", args=[case.pk])

    notice = text(at_window.get(response["Location"]))
    assert "受理通知书" in notice
    assert case.number in notice and "餐饮服务开业联办" in notice
    assert "110105********002X" in notice and CITIZEN_ID not in notice
    assert f"{case.promised_deadline:%Y}年{case.promised_deadline.month}月" in notice
    assert "惠阳区政务服务中心" in notice and clerk.full_name in notice
    assert '<svg width="' in notice and 'class="qr"' in notice
    assert f"/progress/?number={case.number}" in notice
    assert "@page" not in notice or "size: A4" in notice


def test_an_enterprise_applicant_with_a_proxy(at_window, joint_item):
    data = intake_data(
        joint_item,
        applicant_kind="enterprise",
        applicant_name="惠州市惠阳区示例餐饮有限公司",
        applicant_id_number=ENTERPRISE_CODE,
        legal_representative="王强",
        contact_name="赵敏",
        proxy_name="周杰",
        proxy_id_number=CITIZEN_ID,
        proxy_phone="13900139000",
    )
    response = at_window.post(WINDOW, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.applicant_kind, case.legal_representative, case.proxy_name) == (
        "enterprise",
        "王强",
        "周杰",
    )


def test_an_enterprises_representative_id_is_recorded_from_the_page_and_shown_masked(
    at_window, joint_item
):
    data = intake_data(
        joint_item,
        applicant_kind="enterprise",
        applicant_name="惠州市惠阳区示例餐饮有限公司",
        applicant_id_number=ENTERPRISE_CODE,
        legal_representative="王强",
        legal_representative_id_number="１１０１０５１９４９１２３１００２ｘ",  # full-width, as typed
    )
    response = at_window.post(WINDOW, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.legal_representative_id_number == CITIZEN_ID
    page = at_window.get(f"/window/cases/{case.pk}/").content.decode()
    assert "法定代表人 王强 110105********002X" in page and CITIZEN_ID not in page


def test_an_invalid_representative_id_is_shown_at_its_field_and_nothing_is_created(
    at_window, joint_item
):
    data = intake_data(
        joint_item,
        applicant_kind="enterprise",
        applicant_name="惠州市惠阳区示例餐饮有限公司",
        applicant_id_number=ENTERPRISE_CODE,
        legal_representative="王强",
        legal_representative_id_number=CITIZEN_ID[:-1] + "1",
    )
    response = at_window.post(WINDOW, data)
    assert response.status_code == 422
    assert response.context["applicant_form"].errors["legal_representative_id_number"]
    assert not Case.objects.exists()


def test_an_invalid_id_number_is_422_with_the_message_and_nothing_is_created(at_window, joint_item):
    wrong_check_digit = CITIZEN_ID[:-1] + "1"
    response = at_window.post(
        WINDOW, intake_data(joint_item, applicant_id_number=wrong_check_digit)
    )
    page = text(response)
    assert response.status_code == 422
    assert "居民身份证号码校验位错误" in page
    # The message sits next to the field, and nothing typed is lost.
    assert re.search(r'id_applicant_id_number"[^>]*>\s*<p class="field-error"', page) or (
        page.index("校验位错误") > page.index('name="applicant_id_number"')
    )
    assert f'value="{wrong_check_digit}"' in page and 'value="李明"' in page
    assert 'value="13800138000"' in page
    assert page.count("checked") >= len(materials(joint_item))
    assert not Case.objects.exists()


def test_a_missing_required_material_is_listed_and_nothing_is_accepted(at_window, joint_item):
    response = at_window.post(WINDOW, intake_data(joint_item, missing=["营业执照"]))
    page = text(response)
    assert response.status_code == 422
    assert "缺少必要材料，不能受理：营业执照" in page
    assert "必要材料未收取" in page  # next to the line in the checklist
    assert not Case.objects.exists()


def test_accepting_with_a_tolerated_material_missing_asks_for_tolerated_acceptance(
    at_window, joint_item
):
    response = at_window.post(WINDOW, intake_data(joint_item, missing=["消防安全承诺书"]))
    assert response.status_code == 422
    assert "容缺受理" in text(response) and "消防安全承诺书" in text(response)
    assert not Case.objects.exists()


def test_tolerated_acceptance_sets_the_supplement_date(at_window, joint_item):
    due = workdays.add_workdays(date.today(), 3)
    data = intake_data(
        joint_item,
        outcome="accept_tolerated",
        missing=["消防安全承诺书"],
        supplement_due=due.isoformat(),
    )
    response = at_window.post(WINDOW, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.supplement_due == due and case.number
    row = case.materials.get(material__name="消防安全承诺书")
    assert row.status == MaterialStatus.TOLERATED
    notice = text(at_window.get(response["Location"]))
    assert "容缺后补材料" in notice and "消防安全承诺书" in notice
    assert f"{due.year}年{due.month}月{due.day}日" in notice


def test_tolerated_acceptance_with_a_required_material_missing_is_refused(at_window, joint_item):
    data = intake_data(
        joint_item,
        outcome="accept_tolerated",
        missing=["消防安全承诺书", "经营场所证明"],
        supplement_due=workdays.add_workdays(date.today(), 3).isoformat(),
    )
    response = at_window.post(WINDOW, data)
    assert response.status_code == 422
    assert "经营场所证明" in text(response)
    assert not Case.objects.exists()


def test_a_double_submitted_form_makes_one_case(at_window, joint_item):
    data = intake_data(joint_item, idempotency_key="5f0c2b1a")
    first = at_window.post(WINDOW, data)
    second = at_window.post(WINDOW, data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


# --- one-time notice and not accepted -----------------------------------------------------------


def test_the_one_time_notice_lists_every_missing_and_defective_material(at_window, joint_item):
    data = intake_data(
        joint_item,
        outcome="notice",
        missing=["营业执照", "消防安全承诺书", "食品安全管理制度"],
        defects={"经营场所证明": "租赁合同未盖章"},
    )
    response = at_window.post(WINDOW, data)
    case = Case.objects.get()
    assert case.state == CaseState.NEEDS_SUPPLEMENT and case.number is None
    assert response["Location"] == reverse("cases:supplement_notice", args=[case.pk])

    notice = text(at_window.get(response["Location"]))
    assert "补正材料一次性告知书" in notice
    assert "第三十二条" in notice and "一次告知申请人需要补正的全部内容" in notice
    listed = notice[notice.index("需补正的内容") : notice.index("告知事项")]
    for name in ("营业执照", "消防安全承诺书", "经营场所证明"):
        assert name in listed
    assert "租赁合同未盖章" in listed
    assert "食品安全管理制度" not in listed  # optional: not asked for
    assert "开业联办申请表" in notice  # listed as already received


def test_a_received_material_with_a_defect_cannot_be_accepted(at_window, joint_item):
    data = intake_data(joint_item, defects={"营业执照": "已过有效期"})
    response = at_window.post(WINDOW, data)
    assert response.status_code == 422
    assert "一次性告知书" in text(response)
    assert not Case.objects.exists()


def test_not_accepted_gives_the_reason_and_the_remedies(at_window, joint_item):
    data = intake_data(
        joint_item, outcome="not_accept", not_accept_reason="申请事项不属于本机关职权范围"
    )
    response = at_window.post(WINDOW, data)
    case = Case.objects.get()
    assert case.state == CaseState.NOT_ACCEPTED
    notice = text(at_window.get(response["Location"]))
    assert "不予受理通知书" in notice and "申请事项不属于本机关职权范围" in notice
    assert "60 日内" in notice and "《中华人民共和国行政复议法》" in notice
    assert "6 个月内" in notice and "《中华人民共和国行政诉讼法》" in notice
    assert "惠阳区人民政府" in notice


def test_not_accepting_without_a_reason_is_422(at_window, joint_item):
    response = at_window.post(WINDOW, intake_data(joint_item, outcome="not_accept"))
    assert response.status_code == 422
    assert "不予受理须说明理由" in text(response)
    assert not Case.objects.exists()


# --- uploads ------------------------------------------------------------------------------------


def test_a_disguised_upload_is_415_and_nothing_is_saved(at_window, joint_item, _media):
    licence = materials(joint_item)["营业执照"]
    data = intake_data(joint_item)
    data[f"m{licence.pk}-scan"] = SimpleUploadedFile(
        "营业执照.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )
    response = at_window.post(WINDOW, data)
    assert response.status_code == 415
    assert "按内容识别" in text(response)
    assert not Case.objects.exists()
    assert not _media.exists() or not any(_media.rglob("*.*"))


def test_a_real_scan_is_stored_with_its_hash(at_window, joint_item):
    licence = materials(joint_item)["营业执照"]
    data = intake_data(joint_item)
    data[f"m{licence.pk}-scan"] = SimpleUploadedFile("licence.PDF", PDF)
    assert at_window.post(WINDOW, data).status_code == 302
    row = CaseMaterial.objects.get(material=licence)
    assert row.content_type == "application/pdf" and len(row.sha256) == 64
    assert row.file.read() == PDF


# --- my open intakes, Art. 32, continuing -------------------------------------------------------


def _travel(day):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False
    )


def test_art32_cutoff_counts_back_five_working_days_over_holidays():
    # National Day 2025: 1–8 October off, Sunday 28 September worked.
    assert art32_cutoff(date(2025, 10, 10)) == date(2025, 9, 27)
    # Friday 14 November: Monday to Friday that week are the five days; anything received by the
    # Sunday before (so the Friday before, in practice) is flagged.
    assert art32_cutoff(date(2025, 11, 14)) == date(2025, 11, 9)


def test_open_intakes_are_listed_and_flagged_after_five_working_days(
    at_window, receive, clerk, joint_item
):
    today = date(2025, 11, 14)
    with _travel(today - timedelta(days=9)):
        old = receive(except_names=["营业执照"])
        do_issue_supplement_notice(old, defects={}, acting_user=clerk)
    with _travel(today):
        fresh = receive(except_names=["营业执照"])
        do_issue_supplement_notice(fresh, defects={}, acting_user=clerk)
        page = text(at_window.get(WINDOW))
    assert page.count("餐饮服务开业联办") >= 2
    assert reverse("cases:continue_intake", args=[old.pk]) in page
    flagged = re.findall(r'class="intake-row is-art32" href="/window/intakes/(\d+)/"', page)
    assert flagged == [str(old.pk)]
    assert "第三十二条" in page


def test_other_clerks_overdue_intakes_are_flagged_too(at_window, receive, clerk2, joint_item):
    with _travel(date(2025, 11, 3)):
        theirs = receive(acting_user=clerk2, except_names=["营业执照"])
    with _travel(date(2025, 11, 14)):
        page = text(at_window.get(WINDOW))
    assert "其他窗口超期未决定" in page
    assert reverse("cases:continue_intake", args=[theirs.pk]) in page


def test_the_applicant_comes_back_and_the_same_intake_is_accepted(at_window, joint_item):
    at_window.post(WINDOW, intake_data(joint_item, outcome="notice", missing=["营业执照"]))
    case = Case.objects.get()
    url = reverse("cases:continue_intake", args=[case.pk])
    page = text(at_window.get(url))
    assert "继续办理收件" in page and "营业执照" in page

    data = intake_data(joint_item)
    data.pop("item")
    response = at_window.post(url, data)
    case.refresh_from_db()
    assert response.status_code == 302
    assert case.state == CaseState.IN_REVIEW and case.number
    assert Case.objects.count() == 1


def test_continuing_with_the_material_still_missing_keeps_the_intake(at_window, joint_item):
    at_window.post(WINDOW, intake_data(joint_item, outcome="notice", missing=["营业执照"]))
    case = Case.objects.get()
    data = intake_data(joint_item, missing=["营业执照"])
    response = at_window.post(reverse("cases:continue_intake", args=[case.pk]), data)
    case.refresh_from_db()
    assert response.status_code == 422
    assert case.state == CaseState.NEEDS_SUPPLEMENT and case.number is None


# --- the case page ------------------------------------------------------------------------------


def test_the_case_page_shows_stages_departments_deadlines_and_opinions(
    at_window, accepted_case, reviewer_market
):
    task = accepted_case.tasks.get(department__code="SCJGJ", stage__position=0)
    do_complete_review(
        task, decision="approved", opinion="经营范围核验无误", acting_user=reviewer_market
    )
    page = text(at_window.get(reverse("cases:case", args=[accepted_case.pk])))
    assert accepted_case.number in page
    for name in (
        "惠州市惠阳区市场监督管理局",
        "惠州市惠阳区消防救援大队",
        "惠州市惠阳区住房和城乡建设局",
    ):
        assert name in page
    assert "经营范围核验无误" in page and "并联审批" in page
    assert f"{accepted_case.promised_deadline:%Y-%m-%d}" in page


def _decide_all(case, reviewers):
    for task in case.tasks.filter(stage__position=0):
        do_complete_review(
            task, decision="approved", opinion="同意", acting_user=reviewers[task.department.code]
        )
    do_complete_review(
        case.tasks.get(stage__position=1),
        decision="approved",
        opinion="准予",
        acting_user=reviewers["SCJGJ"],
    )
    do_decide_case(case, acting_user=reviewers["SCJGJ"])


def test_collection_waits_for_the_tolerated_materials(
    at_window, joint_item, reviewer_market, reviewer_fire, reviewer_housing
):
    due = workdays.add_workdays(date.today(), 3)
    at_window.post(
        WINDOW,
        intake_data(
            joint_item,
            outcome="accept_tolerated",
            missing=["消防安全承诺书"],
            supplement_due=due.isoformat(),
        ),
    )
    case = Case.objects.get()
    _decide_all(case, {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing})
    page_url = reverse("cases:case", args=[case.pk])
    page = text(at_window.get(page_url))
    assert "补收容缺材料" in page and "容缺材料补齐后才能出件" in page

    assert at_window.post(reverse("delivery:issue_result", args=[case.pk])).status_code == 302
    hand_over = reverse("delivery:hand_over", args=[case.pk])
    form = {
        "pickup_code": sent_code(case),
        "collector_kind": "applicant",
        "collector_name": "李明",
        "collector_id_number": case.applicant_id_number,
    }
    blocked = at_window.post(hand_over, form)
    assert blocked.status_code == 409
    assert "容缺材料尚未补齐" in text(blocked)

    tolerated = materials(joint_item)["消防安全承诺书"]
    received = at_window.post(
        reverse("cases:receive_tolerated", args=[case.pk]), {"material_ids": [tolerated.pk]}
    )
    assert received.status_code == 302
    collected = at_window.post(hand_over, form)
    assert collected.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "李明"


def test_withdrawal_needs_a_reason(at_window, accepted_case):
    url = reverse("cases:withdraw", args=[accepted_case.pk])
    assert at_window.post(url, {"reason": ""}).status_code == 422
    response = at_window.post(url, {"reason": "申请人书面申请撤回"})
    accepted_case.refresh_from_db()
    assert response.status_code == 302
    assert (
        accepted_case.state == CaseState.WITHDRAWN and accepted_case.reason == "申请人书面申请撤回"
    )


def test_a_superuser_may_use_the_window(client, joint_item):
    client.force_login(UserFactory(username="root", role="", is_superuser=True, is_staff=True))
    assert client.get(WINDOW).status_code == 200
