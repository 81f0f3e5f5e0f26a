"""The public progress query: no sign-in, the timeline without opinions or staff names, a wrong
secret answered exactly like an unknown number, and a rate limit per client address."""

import re

import pytest
from django.core.cache import cache

from onewindow.cases.actions import do_complete_review, do_request_supplement
from onewindow.cases.views.public import LOOKUPS_PER_WINDOW
from tests.cases.conftest import CITIZEN_ID

pytestmark = pytest.mark.django_db

PROGRESS = "/progress/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewed_case(accepted_case, reviewer_market):
    """Market regulation has answered with an internal opinion; fire and housing are reviewing."""
    reviewer_market.full_name = "审查员王五"
    reviewer_market.save(update_fields=["full_name"])
    task = accepted_case.tasks.get(department__code="SCJGJ", stage__position=0)
    do_complete_review(
        task, decision="approved", opinion="内部意见：场所面积核实无误", acting_user=reviewer_market
    )
    return accepted_case


def lookup(client, number, secret, **extra):
    return client.post(PROGRESS, {"number": number, "secret": secret}, **extra)


def page(response):
    return response.content.decode()


def test_the_form_needs_no_sign_in_and_takes_the_number_from_the_qr_code(client):
    response = client.get(PROGRESS, {"number": "441303202511140000001"})
    assert response.status_code == 200
    assert 'value="441303202511140000001"' in page(response)
    assert "证件号码或手机号码后 4 位" in page(response)


def test_the_right_secret_shows_the_timeline_without_opinions_or_staff_names(
    client, reviewed_case, clerk
):
    response = lookup(client, reviewed_case.number, CITIZEN_ID[-4:])
    html = page(response)
    assert response.status_code == 200
    assert reviewed_case.number in html and "餐饮服务开业联办" in html
    for step in ("收件", "受理", "部门审查完成"):
        assert step in html
    assert "惠州市惠阳区市场监督管理局" in html
    # The current step: the first stage, with the two departments still reviewing.
    current = html[html.index("当前环节") : html.index("办理过程")]
    assert "惠州市惠阳区消防救援大队" in current and "惠州市惠阳区住房和城乡建设局" in current
    assert "惠州市惠阳区市场监督管理局" not in current
    assert f"{reviewed_case.promised_deadline:%Y-%m-%d}" in html
    assert "场所面积核实无误" not in html
    assert "审查员王五" not in html and clerk.full_name not in html
    assert CITIZEN_ID not in html and "李明" not in html and "李*" in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_the_last_four_digits_of_the_phone_work_too(client, accepted_case):
    response = lookup(client, accepted_case.number, "8000")
    assert accepted_case.number in page(response) and "办理过程" in page(response)


def test_a_lower_case_x_in_the_id_number_is_accepted(client, accepted_case):
    assert "办理过程" in page(lookup(client, accepted_case.number, CITIZEN_ID[-4:].lower()))


def test_a_wrong_secret_answers_exactly_like_an_unknown_number(client, accepted_case):
    unknown = accepted_case.number[:-6] + "999999"
    wrong_secret = lookup(client, accepted_case.number, "1234")
    no_such_case = lookup(client, unknown, "1234")
    assert wrong_secret.status_code == no_such_case.status_code == 200

    def normalised(response, number):
        # The masked CSRF token differs on every response; the number is the visitor's own input.
        return CSRF.sub("", page(response)).replace(number, "NUMBER")

    assert normalised(wrong_secret, accepted_case.number) == normalised(no_such_case, unknown)
    assert "未查询到办件" in page(wrong_secret)
    assert "办理过程" not in page(wrong_secret)
    assert dict(wrong_secret.headers).keys() == dict(no_such_case.headers).keys()


def test_the_secret_is_never_echoed(client, accepted_case):
    for secret in ("9876", "98"):
        assert "9876" not in page(lookup(client, accepted_case.number, secret))
        assert 'name="secret" value' not in page(lookup(client, accepted_case.number, secret))


def test_a_suspended_case_shows_the_clock_stopped(client, accepted_case, reviewer_fire):
    task = accepted_case.tasks.get(department__code="XFJYDD", stage__position=0)
    do_request_supplement(task, reason="补充消防设施检测报告", acting_user=reviewer_fire)
    html = page(lookup(client, accepted_case.number, CITIZEN_ID[-4:]))
    assert "计时暂停" in html
    assert "补充消防设施检测报告" not in html  # the reason is the department's note, not shown


def test_the_promise_of_a_delivered_case_is_not_shown_as_a_warning(
    client, accepted_case, reviewer_market, reviewer_fire, reviewer_housing, clerk
):
    from tests.cases.test_parallel_review import approve_everything
    from tests.pickup import collect, issue

    open_html = page(lookup(client, accepted_case.number, CITIZEN_ID[-4:]))
    assert '<b class="kept">' not in open_html
    case = approve_everything(accepted_case, reviewer_market, reviewer_fire, reviewer_housing)
    collect(case, clerk, code=issue(case, clerk))
    html = page(lookup(client, case.number, CITIZEN_ID[-4:]))
    assert f'<b class="kept">{case.promised_deadline:%Y-%m-%d}</b>' in html


def test_lookups_are_rate_limited_per_client_address(client, accepted_case, still_clock):
    # Unknown numbers: wrong secrets for the case's own number would hold it (per number).
    for n in range(LOOKUPS_PER_WINDOW):
        assert lookup(client, f"4413039999999999{n:04d}", "0000").status_code == 200
    response = lookup(client, accepted_case.number, CITIZEN_ID[-4:])
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "查询过于频繁" in page(response) and "lookups" not in page(response)
    assert accepted_case.number not in page(response)
    # Another address is not affected.
    other = lookup(client, accepted_case.number, CITIZEN_ID[-4:], REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "办理过程" in page(other)
