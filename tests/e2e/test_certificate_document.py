"""The official result document from the window: the clerk issues a decided licence (出件),
downloads its PDF from the case page and it reads back as the licence of the enterprise, with
its full name and credit code, the number, and the department's seal. With
ONEWINDOW_SCREENSHOTS=1 its first page becomes docs/screenshots/certificate.png."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_receive_intake,
)
from onewindow.catalog.constants import ResultDocument
from onewindow.delivery.models import Certificate
from tests.cases.conftest import ENTERPRISE_CODE, all_received
from tests.delivery.pdfs import reader, text
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "惠州市惠阳区示例食品贸易有限公司"
DEPARTMENT = "惠州市惠阳区市场监督管理局"


@pytest.fixture
def decided_case(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name=DEPARTMENT, short_name="市场监管局")
    item = ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        result_validity_years=5,
        result_document=ResultDocument.LICENCE,
        flow=[[(market, 5)]],
    )
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewer = UserFactory(username="reviewer_market", role="reviewer", department=market)
    applicant = ApplicantInput(
        kind="enterprise",
        name=ENTERPRISE,
        id_number=ENTERPRISE_CODE,
        phone="13800138000",
        legal_representative="张三",
    )
    case = do_receive_intake(
        item=item, applicant=applicant, materials=all_received(item), acting_user=clerk
    )
    case = do_accept_case(case, acting_user=clerk)
    do_complete_review(case.tasks.get(), decision="approved", opinion="同意", acting_user=reviewer)
    return do_decide_case(case, acting_user=reviewer)


def test_the_clerk_issues_and_downloads_an_official_licence(
    live_server, browser, decided_case, screenshots
):
    base = live_server.url
    clerk = new_page(browser)
    landing = f"/window/cases/{decided_case.pk}/"
    sign_in(clerk, base, "clerk", landing)

    clerk.locator("#issue-card").get_by_role("button", name="出件").click()
    certificate = Certificate.objects.get(case=decided_case)
    link = clerk.get_by_role("link", name="PDF")
    expect(link).to_be_visible()
    # The link serves the PDF inline (the browser's viewer): fetch it with the clerk's session.
    response = clerk.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    content = response.body()

    assert content.startswith(b"%PDF-")
    words = text(content)
    for expected in (
        "行政许可证",
        certificate.number,
        ENTERPRISE,
        ENTERPRISE_CODE,  # an enterprise's credit code is public: in full
        "食品经营许可（新办）",
        DEPARTMENT + "行政许可专用章",  # the seal's arc and purpose, drawn as text
        base,  # the QR code's address is the server that served the page
    ):
        assert expected in words, expected
    assert reader(content).attachments["certificate.json"]

    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        page = document[0]
        width, height = page.get_size()
        assert width > height  # the licence is landscape A4
        image = page.render(scale=150 / 72).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    # The seal is red on the page: enough strongly red pixels for a ring, a star and a name.
    red = sum(1 for r, g, b in image.get_flattened_data() if r > 180 and g < 80 and b < 80)
    assert red > 2000, red
    image.save(screenshots / "certificate.png", optimize=True)
