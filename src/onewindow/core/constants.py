from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班日")


class ScheduleSource(models.TextChoices):
    SEED = "seed", _("chinesecalendar 初始数据")
    FILE = "file", _("文件导入")
    ADMIN = "admin", _("后台维护")
