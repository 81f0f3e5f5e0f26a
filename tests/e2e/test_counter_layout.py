"""The counter's screens at the sizes they really have: the window's 1366×768 screen, where the
outcome buttons must be in view once the checklist is filled, without hunting for them."""

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from onewindow.catalog.models import ServiceItem
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COUNTER = {"width": 1366, "height": 768}


def in_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.fixture
def window_clerk(guide_catalogue):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    return UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)


def test_the_outcome_buttons_are_in_view_after_filling_the_checklist_at_1366x768(
    live_server, browser, window_clerk, screenshots
):
    # The item with the longest checklist of the catalogue.
    item = (
        ServiceItem.objects.published()
        .annotate(count=Count("materials"))
        .order_by("-count", "code")
        .first()
    )
    page = new_page(browser)
    page.set_viewport_size(COUNTER)
    sign_in(page, live_server.url, "clerk", "/window/")
    page.goto(f"{live_server.url}/window/?item={item.pk}")
    page.locator("#id_applicant_id_number").fill("11010519491231002X")
    page.locator("#id_applicant_name").fill("李明")
    page.get_by_label("联系电话").fill("13800138000")
    boxes = page.locator("table.checklist [data-received]")
    assert boxes.count() == item.materials.count() >= 4
    for index in range(boxes.count()):
        boxes.nth(index).check()  # scrolls each row into view, as the clerk works down the list

    for outcome in ("accept", "notice", "not_accept"):
        button = page.locator(f'[data-outcome="{outcome}"]')
        expect(button).to_be_visible()
        assert in_viewport(page, button), f"{outcome} is outside the 1366×768 screen"
    page.screenshot(path=str(screenshots / "window-1366x768.png"))
    # The last row stays readable above the bar.
    last = page.locator("table.checklist tbody tr").last
    assert in_viewport(page, last.locator("[data-received]"))
    page.locator('[data-outcome="accept"]').click()
    expect(page.get_by_role("heading", name="受理通知书")).to_be_visible()
    page.context.close()


@pytest.fixture
def locker_with_a_result(transactional_db):
    """The hall's locker holding one result (a 20-digit case number on its tile)."""
    from onewindow.cases.actions import ApplicantInput, do_accept_case, do_receive_intake
    from onewindow.delivery.actions import do_deposit_in_locker, do_issue_result
    from onewindow.delivery.models import Delivery
    from tests.cases.conftest import all_received
    from tests.delivery.lockers.conftest import make_locker
    from tests.factories import ServiceItemFactory

    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    item = ServiceItemFactory(
        code="441303-SCJG-900",
        name="食品经营许可（延续）",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
        delivery_methods=["window", "locker", "mail"],
    )
    locker = make_locker(hall)
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="citizen", name="李明", id_number="11010519491231002X", phone="13800138000"
        ),
        materials=all_received(item),
        acting_user=clerk,
    )
    case = do_accept_case(case, acting_user=clerk)
    Delivery.objects.create(case=case, method="locker")
    do_issue_result(case, acting_user=clerk)
    case.refresh_from_db()
    do_deposit_in_locker(case, locker=locker, acting_user=clerk, size="S")
    return case, locker


def test_the_locker_grid_shows_whole_case_numbers(live_server, browser, locker_with_a_result):
    case, _locker = locker_with_a_result
    page = new_page(browser)
    page.set_viewport_size(COUNTER)
    sign_in(page, live_server.url, "clerk", "/window/lockers/")
    link = page.locator(".compartment a", has_text=case.number)
    expect(link).to_be_visible()

    tile = link.locator("xpath=ancestor::li[1]")
    inner, outer = link.bounding_box(), tile.bounding_box()
    assert outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
    assert tile.evaluate("li => li.scrollWidth <= li.clientWidth")
    assert link.evaluate("a => a.getClientRects().length") == 1  # on one line, not broken up
    page.context.close()


def test_after_a_wrong_code_the_kiosk_open_button_stays_on_a_1280x800_screen(
    live_server, browser, locker_with_a_result
):
    _case, locker = locker_with_a_result
    kiosk = new_page(browser)
    kiosk.set_viewport_size({"width": 1280, "height": 800})
    kiosk.goto(f"{live_server.url}/kiosk/lockers/{locker.code}/")
    for digit in "000000":
        kiosk.locator(f'.key[data-digit="{digit}"]').click()
    kiosk.get_by_role("button", name="开柜取件").click()
    expect(kiosk.locator("#kiosk-error")).to_contain_text("取件码不正确")

    kiosk.evaluate("window.scrollTo(0, 0)")  # as the page loads: nobody scrolls a kiosk
    button = kiosk.get_by_role("button", name="开柜取件")
    assert in_viewport(kiosk, button), button.bounding_box()
    assert in_viewport(kiosk, kiosk.locator("#kiosk-error"))
    kiosk.context.close()


def test_the_needs_supplement_badge_stays_a_small_pill_beside_a_long_name(
    live_server, browser, window_clerk
):
    from onewindow.cases.actions import (
        ApplicantInput,
        MaterialInput,
        do_issue_supplement_notice,
        do_receive_intake,
    )

    item = ServiceItem.objects.published().get(code="441303-BDC-005")
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="enterprise",
            name="惠州市惠阳区粤味轩餐饮管理有限公司第二分公司",  # wraps in the side list
            id_number="91110000600037341L",
            phone="13800138000",
            legal_representative="王强",
        ),
        materials=[MaterialInput(material_id=m.pk, received=False) for m in item.materials.all()],
        acting_user=window_clerk,
    )
    do_issue_supplement_notice(case, defects={}, acting_user=window_clerk)
    page = new_page(browser)
    page.set_viewport_size(COUNTER)
    sign_in(page, live_server.url, "clerk", "/window/")

    badge = page.locator(".intake-row .state")
    expect(badge).to_have_text("待补正")
    name = page.locator(".intake-row .intake-top b").bounding_box()
    box = badge.bounding_box()
    line = badge.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
    assert name["height"] > 1.5 * line  # the name did wrap
    assert box["height"] <= line + 2, box  # one line high, not stretched beside the name
    page.context.close()


def test_a_search_replaced_while_typing_logs_no_console_error(live_server, browser, window_clerk):
    page = new_page(browser)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server.url, "clerk", "/window/")
    answered = []

    def slow(route):
        # The first search is still on its way when the clerk types on.
        if not answered:
            answered.append(route.request.url)
            page.wait_for_timeout(600)
        route.continue_()

    page.route("**/window/items/?*", slow)
    search = page.locator("#item-q")
    search.press_sequentially("sp", delay=20)
    page.wait_for_timeout(300)  # the first request goes out (delay:200ms)…
    search.press_sequentially("jy", delay=20)  # …and a second one follows while it waits
    expect(page.locator("#item-results .pick").first).to_contain_text("食品经营许可")
    page.wait_for_timeout(800)

    assert answered, "the search went out"
    assert not [text for text in errors if "htmx" in text], errors
    page.context.close()
