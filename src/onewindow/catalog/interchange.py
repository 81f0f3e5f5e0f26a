"""Reading, checking and writing the catalogue file (docs/catalogue-format.md)."""

import json
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from onewindow.catalog.constants import ItemStatus
from onewindow.catalog.models import Department, ServiceItem
from onewindow.catalog.specs import department_to_spec, item_queryset_for_specs, item_to_spec
from onewindow.catalog.validation import SpecError, validate_department_spec, validate_item_spec

FORMAT = "onewindow-catalogue/1"
DEMO_CATALOGUE = Path(__file__).resolve().parent / "data" / "demo_catalogue.yaml"


def load_file(path):
    """Parse a YAML or JSON catalogue file; raise CatalogueError with the parse error's place."""
    from onewindow.catalog.actions import CatalogueError

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError([SpecError(str(path), _("无法读取文件：%(e)s") % {"e": exc})]) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            [SpecError(f"{path.name}:{exc.lineno}", _("JSON 格式错误：%(e)s") % {"e": exc.msg})]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{path.name}:{mark.line + 1}" if mark else path.name
        raise CatalogueError(
            [SpecError(place, _("YAML 格式错误：%(e)s") % {"e": getattr(exc, "problem", exc)})]
        ) from exc


def validate_catalogue(data, *, existing_department_codes=()):
    """Every error in a parsed catalogue; departments may refer to ones already in the database."""
    errors = []
    if not isinstance(data, dict):
        return [SpecError("", _("文件内容应为映射，包含 format、departments、items"))]
    if data.get("format") != FORMAT:
        errors.append(SpecError("format", _("应为 %(f)s") % {"f": FORMAT}))
    departments = data.get("departments") or []
    items = data.get("items") or []
    if not isinstance(departments, list):
        errors.append(SpecError("departments", _("应为列表")))
        departments = []
    if not isinstance(items, list):
        errors.append(SpecError("items", _("应为列表")))
        items = []

    known = set(existing_department_codes)
    seen = set()
    for index, spec in enumerate(departments):
        errors.extend(
            validate_department_spec(spec, place=f"departments[{index}]", known_codes=known)
        )
        code = spec.get("code") if isinstance(spec, dict) else None
        if code in seen:
            errors.append(
                SpecError(f"departments[{index}].code", _("部门编码“%(c)s”重复") % {"c": code})
            )
        if code:
            seen.add(code)
            known.add(code)

    seen = set()
    for index, spec in enumerate(items):
        errors.extend(validate_item_spec(spec, place=f"items[{index}]", department_codes=known))
        code = spec.get("code") if isinstance(spec, dict) else None
        if code in seen:
            errors.append(SpecError(f"items[{index}].code", _("事项编码“%(c)s”重复") % {"c": code}))
        if code:
            seen.add(code)
    return errors


def export_catalogue():
    """The whole catalogue: every department (parents first) and every published item."""
    by_id = {d.pk: d for d in Department.objects.select_related("parent")}
    ordered, placed = [], set()

    def place(department):
        if department.pk in placed:
            return
        if department.parent_id:
            place(by_id[department.parent_id])
        placed.add(department.pk)
        ordered.append(department)

    for department in sorted(by_id.values(), key=lambda d: d.code):
        place(department)
    items = item_queryset_for_specs(
        ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    ).order_by("code")
    return {
        "format": FORMAT,
        "departments": [department_to_spec(d) for d in ordered],
        "items": [item_to_spec(i) for i in items],
    }


def dump(data, fmt="yaml"):
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def validate_catalogue_file(path):
    """Parse and check a file without touching the database; return the list of errors."""
    from onewindow.catalog.actions import CatalogueError

    try:
        data = load_file(path)
    except CatalogueError as exc:
        return exc.errors
    return validate_catalogue(data)
