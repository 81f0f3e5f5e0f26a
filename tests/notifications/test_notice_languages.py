"""One language per reader (issue 10 §5): staff notices, SMS and e-mail in the recipient's language.

Every notice kind has a label in both languages: the inbox, read in Chinese or in English, shows
the label and the text in that language, never the kind's key and never the other language's
words. A notice is written in its recipient's language whatever the sender's request language;
a department's notice is written in each language and every member reads theirs. The applicant's
messages follow the language chosen at intake. Staff set their language on their account page.
"""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from onewindow.accounts.models import User
from onewindow.cases.actions import do_accept_case
from onewindow.cases.actions.supervision import _notice_text
from onewindow.core.models import AuditEntry
from onewindow.notifications.constants import MessageChannel
from onewindow.notifications.kinds import KINDS, kind_label
from onewindow.notifications.models import Notification, OutboundMessage
from onewindow.notifications.notify import notify, tell_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# ASCII values, so that any Chinese in an English notice comes from the platform's wording.
PARAMS = {
    "number": "441303202603020001",
    "department": "Dept A",
    "reason": "R-1",
    "days": 3,
    "note": "N-1",
    "outcome": "X",
    "decision": "Y",
    "decision_number": "D-7",
    "comment": "C-1",
    "message": "M-1",
}
STAFF_CONTEXT = {"deadline": "2026-03-02", "due_date": "2026-03-02"}


@pytest.fixture(autouse=True)
def _back_to_default_language():
    yield
    translation.deactivate()


def _send_every_kind(user):
    """One notice of each kind to `user`, each by the path that writes that kind."""
    for kind, (_label, text) in KINDS.items():
        if text is not None:
            notify(kind=kind, params=PARAMS, recipient=user)
        elif kind == "colour_changes":
            notify(kind=kind, render=lambda: _notice_text([]), recipient=user)
        else:
            tell_staff(kind, event_key=f"{kind}:{user.pk}", recipient=user, context=STAFF_CONTEXT)


