"""The public guide pages: the search page, htmx fragments, the item page and the home page."""

import re

import pytest
from django.urls import reverse

from onewindow.catalog.constants import (
    ConstructionStage,
    ELicenceType,
    ItemStatus,
    ItemType,
    Requirement,
    WindowClass,
)
from onewindow.catalog.models import FlowStep, Material
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

GUIDE = "/guide/"


@pytest.fixture
def licence(market):
    item = ServiceItemFactory(
        code="441303-SCJG-001",
        name="个体工商户营业执照核发",
        keywords="个体户",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        legal_limit_days=15,
        promised_limit_days=0,
        is_on_the_spot=True,
        is_fully_online=True,
        max_visits=0,
        flow=[[(market, 0)]],
        material_names=["个体工商户登记（备案）申请书", "经营者身份证明"],
    )
    item.materials.filter(name="经营者身份证明").update(
        form="copy", e_licence_type=ELicenceType.RESIDENT_ID, notes="可用电子身份证"
    )
    return item


@pytest.fixture
def fire_check(market, fire):
    item = ServiceItemFactory(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        window_class=WindowClass.ENTERPRISE,
        lead_department=fire,
        legal_limit_days=20,
        promised_limit_days=10,
        max_visits=1,
        channels=["window", "online"],
        delivery_methods=["window", "locker"],
        special_procedures=["inspection"],
        fee_basis="不收费",
        conditions="场所已依法取得营业执照。",
        legal_basis="《中华人民共和国消防法》第十五条",
        flow=[[(fire, 5), (market, 3)], [(fire, 2)]],
        material_names=["消防安全检查申请表", "营业执照"],
    )
    item.materials.filter(name="营业执照").update(requirement=Requirement.TOLERATED)
    stages = list(item.stages.order_by("position"))
    stages[0].name, stages[1].name = "并联审查", "决定"
    for stage in stages:
        stage.save(update_fields=["name"])
    FlowStep.objects.filter(stage=stages[0], department=fire).update(task_name="现场检查")
    return item


def text(response):
    return response.content.decode()


def test_guide_lists_published_items_as_cards_with_badges(client, licence, fire_check):
    page = text(client.get(GUIDE))

    assert "个体工商户营业执照核发" in page
    assert "441303-SCJG-001" in page
    assert "惠州市惠阳区消防救援大队" in page
    assert "企业经营类" in page and "行政许可" in page
    for badge in ["即办件", "全程网办", "零跑动", "最多跑一次", "容缺受理"]:
        assert badge in page
    assert "<b>10</b> 个工作日" in page
    assert "法定 20 个工作日" in page
    assert "当场办结" in page


def test_search_box_explains_pinyin_and_updates_results_with_htmx(client, licence):
    page = text(client.get(GUIDE))

    box = re.search(r'<input id="guide-q"[^>]*>', page, re.S).group(0)
    assert "如 yyzz" in box
    assert 'hx-get="/guide/"' in box
    assert 'hx-trigger="input changed delay:250ms, search"' in box
    assert 'hx-target="#results"' in box
    assert '<form class="guide-search' in page and 'method="get"' in page


def test_guide_finds_items_by_pinyin_initials_without_javascript(client, licence, fire_check):
    page = text(client.get(GUIDE, {"q": "yyzz"}))

    assert "个体工商户营业执照核发" in page
    assert "公众聚集场所" not in page
    assert "“yyzz”的搜索结果" in page


