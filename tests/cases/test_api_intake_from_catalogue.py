"""An integration does an intake from the API alone: the catalogue gives the material ids that
the intake's checklist names."""

import pytest

from onewindow.cases.models import Case
from tests.cases.conftest import CITIZEN_ID
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_the_material_ids_an_intake_needs(client, clerk, joint_item):
    api = ApiClient(client).as_user(clerk)

    guide = api.get(f"/api/catalog/items/{joint_item.code}").json()
    response = api.post(
        "/api/cases/intakes",
        {
            "item_code": guide["code"],
            "applicant": {
                "kind": "citizen",
                "name": "李明",
                "id_number": CITIZEN_ID,
                "phone": "13800138000",
            },
            "materials": [{"material_id": m["id"], "received": True} for m in guide["materials"]],
        },
    )

    assert [m["id"] for m in guide["materials"]] == [
        m.pk for m in joint_item.materials.order_by("position", "id")
    ]
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert case.materials.filter(status="received").count() == len(guide["materials"]) == 5