def _rows(response):
    page = response.content.decode()
    rows = re.findall(r'<li class="dept-note-row[^"]*">(.*?)</li>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_reads_in_the_readers_language_without_keys(client, market, language):
    reader = UserFactory(username=f"r_{language}", role="reviewer", department=market)
    reader.language = language
    reader.save(update_fields=["language"])
    _send_every_kind(reader)
    other = next(code for code in LANGUAGES if code != language)

    client.force_login(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = _rows(client.get(reverse("cases:notifications")))

    assert len(rows) == len(KINDS)
    shown = " ".join(rows)
    for kind in KINDS:
        assert kind not in shown.split(), kind  # no raw key such as extension_approved
        with translation.override(language):
            assert str(kind_label(kind)) in shown, kind
        with translation.override(other):
            foreign = str(kind_label(kind))
        assert foreign not in shown, (kind, foreign)
    for row in rows:
        if language == "en":
            assert not CJK.search(row), row
        else:
            assert CJK.search(row), row
            assert not re.search(r"\b(working days|draft|decision|extension)\b", row, re.I), row


def test_the_text_follows_the_recipient_not_the_senders_request(market):
    chinese = UserFactory(username="zh_reader", role="reviewer", department=market)
    english = UserFactory(username="en_reader", role="reviewer", department=market)
    english.language = "en"
    english.save(update_fields=["language"])

    with translation.override("en"):  # e.g. a head working in English
        to_chinese = notify(kind="extension_approved", params=PARAMS, recipient=chinese)
    with translation.override("zh-hans"):
        to_english = notify(kind="extension_approved", params=PARAMS, recipient=english)

    assert to_chinese.text == "441303202603020001 延期 3 个工作日：负责人批准。N-1"
    assert to_english.text.startswith("441303202603020001: extension of 3 working days approved")
    assert set(to_chinese.texts) == {"zh-hans"} and set(to_english.texts) == {"en"}


def test_a_department_notice_is_written_in_each_language_and_read_in_mine(client, market):
    english = UserFactory(username="en_member", role="reviewer", department=market)
    english.language = "en"
    english.save(update_fields=["language"])
    chinese = UserFactory(username="zh_member", role="reviewer", department=market)

    note = notify(kind="press", params=PARAMS, department=market)

    assert set(note.texts) == set(LANGUAGES)
    assert note.text == note.texts[settings.LANGUAGE_CODE] == "督办 441303202603020001：M-1"
    client.force_login(english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    (row,) = _rows(client.get(reverse("cases:notifications")))
    assert "Pressed 441303202603020001: M-1" in row and not CJK.search(row)
    client.force_login(chinese)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "督办 441303202603020001：M-1" in " ".join(
        _rows(client.get(reverse("cases:notifications")))
    )


def test_a_notice_to_a_person_and_a_department_at_once_is_refused(market, supervisor):
    with pytest.raises(ValueError, match="not both"):
        notify(kind="press", params=PARAMS, department=market, recipient=supervisor)
    assert not Notification.objects.exists()


# --- the applicant ----------------------------------------------------------------------------


def test_the_applicant_is_told_in_the_language_chosen_at_intake(receive, clerk, citizen):
    from dataclasses import replace

    with translation.override("zh-hans"):  # the clerk's page is in Chinese
        english = do_accept_case(
            receive(applicant=replace(citizen, language="en")), acting_user=clerk
        )
    chinese = do_accept_case(receive(), acting_user=clerk)

    assert english.applicant_language == "en" and chinese.applicant_language == "zh-hans"
    sms_en = OutboundMessage.objects.get(case=english, channel=MessageChannel.SMS)
    sms_zh = OutboundMessage.objects.get(case=chinese, channel=MessageChannel.SMS)
    inbox_en = OutboundMessage.objects.get(case=english, channel=MessageChannel.IN_APP)
    assert "accepted" in sms_en.body.lower() and english.number in sms_en.body
    assert "已受理" in sms_zh.body and "已受理" not in sms_en.body
    assert "已受理" not in inbox_en.body


def test_an_unknown_applicant_language_is_refused_and_nothing_is_written(receive, clerk, citizen):
    from dataclasses import replace

    from onewindow.cases.errors import CaseActionError
    from onewindow.cases.models import Case

    with pytest.raises(CaseActionError) as caught:
        receive(applicant=replace(citizen, language="fr"))
    assert caught.value.status == 422
    assert caught.value.detail[0]["loc"] == ["applicant.language"]
    assert not Case.objects.exists()


def test_the_window_form_and_the_api_take_the_applicants_language(client, clerk, joint_item):
    from onewindow.cases.models import Case
    from tests.cases.conftest import intake_payload
    from tests.cases.test_window_pages import WINDOW, intake_data
    from tests.openapi import ApiClient

    client.force_login(clerk)
    assert 'name="applicant_language"' in client.get(WINDOW).content.decode()
    response = client.post(WINDOW, intake_data(joint_item, applicant_language="en"))
    assert response.status_code == 302
    assert Case.objects.get().applicant_language == "en"

    api = ApiClient(client).as_user(clerk)
    refused = api.post("/api/cases/intakes", intake_payload(joint_item, language="xx"))
    assert refused.status_code == 422
    assert [error["loc"] for error in refused.json()["detail"]] == [["applicant.language"]]
    assert Case.objects.count() == 1
    taken = api.post("/api/cases/intakes", intake_payload(joint_item, language="en"))
    assert taken.status_code == 201
    assert Case.objects.get(pk=taken.json()["id"]).applicant_language == "en"


# --- the staff member's preference ------------------------------------------------------------


def test_staff_choose_their_language_on_their_account_page(client, market):
    user = UserFactory(username="chooser", role="reviewer", department=market)
    client.force_login(user)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert 'name="language"' in page

    response = client.post(reverse("accounts:language"), {"language": "en"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    entry = AuditEntry.objects.get(action="set_language")
    assert entry.details == {"from": "zh-hans", "to": "en"}


def test_an_unknown_staff_language_is_refused_and_nothing_is_written(client, market):
    user = UserFactory(username="chooser", role="reviewer", department=market)
    client.force_login(user)

    response = client.post(reverse("accounts:language"), {"language": "xx"})

    assert response.status_code == 422
    assert "不支持的语言" in response.content.decode()
    assert User.objects.get(pk=user.pk).language == "zh-hans"
    assert not AuditEntry.objects.filter(action="set_language").exists()


def _kinds_written_by_the_code():
    """The `kind` of every notify(...) call in the source (constants, or either of a ternary)."""
    import ast
    from pathlib import Path

    import onewindow

    kinds = set()
    for path in Path(onewindow.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "id", None) or getattr(
                getattr(node, "func", None), "attr", None
            )
            if not isinstance(node, ast.Call) or name != "notify":
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind":
                    kinds |= {
                        n.value
                        for n in ast.walk(keyword.value)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    }
    return kinds


def test_every_kind_the_code_writes_has_a_label():
    from onewindow.notifications.texts import STAFF_TEMPLATES

    written = _kinds_written_by_the_code() | set(STAFF_TEMPLATES)
    assert "extension_approved" in written and "colour_changes" in written
    assert written <= set(KINDS), written - set(KINDS)


def test_an_administrator_sets_a_staff_members_language_in_the_admin(client, market):
    user = UserFactory(username="someone", role="reviewer", department=market)
    client.force_login(UserFactory(username="root", role="", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="language"' in page and 'value="en"' in page
