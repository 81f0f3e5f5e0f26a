"""Conversion between catalogue rows and the plain "spec" dicts of the catalogue file.

One shape for import, export, validation and "has this item changed?" comparisons.
"""

from decimal import Decimal

from onewindow.catalog.constants import ItemType


def department_to_spec(department):
    return {
        "code": department.code,
        "name": department.name,
        "short_name": department.short_name,
        "kind": department.kind,
        "parent": department.parent.code if department.parent_id else None,
        "address": department.address,
        "phone": department.phone,
    }


def _fee(value):
    value = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def item_to_spec(item):
    """The item as the catalogue file writes it (stages and steps in order)."""
    return {
        "code": item.code,
        "name": item.name,
        "type": item.item_type,
        "window_class": item.window_class,
        "construction_stage": item.construction_stage,
        "lead_department": item.lead_department.code,
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "on_the_spot": item.is_on_the_spot,
        "max_visits": item.max_visits,
        "result_validity_years": item.result_validity_years,
        "needs_signature": item.needs_signature,
        "result_document": item.result_document,
        "channels": list(item.channels),
        "fully_online": item.is_fully_online,
        "fee_yuan": _fee(item.fee_yuan),
        "fee_basis": item.fee_basis,
        "delivery_methods": list(item.delivery_methods),
        "special_procedures": list(item.special_procedures),
        "keywords": item.keyword_list,
        "conditions": item.conditions,
        "legal_basis": item.legal_basis,
        "notes": item.notes,
        "materials": [
            {
                "name": m.name,
                "requirement": m.requirement,
                "form": m.form,
                "copies": m.copies,
                "e_licence": m.e_licence_type,
                "notes": m.notes,
            }
            for m in item.materials.all()
        ],
        "stages": [
            {
                "name": stage.name,
                "steps": [
                    {
                        "department": step.department.code,
                        "limit_days": step.limit_days,
                        "task": step.task_name,
                    }
                    for step in stage.steps.all()
                ],
            }
            for stage in item.stages.all()
        ],
    }


ITEM_DEFAULTS = {
    "construction_stage": "",
    "on_the_spot": False,
    "max_visits": 1,
    "result_validity_years": 0,
    "result_document": "",
    "fully_online": False,
    "fee_yuan": 0,
    "fee_basis": "",
    "special_procedures": [],
    "keywords": [],
    "conditions": "",
    "legal_basis": "",
    "notes": "",
    "materials": [],
}
MATERIAL_DEFAULTS = {
    "requirement": "required",
    "form": "original",
    "copies": 1,
    "e_licence": "",
    "notes": "",
}


def normalise_item_spec(spec):
    """Fill defaults so that a file written by hand compares equal to the exported form."""
    full = {**ITEM_DEFAULTS, **spec}
    # A head signs the decisions of 行政许可 items unless the file says otherwise.
    full.setdefault("needs_signature", full.get("type") == ItemType.LICENSING)
    full["result_document"] = full["result_document"] or ""
    full["construction_stage"] = full["construction_stage"] or ""
    full["fee_yuan"] = _fee(full["fee_yuan"])
    full["materials"] = [{**MATERIAL_DEFAULTS, **m} for m in full["materials"] or []]
    full["stages"] = [
        {
            "name": stage.get("name", ""),
            "steps": [{"task": "", **step} for step in stage.get("steps") or []],
        }
        for stage in full.get("stages") or []
    ]
    for key in ("conditions", "legal_basis", "notes", "fee_basis"):
        full[key] = full[key] or ""
    return full


def item_queryset_for_specs(queryset):
    return queryset.select_related("lead_department").prefetch_related(
        "materials", "stages__steps__department"
    )
