"""GET /api/cases/search: one key, its kind read from its shape, only the cases the caller may
see, in keyset pages; every refusal with its status, stable code and the reader's language."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.cases import search
from onewindow.cases.errors import CaseActionError
from onewindow.cases.search import GUESS_LIMIT
from onewindow.core.models import AuditEntry
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/cases/search"


@pytest.fixture
def api(client):
    return ApiClient(client)


def found(api, user, q, **params):
    response = api.as_user(user).get(URL, {"q": q, **params})
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["kind"]["value"], [hit["id"] for hit in body["cases"]], body


def test_a_case_number_finds_its_case_typed_full_width_or_with_spaces(api, clerk, world):
    number = world["in_review"].number
    assert found(api, clerk, number)[:2] == ("case_number", [world["in_review"].pk])
    full_width = number.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    assert found(api, clerk, f" {full_width[:6]} {full_width[6:]} ")[1] == [world["in_review"].pk]


def test_an_intake_number_finds_the_intake_and_only_with_its_receipt_date(api, clerk, world):
    intake = world["intake"]
    reference = f"SJ{intake.received_on:%Y%m%d}{intake.pk:06d}"
    kind, ids, body = found(api, clerk, reference.lower())
    assert (kind, ids) == ("intake_number", [intake.pk])
    assert body["cases"][0]["number"] is None and body["cases"][0]["reference"] == reference
    assert body["cases"][0]["url"] == f"/window/intakes/{intake.pk}/"
    wrong_day = f"SJ19991231{intake.pk:06d}"
    assert found(api, clerk, wrong_day)[1] == []


def test_an_id_number_typed_with_lower_case_x_full_width_and_spaces_finds_every_case(
    api, clerk, world
):
    typed = "１１０１０５ 1949 1231 002x"
    kind, ids, body = found(api, clerk, typed)
    assert kind == "id_number"
    everyone = [world[k].pk for k in ("intake", "in_review", "issued", "market_only")]
    assert sorted(ids) == sorted(everyone)
    assert ids == sorted(ids, reverse=True)  # newest first
    assert body["cases"][0]["applicant"]["id_number"] == world["citizen_id"]  # own point: in full


def test_a_credit_code_finds_the_enterprise(api, clerk, world):
    assert found(api, clerk, "91110000600037341l")[:2] == ("id_number", [world["enterprise"].pk])


def test_a_clerk_at_another_point_sees_the_applicant_masked(api, village_clerk, world):
    _, _ids, body = found(api, village_clerk, world["in_review"].number)
    applicant = body["cases"][0]["applicant"]
    assert applicant["masked"] is True
    assert applicant["id_number"] == "110105********002X"
    assert applicant["phone"] == "138****8000"


def test_a_phone_finds_cases_whether_typed_with_or_without_the_landline_hyphen(api, clerk, world):
    # Stored as 0752-3388123: found typed with the hyphen, without it, or with spaces.
    for typed in ("0752-3388123", "07523388123", "0752 3388 123"):
        assert found(api, clerk, typed)[:2] == ("phone", [world["enterprise"].pk])
    assert len(found(api, clerk, "138-0013-8000")[1]) == 4


def test_a_name_with_the_last_four_characters_of_the_id_finds_the_cases(api, clerk, world):
    kind, ids, _ = found(api, clerk, "李明 002x")
    assert kind == "name_id_tail" and len(ids) == 4
    assert found(api, clerk, "李明 9999")[1] == []
    assert found(api, clerk, "张三 002X")[1] == []


def test_a_bare_name_is_not_a_lookup_and_the_user_is_told_so(api, clerk, world):
    response = api.as_user(clerk).get(URL, {"q": "李明"})
    assert response.status_code == 422
    assert response.json()["code"] == "name_needs_id_tail"
    assert "后 4 位" in response.json()["message"]


def test_a_certificate_number_finds_its_case(api, clerk, supervisor, world):
    number = world["certificate"].number
    assert found(api, clerk, number.lower())[:2] == ("certificate_number", [world["issued"].pk])
    _kind, ids, body = found(api, supervisor, number)
    assert ids == [world["issued"].pk]
    assert body["cases"][0]["url"] == f"/supervision/cases/{world['issued'].pk}/audit/"


def test_a_pickup_code_finds_the_result_waiting_at_the_clerks_point(api, clerk, world):
    kind, ids, body = found(api, clerk, world["code"])
    assert (kind, ids) == ("pickup_code", [world["issued"].pk])
    assert body["cases"][0]["state"]["value"] == "issued"
    assert body["cases"][0]["url"] == f"/window/cases/{world['issued'].pk}/"


def test_a_pickup_code_is_not_found_by_a_clerk_of_another_point(api, village_clerk, world):
    assert found(api, village_clerk, world["code"])[1] == []


def test_only_clerks_search_by_pickup_code(api, reviewer_market, world):
    response = api.as_user(reviewer_market).get(URL, {"q": world["code"]})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_unknown_pickup_codes_are_rate_limited_per_clerk(api, clerk, world, still_clock):
    wrong = "000000" if world["code"] != "000000" else "111111"
    for _ in range(GUESS_LIMIT):
        assert found(api, clerk, wrong)[1] == []
    response = api.as_user(clerk).get(URL, {"q": world["code"]})
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    # Other kinds of key are not limited.
    assert found(api, clerk, world["in_review"].number)[1] == [world["in_review"].pk]


def test_a_reviewer_does_not_find_another_departments_case(api, reviewer_fire, world):
    # The fire brigade reviews the joint item, not the market-only one: it is simply not listed.
    assert found(api, reviewer_fire, world["market_only"].number)[1] == []
    _, ids, body = found(api, reviewer_fire, "李明 002X")
    assert world["market_only"].pk not in ids and world["in_review"].pk in ids
    hit = next(h for h in body["cases"] if h["id"] == world["in_review"].pk)
    assert hit["url"] == f"/inbox/cases/{world['in_review'].pk}/"


def test_results_show_state_colour_and_deadline(api, clerk, world):
    case = world["in_review"]
    hit = found(api, clerk, case.number)[2]["cases"][0]
    assert hit["state"]["value"] == "in_review"
    assert hit["colour"]["value"] == case.colour
    assert hit["deadline"] == case.promised_deadline.isoformat()
    assert hit["item_name"] == case.item.name


def test_pages_follow_the_cursor_without_repeating_a_case(api, clerk, world):
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        _, ids, body = found(api, clerk, "13800138000", **params)
        seen += ids
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(ids) == 2
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("", "query_empty"),
        ("   ", "query_empty"),
        ("123", "query_too_short"),
        ("1" * 131, "query_too_long"),
        ("#@!%^&", "unrecognised_query"),
        ("١٢٣٤٥٦", "unrecognised_query"),  # Arabic-Indic digits are not a pickup code
        ("²²²²²²", "unrecognised_query"),
    ],
)
def test_queries_that_name_no_key_are_refused_and_write_nothing(api, clerk, world, q, code):
    audit = AuditEntry.objects.count()
    response = api.as_user(clerk).get(URL, {"q": q})
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert AuditEntry.objects.count() == audit


def test_refusals_are_in_english_for_an_english_reader(api, clerk):
    response = api.as_user(clerk).get(URL, {"q": "12"}, **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "query_too_short",
        "message": "The search text is too short: at least 4 characters",
        "detail": [
            {
                "type": "query_too_short",
                "loc": ["q"],
                "msg": "The search text is too short: at least 4 characters",
            }
        ],
    }


def test_a_nul_or_control_character_is_refused_without_an_error(api, clerk):
    for q in ("1380013\x008000", "李明\x07 002X"):
        response = api.as_user(clerk).get(URL, {"q": q})
        assert response.status_code in (400, 422), response.content


def test_an_anonymous_caller_is_not_signed_in(api):
    response = api.as_user(None).get(URL, {"q": "13800138000"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_staff_without_a_search_role_find_nothing(api, world):
    from tests.factories import UserFactory

    admin = UserFactory(username="catalog_admin", role="catalog_admin")
    assert found(api, admin, world["in_review"].number)[1] == []


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from("0123456789Xx -"),
        max_size=40,
    )
)
def test_any_text_is_found_or_refused_never_an_error(clerk, q):
    # What the API does with any query: a page of results, or a refusal with a status and code.
    try:
        result = search.search(clerk, q)
    except CaseActionError as refusal:
        assert refusal.status in (403, 422) and refusal.code
    except search.GuessesLimited:
        pass
    else:
        assert result.lookup.kind


def test_a_case_the_reviewers_department_has_no_task_in_yet_has_no_link(
    api, reviewer_market, world
):
    # The market department leads the joint item, so it sees the intake; it has no task there.
    intake = world["intake"]
    reference = f"SJ{intake.received_on:%Y%m%d}{intake.pk:06d}"
    _, ids, body = found(api, reviewer_market, reference)
    assert ids == [intake.pk] and body["cases"][0]["url"] is None
