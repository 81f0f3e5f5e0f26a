"""Searching the public guide: text and pinyin, filters, published versions only, keyset pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.catalog.constants import ConstructionStage, ItemStatus, ItemType, WindowClass
from onewindow.catalog.queries import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    keyset_page,
    search_items,
)
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def codes(items):
    return sorted(item.code for item in items)


@pytest.fixture
def licence(market):
    return ServiceItemFactory(
        code="441303-SCJG-001",
        name="个体工商户营业执照核发",
        keywords="个体户 开店",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        is_fully_online=True,
    )


def test_pinyin_initials_find_the_business_licence(licence):
    assert codes(search_items(q="yyzz")) == [licence.code]


def test_pinyin_search_ignores_case_and_accepts_full_pinyin(licence):
    assert codes(search_items(q="YYZZ")) == [licence.code]
    assert codes(search_items(q="yingyezhizhao")) == [licence.code]


def test_search_matches_name_code_and_keywords(licence):
    ServiceItemFactory(code="441303-MZ-001", name="结婚登记", keywords="婚姻")

    assert codes(search_items(q="营业执照")) == [licence.code]
    assert codes(search_items(q="scjg-001")) == [licence.code]
    assert codes(search_items(q="开店")) == [licence.code]
    assert codes(search_items(q="婚姻")) == ["441303-MZ-001"]


def test_every_word_of_the_query_must_match(licence):
    ServiceItemFactory(name="食品经营许可（新办）", keywords="餐饮 营业")

    assert codes(search_items(q="营业执照 个体")) == [licence.code]
    assert codes(search_items(q="营业执照 餐饮")) == []


def test_blank_query_lists_every_published_item(licence):
    other = ServiceItemFactory()

    assert codes(search_items(q="   ")) == sorted([licence.code, other.code])


def test_drafts_and_superseded_versions_never_appear():
    ServiceItemFactory(
        code="441303-A", version=1, name="旧营业执照核发", status=ItemStatus.SUPERSEDED
    )
    current = ServiceItemFactory(code="441303-A", version=2, name="新营业执照核发")
    ServiceItemFactory(code="441303-A", version=3, name="草稿营业执照核发", draft=True)
    ServiceItemFactory(code="441303-B", name="只有草稿的营业执照事项", draft=True)

    found = list(search_items(q="yyzz"))

    assert [(item.code, item.version) for item in found] == [("441303-A", 2)]
    assert found[0].pk == current.pk


def test_filters_narrow_the_results(market, licence):
    housing = DepartmentFactory(code="ZJJ", name="惠州市惠阳区住房和城乡建设局")
    permit = ServiceItemFactory(
        code="441303-ZJ-001",
        name="建筑工程施工许可证核发",
        item_type=ItemType.LICENSING,
        window_class=WindowClass.INVESTMENT,
        construction_stage=ConstructionStage.CONSTRUCTION_PERMIT,
        lead_department=housing,
    )
    service = ServiceItemFactory(
        code="441303-MZ-002", item_type=ItemType.PUBLIC_SERVICE, window_class=WindowClass.SOCIAL
    )

    assert codes(search_items(item_type=ItemType.PUBLIC_SERVICE)) == [service.code]
    assert codes(search_items(window_class=WindowClass.INVESTMENT)) == [permit.code]
    assert codes(search_items(department="SCJGJ")) == [licence.code]
    assert codes(search_items(online=True)) == [licence.code]
    assert codes(search_items(online=False)) == sorted([permit.code, service.code])
    assert codes(search_items(construction_stage="construction_permit")) == [permit.code]
    assert codes(search_items(q="施工", window_class=WindowClass.SOCIAL)) == []


def test_paging_with_cursors_returns_each_item_exactly_once():
    created = {ServiceItemFactory().code for _ in range(23)}
    seen, cursor, pages = [], None, 0

    while True:
        page = keyset_page(search_items(), cursor=cursor, limit=5)
        seen.extend(item.code for item in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break

    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == created


def test_a_full_last_page_has_no_next_cursor():
    for _ in range(4):
        ServiceItemFactory()

    page = keyset_page(search_items(), limit=4)

    assert len(page.items) == 4
    assert page.next_cursor is None


def test_a_page_is_one_query_without_count():
    for _ in range(30):
        ServiceItemFactory()
    first = keyset_page(search_items(), limit=10)

    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(search_items(q="测试"), cursor=first.next_cursor, limit=10)
        [item.lead_department.name for item in page.items]

    assert len(queries.captured_queries) == 1
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()


def test_cursor_still_works_when_the_last_seen_item_is_withdrawn():
    items = [ServiceItemFactory(code=f"441303-X-{n:02d}") for n in range(6)]
    first = keyset_page(search_items(), limit=3)
    items[2].status = ItemStatus.SUPERSEDED
    items[2].save(update_fields=["status"])

    rest = keyset_page(search_items(), cursor=first.next_cursor, limit=3)

    assert [item.code for item in rest.items] == ["441303-X-03", "441303-X-04", "441303-X-05"]


def test_cursor_round_trips_and_is_url_safe(licence):
    cursor = encode_cursor(licence)

    assert decode_cursor(cursor) == (licence.code, licence.pk)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!",
        "e30",
        "WzEsMl0",
        "eyJjb2RlIjogMSwgImlkIjogMn0",
        "eyJjb2RlIjoieCIsImlkIjoieSJ9",
    ],
    ids=["garbage", "empty-object", "list", "code-not-string", "id-not-int"],
)
def test_tampered_cursors_are_rejected(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)
