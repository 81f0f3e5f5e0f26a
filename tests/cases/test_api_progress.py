"""The public progress query (业务进度查询): case number + last 4 characters of the ID or phone,
no sign-in, no internal opinions or staff names, a wrong secret indistinguishable from an unknown
number, and a rate limit per client address."""

import pytest
from django.core.cache import cache

from onewindow.cases.actions import do_complete_review, do_start_special_procedure
from onewindow.cases.api import public as progress_api
from onewindow.cases.models import ReviewTask
from onewindow.core import ratelimit
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

PROGRESS = "/api/cases/progress"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The limiter counts in the default cache, which outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    return ApiClient(client).as_user(None)


@pytest.fixture
def reviewed_case(accepted_case, reviewer_market):
    task = ReviewTask.objects.get(case=accepted_case, department__code="SCJGJ", stage__position=0)
    do_complete_review(
        task,
        decision="approved",
        opinion="内部意见：申请人曾有违规记录",
        acting_user=reviewer_market,
    )
    return accepted_case


def test_the_applicant_follows_the_case_with_the_last_four_of_the_id(api, reviewed_case):
    response = api.get(PROGRESS, {"number": reviewed_case.number, "secret": "002x"})

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == reviewed_case.number
    assert body["item_name"] == "餐饮服务开业联办"
    assert body["state"] == {"value": "in_review", "label": "审查中"}
    assert body["deadline"] == reviewed_case.promised_deadline.isoformat()
    assert body["clock_stopped"] is False
    assert [step["step"] for step in body["timeline"]] == ["收件", "受理", "部门审查完成"]
    assert body["timeline"][2]["department"] == "惠州市惠阳区市场监督管理局"
    assert body["current_step"] == {
        "stage": "环节1",
        "departments": ["惠州市惠阳区消防救援大队", "惠州市惠阳区住房和城乡建设局"],
    }


def test_the_last_four_digits_of_the_phone_work_too(api, reviewed_case):
    response = api.get(PROGRESS, {"number": reviewed_case.number, "secret": "8000"})

    assert response.status_code == 200


def test_no_opinions_and_no_staff_names_are_shown(api, reviewed_case, clerk, reviewer_market):
    text = api.get(PROGRESS, {"number": reviewed_case.number, "secret": "8000"}).content.decode()

    assert "内部意见" not in text and "违规" not in text
    for person in (clerk, reviewer_market):
        assert person.username not in text and person.full_name not in text
    assert "11010519491231002X" not in text and "13800138000" not in text


def test_a_clock_stop_shows_as_a_step(api, accepted_case, reviewer_fire):
    task = ReviewTask.objects.get(case=accepted_case, department__code="XFJYDD")
    do_start_special_procedure(
        task,
        kind="inspection",
        reason="现场勘查：内部安排",
        expected_end=None,
        acting_user=reviewer_fire,
    )

    body = api.get(PROGRESS, {"number": accepted_case.number, "secret": "8000"}).json()

    assert body["clock_stopped"] is True
    assert body["timeline"][-1]["step"] == "暂停计时（特别程序或补正）"
    assert "内部安排" not in str(body)


def test_a_wrong_secret_answers_exactly_like_an_unknown_number(api, reviewed_case):
    wrong = api.get(PROGRESS, {"number": reviewed_case.number, "secret": "1234"})
    unknown = api.get(PROGRESS, {"number": "44130399999999999999", "secret": "8000"})
    short = api.get(PROGRESS, {"number": reviewed_case.number, "secret": "00"})
    empty = api.get(PROGRESS)

    assert wrong.status_code == unknown.status_code == short.status_code == empty.status_code == 404
    assert wrong.content == unknown.content == short.content == empty.content
    assert wrong.json() == {"code": "not_found", "message": "办件不存在"}
    assert wrong.headers.keys() == unknown.headers.keys()


def test_too_many_queries_from_one_address_are_limited(api, reviewed_case, settings, still_clock):
    settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE = 3
    query = {"number": reviewed_case.number, "secret": "0000"}

    answers = [api.get(PROGRESS, query).status_code for _ in range(3)]
    limited = api.get(PROGRESS, {**query, "secret": "8000"})

    assert answers == [404, 404, 404]  # guesses count too
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert limited.json()["message"] == f"查询过于频繁，请 {limited['Retry-After']} 秒后再试"
    assert 1 <= int(limited["Retry-After"]) <= progress_api.PROGRESS_RATE_WINDOW_SECONDS
    other_address = api.client.get(PROGRESS, {**query, "secret": "8000"}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_the_default_limit_is_ten_a_minute(api, reviewed_case, still_clock):
    query = {"number": reviewed_case.number, "secret": "8000"}

    answers = [api.get(PROGRESS, query).status_code for _ in range(11)]

    assert answers == [200] * 10 + [429]


def test_a_signed_in_user_is_limited_too(client, reviewed_case, clerk, settings, still_clock):
    settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE = 1
    api = ApiClient(client).as_user(clerk)
    query = {"number": reviewed_case.number, "secret": "8000"}

    assert [api.get(PROGRESS, query).status_code for _ in range(2)] == [200, 429]


# --- the limiter itself ------------------------------------------------------------------------


def test_the_limiter_counts_per_key_and_window():
    for _ in range(2):
        ratelimit.hit("t", "a", limit=2, window_seconds=60, now=120.0)
    with pytest.raises(ratelimit.RateLimited) as caught:
        ratelimit.hit("t", "a", limit=2, window_seconds=60, now=150.5)

    assert caught.value.retry_after == 30
    assert ratelimit.hit("t", "b", limit=2, window_seconds=60, now=150.5) == 1
    assert ratelimit.hit("t", "a", limit=2, window_seconds=60, now=180.0) == 1  # next window
    assert ratelimit.hit("other", "a", limit=2, window_seconds=60, now=150.5) == 1


def test_the_client_address_is_remote_addr_or_none(rf):
    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR="10.1.2.3")) == "10.1.2.3"
    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR="")) is None
