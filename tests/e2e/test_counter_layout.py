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
