"""API tokens for integrations: made once, stored as a SHA-256 digest, revoked by prefix.

A token is 64 hex characters (256 random bits). Hex keeps it safe in headers, URLs and shell
arguments (a URL-safe token may start with "-", which a command line reads as an option).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import ApiToken
from onewindow.core import audit

PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each API read into a write; once a minute is
# enough to tell a live integration from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """A token operation that cannot be done, with a message for the command line (in the language
    active when raised: the terminal's, see core/i18n.py)."""


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_create_token(user, *, name, acting_user=None):
    """Make a token for `user`; returns (ApiToken, the token). The token is never stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("令牌须有名称"))
    if not user.is_active:
        raise TokenError(_("账户已停用"))
    token = secrets.token_hex(32)
    api_token = ApiToken.objects.create(
        user=user, name=name[:80], key_prefix=token[:PREFIX_LENGTH], key_hash=digest(token)
    )
    audit.record(
        action="create_api_token",
        obj=api_token,
        acting_user=acting_user,
        details={"user": user.username, "name": api_token.name, "prefix": api_token.key_prefix},
    )
    return api_token, token


@transaction.atomic
def do_revoke_token(api_token, *, acting_user=None):
    """Revoke at once; revoking twice is harmless (the first time is kept)."""
    updated = ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    api_token.refresh_from_db(fields=["revoked_at"])
    if updated:
        audit.record(
            action="revoke_api_token",
            obj=api_token,
            acting_user=acting_user,
            details={"user_id": api_token.user_id, "prefix": api_token.key_prefix},
        )
    return api_token


def find_by_prefix(prefix):
    """The one token whose key starts with `prefix` (at least 8 characters), or TokenError."""
    prefix = (prefix or "").strip().lower()
    if len(prefix) < PREFIX_LENGTH:
        raise TokenError(_("前缀至少 %(length)d 个字符") % {"length": PREFIX_LENGTH})
    matches = list(
        ApiToken.objects.filter(key_prefix=prefix[:PREFIX_LENGTH]).select_related("user")
    )
    if len(matches) > 1:
        raise TokenError(_("前缀 %(prefix)s 对应多个令牌，请在管理后台吊销") % {"prefix": prefix})
    if not matches:
        raise TokenError(_("没有前缀为 %(prefix)s 的令牌") % {"prefix": prefix})
    return matches[0]


def authenticate(token):
    """The active user the token stands for, or None (unknown, revoked, or inactive account).

    Found by its prefix (indexed), then the digests are compared in constant time, so that the
    answer time does not depend on how much of a guessed digest matched.
    """
    if not token or len(token) < PREFIX_LENGTH or len(token) > 200:
        return None
    wanted = digest(token)
    for candidate in ApiToken.objects.filter(key_prefix=token[:PREFIX_LENGTH]).select_related(
        "user"
    ):
        if not hmac.compare_digest(candidate.key_hash, wanted):
            continue
        if candidate.revoked_at is not None or not candidate.user.is_active:
            return None
        now = timezone.now()
        if candidate.last_used_at is None or now - candidate.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=candidate.pk).update(last_used_at=now)
        return candidate.user
    return None
