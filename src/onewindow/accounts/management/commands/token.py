"""`onewindow token create USERNAME --name NAME` and `onewindow token revoke PREFIX`.

The token is printed once, alone on stdout, so that a script can capture it; it cannot be shown
again (only its digest is stored). Tokens are listed and revoked in the admin too.
"""

from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.models import User
from onewindow.accounts.tokens import TokenError, do_create_token, do_revoke_token, find_by_prefix


class Command(BaseCommand):
    help = "Create or revoke API tokens for integrations (系统对接接口令牌)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Create a token for a staff account.")
        create.add_argument("username", help="The account the token acts as.")
        create.add_argument("--name", required=True, help="What the token is for.")
        revoke = commands.add_parser("revoke", help="Revoke a token by its first 8 characters.")
        revoke.add_argument("prefix", help="The first 8 characters of the token.")

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
            raise CommandError(f"没有用户 {username} / No user {username}") from None
        api_token, token = do_create_token(user, name=name)
        self.stdout.write(token)
        self.stderr.write(
            f"已为 {user.username} 创建令牌“{api_token.name}”（前缀 {api_token.key_prefix}）；"
            "令牌只显示这一次。 / Token created; it is shown only this once."
        )

    def _revoke(self, prefix):
        api_token = find_by_prefix(prefix)
        already = api_token.revoked_at is not None
        do_revoke_token(api_token)
        if already:
            self.stdout.write(
                f"{api_token.key_prefix} 已于 {api_token.revoked_at:%Y-%m-%d %H:%M} 吊销"
            )
        else:
            self.stdout.write(f"{api_token.key_prefix} 已吊销 / revoked")
