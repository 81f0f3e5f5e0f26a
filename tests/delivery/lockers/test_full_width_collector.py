"""The collector's ID number typed with a full-width input method (…００２Ｘ) is the same number: the
applicant's own matches the case, a proxy's is stored in ASCII, from the API and the window form
alike (core.identity). A superscript digit is still refused, nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases.constants import CaseState
from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Visit, WindowPickup
from tests import scans
from tests.delivery.lockers.conftest import CITIZEN_ID, PROXY_ID
from tests.openapi import ApiClient
from tests.pickup import sent_code

pytestmark = pytest.mark.django_db

ID_MISMATCH = "证件号码与申请人不一致；他人代领须提供本人身份证和授权委托书"


def full_width(text):
    """`text` as a full-width input method types it (ASCII 0x21–0x7E → U+FF01–FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def collect(client, clerk, case, collector):
    api = ApiClient(client).as_user(clerk)
    return api.post(
        f"/api/cases/{case.pk}/collect",
        {"pickup_code": sent_code(case), "collector": collector},
    )


@pytest.mark.parametrize(
    "typed",
    [
        full_width(CITIZEN_ID.lower()),
        "１１０１０５ １９４９１２３１ ００２ｘ",
        "110105-19491231-002x",
    ],
)
def test_the_applicant_collects_with_a_full_width_id(client, clerk, issued, typed):
    case = issued()

    response = collect(
        client,
        clerk,
        case,
        {"kind": "applicant", "name": "", "id_number": typed},
    )

    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    assert WindowPickup.objects.get(delivery__case=case).collector_id_number == CITIZEN_ID


def test_a_proxys_full_width_id_is_stored_in_ascii(client, clerk, issued):
    case = issued()

    response = collect(
        client,
        clerk,
        case,
        {
            "kind": "proxy",
            "name": "王芳",
            "id_number": full_width(PROXY_ID),
            "authorisation_reference": "委托书 2026-118",
        },
    )

    assert response.status_code == 200, response.json()
    assert WindowPickup.objects.get(delivery__case=case).collector_id_number == PROXY_ID


def test_the_window_form_takes_a_full_width_id(client, clerk, issued):
    case = issued()
    client.force_login(clerk)
    form = {
        "pickup_code": full_width(sent_code(case)),
        "collector_kind": "proxy",
        "collector_name": "王芳",
        "collector_id_number": "４４０１０３\u3000１９９００３０７\u3000８２７４",
        "authorisation_scan": SimpleUploadedFile("委托书.pdf", scans.pdf()),
    }

    response = client.post(reverse("delivery:hand_over", args=[case.pk]), form)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    assert WindowPickup.objects.get(delivery__case=case).collector_id_number == PROXY_ID


def test_an_applicant_id_with_a_superscript_digit_does_not_match(client, clerk, issued):
    case = issued()
    audit_rows = AuditEntry.objects.count()

    response = collect(
        client,
        clerk,
        case,
        {"kind": "applicant", "name": "", "id_number": CITIZEN_ID[:16] + "²X"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "id_mismatch",
        "message": ID_MISMATCH,
        "detail": [{"type": "invalid", "loc": ["collector.id_number"], "msg": "id_mismatch"}],
    }
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert not Visit.objects.filter(case=case, kind="pickup").exists()
    assert AuditEntry.objects.count() == audit_rows
