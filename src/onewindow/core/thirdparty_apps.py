"""Third-party apps as the admin names them: their own configs name them in English only.

django-axes has no verbose_name (the admin shows its label, "Axes") and django-tasks-db names
itself "Tasks Database Backend" without gettext, so neither can be translated by a catalogue. These
subclasses keep each app's name and label (so migrations and tables are unchanged) and give it a
Chinese source name, translated into English by locale/en like every other string of ours.
Their models' own labels are English msgids of those packages: locale/zh_Hans translates them.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录防护")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("后台任务")
