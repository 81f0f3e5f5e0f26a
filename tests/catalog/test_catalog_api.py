"""The catalogue JSON API: lists with cursors, item detail, errors, and the OpenAPI contract."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.catalog.constants import ItemStatus, Requirement, WindowClass
from tests.factories import ServiceItemFactory
from tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db

ITEMS = "/api/catalog/items"


@pytest.fixture
def licence(market):
    return ServiceItemFactory(
        code="441303-SCJG-001",
        name="个体工商户营业执照核发",
        keywords="个体户 开店",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        promised_limit_days=0,
        is_on_the_spot=True,
        is_fully_online=True,
        flow=[[(market, 0)]],
    )


@pytest.fixture
def fire_check(market, fire):
    item = ServiceItemFactory(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        window_class=WindowClass.ENTERPRISE,
        lead_department=fire,
        fee_yuan="12.50",
        special_procedures=["inspection"],
        flow=[[(fire, 5), (market, 3)], [(fire, 2)]],
        material_names=["消防安全检查申请表", "营业执照"],
    )
    item.materials.filter(name="营业执照").update(
        requirement=Requirement.TOLERATED, e_licence_type="business_licence"
    )
    return item


# --- lists ---


def test_list_returns_published_summaries_with_choice_labels(client, licence):
    response = client.get(ITEMS)

    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert item["code"] == "441303-SCJG-001"
    assert item["name"] == "个体工商户营业执照核发"
    assert item["type"] == {"value": "licensing", "label": "行政许可"}
    assert item["window_class"] == {"value": "enterprise", "label": "企业经营类"}
    assert item["construction_stage"] is None
    assert item["lead_department"] == {"code": "SCJGJ", "name": "惠州市惠阳区市场监督管理局"}
    assert item["is_on_the_spot"] is True and item["is_fully_online"] is True
    assert item["guide_url"] == "/guide/441303-SCJG-001/"


def test_list_matches_the_openapi_schema(client, licence, fire_check):
    response = client.get(ITEMS, {"limit": 1})

    assert response.json()["next_cursor"]
    assert_matches_openapi(client, response, "/api/catalog/items")


def test_list_finds_items_by_pinyin_initials(client, licence, fire_check):
    body = client.get(ITEMS, {"q": "yyzz"}).json()

    assert [item["name"] for item in body["items"]] == ["个体工商户营业执照核发"]


def test_list_filters(client, licence, fire_check):
    ServiceItemFactory(
        code="441303-MZ-001", window_class=WindowClass.SOCIAL, item_type="public_service"
    )

    def found(**params):
        return [item["code"] for item in client.get(ITEMS, params).json()["items"]]

    assert found(online="true") == ["441303-SCJG-001"]
    assert found(online="false") == ["441303-MZ-001", "441303-XF-001"]
    assert found(department="XFJYDD") == ["441303-XF-001"]
    assert found(window_class="social") == ["441303-MZ-001"]
    assert found(type="public_service") == ["441303-MZ-001"]
    assert found(construction_stage="construction_permit") == []
    assert found(q="消防", window_class="enterprise") == ["441303-XF-001"]


def test_tolerated_materials_show_in_the_summary(client, licence, fire_check):
    items = {item["code"]: item for item in client.get(ITEMS).json()["items"]}

    assert items["441303-XF-001"]["has_tolerated_materials"] is True
    assert items["441303-SCJG-001"]["has_tolerated_materials"] is False


def test_unpublished_versions_never_appear_in_the_list(client):
    ServiceItemFactory(code="441303-A", version=1, name="旧版本", status=ItemStatus.SUPERSEDED)
    ServiceItemFactory(code="441303-A", version=2, name="现行版本")
    ServiceItemFactory(code="441303-A", version=3, name="草稿版本", draft=True)
    ServiceItemFactory(code="441303-B", name="仅有草稿", draft=True)

    body = client.get(ITEMS).json()

    assert [(i["code"], i["version"], i["name"]) for i in body["items"]] == [
        ("441303-A", 2, "现行版本")
    ]


def test_paging_through_the_api_returns_each_item_once(client):
    created = {ServiceItemFactory().code for _ in range(17)}
    seen, cursor = [], None

    while True:
        params = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        body = client.get(ITEMS, params).json()
        seen.extend(item["code"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == 17
    assert set(seen) == created


def test_default_page_is_twenty_and_limit_is_capped_at_one_hundred(client):
    for _ in range(21):
        ServiceItemFactory()

    assert len(client.get(ITEMS).json()["items"]) == 20
    assert len(client.get(ITEMS, {"limit": 100}).json()["items"]) == 21


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_bad_limit_is_a_validation_error(client, limit):
    response = client.get(ITEMS, {"limit": limit})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "请求参数有误"
    assert body["detail"][0]["loc"][-1] == "limit"
    assert_matches_openapi(client, response, "/api/catalog/items")


def test_unknown_choice_value_is_a_validation_error(client):
    response = client.get(ITEMS, {"window_class": "nonsense"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_bad_cursor_is_a_400_with_a_code(client, licence):
    response = client.get(ITEMS, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_cursor"
    assert body["message"] == "分页游标无效，请从第一页开始"
    assert_matches_openapi(client, response, "/api/catalog/items")
    english = client.get(ITEMS, {"cursor": "not-a-cursor"}, headers={"Accept-Language": "en"})
    assert english.json()["message"] == "Invalid cursor, start from the first page"


def test_list_needs_one_query_and_never_counts(client, django_assert_max_num_queries):
    for _ in range(30):
        ServiceItemFactory()
    cursor = client.get(ITEMS, {"limit": 10}).json()["next_cursor"]

    with django_assert_max_num_queries(1):
        client.get(ITEMS, {"limit": 10, "cursor": cursor, "q": "测试"})
    with CaptureQueriesContext(connection) as queries:
        client.get(ITEMS, {"limit": 50})

    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


# --- detail ---


def test_detail_has_materials_and_parallel_stages(client, fire_check):
    response = client.get(f"{ITEMS}/441303-XF-001")

    assert response.status_code == 200
    item = response.json()
    assert item["fee_yuan"] == "12.50"
    assert item["special_procedures"] == [{"value": "inspection", "label": "现场勘查（检验）"}]
    assert item["channels"] == [
        {"value": "window", "label": "窗口办理"},
        {"value": "online", "label": "网上办理"},
    ]
    assert [m["name"] for m in item["materials"]] == ["消防安全检查申请表", "营业执照"]
    tolerated = item["materials"][1]
    assert tolerated["requirement"] == {"value": "tolerated", "label": "容缺（可后补）"}
    assert tolerated["e_licence"] == {"value": "business_licence", "label": "营业执照"}
    assert item["materials"][0]["e_licence"] is None
    first, second = item["stages"]
    assert first["is_parallel"] is True and first["limit_days"] == 5
    assert [s["department"] for s in first["steps"]] == [
        {"code": "XFJYDD", "name": "惠州市惠阳区消防救援大队"},
        {"code": "SCJGJ", "name": "惠州市惠阳区市场监督管理局"},
    ]
    assert [s["limit_days"] for s in first["steps"]] == [5, 3]
    assert second["is_parallel"] is False and second["limit_days"] == 2


def test_detail_matches_the_openapi_schema(client, fire_check):
    response = client.get(f"{ITEMS}/441303-XF-001")

    assert_matches_openapi(client, response, "/api/catalog/items/{code}")


def test_detail_needs_a_fixed_number_of_queries(client, django_assert_num_queries, fire_check):
    with django_assert_num_queries(4):
        client.get(f"{ITEMS}/441303-XF-001")


@pytest.mark.parametrize("code", ["441303-NOPE", "441303-DRAFT", "441303-OLD"])
def test_missing_or_unpublished_item_is_a_404_json_error(client, code):
    ServiceItemFactory(code="441303-DRAFT", draft=True)
    ServiceItemFactory(code="441303-OLD", status=ItemStatus.SUPERSEDED)

    response = client.get(f"{ITEMS}/{code}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "item_not_found",
        "message": "事项不存在",
    }
    assert_matches_openapi(client, response, "/api/catalog/items/{code}")


def test_a_missing_item_is_refused_in_the_readers_language(client):
    english = client.get(f"{ITEMS}/441303-NOPE", headers={"Accept-Language": "en"})
    chinese = client.get(f"{ITEMS}/441303-NOPE")

    assert english.status_code == chinese.status_code == 404
    assert english.json() == {"code": "item_not_found", "message": "Service item not found"}
    assert chinese.json() == {"code": "item_not_found", "message": "事项不存在"}


def test_openapi_documents_the_query_parameters(client):
    spec = client.get("/api/openapi.json").json()

    parameters = {p["name"]: p for p in spec["paths"]["/api/catalog/items"]["get"]["parameters"]}

    assert set(parameters) >= {
        "q",
        "type",
        "window_class",
        "department",
        "online",
        "construction_stage",
        "cursor",
        "limit",
    }
    assert all(p.get("description") for p in parameters.values())
    assert parameters["limit"]["schema"]["maximum"] == 100
