"""Every message template renders with its values, in Chinese; unknown templates and missing
values are refused at once."""

from datetime import date

import pytest

from onewindow.notifications.texts import (
    APPLICANT_TEMPLATES,
    STAFF_TEMPLATES,
    applicant_texts,
    render,
    require_context,
)

# Per template: a value for each of its keys, chosen to be found back in the text.
APPLICANT_VALUES = {
    "accepted": {"deadline": date(2026, 12, 15)},
    "supplement_notice": {"materials": "营业执照（复印件不清晰）；消防安全承诺书（缺少）"},
    "suspended": {"reason": "组织专家评审", "kind": "专家评审", "supplement": False},
    "resumed": {"deadline": date(2026, 12, 22)},
    "extended": {"days": 10, "reason": "需现场核查", "deadline": date(2027, 1, 5)},
    "decided": {"decision": "准予许可"},
    "ready_for_pickup": {"place": "惠阳区政务服务中心3号窗口", "code": "482913"},
    "locker_code": {
        "locker": "淡水街道取件柜",
        "compartment": "A07",
        "code": "650214",
        "until": "12月18日",
    },
    "locker_reminder": {"locker": "淡水街道取件柜", "compartment": "A07", "until": "12月18日"},
    "shipped": {"tracking_number": "EM1234567890CN"},
    "delivered": {},
}
# How the dates above are written in a Chinese SMS.
DATES = {
    date(2026, 12, 15): "2026年12月15日",
    date(2026, 12, 22): "2026年12月22日",
    date(2027, 1, 5): "2027年1月5日",
}
ALWAYS = {
    "region": "惠阳区",
    "number": "44130320261201000007",
    "item": "餐饮服务开业联办",
    "applicant": "李明",
}


def expected(value):
    if isinstance(value, bool):
        return None
    return DATES.get(value, str(value))


def test_every_applicant_template_has_values_here():
    assert set(APPLICANT_VALUES) == set(APPLICANT_TEMPLATES)
    for template, keys in APPLICANT_TEMPLATES.items():
        assert set(keys) == set(APPLICANT_VALUES[template]), template


@pytest.mark.parametrize("template", sorted(APPLICANT_TEMPLATES))
def test_applicant_template_renders_its_values(template):
    values = {**ALWAYS, **APPLICANT_VALUES[template]}
    text, subject, body = applicant_texts(template, values)
    assert text.startswith("【惠阳区政务服务】")
    assert "{" not in text and "\n" not in text
    for key, value in APPLICANT_VALUES[template].items():
        if expected(value) is not None:
            assert expected(value) in text, (key, text)
    if template != "supplement_notice":  # an intake has no number yet: the notice names the item
        assert ALWAYS["number"] in text
        assert ALWAYS["number"] in subject
    assert subject and "\n" not in subject
    assert body.startswith("李明：") and text in body and "请勿回复" in body


def test_the_suspension_says_what_to_bring_when_it_is_a_supplement_request():
    values = {**ALWAYS, "reason": "补交消防验收意见书", "kind": "补正材料", "supplement": True}
    text, _, _ = applicant_texts("suspended", values)
    assert "需补正材料：补交消防验收意见书" in text and "请到窗口补交" in text


@pytest.mark.parametrize(
    ("template", "values", "text"),
    [
        (
            "yellow_card",
            {"deadline": "2026-12-15"},
            "44130320261201000007（餐饮服务开业联办）预警（黄牌）：承诺办结日期 2026-12-15",
        ),
        (
            "red_card",
            {"deadline": "2026-12-15"},
            "44130320261201000007（餐饮服务开业联办）超期（红牌）：承诺办结日期 2026-12-15",
        ),
        (
            "task_yellow_card",
            {"due_date": "2026-12-08"},
            "44130320261201000007 本部门审查预警（黄牌）：到期日期 2026-12-08",
        ),
        (
            "task_red_card",
            {"due_date": "2026-12-08"},
            "44130320261201000007 本部门审查超期（红牌）：到期日期 2026-12-08",
        ),
    ],
)
def test_staff_templates_render_the_supervision_cards(template, values, text):
    assert template in STAFF_TEMPLATES
    assert render(f"{template}.staff.txt", {**ALWAYS, **values}) == text


def test_an_unknown_template_or_a_missing_value_is_refused():
    with pytest.raises(ValueError, match="unknown message template 'welcome'"):
        require_context(APPLICANT_TEMPLATES, "welcome", ALWAYS)
    with pytest.raises(ValueError, match="'locker_code' needs compartment, until"):
        require_context(APPLICANT_TEMPLATES, "locker_code", {**ALWAYS, "locker": "A", "code": "1"})


def test_texts_are_not_html_escaped():
    values = {**ALWAYS, "decision": "准予许可 <附条件> & 备案"}
    text, _, _ = applicant_texts("decided", values)
    assert "准予许可 <附条件> & 备案" in text
