"""Errors raised by case actions: a stable code, an HTTP status and a message in the reader's
language (gettext, made when the error is raised, so in the request's language).

Pages show the message; the API returns `{"code", "message"}` with the status (core.api_errors).
"""

from django.utils.translation import gettext as _

from onewindow.core.api_errors import ApiError


class CaseActionError(ApiError):
    def __init__(self, code, message, *, status=409, detail=None):
        super().__init__(status, code, message, detail=detail)


def wrong_state(case_or_task, allowed):
    current = case_or_task.get_state_display()
    return CaseActionError(
        "wrong_state",
        _("当前状态“%(state)s”下不能执行此操作") % {"state": current},
    )


def forbidden(message=None):
    return CaseActionError("forbidden", message or _("无权执行此操作"), status=403)


def not_found(what=None):
    return CaseActionError("not_found", what or _("办件不存在"), status=404)


def invalid_input(field_name, message):
    """422 for one bad field: the message, and a detail line naming the field."""
    return CaseActionError(
        "invalid_input",
        message,
        status=422,
        detail=[{"type": "invalid", "loc": [field_name], "msg": message}],
    )


def invalid_value(exc, loc=None):
    """422 `invalid_input` for a value a core validator refused (core.text.InvalidText,
    core.identity.InvalidIdentity): the detail line's `type` is the validator's stable code."""
    return CaseActionError(
        "invalid_input",
        exc.message,
        status=422,
        detail=[{"type": exc.code, "loc": loc or [exc.field], "msg": exc.message}],
    )


def confirmation_required():
    """An irreversible action (sign, refuse, revoke, terminate) posted without its confirmation
    box ticked: the page's form requires it, with or without JavaScript."""
    return CaseActionError(
        "confirmation_required",
        _("此操作不可撤回：请阅读将发生的结果，勾选确认后再提交"),
        status=422,
    )


def require_confirmation(data):
    """`data` is the posted form: its `confirm` box must be ticked (value "yes")."""
    if data.get("confirm") != "yes":
        raise confirmation_required()