def test_htmx_search_returns_only_the_result_list(client, licence, fire_check):
    response = client.get(GUIDE, {"q": "消防"}, headers={"HX-Request": "true"})

    fragment = text(response)
    assert "<html" not in fragment
    assert 'class="item-list"' in fragment
    assert "公众聚集场所投入使用、营业前消防安全检查" in fragment
    assert "个体工商户营业执照核发" not in fragment
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, licence):
    response = client.get(
        GUIDE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in text(response)


def test_filters_apply_on_the_guide_page(client, licence, fire_check):
    housing = DepartmentFactory(code="ZJJ", name="惠州市惠阳区住房和城乡建设局")
    ServiceItemFactory(
        name="建筑工程施工许可证核发",
        window_class=WindowClass.INVESTMENT,
        construction_stage=ConstructionStage.CONSTRUCTION_PERMIT,
        lead_department=housing,
    )

    online = text(client.get(GUIDE, {"online": "on"}))
    investment = text(client.get(GUIDE, {"window_class": "investment"}))
    by_department = text(client.get(GUIDE, {"department": "XFJYDD"}))
    by_type = text(client.get(GUIDE, {"type": ItemType.PUBLIC_SERVICE}))

    assert "个体工商户营业执照核发" in online and "消防安全检查" not in online
    assert "建筑工程施工许可证核发" in investment and "营业执照核发" not in investment
    assert "消防安全检查" in by_department and "营业执照核发" not in by_department
    assert "没有找到符合条件的事项" in by_type


def test_department_filter_offers_only_departments_with_published_items(client, licence):
    DepartmentFactory(code="EMPTY", name="没有事项的部门")

    page = text(client.get(GUIDE))

    assert '<option value="SCJGJ">惠州市惠阳区市场监督管理局</option>' in page
    assert "没有事项的部门" not in page


def test_an_empty_result_says_so_and_suggests_what_to_try(client, licence):
    page = text(client.get(GUIDE, {"q": "不存在的事项"}))

    assert "没有找到与“不存在的事项”相关的事项。" in page
    assert "yyzz" in page
    assert "清除搜索和筛选" in page


def test_load_more_appends_the_next_cards_via_cursor(client):
    for n in range(25):
        ServiceItemFactory(code=f"441303-T-{n:02d}", name=f"测试事项{n:02d}")

    first = text(client.get(GUIDE))
    more_url = re.search(r'hx-get="(/guide/\?[^"]*cursor=[^"]+)"', first).group(1)
    more = text(client.get(more_url.replace("&amp;", "&"), headers={"HX-Request": "true"}))

    assert first.count('class="item-card"') == 20
    assert "测试事项19" in first and "测试事项20" not in first
    assert more.count('class="item-card"') == 5
    assert "<html" not in more and 'class="item-list"' not in more
    assert "测试事项20" in more and "测试事项24" in more
    assert "加载更多事项" not in more


def test_load_more_link_works_without_javascript_and_keeps_the_query(client):
    for n in range(22):
        ServiceItemFactory(name=f"营业执照事项{n:02d}")

    first = text(client.get(GUIDE, {"q": "yyzz"}))
    href = re.search(r'<a class="button" href="(/guide/\?[^"]*)"', first).group(1)
    second = text(client.get(href.replace("&amp;", "&")))

    assert "q=yyzz" in href
    assert "<html" in second
    assert "营业执照事项20" in second and "营业执照事项21" in second
    assert "营业执照事项00" not in second
    assert "回到第一页" in second


def test_a_broken_cursor_on_the_page_starts_from_the_top(client, licence):
    response = client.get(GUIDE, {"cursor": "broken"})

    assert response.status_code == 200
    assert "个体工商户营业执照核发" in text(response)


def test_guide_page_needs_few_queries(client, django_assert_max_num_queries, licence, fire_check):
    for _ in range(20):
        ServiceItemFactory()

    # departments for the filter + one page of items with their lead departments
    with django_assert_max_num_queries(2):
        response = client.get(GUIDE, {"q": "测试"})

    assert response.status_code == 200


def test_item_page_shows_every_field_of_the_guide(client, fire_check):
    page = text(client.get(reverse("catalog:item", args=[fire_check.code])))

    for expected in [
        "公众聚集场所投入使用、营业前消防安全检查",
        "行政许可",
        "企业经营类",
        "惠州市惠阳区消防救援大队",
        "承诺办结时限",
        "法定办结时限",
        "最多跑一次",
        "窗口办理",
        "网上办理",
        "自助取件柜",
        "现场勘查（检验）",
        "不计入办理时限",
        "不收费",
        "场所已依法取得营业执照。",
        "《中华人民共和国消防法》第十五条",
        '<button type="button" class="primary" data-print>',
    ]:
        assert expected in page, expected


def test_item_page_lists_materials_in_a_table(client, licence):
    page = text(client.get(reverse("catalog:item", args=[licence.code])))

    table = re.search(r'<table class="materials">.*?</table>', page, re.S).group(0)
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == ["序号", "材料名称", "要求", "形式", "份数", "可用电子证照替代", "说明"]
    assert "个体工商户登记（备案）申请书" in table
    assert "居民身份证" in table and "可用电子身份证" in table and "复印件" in table


def test_tolerated_material_is_marked_on_the_item_page(client, fire_check):
    page = text(client.get(reverse("catalog:item", args=[fire_check.code])))

    assert "容缺（可后补）" in page
    assert "容缺受理" in page


def test_item_page_draws_stages_with_parallel_departments(client, fire_check):
    page = text(client.get(reverse("catalog:item", args=[fire_check.code])))

    stages = re.findall(r'<li class="flow-stage[^"]*">.*?</ul>', page, re.S)
    assert len(stages) == 2
    assert "并联审查" in stages[0] and "并联审批" in stages[0]
    assert "惠州市惠阳区消防救援大队" in stages[0] and "惠州市惠阳区市场监督管理局" in stages[0]
    assert "现场检查" in stages[0] and "5 个工作日" in stages[0]
    assert "决定" in stages[1] and "并联审批" not in stages[1]


def test_item_page_needs_a_fixed_number_of_queries(client, django_assert_num_queries, fire_check):
    # the item, its materials, its stages, their steps with departments
    with django_assert_num_queries(4):
        client.get(reverse("catalog:item", args=[fire_check.code]))


def test_unknown_draft_and_superseded_codes_are_not_found(client):
    ServiceItemFactory(code="441303-DRAFT", draft=True)
    ServiceItemFactory(code="441303-OLD", status=ItemStatus.SUPERSEDED)

    for code in ["441303-NOPE", "441303-DRAFT", "441303-OLD"]:
        assert client.get(reverse("catalog:item", args=[code])).status_code == 404


def test_item_page_shows_the_published_version_not_the_draft(client):
    ServiceItemFactory(code="441303-V", version=1, name="已发布的名称")
    ServiceItemFactory(code="441303-V", version=2, name="草稿中的名称", draft=True)

    page = text(client.get(reverse("catalog:item", args=["441303-V"])))

    assert "已发布的名称" in page and "草稿中的名称" not in page


def test_home_page_leads_to_the_guide_with_figures(client, licence, fire_check):
    ServiceItemFactory(window_class=WindowClass.SOCIAL, channels=["window", "kiosk"])
    ServiceItemFactory(window_class=WindowClass.SOCIAL, channels=["window"])

    page = text(client.get("/"))

    assert '<form class="hero-search" method="get" action="/guide/"' in page
    assert 'href="/guide/?window_class=social"' in page
    assert 'href="/guide/?window_class=enterprise"' in page
    assert 'href="/guide/?window_class=investment"' in page
    assert "社会服务类" in page and "企业经营类" in page and "投资审批类" in page
    # 可网办率: 2 of 4 items can be applied for online (the online channel); 1 of them fully online
    assert re.search(r"可网办率</dt><dd>50<small>%</small>", page)
    assert "2 项可网上申请，其中 1 项全程网办" in page
    assert reverse("accounts:login") in page


def test_home_page_works_with_an_empty_catalogue(client):
    page = text(client.get("/"))

    assert "可网办率" in page
    assert re.search(r"可网办率</dt><dd>0<small>%</small>", page)


def test_drafts_do_not_count_on_the_home_page(client, licence):
    ServiceItemFactory(draft=True, is_fully_online=False)

    page = text(client.get("/"))

    assert re.search(r"已发布事项</dt><dd>1</dd>", page)


def test_material_order_follows_position(client, licence):
    Material.objects.filter(item=licence, name="经营者身份证明").update(position=0)
    Material.objects.filter(item=licence, name="个体工商户登记（备案）申请书").update(position=5)

    page = text(client.get(reverse("catalog:item", args=[licence.code])))

    assert page.index("经营者身份证明") < page.index("个体工商户登记（备案）申请书")
