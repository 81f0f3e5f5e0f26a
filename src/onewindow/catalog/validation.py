"""Rules every service item version must satisfy before it is published or imported.

The rules work on the plain "spec" form of an item (the dict the catalogue file uses, see
docs/catalogue-format.md), so the importer, the admin's publish action and tests share one path.
Each error names its place, e.g. `items[3].stages[0].steps[1].department`.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onewindow.catalog.constants import (
    JOINT_LEGAL_LIMIT_DAYS,
    MAX_LIMIT_DAYS,
    Channel,
    ConstructionStage,
    DeliveryMethod,
    ELicenceType,
    ItemType,
    MaterialForm,
    Requirement,
    ResultDocument,
    SpecialProcedure,
    WindowClass,
)
from onewindow.core.punctuation import join_list

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


@dataclass(frozen=True)
class SpecError:
    place: str
    message: str

    def __str__(self):
        return f"{self.place}: {self.message}" if self.place else self.message


class _Checker:
    def __init__(self, place):
        self.place = place
        self.errors = []

    def error(self, where, message):
        place = f"{self.place}.{where}" if where and self.place else (where or self.place)
        self.errors.append(SpecError(place, message))

    def text(self, spec, key, *, required=True, max_length=200):
        value = spec.get(key)
        if value is None or value == "":
            if required:
                self.error(key, _("必填项不能为空"))
            return ""
        if not isinstance(value, str):
            self.error(key, _("应为文本"))
            return ""
        if len(value) > max_length:
            self.error(key, _("长度不能超过 %(n)d 个字符") % {"n": max_length})
        return value

    def integer(self, spec, key, *, low, high, required=True):
        value = spec.get(key)
        if value is None:
            if required:
                self.error(key, _("必填项不能为空"))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, _("应为整数"))
            return None
        if not low <= value <= high:
            self.error(key, _("应在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high})
            return None
        return value

    def boolean(self, spec, key):
        value = spec.get(key, False)
        if not isinstance(value, bool):
            self.error(key, _("应为 true 或 false"))
            return False
        return value

    def choice(self, spec, key, choices, *, required=True):
        value = spec.get(key, "")
        if value in (None, ""):
            if required:
                self.error(key, _("必填项不能为空"))
            return ""
        if value not in choices.values:
            self.error(
                key,
                _("“%(value)s”不是有效选项，可选：%(options)s")
                % {"value": value, "options": join_list(choices.values)},
            )
            return ""
        return value

    def choice_list(self, spec, key, choices, *, required=True):
        values = spec.get(key) or []
        if not isinstance(values, list):
            self.error(key, _("应为列表"))
            return []
        if required and not values:
            self.error(key, _("至少选择一项"))
        for index, value in enumerate(values):
            if value not in choices.values:
                self.error(
                    f"{key}[{index}]",
                    _("“%(value)s”不是有效选项，可选：%(options)s")
                    % {"value": value, "options": join_list(choices.values)},
                )
        if len(set(map(str, values))) != len(values):
            self.error(key, _("选项重复"))
        return values


def validate_item_spec(spec, *, place="", department_codes):
    """Return every error of one item spec; an empty list means it may be published."""
    check = _Checker(place)
    if not isinstance(spec, dict):
        check.error("", _("应为映射（键值对）"))
        return check.errors

    code = check.text(spec, "code", max_length=64)
    if code and not CODE_PATTERN.match(code):
        check.error("code", _("编码只能包含字母、数字、短横线和下划线"))
    check.text(spec, "name")
    check.choice(spec, "type", ItemType)
    window_class = check.choice(spec, "window_class", WindowClass)
    stage = check.choice(spec, "construction_stage", ConstructionStage, required=False)
    if stage and window_class and window_class != WindowClass.INVESTMENT:
        check.error("construction_stage", _("只有投资审批类事项才有工程建设审批阶段"))
    lead = check.text(spec, "lead_department", max_length=32)
    if lead and lead not in department_codes:
        check.error("lead_department", _("部门“%(code)s”不存在") % {"code": lead})
    legal = check.integer(spec, "legal_limit_days", low=1, high=MAX_LIMIT_DAYS)
    promised = check.integer(spec, "promised_limit_days", low=0, high=MAX_LIMIT_DAYS)
    on_the_spot = check.boolean(spec, "on_the_spot")
    check.integer(spec, "max_visits", low=0, high=2, required=False)
    check.integer(spec, "result_validity_years", low=0, high=30, required=False)
    if "needs_signature" in spec:
        check.boolean(spec, "needs_signature")
    check.choice(spec, "result_document", ResultDocument, required=False)
    channels = check.choice_list(spec, "channels", Channel)
    fully_online = check.boolean(spec, "fully_online")
    check.choice_list(spec, "delivery_methods", DeliveryMethod)
    check.choice_list(spec, "special_procedures", SpecialProcedure, required=False)
    fee = spec.get("fee_yuan", 0)
    if isinstance(fee, bool) or not isinstance(fee, int | float | str):
        check.error("fee_yuan", _("应为金额"))
    else:
        try:
            if float(fee) < 0:
                check.error("fee_yuan", _("收费金额不能为负数"))
        except ValueError:
            check.error("fee_yuan", _("应为金额"))
    keywords = spec.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        check.error("keywords", _("应为文本列表"))
    for key in ("fee_basis", "conditions", "legal_basis", "notes"):
        check.text(spec, key, required=False, max_length=300 if key == "fee_basis" else 5000)

    if legal is not None and promised is not None and promised > legal:
        check.error(
            "promised_limit_days",
            _("承诺时限（%(p)d）不得超过法定时限（%(l)d）") % {"p": promised, "l": legal},
        )
    if on_the_spot and promised not in (None, 0):
        check.error("promised_limit_days", _("即办件的承诺时限应为 0 个工作日"))
    if fully_online and "online" not in channels:
        check.error("channels", _("全程网办事项必须开放网上办理渠道"))

    if fully_online and spec.get("max_visits", 1) not in (0, None):
        check.error("max_visits", _("全程网办事项的到现场次数应为 0（零跑动）"))

    _validate_materials(check, spec.get("materials"))
    departments_in_flow, flow_days = _validate_stages(check, spec.get("stages"), department_codes)

    if lead and departments_in_flow and lead not in departments_in_flow:
        check.error("lead_department", _("牵头部门“%(code)s”未参与办理流程") % {"code": lead})
    if promised is not None and flow_days is not None and flow_days > promised:
        check.error(
            "stages",
            _("各环节最长步骤时限之和为 %(days)d 个工作日，超过承诺时限 %(p)d 个工作日")
            % {"days": flow_days, "p": promised},
        )
    if legal is not None and len(departments_in_flow) > 1 and legal > JOINT_LEGAL_LIMIT_DAYS:
        check.error(
            "legal_limit_days",
            _(
                "多个部门联合办理的事项，法定时限不得超过 %(n)d 个工作日（行政许可法第二十六条、第四十二条）"
            )
            % {"n": JOINT_LEGAL_LIMIT_DAYS},
        )
    return check.errors


def _validate_materials(check, materials):
    if materials is None:
        materials = []
    if not isinstance(materials, list):
        check.error("materials", _("应为列表"))
        return
    names = set()
    for index, material in enumerate(materials):
        sub = _Checker(
            f"{check.place}.materials[{index}]" if check.place else f"materials[{index}]"
        )
        if not isinstance(material, dict):
            sub.error("", _("应为映射（键值对）"))
        else:
            name = sub.text(material, "name")
            if name in names:
                sub.error("name", _("材料“%(name)s”重复") % {"name": name})
            names.add(name)
            sub.choice(material, "requirement", Requirement, required=False)
            sub.choice(material, "form", MaterialForm, required=False)
            sub.integer(material, "copies", low=1, high=99, required=False)
            sub.choice(material, "e_licence", ELicenceType, required=False)
            sub.text(material, "notes", required=False, max_length=300)
        check.errors.extend(sub.errors)


def _validate_stages(check, stages, department_codes):
    """Check the flow; return the departments in it and the length of its longest path."""
    departments = set()
    if not isinstance(stages, list) or not stages:
        check.error("stages", _("至少需要一个办理环节"))
        return departments, None
    total = 0
    for s_index, stage in enumerate(stages):
        where = f"stages[{s_index}]"
        sub = _Checker(f"{check.place}.{where}" if check.place else where)
        if not isinstance(stage, dict):
            sub.error("", _("应为映射（键值对）"))
            check.errors.extend(sub.errors)
            total = None
            continue
        sub.text(stage, "name", max_length=80)
        steps = stage.get("steps")
        if not isinstance(steps, list) or not steps:
            sub.error("steps", _("每个环节至少需要一个审批部门"))
            check.errors.extend(sub.errors)
            continue
        seen, longest = set(), 0
        for t_index, step in enumerate(steps):
            step_check = _Checker(f"{sub.place}.steps[{t_index}]")
            if not isinstance(step, dict):
                step_check.error("", _("应为映射（键值对）"))
                check.errors.extend(step_check.errors)
                continue
            department = step_check.text(step, "department", max_length=32)
            if department and department not in department_codes:
                step_check.error("department", _("部门“%(code)s”不存在") % {"code": department})
            if department in seen:
                step_check.error(
                    "department", _("同一环节中部门“%(code)s”重复") % {"code": department}
                )
            seen.add(department)
            departments.add(department)
            days = step_check.integer(step, "limit_days", low=0, high=MAX_LIMIT_DAYS)
            step_check.text(step, "task", required=False, max_length=120)
            longest = max(longest, days or 0)
            sub.errors.extend(step_check.errors)
        if total is not None:
            total += longest
        check.errors.extend(sub.errors)
    return departments, total


def validate_department_spec(spec, *, place, known_codes):
    from onewindow.catalog.constants import DepartmentKind

    check = _Checker(place)
    if not isinstance(spec, dict):
        check.error("", _("应为映射（键值对）"))
        return check.errors
    code = check.text(spec, "code", max_length=32)
    if code and not CODE_PATTERN.match(code):
        check.error("code", _("编码只能包含字母、数字、短横线和下划线"))
    check.text(spec, "name", max_length=80)
    check.text(spec, "short_name", required=False, max_length=20)
    check.choice(spec, "kind", DepartmentKind)
    check.text(spec, "address", required=False, max_length=200)
    check.text(spec, "phone", required=False, max_length=40)
    parent = spec.get("parent")
    if parent not in (None, "") and parent not in known_codes:
        check.error("parent", _("上级“%(code)s”不存在（上级须排在下级之前）") % {"code": parent})
    if parent and parent == code:
        check.error("parent", _("上级不能是自己"))
    return check.errors
