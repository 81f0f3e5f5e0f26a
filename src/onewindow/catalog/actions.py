"""Every change to the catalogue. One transaction each, with an audit row."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.constants import ItemStatus
from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem
from onewindow.catalog.search import pinyin_keys
from onewindow.catalog.specs import (
    department_to_spec,
    item_queryset_for_specs,
    item_to_spec,
    normalise_item_spec,
)
from onewindow.catalog.validation import SpecError, validate_item_spec
from onewindow.core import audit


class CatalogueError(Exception):
    """Raised with every error found; nothing has been written."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def _write_item_version(spec, *, version, status, acting_user, departments):
    """Insert one item version with its materials and flow from a validated spec."""
    now = timezone.now()
    item = ServiceItem.objects.create(
        code=spec["code"],
        version=version,
        status=status,
        name=spec["name"],
        item_type=spec["type"],
        window_class=spec["window_class"],
        construction_stage=spec["construction_stage"],
        lead_department=departments[spec["lead_department"]],
        legal_limit_days=spec["legal_limit_days"],
        promised_limit_days=spec["promised_limit_days"],
        is_on_the_spot=spec["on_the_spot"],
        max_visits=spec["max_visits"],
        result_validity_years=spec["result_validity_years"],
        needs_signature=spec["needs_signature"],
        result_document=spec["result_document"],
        channels=spec["channels"],
        is_fully_online=spec["fully_online"],
        fee_yuan=Decimal(str(spec["fee_yuan"])),
        fee_basis=spec["fee_basis"],
        delivery_methods=spec["delivery_methods"],
        special_procedures=spec["special_procedures"],
        keywords=" ".join(spec["keywords"]),
        conditions=spec["conditions"],
        legal_basis=spec["legal_basis"],
        notes=spec["notes"],
        search_pinyin=pinyin_keys(spec["name"], " ".join(spec["keywords"])),
        published_at=now if status == ItemStatus.PUBLISHED else None,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    Material.objects.bulk_create(
        Material(
            item=item,
            position=position,
            name=m["name"],
            requirement=m["requirement"],
            form=m["form"],
            copies=m["copies"],
            e_licence_type=m["e_licence"] or "",
            notes=m["notes"] or "",
        )
        for position, m in enumerate(spec["materials"])
    )
    for position, stage_spec in enumerate(spec["stages"]):
        stage = FlowStage.objects.create(item=item, position=position, name=stage_spec["name"])
        FlowStep.objects.bulk_create(
            FlowStep(
                stage=stage,
                department=departments[step["department"]],
                limit_days=step["limit_days"],
                task_name=step.get("task") or "",
            )
            for step in stage_spec["steps"]
        )
    return item


def _department_codes():
    return set(Department.objects.values_list("code", flat=True))


@transaction.atomic
def do_create_draft(code, *, acting_user):
    """Open a draft for editing: a copy of the published version, or the existing draft."""
    versions = ServiceItem.objects.select_for_update().filter(code=code)
    existing = {item.status: item for item in versions if item.status != ItemStatus.SUPERSEDED}
    if ItemStatus.DRAFT in existing:
        return existing[ItemStatus.DRAFT]
    source = existing.get(ItemStatus.PUBLISHED)
    if source is None:
        raise CatalogueError(
            [SpecError("code", _("事项“%(code)s”没有已发布的版本") % {"code": code})]
        )
    source = item_queryset_for_specs(ServiceItem.objects).get(pk=source.pk)
    spec = normalise_item_spec(item_to_spec(source))
    next_version = versions.aggregate(Max("version"))["version__max"] + 1
    departments = Department.objects.in_bulk(field_name="code")
    draft = _write_item_version(
        spec,
        version=next_version,
        status=ItemStatus.DRAFT,
        acting_user=acting_user,
        departments=departments,
    )
    audit.record(
        action="create_item_draft",
        obj=draft,
        acting_user=acting_user,
        to_state=ItemStatus.DRAFT,
        details={"code": code, "version": next_version, "from_version": source.version},
    )
    return draft


@transaction.atomic
def do_publish_item(item, *, acting_user):
    """Publish a draft: it becomes the version new cases use; the previous one is superseded."""
    versions = list(ServiceItem.objects.select_for_update().filter(code=item.code))
    item = next(v for v in versions if v.pk == item.pk)
    if item.status != ItemStatus.DRAFT:
        raise CatalogueError(
            [
                SpecError(
                    "status",
                    _("只能发布草稿；该版本状态为“%(s)s”") % {"s": item.get_status_display()},
                )
            ]
        )
    item = item_queryset_for_specs(ServiceItem.objects).get(pk=item.pk)
    errors = validate_item_spec(item_to_spec(item), department_codes=_department_codes())
    if errors:
        raise CatalogueError(errors)
    now = timezone.now()
    previous = [v for v in versions if v.status == ItemStatus.PUBLISHED]
    for old in previous:
        old.status = ItemStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])
    item.status = ItemStatus.PUBLISHED
    item.published_at = now
    item.search_pinyin = pinyin_keys(item.name, item.keywords)
    item.save(update_fields=["status", "published_at", "search_pinyin"])
    audit.record(
        action="publish_item",
        obj=item,
        acting_user=acting_user,
        from_state=ItemStatus.DRAFT,
        to_state=ItemStatus.PUBLISHED,
        details={
            "code": item.code,
            "version": item.version,
            "superseded": [v.version for v in previous],
        },
    )
    return item


