"""Every kind of staff notice: its label (the inbox's tag) and, for the kinds written from a few
values, its text. Both are gettext strings, rendered in the reader's language: the label when the
inbox is shown, the text when the notice is written (notify.notify, in the recipient's language).

A kind missing here would show its raw key (`extension_approved`) to staff:
tests/notifications/test_notice_languages.py renders every kind in every language.
"""

from django.utils.translation import gettext_lazy as _

# kind: (label, text with %(name)s placeholders, or None when the caller renders the text: the
# grouped colour notice, and the supervision cards rendered from their .staff.txt template).
KINDS = {
    "supplement_requested": (
        _("要求补正"),
        _("%(number)s %(department)s 要求补正材料：%(reason)s"),
    ),
    "extension_requested": (
        _("延期申请"),
        _("%(number)s 申请延期 %(days)s 个工作日：%(reason)s"),
    ),
    "extension_approved": (
        _("延期已批准"),
        _("%(number)s 延期 %(days)s 个工作日：负责人批准。%(note)s"),
    ),
    "extension_refused": (
        _("延期未批准"),
        _("%(number)s 延期 %(days)s 个工作日：负责人不批准。%(note)s"),
    ),
    "decision_awaiting_signature": (
        _("决定待签发"),
        _("%(number)s 决定草稿（%(outcome)s）待签发"),
    ),
    "decision_signed": (
        _("决定已签发"),
        _("%(number)s 决定已签发：%(decision)s %(decision_number)s"),
    ),
    "decision_draft_returned": (
        _("决定草稿被退回"),
        _("%(number)s 决定草稿被退回：%(comment)s"),
    ),
    "press": (_("督办"), _("督办 %(number)s：%(message)s")),
    "colour_changes": (_("监察状态变化汇总"), None),
    "yellow_card": (_("黄牌预警"), None),
    "red_card": (_("红牌超期"), None),
    "task_yellow_card": (_("本部门任务黄牌"), None),
    "task_red_card": (_("本部门任务红牌"), None),
}


def kind_label(kind):
    """The label of `kind` in the active language; an unknown kind (a row older than its
    label) reads as a plain notice, never as its key."""
    entry = KINDS.get(kind)
    return entry[0] if entry else _("通知")


def kind_text(kind, params):
    """The text of a templated kind with `params`, in the active language, stripped."""
    template = KINDS[kind][1]
    if template is None:
        raise ValueError(f"notice kind {kind!r} is rendered by its caller")
    return (str(template) % {key: str(value) for key, value in params.items()}).strip()
