"""A citizen finds a service guide in a real browser: search as you type, pinyin, the item page."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def htmx_loaded(page):
    return page.evaluate("typeof window.htmx !== 'undefined'")


def search(page, text):
    """Type into the guide's search box as a person would.

    With htmx the list is replaced in place as you type; without it (no JavaScript, or the
    vendored htmx not installed) the same form works by pressing Enter.
    """
    box = page.locator("#guide-q")
    box.fill("")
    box.press_sequentially(text, delay=30)
    if not htmx_loaded(page):
        box.press("Enter")
    # htmx pushes the URL after its swap, so the URL is the sign that the last request landed.
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(quote(text)) + r"(&|$)"))


def result_titles(page):
    return page.locator(".item-card-title").all_inner_texts()


def test_citizen_searches_the_guide_and_reads_an_item(
    live_server, page, guide_catalogue, screenshots
):
    page.goto(f"{live_server.url}/guide/")
    expect(page.get_by_role("heading", name="办事指南", exact=True)).to_be_visible()
    expect(page.locator(".item-card")).to_have_count(9)
    page.screenshot(path=str(screenshots / "guide.png"), full_page=True)

    with_htmx = htmx_loaded(page)
    page.evaluate("window.sameDocument = true")
    search(page, "食品经营")
    expect(page.locator(".item-card")).to_have_count(1)
    assert result_titles(page) == ["食品经营许可（新办）"]
    if with_htmx:
        # The list was swapped in place: no page load happened.
        assert page.evaluate("window.sameDocument === true")

    search(page, "yyzz")
    expect(page.locator(".item-card")).to_have_count(2)
    assert sorted(result_titles(page)) == ["个体工商户营业执照核发", "企业设立登记（营业执照核发）"]

    page.get_by_role("link", name="个体工商户营业执照核发").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个体工商户营业执照核发")
    materials = page.locator("table.materials tbody tr")
    expect(materials).to_have_count(3)
    expect(materials.first).to_contain_text("个体工商户登记（备案）申请书")
    expect(page.locator(".flow-stage")).to_have_count(1)


def test_item_page_shows_materials_and_parallel_flow(
    live_server, page, guide_catalogue, screenshots
):
    page.goto(f"{live_server.url}/guide/")
    search(page, "施工许可")
    page.get_by_role("link", name="建筑工程施工许可证核发").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("建筑工程施工许可证核发")
    expect(page.locator("table.materials tbody tr")).to_have_count(5)
    expect(page.locator("table.materials")).to_contain_text("容缺（可后补）")
    stages = page.locator(".flow-stage")
    expect(stages).to_have_count(3)
    expect(stages.nth(1)).to_contain_text("并联审批")
    expect(stages.nth(1).locator(".flow-step")).to_have_count(3)
    expect(stages.nth(1)).to_contain_text("惠州市惠阳区消防救援大队")
    expect(stages.nth(0)).not_to_contain_text("并联审批")
    # Stages are drawn left to right.
    boxes = [stages.nth(n).bounding_box() for n in range(3)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    expect(page.get_by_role("button", name="打印办事指南")).to_be_visible()
    page.screenshot(path=str(screenshots / "guide-item.png"), full_page=True)


def test_a_search_with_no_match_says_so(live_server, page, guide_catalogue):
    page.goto(f"{live_server.url}/guide/")
    search(page, "宠物美容")

    expect(page.locator(".item-card")).to_have_count(0)
    expect(page.locator(".empty")).to_contain_text("没有找到与“宠物美容”相关的事项")


def test_home_page_search_leads_to_the_guide(live_server, page, guide_catalogue):
    page.goto(f"{live_server.url}/")
    page.locator("#home-q").fill("不动产")
    page.locator("#home-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/guide/\?q="))
    assert result_titles(page) == ["不动产转移登记（二手房买卖）"]


def test_choosing_a_window_class_narrows_the_list(live_server, page, guide_catalogue):
    page.goto(f"{live_server.url}/guide/")
    page.get_by_label("窗口类别").select_option(label="投资审批类")
    if not htmx_loaded(page):
        page.get_by_role("button", name="搜索").click()

    expect(page).to_have_url(re.compile(r"window_class=investment"))
    expect(page.locator(".item-card")).to_have_count(2)
    assert sorted(result_titles(page)) == ["建筑工程施工许可证核发", "建设工程规划许可证核发"]