@transaction.atomic
def do_discard_draft(item, *, acting_user):
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.DRAFT:
        raise CatalogueError([SpecError("status", _("只能删除草稿；已发布的版本不可更改"))])
    audit.record(
        action="discard_item_draft", obj=item, acting_user=acting_user, from_state=item.status
    )
    item.delete()


@transaction.atomic
def do_import_catalogue(data, *, acting_user=None):
    """Import a whole catalogue (docs/catalogue-format.md): all of it, or nothing and every error.

    Returns counts of what changed. An item equal to its published version is left alone, so a
    second import of the same file writes nothing.
    """
    from onewindow.catalog.interchange import validate_catalogue

    errors = validate_catalogue(data, existing_department_codes=_department_codes())
    if errors:
        raise CatalogueError(errors)
    summary = {
        "departments_created": 0,
        "departments_updated": 0,
        "items_created": 0,
        "items_new_version": 0,
        "items_unchanged": 0,
    }

    departments = Department.objects.in_bulk(field_name="code")
    for spec in data.get("departments") or []:
        wanted = {
            "code": spec["code"],
            "name": spec["name"],
            "short_name": spec.get("short_name") or "",
            "kind": spec["kind"],
            "parent": spec.get("parent") or None,
            "address": spec.get("address") or "",
            "phone": spec.get("phone") or "",
        }
        current = departments.get(spec["code"])
        if current is not None and department_to_spec(current) == wanted:
            continue
        fields = {k: v for k, v in wanted.items() if k not in ("code", "parent")}
        fields["parent"] = departments[wanted["parent"]] if wanted["parent"] else None
        if current is None:
            departments[spec["code"]] = Department.objects.create(code=spec["code"], **fields)
            summary["departments_created"] += 1
        else:
            for key, value in fields.items():
                setattr(current, key, value)
            current.save(update_fields=list(fields))
            summary["departments_updated"] += 1

    specs = [normalise_item_spec(s) for s in data.get("items") or []]
    codes = [s["code"] for s in specs]
    current_versions = {}
    for item in item_queryset_for_specs(
        ServiceItem.objects.select_for_update().filter(code__in=codes)
    ):
        current_versions.setdefault(item.code, []).append(item)
    now = timezone.now()
    for spec in specs:
        versions = current_versions.get(spec["code"], [])
        published = next((v for v in versions if v.status == ItemStatus.PUBLISHED), None)
        if published is not None and normalise_item_spec(item_to_spec(published)) == spec:
            summary["items_unchanged"] += 1
            continue
        for old in versions:
            if old.status == ItemStatus.PUBLISHED:
                old.status, old.superseded_at = ItemStatus.SUPERSEDED, now
                old.save(update_fields=["status", "superseded_at"])
            elif old.status == ItemStatus.DRAFT:
                # The imported file is the authority: a pending draft would be built on a stale base.
                old.delete()
        version = max((v.version for v in versions), default=0) + 1
        _write_item_version(
            spec,
            version=version,
            status=ItemStatus.PUBLISHED,
            acting_user=acting_user,
            departments=departments,
        )
        summary["items_new_version" if versions else "items_created"] += 1

    audit.record(
        action="import_catalogue",
        object_type="catalog.catalogue",
        object_id="catalogue",
        acting_user=acting_user,
        details=summary,
    )
    return summary
