"""Values intake refuses rather than stores (issue 9, §3): ID numbers born after today or before
1900, names and texts with control, bidi or invisible characters (core.text), and a 容缺
supplement-by date past the legal deadline. Through the API and the window's pages; each refusal
has its status, code, message in the reader's language, and writes nothing."""

import re
from datetime import date

import pytest
import time_machine
from django.utils import timezone
from stdnum.cn import ric

from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.cases.models import Case, CaseMaterial
from onewindow.core import workdays
from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Visit
from tests.cases.test_api_intake import INTAKES, checklist, citizen_payload, material_id, statuses
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
WINDOW = "/window/"
# 00:30 on New Year's Day in Shanghai: still 31 December in UTC, so a test that judged "today"
# by the wrong clock would see a different day.
NEW_YEAR = "2027-01-01 00:30 +0800"


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


@pytest.fixture
def at_new_year(client, clerk):
    """The API as the clerk, signed in at the frozen moment (a session from the real date may
    have expired by then)."""
    with time_machine.travel(NEW_YEAR, tick=False):
        yield ApiClient(client).as_user(clerk)


def born(day, sequence=1):
    """A valid ID number (right check digit) of someone born on `day`."""
    body = f"441303{day:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def written():
    return (
        Case.objects.count(),
        CaseMaterial.objects.count(),
        AuditEntry.objects.count(),
        Visit.objects.count(),
    )


def refusal(message, loc, kind):
    return {
        "code": "invalid_input",
        "message": message,
        "detail": [{"type": kind, "loc": loc, "msg": message}],
    }


# --- birth dates in ID numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "kind", "message", "english"),
    [
        (
            date(2027, 1, 2),
            "birth_date_in_future",
            "居民身份证号码中的出生日期晚于今天",
            "The ID card number's birth date is in the future",
        ),
        (
            date(1899, 12, 31),
            "birth_date_before_1900",
            "居民身份证号码中的出生日期早于 1900 年",
            "The ID card number's birth date is before 1900",
        ),
    ],
)
def test_an_applicant_born_after_today_or_before_1900_is_refused(
    at_new_year, joint_item, birth, kind, message, english
):
    payload = citizen_payload(joint_item)
    payload["applicant"]["id_number"] = born(birth)
    before = written()

    response = at_new_year.post(INTAKES, payload)
    in_english = at_new_year.post(INTAKES, payload, **EN)

    assert response.status_code == 422
    assert response.json() == refusal(message, ["applicant.id_number"], kind)
    assert in_english.status_code == 422 and in_english.json()["message"] == english
    assert written() == before


def test_born_today_by_the_local_clock_is_accepted(at_new_year, joint_item):
    payload = citizen_payload(joint_item)
    payload["applicant"]["id_number"] = born(date(2027, 1, 1))

    response = at_new_year.post(INTAKES, payload)

    assert response.status_code == 201
    assert Case.objects.get().applicant_id_number == born(date(2027, 1, 1))


def test_a_proxy_born_after_today_is_refused(at_new_year, joint_item):
    payload = citizen_payload(
        joint_item, proxy={"name": "王芳", "id_number": born(date(2027, 3, 1))}
    )
    before = written()

    response = at_new_year.post(INTAKES, payload)

    assert response.status_code == 422
    message = "居民身份证号码中的出生日期晚于今天"
    assert response.json() == refusal(message, ["proxy.id_number"], "birth_date_in_future")
    assert written() == before


# --- names -------------------------------------------------------------------------------------

BAD_NAMES = [
    ("\u200b\u200b", "no_visible_character", "{label}没有可见的文字"),
    ("李明\x1b[2J\x1b[H", "control_character", "{label}不能含有终端转义序列（U+001B）"),
    ("李\x01明", "control_character", "{label}不能含有控制字符（U+0001）"),
    ("李明\u202egnp.exe", "bidi_control", "{label}不能含有改变文字方向的控制字符（U+202E）"),
    ("\u2067李明", "bidi_control", "{label}不能含有改变文字方向的控制字符（U+2067）"),
    ("李\u200b明", "invisible_character", "{label}不能含有不可见字符（U+200B）"),
]


@pytest.mark.parametrize(("value", "kind", "message"), BAD_NAMES)
@pytest.mark.parametrize(
    ("part", "field", "label"),
    [
        ("applicant", "name", "申请人姓名或名称"),
        ("applicant", "legal_representative", "法定代表人"),
        ("applicant", "contact_name", "联系人"),
        ("proxy", "name", "代办人姓名"),
    ],
)
def test_a_name_with_characters_unfit_to_store_is_refused(
    api, joint_item, part, field, label, value, kind, message
):
    payload = citizen_payload(joint_item, proxy={"name": "王芳", "id_number": "440103199003078274"})
    payload[part][field] = value
    before = written()

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    expected = message.format(label=label)
    assert response.json() == refusal(expected, [f"{part}.{field}"], kind)
    assert written() == before


def test_the_name_refusal_is_in_english_for_an_english_reader(api, joint_item):
    payload = citizen_payload(joint_item)
    payload["applicant"]["name"] = "\u200b"

    response = api.post(INTAKES, payload, **EN)

    assert response.status_code == 422
    assert response.json()["message"] == "The applicant's name has no visible characters"


def test_a_defect_text_with_an_escape_sequence_is_refused(api, joint_item):
    payload = citizen_payload(
        joint_item, materials=checklist(joint_item, defects={"营业执照": "复印件模糊\x1b]0;x\x07"})
    )
    before = written()

    response = api.post(INTAKES, payload)

    assert response.status_code == 422
    message = "补正原因不能含有终端转义序列（U+001B）"
    loc = ["materials", material_id(joint_item, "营业执照"), "defect"]
    assert response.json() == refusal(message, loc, "control_character")
    assert written() == before


