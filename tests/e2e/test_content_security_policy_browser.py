"""The pages work under the Content-Security-Policy. Every browser test fails on a violation
(tests/e2e/conftest.py); these visit what the other browser tests do not: Swagger UI, the admin,
the print buttons, the lockout page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.csp_watch import CSP_VIOLATIONS
from tests.factories import PASSWORD, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(live_server, page):
    # The watch itself: a script injected into the page does not run, and the test would fail.
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.appendChild(script);
    }"""
    )

    assert page.evaluate("window.injected === undefined")
    # The report reaches Python through a binding: give it a moment.
    for _ in range(50):
        if CSP_VIOLATIONS:
            break
        page.wait_for_timeout(100)
    assert any("script-src" in v or "inline script" in v for v in CSP_VIOLATIONS), CSP_VIOLATIONS
    CSP_VIOLATIONS.clear()


def test_swagger_ui_works_under_the_policy(live_server, page):
    page.goto(f"{live_server.url}/api/docs")

    expect(page.locator(".opblock").first).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/catalog/items").first
    ).to_be_visible()


def test_the_print_buttons_print_without_inline_handlers(live_server, page):
    item = ServiceItemFactory(name="个体工商户营业执照核发")
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(f"{live_server.url}/guide/{item.code}/")

    page.get_by_role("button", name="打印办事指南").click()

    page.wait_for_function("window.printed === 1")


def test_the_admin_works_under_the_policy(live_server, page):
    UserFactory(username="admin", is_staff=True, is_superuser=True, role="")
    ServiceItemFactory(name="个体工商户营业执照核发")
    sign_in(page, live_server.url, "admin", "/admin/")

    for path in (
        "/admin/",
        "/admin/accounts/user/add/",
        "/admin/catalog/serviceitem/",
        "/admin/axes/accessfailurelog/",
    ):
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
    page.goto(live_server.url + "/admin/catalog/serviceitem/")
    page.locator("#result_list tbody a").first.click()
    expect(page.locator(".field-publish_check")).to_contain_text("符合发布条件")


def test_a_locked_out_sign_in_gets_a_page_in_the_readers_language(live_server, page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="clerk")
    for _ in range(3):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("登录失败次数过多，已暂停登录")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请 15 分钟后再试")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_a_clerk_changes_their_password_from_the_header(live_server, page):
    UserFactory(username="chenxiao", full_name="陈晓")
    sign_in(page, live_server.url, "chenxiao", "/")

    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("chenxiao2024")
    page.get_by_label("再次输入新密码").fill("chenxiao2024")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("alert")).to_contain_text("密码未修改")

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("river-lantern-94-maple")
    page.get_by_label("再次输入新密码").fill("river-lantern-94-maple")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".messages")).to_contain_text("密码已修改")
