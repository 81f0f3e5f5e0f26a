"""`onewindow token create USERNAME --name NAME` and `onewindow token revoke PREFIX`.

The token is printed once, alone on stdout, so that a script can capture it; it cannot be shown
again (only its digest is stored). Tokens are listed and revoked in the admin too. Messages are in
the terminal's language (core/i18n.py): Chinese by default, English under an English locale.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.models import User
from onewindow.accounts.tokens import TokenError, do_create_token, do_revoke_token, find_by_prefix
from onewindow.core.i18n import OperatorCommand


class Command(OperatorCommand):
    help = gettext_lazy("创建或吊销系统对接用的接口令牌。")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help=_("为一个工作人员账户创建令牌。"))
        create.add_argument("username", help=_("令牌代表的账户。"))
        create.add_argument("--name", required=True, help=_("令牌的用途。"))
        revoke = commands.add_parser("revoke", help=_("按令牌的前 8 个字符吊销。"))
        revoke.add_argument("prefix", help=_("令牌的前 8 个字符。"))

    def handle(self, *args, subcommand, **options):
        try:
            if subcommand == "create":
                return self._create(options["username"], options["name"])
            return self._revoke(options["prefix"])
        except TokenError as exc:
            raise CommandError(str(exc)) from None

    def _create(self, username, name):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("没有用户 %(username)s") % {"username": username}) from None
        api_token, token = do_create_token(user, name=name)
        self.stdout.write(token)
        self.stderr.write(
            _("已为 %(username)s 创建令牌“%(name)s”（前缀 %(prefix)s）；令牌只显示这一次。")
            % {"username": user.username, "name": api_token.name, "prefix": api_token.key_prefix}
        )

    def _revoke(self, prefix):
        api_token = find_by_prefix(prefix)
        already = api_token.revoked_at is not None
        do_revoke_token(api_token)
        if already:
            self.stdout.write(
                _("%(prefix)s 已于 %(when)s 吊销")
                % {
                    "prefix": api_token.key_prefix,
                    "when": f"{api_token.revoked_at:%Y-%m-%d %H:%M}",
                }
            )
        else:
            self.stdout.write(_("%(prefix)s 已吊销") % {"prefix": api_token.key_prefix})
