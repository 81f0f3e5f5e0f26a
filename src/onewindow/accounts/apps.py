from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "onewindow.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from onewindow.accounts.middleware import stamp_new_session

        user_logged_in.connect(stamp_new_session, dispatch_uid="onewindow_stamp_new_session")
