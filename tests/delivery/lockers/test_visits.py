"""Counting visits (最多跑一次): each physical visit a case costs the applicant — intake at a window
or a village point, handing in materials later at a window, pickup at a window. Online and kiosk
intakes, lockers and mail cost none."""

import pytest
from django.urls import reverse

from onewindow.cases.actions import (
    do_accept_case,
    do_issue_supplement_notice,
    do_receive_intake,
    do_receive_tolerated_materials,
    do_update_intake_materials,
)
from onewindow.cases.constants import IntakeChannel
from onewindow.catalog.constants import DeliveryMethod, Requirement
from onewindow.delivery.actions import do_collect_from_locker, do_deposit_in_locker
from onewindow.delivery.constants import VisitKind
from onewindow.delivery.models import Visit
from tests.delivery.lockers.conftest import all_received
from tests.factories import DepartmentFactory, UserFactory
from tests.pickup import collect

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(Visit.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))


def test_a_window_intake_and_a_window_pickup_are_two_visits(issued, clerk, hall):
    case = issued()
    collect(case, clerk)

    assert kinds(case) == [VisitKind.INTAKE, VisitKind.PICKUP]
    intake = Visit.objects.get(case=case, kind=VisitKind.INTAKE)
    assert (intake.service_point, intake.clerk) == (hall, clerk)


def test_a_locker_pickup_costs_no_visit(issued, clerk, locker):
    case = issued(DeliveryMethod.LOCKER)
    deposit = do_deposit_in_locker(case, locker=locker, acting_user=clerk)
    do_collect_from_locker(locker, code=deposit.code)

    assert kinds(case) == [VisitKind.INTAKE]


@pytest.mark.parametrize("channel", [IntakeChannel.ONLINE, IntakeChannel.KIOSK, IntakeChannel.API])
def test_online_kiosk_and_system_intakes_cost_no_visit(decided, spot_item, channel):
    spot_item.channels = ["window", "online", "kiosk"]
    spot_item.save(update_fields=["channels"])

    case = decided(channel=channel)

    assert kinds(case) == []


def test_a_village_intake_is_a_visit_at_the_village_point(spot_item, citizen):
    village = DepartmentFactory(code="LJZ-XJC", name="霞角村党群服务中心", kind="village")
    agent = UserFactory(username="clerk_village", role="clerk", department=village)
    spot_item.channels = ["window", "village"]
    spot_item.save(update_fields=["channels"])

    case = do_receive_intake(
        item=spot_item,
        applicant=citizen,
        materials=all_received(spot_item),
        acting_user=agent,
        channel=IntakeChannel.VILLAGE,
    )

    visit = Visit.objects.get(case=case)
    assert (visit.kind, visit.service_point, visit.clerk) == (VisitKind.INTAKE, village, agent)


def test_coming_back_with_missing_materials_is_a_visit(spot_item, clerk, citizen):
    first = spot_item.materials.order_by("position").first()
    case = do_receive_intake(
        item=spot_item,
        applicant=citizen,
        materials=all_received(spot_item, except_names=[first.name]),
        acting_user=clerk,
    )
    do_issue_supplement_notice(case, defects={first.pk: "未提交"}, acting_user=clerk)

    do_update_intake_materials(case, materials=all_received(spot_item), acting_user=clerk)
    do_accept_case(case, acting_user=clerk)

    assert kinds(case) == [VisitKind.INTAKE, VisitKind.SUPPLEMENT]


def test_handing_in_tolerated_materials_is_a_visit(spot_item, clerk, citizen):
    tolerated = spot_item.materials.order_by("position").last()
    tolerated.requirement = Requirement.TOLERATED
    tolerated.save(update_fields=["requirement"])
    case = do_receive_intake(
        item=spot_item,
        applicant=citizen,
        materials=all_received(spot_item, except_names=[tolerated.name]),
        acting_user=clerk,
    )
    from datetime import timedelta

    from django.utils import timezone

    do_accept_case(case, acting_user=clerk, supplement_due=timezone.localdate() + timedelta(days=7))

    do_receive_tolerated_materials(case, material_ids=[tolerated.pk], acting_user=clerk)

    assert kinds(case) == [VisitKind.INTAKE, VisitKind.SUPPLEMENT]


def test_a_refused_intake_counts_no_visit(spot_item, clerk, citizen):
    from onewindow.cases.errors import CaseActionError

    spot_item.channels = ["online"]
    spot_item.save(update_fields=["channels"])
    with pytest.raises(CaseActionError):
        do_receive_intake(
            item=spot_item, applicant=citizen, materials=all_received(spot_item), acting_user=clerk
        )

    assert Visit.objects.count() == 0


def test_the_window_case_page_shows_the_visit_count(client, issued, clerk):
    case = issued()
    collect(case, clerk)
    client.force_login(clerk)

    html = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert '<dd id="visit-count"><b>2</b>' in html
    assert "窗口递交材料" in html and "窗口领取结果" in html


def test_a_case_over_its_visit_promise_is_flagged_on_its_page(client, issued, clerk):
    case = issued()  # 最多跑一次 (max_visits 1)
    client.force_login(clerk)
    page = reverse("cases:case", args=[case.pk])

    assert "data-over-promise" not in client.get(page).content.decode()  # 1 visit: kept
    collect(case, clerk)
    html = client.get(page).content.decode()

    assert "承诺最多 1 次" in html and "data-over-promise" in html and "超出跑动承诺" in html


def test_a_zero_visit_item_is_flagged_after_one_visit(client, issued, clerk, spot_item):
    spot_item.max_visits = 0
    spot_item.save(update_fields=["max_visits"])
    case = issued()
    client.force_login(clerk)

    html = client.get(reverse("cases:case", args=[case.pk])).content.decode()

    assert "data-over-promise" in html


def test_cases_over_their_visit_promise_are_counted_for_supervision(
    client, issued, clerk, supervisor
):
    kept, broken = issued(), issued()
    collect(broken, clerk)
    client.force_login(supervisor)

    response = client.get(reverse("cases:supervision"))

    assert [case.pk for case in response.context["over_promise"]] == [broken.pk]
    assert response.context["over_promise_total"] == 1
    assert response.context["over_promise"][0].visit_total == 2
    html = response.content.decode()
    assert "到现场次数超出承诺的办件" in html and broken.number in html
    assert kept.number not in html.split('id="over-promise"')[1].split("</section>")[0]
