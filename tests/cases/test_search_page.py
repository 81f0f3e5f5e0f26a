"""The search box in every staff page's header and the results page /search/?q=…"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BOX = 'class="topbar-search"'


def page(client, user, q):
    client.force_login(user)
    return client.get(reverse("cases:search"), {"q": q})


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("clerk", "cases:intake"),
        ("reviewer_market", "cases:inbox"),
        ("supervisor", "cases:supervision"),
        ("clerk", "home"),
    ],
)
def test_every_staff_page_has_the_search_box(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert BOX in client.get(reverse(url)).content.decode()


def test_the_public_pages_have_no_search_box(client, db):
    assert BOX not in client.get(reverse("home")).content.decode()
    assert BOX not in client.get(reverse("cases:progress")).content.decode()


def test_a_single_hit_opens_the_case_on_the_clerks_case_page(client, clerk, world):
    response = page(client, clerk, world["in_review"].number)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[world["in_review"].pk])


def test_a_pickup_code_opens_the_case_to_hand_the_result_over(client, clerk, world):
    response = page(client, clerk, world["code"])
    assert response["Location"] == reverse("cases:case", args=[world["issued"].pk])


def test_a_reviewer_opens_the_case_on_the_departments_task(client, reviewer_market, world):
    response = page(client, reviewer_market, world["market_only"].number)
    assert response["Location"] == reverse("cases:inbox_case", args=[world["market_only"].pk])


def test_several_hits_are_listed_with_state_colour_deadline_and_masked_applicant(
    client, village_clerk, world
):
    response = page(client, village_clerk, "13800138000")
    html = response.content.decode()
    assert response.status_code == 200
    case = world["in_review"]
    assert case.number in html and str(case.get_state_display()) in html
    assert f'href="{reverse("cases:case", args=[case.pk])}"' in html
    assert "110105********002X" in html and "138****8000" in html
    assert world["citizen_id"] not in html  # not in full at another point
    assert f"{case.promised_deadline:%Y-%m-%d}" in html
    assert 'class="dept-colour is-' in html
    assert "按电话号码查找" in html


def test_a_reviewer_is_not_shown_another_departments_case(client, reviewer_fire, world):
    response = page(client, reviewer_fire, world["market_only"].number)
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有找到您可以查看的办件" in html
    assert world["market_only"].item.name not in html


def test_a_bare_name_tells_the_user_to_add_the_id_tail(client, clerk, world):
    response = page(client, clerk, "李明")
    assert response.status_code == 422
    assert "证件号码后 4 位" in response.content.decode()


def test_refusals_are_in_english_for_an_english_reader(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("cases:search"), {"q": "12"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The search text is too short: at least 4 characters" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("cases:search"), {"q": "13800138000"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("q", ["\x00", "١٢٣٤٥٦", "x" * 5000, "李明\u202e 002X", "SJ20261399000001"])
def test_no_input_makes_an_error_page(client, clerk, q):
    response = page(client, clerk, q)
    assert response.status_code in (400, 422, 200)


def test_the_more_link_continues_after_the_last_case(client, clerk, world):
    client.force_login(clerk)
    url = reverse("cases:search")
    first = client.get(url, {"q": "13800138000"})
    assert first.status_code == 200 and "更多结果" not in first.content.decode()
    newest = max(world[k].pk for k in ("intake", "in_review", "issued", "market_only"))
    rest = client.get(url, {"q": "13800138000", "cursor": newest}).content.decode()
    assert f"/window/cases/{newest}/" not in rest


def test_a_hit_without_a_page_for_the_reviewer_is_listed_not_opened(client, reviewer_market, world):
    intake = world["intake"]
    response = page(client, reviewer_market, f"SJ{intake.received_on:%Y%m%d}{intake.pk:06d}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"SJ{intake.received_on:%Y%m%d}{intake.pk:06d}" in html
    assert f"/inbox/cases/{intake.pk}/" not in html