def test_a_notice_or_refusal_reason_with_a_bidi_override_is_refused(api, receive, joint_item):
    case = receive(except_names=["营业执照"])
    before = (written(), statuses(case.pk))
    licence = material_id(joint_item, "营业执照")

    notice = api.post(
        f"/api/cases/{case.pk}/supplement-notice", {"defects": {str(licence): "缺\u202e件"}}
    )
    not_accepted = api.post(f"/api/cases/{case.pk}/not-accept", {"reason": "不符合\u2066条件"})

    assert notice.status_code == 422
    message = "补正原因不能含有改变文字方向的控制字符（U+202E）"
    assert notice.json() == refusal(message, ["defects", licence], "bidi_control")
    assert not_accepted.status_code == 422
    message = "不予受理理由不能含有改变文字方向的控制字符（U+2066）"
    assert not_accepted.json() == refusal(message, ["reason"], "bidi_control")
    assert (written(), statuses(case.pk)) == before
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_the_window_form_shows_the_name_refusal_next_to_the_field(client, clerk, joint_item):
    from tests.cases.test_window_pages import intake_data

    client.force_login(clerk)
    before = written()

    response = client.post(WINDOW, intake_data(joint_item, applicant_name="\u200b\u200b"))

    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(
        r'name="applicant_name"[^>]*>\s*<p class="field-error" role="alert">'
        r"申请人姓名或名称没有可见的文字</p>",
        page,
    )
    assert written() == before


def test_the_window_form_refuses_a_proxy_name_with_a_bidi_override(client, clerk, joint_item):
    from tests.cases.test_window_pages import intake_data

    client.force_login(clerk)
    before = written()
    data = intake_data(joint_item, proxy_name="王\u202e芳", proxy_id_number="440103199003078274")

    response = client.post(WINDOW, data)

    assert response.status_code == 422
    page = response.content.decode()
    error = "代办人姓名不能含有改变文字方向的控制字符（U+202E）"
    # In the banner at the top, and next to the field.
    assert page.rindex(error) > page.index('name="proxy_name"')
    assert written() == before


# --- the 容缺 supplement-by date ------------------------------------------------------------------

MONDAY = "2026-03-02 09:00 +0800"


def legal_deadline(item):
    """The item's legal deadline for a case accepted today, by the project's own clock."""
    return workdays.deadline(
        timezone.localdate(), item.legal_limit_days, suspensions=(), extension_days=0
    )


def test_a_supplement_by_date_after_the_legal_deadline_is_refused(api, receive, joint_item):
    with time_machine.travel(MONDAY, tick=False):
        case = receive(except_names=["消防安全承诺书"])
        before = (written(), statuses(case.pk))
        deadline = legal_deadline(joint_item)
        late = date(deadline.year + 3, 1, 5).isoformat()

        response = api.post(f"/api/cases/{case.pk}/accept", {"supplement_due": late})
        in_english = api.post(f"/api/cases/{case.pk}/accept", {"supplement_due": late}, **EN)

    assert response.status_code == 422
    message = f"容缺补齐期限不能晚于法定办结期限 {deadline.isoformat()}"
    assert response.json() == refusal(message, ["supplement_due"], "after_legal_deadline")
    assert in_english.json()["message"] == (
        f"The supplement-by date cannot be later than the legal deadline, {deadline.isoformat()}"
    )
    assert (written(), statuses(case.pk)) == before
    refreshed = Case.objects.get(pk=case.pk)
    assert refreshed.state == CaseState.SUBMITTED and not refreshed.number


def test_the_legal_deadline_itself_is_a_valid_supplement_by_date(api, receive, joint_item):
    with time_machine.travel(MONDAY, tick=False):
        case = receive(except_names=["消防安全承诺书"])
        deadline = legal_deadline(joint_item).isoformat()

        response = api.post(f"/api/cases/{case.pk}/accept", {"supplement_due": deadline})

    assert response.status_code == 200
    assert response.json()["supplement_due"] == deadline
    assert statuses(case.pk)["消防安全承诺书"] == MaterialStatus.TOLERATED


def test_the_default_supplement_by_date_never_passes_the_legal_deadline(
    api, receive, joint_item, settings
):
    settings.ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS = joint_item.legal_limit_days + 30
    with time_machine.travel(MONDAY, tick=False):
        case = receive(except_names=["消防安全承诺书"])
        deadline = legal_deadline(joint_item).isoformat()

        response = api.post(f"/api/cases/{case.pk}/accept")

    assert response.status_code == 200
    assert response.json()["supplement_due"] == deadline


def test_the_window_form_shows_a_late_supplement_by_date_next_to_the_field(
    client, clerk, joint_item
):
    from tests.cases.test_window_pages import intake_data

    client.force_login(clerk)
    with time_machine.travel(MONDAY, tick=False):
        before = written()
        deadline = legal_deadline(joint_item)
        data = intake_data(
            joint_item,
            outcome="accept_tolerated",
            missing=["消防安全承诺书"],
            supplement_due=date(deadline.year + 1, 6, 1).isoformat(),
        )

        response = client.post(WINDOW, data)

    assert response.status_code == 422
    page = response.content.decode()
    error = f"容缺补齐期限不能晚于法定办结期限 {deadline.isoformat()}"
    assert page.rindex(error) > page.index('name="supplement_due"')
    assert written() == before
