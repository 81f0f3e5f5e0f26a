"""`onewindow demo`: load the demo district and create the demo staff. Safe to run again."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.constants import Role
from onewindow.accounts.models import User
from onewindow.catalog.actions import CatalogueError, do_import_catalogue
from onewindow.catalog.interchange import DEMO_CATALOGUE, load_file
from onewindow.catalog.models import Department
from onewindow.core.i18n import OperatorCommand

DEMO_PASSWORD = "onewindow-demo"

# username, full name, role, department code, is_staff (admin access), is_superuser
DEMO_STAFF = [
    ("admin", "系统管理员", "", None, True, True),
    ("catalog", "事项管理员 林芳", Role.CATALOG_ADMIN, "ZWFWZX", True, False),
    ("clerk", "综合窗口 陈晓", Role.CLERK, "ZWFWZX", False, False),
    ("clerk_village", "霞角村代办员 叶青", Role.CLERK, "LJZ-XJC", False, False),
    ("reviewer_market", "市场监管 黄伟", Role.REVIEWER, "SCJGJ", False, False),
    ("reviewer_fire", "消防救援 刘强", Role.REVIEWER, "XFJYDD", False, False),
    ("reviewer_housing", "住建 张敏", Role.REVIEWER, "ZJJ", False, False),
    ("head_market", "市场监管 负责人 王建国", Role.HEAD, "SCJGJ", False, False),
    # Every department that reviews has a head: extensions are approved and decisions signed.
    ("head_fire", "消防救援 负责人 陈志刚", Role.HEAD, "XFJYDD", False, False),
    ("head_housing", "住建 负责人 赵丽华", Role.HEAD, "ZJJ", False, False),
    ("supervisor", "电子监察 李静", Role.SUPERVISOR, "ZWFWZX", False, False),
    ("agent", "项目代办员 周航", Role.AGENT, "ZWFWZX", False, False),
]

CATALOG_ADMIN_MODELS = [
    "department",
    "serviceitem",
    "material",
    "flowstage",
    "flowstep",
    "calendaryear",
    "calendarday",
]


def sync_role_groups():
    """The catalogue administrators' group may maintain the catalogue and the calendar in the admin."""
    group, _ = Group.objects.get_or_create(name="事项管理员")
    perms = Permission.objects.filter(content_type__model__in=CATALOG_ADMIN_MODELS)
    group.permissions.set(perms)
    return group


class Command(OperatorCommand):
    help = gettext_lazy("载入演示事项目录并创建演示工作人员账户（可重复运行）。")

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            summary = do_import_catalogue(load_file(DEMO_CATALOGUE))
        except CatalogueError as exc:
            raise CommandError(_("演示事项目录有误：\n%(errors)s") % {"errors": exc}) from exc
        self.stdout.write(
            _("事项目录：%(summary)s")
            % {"summary": " ".join(f"{k}={v}" for k, v in summary.items())}
        )
        group = sync_role_groups()
        departments = Department.objects.in_bulk(field_name="code")
        rows = []
        for username, full_name, role, dept, is_staff, is_superuser in DEMO_STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "role": role,
                    "department": departments.get(dept),
                    "is_staff": is_staff,
                    "is_superuser": is_superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                if role == Role.CATALOG_ADMIN:
                    user.groups.add(group)
            rows.append(
                (
                    username,
                    _("新建") if created else _("保留"),
                    user.get_role_display() or _("超级管理员"),
                    user.department.name if user.department else "—",
                )
            )
        self.stdout.write(
            "\n"
            + _("演示工作人员账户（新账户的密码：%(password)s）：") % {"password": DEMO_PASSWORD}
        )
        for username, state, role, dept in rows:
            self.stdout.write(f"  {username:<18} {role:<12} {dept}  [{state}]")
        self._signing_key()
        from onewindow.cases.demo import load_demo_cases
        from onewindow.delivery.demo import load_demo_lockers

        locker = load_demo_lockers()
        if locker is not None:
            self.stdout.write(
                "\n"
                + _("演示取件柜：%(name)s（%(count)d 格），自助取件页面 /kiosk/lockers/%(code)s/")
                % {"name": locker.name, "count": locker.compartments.count(), "code": locker.code}
            )

        cases = load_demo_cases()
        self.stdout.write("\n" + _("演示办件：%(count)s") % {"count": len(cases) or _("保留")})
        for number, item, state in cases:
            self.stdout.write(f"  {number:<22} {state:<10} {item}")

    def _signing_key(self):
        """The certificate signing key: generated for the demo when missing, never in production
        (settings refuse to start there without one)."""
        from django.conf import settings

        from onewindow.delivery import signing

        path = settings.ONEWINDOW_SIGNING_KEY_FILE
        if settings.ONEWINDOW_MODE != "production" and signing.generate_key_file(path):
            self.stdout.write("\n" + _("已生成证照签名密钥：%(path)s") % {"path": path})
        self.stdout.write(_("证照签名密钥编号：%(key)s") % {"key": signing.current_key_id()})
