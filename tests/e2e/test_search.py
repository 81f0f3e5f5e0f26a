"""The search box in a real browser: from the window clerk's page, a case found by each kind of
key and opened; a key that names several cases lists them with state, colour and deadline."""

import re

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import ApplicantInput, do_accept_case, do_receive_intake
from onewindow.delivery.models import Certificate
from tests.cases.conftest import all_received
from tests.cases.search_world import approve_everything
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.pickup import issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CITIZEN = ApplicantInput(
    kind="citizen", name="李明", id_number="11010519491231002X", phone="13800138000"
)
COMPANY = ApplicantInput(
    kind="enterprise",
    name="惠阳示例餐饮有限公司",
    id_number="91110000600037341L",
    phone="0752-3388123",
    legal_representative="王强",
)


@pytest.fixture
def centre(transactional_db):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    fire = DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队")
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewers = [
        UserFactory(username="reviewer_market", role="reviewer", department=market),
        UserFactory(username="reviewer_fire", role="reviewer", department=fire),
    ]
    item = ServiceItemFactory(
        code="441303-LB-001",
        name="餐饮服务开业联办",
        lead_department=market,
        flow=[[(market, 5), (fire, 5)]],
        material_names=["开业联办申请表", "营业执照", "经营场所证明"],
    )

    def receive(applicant):
        return do_receive_intake(
            item=item, applicant=applicant, materials=all_received(item), acting_user=clerk
        )

    intake = receive(CITIZEN)
    in_review = do_accept_case(receive(CITIZEN), acting_user=clerk)
    company = do_accept_case(receive(COMPANY), acting_user=clerk)
    issued = do_accept_case(receive(CITIZEN), acting_user=clerk)
    approve_everything(issued, reviewers)
    code = issue(issued, clerk)
    issued.refresh_from_db()
    return {
        "intake": intake,
        "in_review": in_review,
        "company": company,
        "issued": issued,
        "code": code,
        "certificate": Certificate.objects.get(case=issued).number,
    }


def search(page, q):
    box = page.locator(".topbar-search input[name=q]")
    box.fill(q)
    box.press("Enter")


def test_a_clerk_finds_and_opens_a_case_by_each_kind_of_key(live_server, page, centre, screenshots):
    base = live_server.url
    sign_in(page, base, "clerk", "/window/")
    in_review, issued, company = centre["in_review"], centre["issued"], centre["company"]
    intake = centre["intake"]
    case_page = f"{base}/window/cases/{{}}/"
    single_hits = [
        (in_review.number, case_page.format(in_review.pk)),
        (f"sj{intake.received_on:%Y%m%d}{intake.pk:06d}", f"{base}/window/intakes/{intake.pk}/"),
        (centre["certificate"].lower(), case_page.format(issued.pk)),
        ("９１１１ ００００ ６０００ ３７３４ １l", case_page.format(company.pk)),  # full width
        ("07523388123", case_page.format(company.pk)),
        ("惠阳示例餐饮有限公司 341l", case_page.format(company.pk)),
        (centre["code"], case_page.format(issued.pk)),
    ]
    for q, landing in single_hits:
        search(page, q)
        expect(page).to_have_url(landing)
        # The box is on the case page too: the next search starts from there.
        expect(page.locator(".topbar-search")).to_be_visible()

    # One person's ID number names three cases: they are listed, newest first, and open.
    search(page, "110105 19491231 002x")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    rows = page.locator(".search-results tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator(".search-kind")).to_contain_text("证件号码")
    expect(rows.first).to_contain_text(issued.number)
    page.get_by_role("link", name=in_review.number).click()
    expect(page).to_have_url(case_page.format(in_review.pk))

    search(page, "138 0013 8000")
    expect(page.locator(".search-results tbody tr")).to_have_count(3)
    page.screenshot(path=str(screenshots / "search.png"), full_page=True)

    # A bare name is not a key: the page says what to add.
    search(page, "李明")
    expect(page.locator(".search-error")).to_contain_text("证件号码后 4 位")
