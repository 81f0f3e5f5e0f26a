from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.catalog.constants import SpecialProcedure


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待预审")
    NEEDS_SUPPLEMENT = "needs_supplement", _("待补正")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    IN_REVIEW = "in_review", _("审查中")
    SUSPENDED = "suspended", _("暂停计时")
    DECIDED = "decided", _("已决定")
    ISSUED = "issued", _("已出件")
    DELIVERED = "delivered", _("已送达")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


# States in which the clock runs or is stopped: the case is "open" for supervision and inboxes.
OPEN_STATES = (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED)
# States from which the applicant may withdraw and a head may terminate.
WITHDRAWABLE_STATES = (
    CaseState.SUBMITTED,
    CaseState.NEEDS_SUPPLEMENT,
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
)


class Decision(models.TextChoices):
    APPROVED = "approved", _("准予许可")
    REFUSED = "refused", _("不予许可")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("自然人")
    ENTERPRISE = "enterprise", _("法人或其他组织")


class IntakeChannel(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    ONLINE = "online", _("网上办理")
    KIOSK = "kiosk", _("自助终端")
    VILLAGE = "village", _("村（社区）服务点")
    API = "api", _("系统对接")


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", _("已收取")
    MISSING = "missing", _("缺少")
    DEFECTIVE = "defective", _("需补正")
    TOLERATED = "tolerated", _("容缺后补")
    NOT_REQUIRED = "not_required", _("未提交（非必要）")


class StageState(models.TextChoices):
    PENDING = "pending", _("未开始")
    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class TaskState(models.TextChoices):
    PENDING = "pending", _("未开始")
    OPEN = "open", _("待审查")
    # As states (the buttons that set them say 同意 / 不同意 too, and read differently in English).
    APPROVED = "approved", pgettext_lazy("task state", "同意")
    REFUSED = "refused", pgettext_lazy("task state", "不同意")
    CANCELLED = "cancelled", _("已取消")


OPEN_TASK_STATES = (TaskState.OPEN,)


# A clock stop: the window's supplement request, or one of the catalogue's special procedures
# (Art. 45), which are listed once, in catalog.constants.
SuspensionKind = models.TextChoices(
    "SuspensionKind",
    [
        ("SUPPLEMENT", ("supplement", _("补正材料"))),
        *((procedure.name, (procedure.value, procedure.label)) for procedure in SpecialProcedure),
    ],
)


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不批准")


class Colour(models.TextChoices):
    """Electronic supervision (电子监察) cards."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警（黄牌）")
    RED = "red", _("超期（红牌）")
    PAUSED = "paused", _("暂停计时")
    NONE = "none", _("不计时")


# Administrative Licensing Law: Art. 42 one department may extend by 10 working days; Art. 26/42 a
# joint case is capped at 45 + 15; Art. 32 an undecided intake counts as accepted after 5 days.
SINGLE_EXTENSION_CAP_DAYS = 10
JOINT_EXTENSION_CAP_DAYS = 15
JOINT_TOTAL_CAP_DAYS = 45 + 15
UNDECIDED_INTAKE_DAYS = 5


class DraftState(models.TextChoices):
    """A decision drafted by a reviewer of the lead department, signed (签发) by its head."""

    AWAITING_SIGNATURE = "awaiting_signature", _("待签发")
    RETURNED = "returned", _("已退回")
    SIGNED = "signed", _("已签发")
