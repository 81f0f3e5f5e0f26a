"""Who reads which identity data (issue 9, §4): a clerk reads the full ID numbers, phones and
e-mail of the cases received at their own service point; of any other case masked values
(110105********002X, 138****8000), on the case page and in the API alike. Reviewers, heads and
supervisors read the file as before."""

import dataclasses

import pytest
from django.urls import reverse

from onewindow.cases.actions import ProxyInput, do_accept_case, do_receive_intake
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions.choice import do_choose_delivery
from tests.cases.conftest import CITIZEN_ID, all_received
from tests.factories import ServiceItemFactory, UserFactory
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

PROXY_ID = "440103199003078274"
FULL_APPLICANT = {
    "id_number": CITIZEN_ID,
    "phone": "13800138000",
    "email": "liming@example.com",
}
MASKED_APPLICANT = {
    "id_number": "110105********002X",
    "phone": "138****8000",
    "email": "l***@example.com",
}
FULL_PROXY = {"name": "王芳", "id_number": PROXY_ID, "phone": "13900139000"}
MASKED_PROXY = {"name": "王芳", "id_number": "440103********8274", "phone": "139****9000"}


@pytest.fixture
def item(market):
    return ServiceItemFactory(
        code="441303-SCJG-901",
        name="食品经营许可（变更）",
        lead_department=market,
        flow=[[(market, 3)]],
        delivery_methods=["window", "mail"],
    )


@pytest.fixture
def received(item, citizen):
    """received(clerk) → a case that clerk received (at their point), with a proxy and e-mail."""

    def make(clerk):
        applicant = dataclasses.replace(citizen, email="liming@example.com")
        case = do_receive_intake(
            item=item,
            applicant=applicant,
            materials=all_received(item),
            acting_user=clerk,
            proxy=ProxyInput(name="王芳", id_number=PROXY_ID, phone="13900139000"),
        )
        return do_accept_case(case, acting_user=clerk)

    return make


def identity(api, case):
    response = api.get(f"/api/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    return {key: body["applicant"][key] for key in FULL_APPLICANT}, body["proxy"]


def test_a_village_clerk_reads_a_hall_case_masked_in_the_api(
    client, received, clerk, clerk_village
):
    case = received(clerk)

    applicant, proxy = identity(ApiClient(client).as_user(clerk_village), case)

    assert applicant == MASKED_APPLICANT and proxy == MASKED_PROXY


@pytest.mark.parametrize("reader", ["clerk", "supervisor", "reviewer_market", "head_market"])
def test_the_receiving_point_reviewers_and_supervisors_read_it_in_full(
    client, received, clerk, reader, request
):
    case = received(clerk)

    applicant, proxy = identity(ApiClient(client).as_user(request.getfixturevalue(reader)), case)

    assert applicant == FULL_APPLICANT and proxy == FULL_PROXY


def test_a_village_clerk_reads_the_villages_own_cases_in_full_and_the_hall_masked(
    client, received, clerk, clerk_village
):
    case = received(clerk_village)
    hall_api = ApiClient(client).as_user(clerk)
    assert identity(hall_api, case) == (MASKED_APPLICANT, MASKED_PROXY)

    applicant, proxy = identity(ApiClient(client).as_user(clerk_village), case)

    assert applicant == FULL_APPLICANT and proxy == FULL_PROXY


def test_the_intake_answer_of_the_api_is_in_full_for_the_clerk_who_typed_it(
    client, item, clerk_village
):
    api = ApiClient(client).as_user(clerk_village)
    body = {
        "item_code": item.code,
        "applicant": {
            "kind": "citizen",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13800138000",
        },
        "materials": [{"material_id": m.pk, "received": True} for m in item.materials.all()],
    }

    response = api.post("/api/cases/intakes", body)

    assert response.status_code == 201, response.json()
    assert response.json()["applicant"]["id_number"] == CITIZEN_ID


def test_the_case_page_shows_another_points_phones_masked(client, received, clerk, clerk_village):
    case = received(clerk)
    client.force_login(clerk_village)

    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert "138****8000" in page and "l***@example.com" in page and "139****9000" in page
    for full in ("13800138000", "liming@example.com", "13900139000", CITIZEN_ID, PROXY_ID):
        assert full not in page


def test_the_case_page_shows_my_points_phones_in_full(client, received, clerk):
    case = received(clerk)
    client.force_login(clerk)

    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert "13800138000" in page and "liming@example.com" in page and "13900139000" in page
    assert CITIZEN_ID not in page  # the page needs no full ID number: 110105********002X
    assert "110105********002X" in page


def test_an_intake_continued_at_another_point_shows_the_phone_masked(
    client, item, citizen, clerk, clerk_village
):
    case = do_receive_intake(
        item=item,
        applicant=citizen,
        materials=all_received(item, except_names=[item.materials.first().name]),
        acting_user=clerk,
    )
    client.force_login(clerk_village)

    page = client.get(reverse("cases:continue_intake", args=[case.pk])).content.decode()

    assert "138****8000" in page and "13800138000" not in page


def test_a_mail_address_phone_is_masked_for_another_point(client, received, clerk, clerk_village):
    case = received(clerk)
    address = {
        "recipient_name": "李明",
        "phone": "13800138000",
        "province": "广东省",
        "city": "惠州市",
        "district": "惠阳区",
        "street": "淡水街道人民路 1 号",
    }
    do_choose_delivery(case, method=DeliveryMethod.MAIL, address=address, acting_user=clerk)

    masked = ApiClient(client).as_user(clerk_village).get(f"/api/cases/{case.pk}/delivery")
    full = ApiClient(client).as_user(clerk).get(f"/api/cases/{case.pk}/delivery")
    client.force_login(clerk_village)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert masked.json()["address"]["phone"] == "138****8000"
    assert full.json()["address"]["phone"] == "13800138000"
    assert "13800138000" not in page


def test_a_clerk_without_a_point_reads_the_hall_cases_in_full(client, received, clerk):
    case = received(clerk)
    loose = UserFactory(username="clerk_loose", role="clerk")

    applicant, _ = identity(ApiClient(client).as_user(loose), case)

    assert applicant == FULL_APPLICANT


def test_a_scan_is_for_the_receiving_point_not_for_another(
    client, settings, tmp_path, joint_item, citizen, clerk, clerk_village
):
    from tests.cases.conftest import scanned_lines

    settings.MEDIA_ROOT = tmp_path
    case = do_receive_intake(
        item=joint_item, applicant=citizen, materials=scanned_lines(joint_item), acting_user=clerk
    )
    row = case.materials.get(material__name="营业执照")
    url = reverse("cases:inbox_material", args=[row.pk])

    client.force_login(clerk_village)
    refused = client.get(url)
    client.force_login(clerk)
    allowed = client.get(url)

    assert refused.status_code == 403
    assert "扫描件只向收件服务点的窗口人员和审查、监察人员提供" in refused.content.decode()
    assert allowed.status_code == 200
