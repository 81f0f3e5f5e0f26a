"""Errors of delivery actions (same shape as the case actions': code, status, Chinese / English)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.errors import CaseActionError, invalid_input


def bad_code_format(field="code"):
    return invalid_input(field, "取件码应为 6 位数字 / The code has 6 digits")


def wrong_code(message="领取码不正确 / The pickup code is wrong"):
    return CaseActionError("wrong_code", message, status=422)


def code_expired(until):
    until = timezone.localtime(until)
    return CaseActionError(
        "code_expired",
        f"取件码已于 {until:%Y-%m-%d %H:%M} 过期 / The code expired on {until:%Y-%m-%d %H:%M}",
        status=410,
    )


def code_used(when):
    when = timezone.localtime(when)
    return CaseActionError(
        "code_used",
        f"该取件码已使用，结果已于 {when:%Y-%m-%d %H:%M} 取走 / "
        f"This code was already used: the result was collected on {when:%Y-%m-%d %H:%M}",
        status=410,
    )


def tolerated_outstanding():
    return CaseActionError(
        "tolerated_materials_outstanding",
        "容缺材料尚未补齐，不能出件 / Tolerated missing materials have not arrived yet",
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
