"""Errors of delivery actions (same shape as the case actions': code, status, a message in the
reader's language)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.errors import CaseActionError, invalid_input


def bad_code_format(field="code"):
    return invalid_input(field, _("取件码应为 6 位数字"))


def wrong_code(message=None):
    return CaseActionError("wrong_code", message or _("领取码不正确"), status=422)


def code_expired(until):
    until = timezone.localtime(until)
    return CaseActionError(
        "code_expired",
        _("取件码已于 %(until)s 过期") % {"until": f"{until:%Y-%m-%d %H:%M}"},
        status=410,
    )


def code_used(when):
    when = timezone.localtime(when)
    return CaseActionError(
        "code_used",
        _("该取件码已使用，结果已于 %(when)s 取走") % {"when": f"{when:%Y-%m-%d %H:%M}"},
        status=410,
    )


def tolerated_outstanding():
    return CaseActionError(
        "tolerated_materials_outstanding",
        _("容缺材料尚未补齐，不能出件"),
    )


# --- service points (cases.permissions.at_own_point) ------------------------------------------


def locker_at_other_point(locker):
    return CaseActionError(
        "locker_at_other_point",
        _("%(locker)s属于%(point)s，只能存入本服务点的取件柜。")
        % {"locker": locker.name, "point": locker.service_point.name},
        status=403,
    )


def result_at_other_point(point):
    name = point.name if point is not None else _("政务服务中心")
    return CaseActionError(
        "result_at_other_point",
        _(
            "该结果在%(point)s待领取，只能由%(point)s的窗口人员办理；"
            "要在其他服务点领取，请由%(point)s办理转移。"
        )
        % {"point": name},
        status=403,
    )
