"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server."""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from onewindow.catalog.constants import ConstructionStage, ItemType, WindowClass
from onewindow.catalog.models import FlowStep
from onewindow.core import workdays
from tests.e2e.csp_watch import CSP_VIOLATIONS, watch_csp
from tests.factories import PASSWORD, DepartmentFactory, ServiceItemFactory

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _document_font_built():
    """The certificates' subset font is built on first use (about 10 s, once per machine): build
    it before any page waits for a certificate, so that no browser wait includes it."""
    from onewindow.delivery.rendering import document_font

    document_font()


@pytest.fixture(autouse=True)
def _public_url_is_the_live_server(request, settings):
    """Documents made during a browser test point at the server the browser uses, as
    `onewindow serve ADDR` makes them point at ADDR."""
    if "live_server" in request.fixturenames:
        settings.ONEWINDOW_PUBLIC_URL = request.getfixturevalue("live_server").url


@pytest.fixture(autouse=True)
def _no_csp_violation():
    """Fail any browser test whose pages broke the Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    violations = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def new_page(browser):
    """A page in a browser context of its own, as each person works at their own desk."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, device_scale_factor=1
    )
    context.set_default_timeout(10_000)
    watch_csp(context)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def sign_in(page, base_url, username, landing):
    """Sign in on the login page (every factory user has PASSWORD) and wait to land on `landing`."""
    page.goto(f"{base_url}/accounts/login/?next={landing}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # The whole address: the login page's own ends with ?next=<landing> too.
    expect(page).to_have_url(re.compile(re.escape(base_url + landing) + "$"))


def on_day(day):
    """Freeze the clock at 09:30 Beijing time on `day` (the actions read today from the clock)."""
    moment = datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def screenshots(tmp_path):
    """Where the browser tests save their pictures: the README's docs/screenshots/ when
    ONEWINDOW_SCREENSHOTS=1, else the test's own directory, so that an ordinary run does not
    rewrite the committed PNGs with pixel noise."""
    if os.environ.get("ONEWINDOW_SCREENSHOTS") != "1":
        return tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _item(*, flow, materials, stage_names, tasks=None, **fields):
    """A published item whose materials and stages read like the real catalogue.

    materials: [(name, requirement, form, copies, e_licence, notes)]; tasks: {(stage, dept): task}.
    """
    item = ServiceItemFactory(flow=flow, material_names=[m[0] for m in materials], **fields)
    for material, (_, requirement, form, copies, e_licence, notes) in zip(
        item.materials.order_by("position"), materials, strict=True
    ):
        material.requirement, material.form, material.copies = requirement, form, copies
        material.e_licence_type, material.notes = e_licence, notes
        material.save()
    for stage, name in zip(item.stages.order_by("position"), stage_names, strict=True):
        stage.name = name
        stage.save(update_fields=["name"])
    for (position, department), task in (tasks or {}).items():
        FlowStep.objects.filter(
            stage__item=item, stage__position=position, department=department
        ).update(task_name=task)
    return item


@pytest.fixture
def guide_catalogue(transactional_db):
    """Nine published items of a district catalogue, across the three window classes."""

    def dept(code, name, short_name, phone=""):
        return DepartmentFactory(code=code, name=name, short_name=short_name, phone=phone)

    market = dept("SCJGJ", "惠州市惠阳区市场监督管理局", "市场监管局", "0752-3361234")
    fire = dept("XFJYDD", "惠州市惠阳区消防救援大队", "消防大队")
    housing = dept("ZJJ", "惠州市惠阳区住房和城乡建设局", "住建局", "0752-3352100")
    planning = dept("ZRZYFJ", "惠州市自然资源局惠阳分局", "自然资源分局")
    defence = dept("RFB", "惠州市惠阳区人民防空办公室", "人防办")
    social = dept("SBFJ", "惠州市社会保险基金管理局惠阳分局", "社保分局", "0752-3368800")
    estate = dept("BDCDJ", "惠州市不动产登记中心惠阳分中心", "不动产登记")
    police = dept("GAFJ", "惠州市公安局惠阳分局", "公安分局")

    required, optional, tolerated = "required", "optional", "tolerated"
    original, copy, both, electronic = "original", "copy", "original_and_copy", "electronic"

    _item(
        code="441303-SCJG-001",
        name="个体工商户营业执照核发",
        keywords="营业执照 个体户 开店",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        legal_limit_days=15,
        promised_limit_days=0,
        is_on_the_spot=True,
        max_visits=0,
        is_fully_online=True,
        channels=["window", "online", "village"],
        delivery_methods=["window", "mail", "electronic"],
        fee_basis="不收费",
        flow=[[(market, 0)]],
        stage_names=["审核发照"],
        materials=[
            ("个体工商户登记（备案）申请书", required, original, 1, "", "可在线填写"),
            ("经营者身份证明", required, copy, 1, "resident_id", ""),
            (
                "经营场所使用证明",
                required,
                copy,
                1,
                "real_estate_certificate",
                "租赁合同或产权证明",
            ),
        ],
    )
    _item(
        code="441303-SCJG-002",
        name="企业设立登记（营业执照核发）",
        keywords="开办企业 公司 营业执照",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        legal_limit_days=15,
        promised_limit_days=1,
        max_visits=0,
        is_fully_online=True,
        channels=["window", "online"],
        delivery_methods=["window", "locker", "mail", "electronic"],
        flow=[[(market, 1)]],
        stage_names=["审核发照"],
        materials=[
            ("公司登记（备案）申请书", required, original, 1, "", ""),
            ("公司章程", required, original, 1, "", "全体股东签署"),
            ("股东主体资格证明", required, copy, 1, "resident_id", ""),
            ("住所使用证明", tolerated, copy, 1, "", "可先承诺，领照前补齐"),
        ],
    )
    _item(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        keywords="食品 餐饮 小餐饮",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        legal_limit_days=20,
        promised_limit_days=10,
        max_visits=1,
        channels=["window", "online", "kiosk"],
        delivery_methods=["window", "locker", "mail"],
        special_procedures=["inspection"],
        conditions="具有与经营的食品品种、数量相适应的经营场所和设施设备。",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        flow=[[(market, 7)], [(market, 3)]],
        stage_names=["审查与现场核查", "决定"],
        tasks={(0, market): "材料审查与现场核查"},
        materials=[
            ("食品经营许可申请书", required, original, 1, "", ""),
            ("营业执照", required, copy, 1, "business_licence", ""),
            ("与食品经营相适应的主要设备设施布局、操作流程等文件", required, original, 1, "", ""),
            ("食品安全管理制度", tolerated, original, 1, "", "受理后 5 个工作日内补交"),
        ],
    )
    _item(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        keywords="消防 开业 商场 酒店",
        window_class=WindowClass.ENTERPRISE,
        lead_department=fire,
        legal_limit_days=20,
        promised_limit_days=10,
        max_visits=1,
        channels=["window", "online"],
        delivery_methods=["window", "locker"],
        special_procedures=["inspection"],
        fee_basis="不收费",
        conditions="场所已依法取得营业执照，消防设施经检测合格。",
        legal_basis="《中华人民共和国消防法》第十五条",
        flow=[[(fire, 1)], [(fire, 5), (market, 3)], [(fire, 2)]],
        stage_names=["受理审查", "并联审查", "决定"],
        tasks={(1, fire): "消防安全现场检查", (1, market): "经营主体信息核验"},
        materials=[
            ("公众聚集场所投入使用、营业前消防安全检查申请表", required, original, 1, "", ""),
            ("营业执照", tolerated, copy, 1, "business_licence", "可用电子证照"),
            ("消防设施检测报告", required, original, 1, "", "由具备资质的机构出具"),
            ("场所平面布置图", required, both, 2, "", ""),
        ],
    )
    _item(
        code="441303-ZJ-001",
        name="建筑工程施工许可证核发",
        keywords="施工许可 开工 建设工程",
        item_type=ItemType.LICENSING,
        window_class=WindowClass.INVESTMENT,
        construction_stage=ConstructionStage.CONSTRUCTION_PERMIT,
        lead_department=housing,
        legal_limit_days=15,
        promised_limit_days=7,
        max_visits=1,
        channels=["window", "online"],
        delivery_methods=["window", "electronic"],
        fee_basis="不收费",
        conditions="已经办理该建筑工程用地批准手续，依法应当办理建设工程规划许可证的，已经取得规划许可证。",
        legal_basis="《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        flow=[[(housing, 1)], [(housing, 3), (fire, 3), (defence, 2)], [(housing, 1)]],
        stage_names=["受理", "联合审查", "决定与发证"],
        tasks={
            (1, housing): "施工图审查合格书核验",
            (1, fire): "消防设计审查",
            (1, defence): "人防工程设计审查",
        },
        materials=[
            ("建筑工程施工许可证申请表", required, original, 1, "", ""),
            ("建设工程规划许可证", required, copy, 1, "construction_planning_permit", ""),
            ("施工合同及中标通知书", required, copy, 1, "", ""),
            ("建设资金已落实承诺书", tolerated, original, 1, "", "告知承诺制"),
            ("施工图设计文件审查合格书", required, electronic, 1, "", "联合图审系统自动推送"),
        ],
    )
    _item(
        code="441303-ZR-002",
        name="建设工程规划许可证核发",
        keywords="规划许可 工程规划",
        window_class=WindowClass.INVESTMENT,
        construction_stage=ConstructionStage.ENGINEERING_PERMIT,
        lead_department=planning,
        legal_limit_days=20,
        promised_limit_days=8,
        special_procedures=["public_notice", "expert_review"],
        flow=[[(planning, 5)], [(planning, 3)]],
        stage_names=["审查", "决定"],
        materials=[
            ("建设工程规划许可申请表", required, original, 1, "", ""),
            ("建设用地规划许可证", required, copy, 1, "land_use_planning_permit", ""),
            ("建设工程设计方案总平面图", required, both, 3, "", ""),
        ],
    )
    _item(
        code="441303-SB-003",
        name="城乡居民基本养老保险参保登记",
        keywords="社保 养老保险 参保",
        item_type=ItemType.PUBLIC_SERVICE,
        window_class=WindowClass.SOCIAL,
        lead_department=social,
        legal_limit_days=5,
        promised_limit_days=0,
        is_on_the_spot=True,
        max_visits=0,
        is_fully_online=True,
        channels=["window", "online", "kiosk", "village"],
        delivery_methods=["electronic"],
        flow=[[(social, 0)]],
        stage_names=["即时办结"],
        materials=[
            ("居民身份证", required, original, 1, "resident_id", "可用电子证照"),
            ("居民户口簿", optional, copy, 1, "household_register", ""),
        ],
    )
    _item(
        code="441303-BDC-005",
        name="不动产转移登记（二手房买卖）",
        keywords="不动产 房产证 过户 二手房",
        item_type=ItemType.CONFIRMATION,
        window_class=WindowClass.SOCIAL,
        lead_department=estate,
        legal_limit_days=30,
        promised_limit_days=5,
        max_visits=1,
        channels=["window", "online"],
        delivery_methods=["window", "locker", "mail"],
        fee_yuan="80.00",
        fee_basis="住宅类不动产登记费每件 80 元（含第一本证书工本费）",
        flow=[[(estate, 3)], [(estate, 2)]],
        stage_names=["审核", "登簿发证"],
        materials=[
            ("不动产登记申请书", required, original, 1, "", ""),
            ("申请人身份证明", required, copy, 1, "resident_id", ""),
            ("不动产权证书", required, original, 1, "real_estate_certificate", ""),
            ("买卖合同", required, original, 1, "", "网签备案合同"),
            ("完税凭证", tolerated, copy, 1, "", "税务窗口同步办理"),
        ],
    )
    ServiceItemFactory(
        code="441303-GA-007",
        name="户口迁移（省内迁入）",
        keywords="户口 落户 迁移",
        item_type=ItemType.CONFIRMATION,
        window_class=WindowClass.SOCIAL,
        lead_department=police,
        legal_limit_days=10,
        promised_limit_days=3,
        channels=["window", "village"],
        flow=[[(police, 3)]],
        material_names=["户口迁移申请表", "居民户口簿", "居民身份证"],
    )


def workdays_ago(n):
    """The date n working days before today (for intakes that have waited, Art. 32)."""
    day = timezone.localdate()
    while n > 0:
        day -= timedelta(days=1)
        if workdays.is_workday(day):
            n -= 1
    return day
