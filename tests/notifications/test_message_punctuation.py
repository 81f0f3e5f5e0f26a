"""No message doubles its punctuation (“理由：需现场核查。。”): every template, in Chinese and in
English, with every free value typed the way staff type them — ending with their own full stop."""

import re

import pytest
from django.utils import translation

from onewindow.notifications.texts import (
    APPLICANT_TEMPLATES,
    STAFF_TEMPLATES,
    applicant_texts,
    render,
)
from tests.notifications.test_message_templates import APPLICANT_VALUES

# Two punctuation marks in a row where one was meant: 。。 ，。 ：。 .. ,. and the like. (）。 and
# ”。 are fine: a bracket or a quote closes before the full stop.)
DOUBLED = re.compile(r"[。．.，,；;：:、！!？?]\s*[。．.，,；;！!？?]")
STAFF_VALUES = {
    "yellow_card": {"deadline": "2026-12-15"},
    "red_card": {"deadline": "2026-12-15"},
    "task_yellow_card": {"due_date": "2026-12-15"},
    "task_red_card": {"due_date": "2026-12-15"},
}


def typed_with_a_full_stop(values, stop):
    """Every text value as a person types it in a hurry: with a closing full stop."""
    return {
        key: f"{value}{stop}" if isinstance(value, str) and not value.isdigit() else value
        for key, value in values.items()
    }


@pytest.mark.parametrize("language,stop", [("zh-hans", "。"), ("en", ".")])
@pytest.mark.parametrize("template", sorted(APPLICANT_TEMPLATES))
def test_applicant_texts_do_not_double_punctuation(template, language, stop):
    variants = [APPLICANT_VALUES[template]]
    if template == "suspended":
        variants.append({**APPLICANT_VALUES[template], "supplement": True})
    for values in variants:
        values = typed_with_a_full_stop(
            {
                "number": "44130320261201000001",
                "item": "食品经营许可",
                "region": "惠阳区",
                **values,
            },
            stop,
        )
        values["applicant"] = "李明"
        with translation.override(language):
            texts = applicant_texts(template, values)
        for text in texts:
            assert text and not DOUBLED.search(text), text


@pytest.mark.parametrize("language,stop", [("zh-hans", "。"), ("en", ".")])
@pytest.mark.parametrize("template", sorted(STAFF_TEMPLATES))
def test_staff_texts_do_not_double_punctuation(template, language, stop):
    values = typed_with_a_full_stop(
        {"number": "44130320261201000001", "item": "食品经营许可", **STAFF_VALUES[template]}, stop
    )

    with translation.override(language):
        text = render(f"{template}.staff.txt", values)

    assert text and not DOUBLED.search(text), text


def test_the_reason_keeps_its_inner_punctuation_and_the_sms_its_own_end():
    values = {
        "number": "44130320261201000001",
        "item": "食品经营许可",
        "region": "惠阳区",
        "days": 5,
        "reason": "需现场核查，并会同消防部门。",
        "deadline": "2026年12月22日",
        "applicant": "李明",
    }

    text, _subject, body = applicant_texts("extended", values)

    assert "理由：需现场核查，并会同消防部门。承诺办结日期调整为2026年12月22日。" in text
    assert text.endswith("。") and text in body  # the e-mail quotes the whole SMS, full stop kept
