"""Personas and items for the case engine: clerk, clerk2, clerk_village (at a village point),
reviewer_market, reviewer_fire, reviewer_housing, head_market, head_fire, supervisor; an item with
3 departments in parallel and an on-the-spot item."""

import hashlib

import pytest

from onewindow.cases.actions import ApplicantInput, MaterialInput, do_accept_case, do_receive_intake
from onewindow.catalog.constants import Requirement
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

# Valid check digits (GB 11643 / GB 32100).
CITIZEN_ID = "11010519491231002X"
ENTERPRISE_CODE = "91110000600037341L"


def intake_payload(item, **applicant):
    """An API intake of `item` by the citizen 李明 with every material received; `applicant`
    overrides his fields (the value under test)."""
    return {
        "item_code": item.code,
        "applicant": {
            "kind": "citizen",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13800138000",
            **applicant,
        },
        "materials": [{"material_id": m.pk, "received": True} for m in item.materials.all()],
    }


@pytest.fixture
def housing(db):
    return DepartmentFactory(code="ZJJ", name="惠州市惠阳区住房和城乡建设局")


@pytest.fixture
def hall(db):
    return DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")


@pytest.fixture
def clerk(hall):
    return UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)


@pytest.fixture
def village(db):
    return DepartmentFactory(code="LJZ-XJC", name="霞角村党群服务中心", kind="village")


@pytest.fixture
def clerk_village(village):
    return UserFactory(username="clerk_village", role="clerk", department=village)


@pytest.fixture
def spot_item(market):
    """An on-the-spot item (即办件): accepting it decides it, so a case is decided in one step."""
    return ServiceItemFactory(
        code="441303-SCJG-900",
        name="食品经营许可（延续）",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
        delivery_methods=["window", "locker", "mail"],
    )


@pytest.fixture
def clerk2(hall):
    return UserFactory(username="clerk2", full_name="张红", role="clerk", department=hall)


@pytest.fixture
def reviewer_market(market):
    return UserFactory(username="reviewer_market", role="reviewer", department=market)


@pytest.fixture
def reviewer_fire(fire):
    return UserFactory(username="reviewer_fire", role="reviewer", department=fire)


@pytest.fixture
def reviewer_housing(housing):
    return UserFactory(username="reviewer_housing", role="reviewer", department=housing)


@pytest.fixture
def head_market(market):
    return UserFactory(username="head_market", role="head", department=market)


@pytest.fixture
def head_fire(fire):
    return UserFactory(username="head_fire", role="head", department=fire)


@pytest.fixture
def supervisor(hall):
    return UserFactory(username="supervisor", role="supervisor", department=hall)


@pytest.fixture
def joint_item(market, fire, housing):
    """餐饮开业联办: market, fire and housing review in parallel, then market decides (5 + 2 days)."""
    item = ServiceItemFactory(
        code="441303-LB-001",
        name="餐饮服务开业联办",
        lead_department=market,
        legal_limit_days=20,
        promised_limit_days=10,
        flow=[[(market, 5), (fire, 5), (housing, 3)], [(market, 2)]],
        material_names=[
            "开业联办申请表",
            "营业执照",
            "经营场所证明",
            "消防安全承诺书",
            "食品安全管理制度",
        ],
    )
    item.materials.filter(name="消防安全承诺书").update(requirement=Requirement.TOLERATED)
    item.materials.filter(name="食品安全管理制度").update(requirement=Requirement.OPTIONAL)
    return item


@pytest.fixture
def citizen():
    return ApplicantInput(kind="citizen", name="李明", id_number=CITIZEN_ID, phone="13800138000")


SCAN_PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def scanned_lines(item, *, content=SCAN_PDF, scanned="营业执照"):
    """Every material received; the one named `scanned` with a PDF scan of `content`."""
    from onewindow.cases.uploads import CheckedUpload

    lines = []
    for material in item.materials.all():
        upload = None
        if material.name == scanned:
            upload = CheckedUpload(
                content=content,
                content_type="application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                name=f"{scanned}.pdf",
            )
        lines.append(MaterialInput(material_id=material.pk, received=True, upload=upload))
    return lines


def all_received(item, *, except_names=()):
    return [
        MaterialInput(material_id=m.pk, received=m.name not in except_names)
        for m in item.materials.all()
    ]


@pytest.fixture
def receive(joint_item, clerk, citizen):
    """receive(**overrides) registers an intake of the joint item with every material received."""

    def make(*, item=None, except_names=(), **kwargs):
        item = item or joint_item
        options = {"applicant": citizen, "acting_user": clerk, **kwargs}
        return do_receive_intake(
            item=item, materials=all_received(item, except_names=except_names), **options
        )

    return make


@pytest.fixture
def accepted_case(receive, clerk):
    return do_accept_case(receive(), acting_user=clerk)


# The search tests' cases (tests/cases/search_world.py).
from tests.cases.search_world import village_clerk, world  # noqa: E402, F401
